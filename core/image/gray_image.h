#pragma once
#include <cstdint>
#include <vector>

namespace mnist {

// An 8-bit grayscale raster, row-major, 0 = black, 255 = white. Either polarity of digit may be in
// it (dark ink on light paper, or light ink on dark). The GUI converts a QImage into this; the CLI
// decodes files into it (image_file.h).
struct GrayImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;  // width * height values

    std::uint8_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

}  // namespace mnist
