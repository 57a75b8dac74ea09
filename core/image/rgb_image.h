#pragma once
#include <cstdint>
#include <vector>

namespace mnist {

// An 8-bit RGB raster, row-major, three bytes a pixel: the colour pictures core writes (heat maps,
// saliency overlays, generated photos).
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;  // width * height * 3 values

    RgbImage() = default;
    RgbImage(int w, int h, std::uint8_t fill = 0)
        : width(w), height(h), pixels(static_cast<std::size_t>(w) * h * 3, fill) {}
    std::uint8_t* at(int x, int y) {
        return &pixels[(static_cast<std::size_t>(y) * width + x) * 3];
    }
};

}  // namespace mnist
