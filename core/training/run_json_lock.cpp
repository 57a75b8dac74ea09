#include "core/training/run_json_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/errors.h"

namespace mnist {

RunJsonLock::RunJsonLock(const std::string& folder) {
    const std::string path = (std::filesystem::path(folder) / kFileName).string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        throw DataError("cannot lock the run: " + path +
                        " cannot be opened: " + std::strerror(errno));
    }
    // flock locks belong to the open file description, so two RunJsonLocks in one process (the
    // app's UI thread renaming while its trainer writes) exclude each other as two processes do.
    int rc;
    do {
        rc = ::flock(fd_, LOCK_EX);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int err = errno;
        ::close(fd_);
        throw DataError("cannot lock the run: " + path + ": " + std::strerror(err));
    }
}

RunJsonLock::~RunJsonLock() {
    ::close(fd_);  // releases the lock
}

}  // namespace mnist
