#pragma once
#include <string>

#include "core/gray_image.h"

namespace mnist {

// Decodes a PNG, JPEG, BMP or PGM/PPM file into grayscale (colour converted by luminance,
// transparent pixels treated as background). Throws DataError naming the file and the problem.
GrayImage load_image_file(const std::string& path);

}  // namespace mnist
