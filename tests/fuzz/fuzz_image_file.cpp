// libFuzzer target: decode_image (stb_image behind our header checks) on any bytes. The
// contract: a DataError naming the input, or a grey image whose size matches its pixels.
#include <cstdint>
#include <cstdlib>

#include "core/errors.h"
#include "core/inference/image_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const mnist::GrayImage image = mnist::decode_image(data, size, "fuzz input");
        const auto pixels = static_cast<std::size_t>(image.width) * image.height;
        if (image.width <= 0 || image.height <= 0 || image.pixels.size() != pixels) std::abort();
    } catch (const mnist::DataError&) {
    }
    return 0;
}
