#pragma once
// What the fuzz targets share: the IDX and checkpoint readers take a path, so each input is
// written to one scratch file per process first (in /tmp, removed at exit).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace fuzz_support {

class ScratchFile {
  public:
    explicit ScratchFile(const std::string& suffix)
        : path_("/tmp/mnist-fuzz-" + std::to_string(getpid()) + suffix) {}
    ~ScratchFile() { std::remove(path_.c_str()); }

    // The input as the file's whole content; aborts (a finding, not a silent pass) if it cannot.
    const std::string& write(const std::uint8_t* data, std::size_t size) {
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        out.close();
        if (!out) std::abort();
        return path_;
    }

  private:
    std::string path_;
};

}  // namespace fuzz_support
