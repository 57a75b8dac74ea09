#pragma once
// Images to PNG and JPEG bytes (stb_image_write), and PNGs to files. The one place core encodes.
#include <cstdint>
#include <string>
#include <vector>

#include "core/image/gray_image.h"
#include "core/image/rgb_image.h"

namespace mnist {

// Writes `image` as a PNG file at `path` (replacing it). Throws DataError naming the path when the
// image is empty or inconsistent, or the file cannot be written.
void write_png(const GrayImage& image, const std::string& path);
void write_png(const RgbImage& image, const std::string& path);

// `image` as JPEG bytes of `quality` 1-100. Throws DataError when the encoder fails.
std::vector<std::uint8_t> encode_jpeg(const RgbImage& image, int quality);

}  // namespace mnist
