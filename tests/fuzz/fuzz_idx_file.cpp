// libFuzzer target: read_idx_images and read_idx_labels on any bytes, raw or gzip (gzopen reads
// both). The contract: a DataError naming the file, or data that matches its header; never a
// crash, a leak, an allocation bigger than the header's 60,000-item cap, or another exception.
#include <cstdint>
#include <cstdlib>

#include "core/data/idx_file.h"
#include "core/errors.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fuzz_support::ScratchFile file(".idx");
    const std::string& path = file.write(data, size);
    try {
        const mnist::IdxImages images = mnist::read_idx_images(path);
        const auto expected = static_cast<std::size_t>(images.count * images.rows * images.cols);
        if (images.count <= 0 || images.pixels.size() != expected) std::abort();
    } catch (const mnist::DataError&) {
    }
    try {
        const auto labels = mnist::read_idx_labels(path);
        for (const std::uint8_t label : labels) {
            if (label > 9) std::abort();
        }
    } catch (const mnist::DataError&) {
    }
    return 0;
}
