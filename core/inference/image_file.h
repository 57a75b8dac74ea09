#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/image/gray_image.h"

namespace mnist {

// Decodes a PNG, JPEG, BMP or PGM/PPM file into grayscale (colour converted by luminance,
// transparent pixels treated as background). Throws DataError naming the file and the problem.
GrayImage load_image_file(const std::string& path);

// The same for an image file already in memory (`size` bytes at `data`); `name` stands for the
// file in error messages. load_image_file of a file holding these bytes gives the same image.
GrayImage decode_image(const std::uint8_t* data, std::size_t size, const std::string& name);

}  // namespace mnist
