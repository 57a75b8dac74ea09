#include "core/checkpoint/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/errors.h"

namespace mnist {
namespace fs = std::filesystem;
namespace {

// A file being written is <file>.tmp<pid of the writer> until it is renamed into place.
const char* const kTempInfix = ".tmp";

// The writer pid in a name of the form <something>.pth.tmp<pid> or <something>.json.tmp<pid>; 0
// for any other name.
pid_t temp_file_writer(const std::string& name) {
    const auto infix = name.rfind(kTempInfix);
    if (infix == std::string::npos) return 0;
    const std::string stem = name.substr(0, infix);
    const std::string digits = name.substr(infix + std::strlen(kTempInfix));
    const auto ends_with = [&](const char* suffix) {
        const std::size_t n = std::strlen(suffix);
        return stem.size() > n && stem.compare(stem.size() - n, n, suffix) == 0;
    };
    if (!(ends_with(".pth") || ends_with(".json")) || digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
        return 0;
    }
    return static_cast<pid_t>(std::stol(digits));
}

}  // namespace

void write_atomically(const std::string& path, const char* data, std::size_t size) {
    const std::string tmp = path + kTempInfix + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw CheckpointError("cannot write " + tmp + ": " + std::strerror(errno));
    int error = 0;
    for (std::size_t done = 0; done < size && !error;) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n >= 0) {
            done += static_cast<std::size_t>(n);
        } else if (errno != EINTR) {
            error = errno;
        }
    }
    if (!error && ::fsync(fd) != 0) error = errno;
    if (::close(fd) != 0 && !error) error = errno;
    if (!error && ::rename(tmp.c_str(), path.c_str()) != 0) error = errno;
    if (error) {
        ::unlink(tmp.c_str());
        throw CheckpointError("writing " + path + " failed: " + std::strerror(error) +
                              "; the previous file, if any, is unchanged");
    }
}

void sync_directory(const std::string& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

void remove_stale_temp_files(const std::string& dir) {
    std::error_code ec;
    for (const auto& entry :
         fs::directory_iterator(fs::path(dir.empty() ? std::string(".") : dir), ec)) {
        const pid_t writer = temp_file_writer(entry.path().filename().string());
        if (writer <= 0 || writer == ::getpid()) continue;
        if (::kill(writer, 0) == 0 || errno == EPERM) continue;
        std::error_code ignored;
        fs::remove(entry.path(), ignored);
    }
}

}  // namespace mnist
