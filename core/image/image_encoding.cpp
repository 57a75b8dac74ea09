#include "core/image/image_encoding.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/errors.h"

// The one translation unit that compiles stb_image_write, static so that no other user of it
// (the image-file tests write their own fixtures) can clash with ours.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb_image_write.h>

namespace mnist {

namespace {

void append_bytes(void* context, void* data, int size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(context);
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    out->insert(out->end(), bytes, bytes + size);
}

void write_png_pixels(int width, int height, int channels, const std::vector<std::uint8_t>& pixels,
                      const std::string& path) {
    if (width <= 0 || height <= 0 ||
        pixels.size() != static_cast<std::size_t>(width) * height * channels) {
        throw DataError("PNG '" + path + "': the image is " + std::to_string(width) + "x" +
                        std::to_string(height) + " with " + std::to_string(pixels.size()) +
                        " values; nothing to write");
    }
    std::vector<std::uint8_t> png;
    if (!stbi_write_png_to_func(&append_bytes, &png, width, height, channels, pixels.data(),
                                width * channels)) {
        throw DataError("PNG '" + path + "': the encoder failed");
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (out)
        out.write(reinterpret_cast<const char*>(png.data()),
                  static_cast<std::streamsize>(png.size()));
    if (out) out.close();
    if (!out) {
        throw DataError("PNG '" + path + "': cannot write the file (" + std::strerror(errno) + ")");
    }
}

}  // namespace

void write_png(const GrayImage& image, const std::string& path) {
    write_png_pixels(image.width, image.height, 1, image.pixels, path);
}

void write_png(const RgbImage& image, const std::string& path) {
    write_png_pixels(image.width, image.height, 3, image.pixels, path);
}

std::vector<std::uint8_t> encode_jpeg(const RgbImage& image, int quality) {
    std::vector<std::uint8_t> jpeg;
    if (!stbi_write_jpg_to_func(&append_bytes, &jpeg, image.width, image.height, 3,
                                image.pixels.data(), std::clamp(quality, 1, 100))) {
        throw DataError("JPEG encoder failed on a " + std::to_string(image.width) + "x" +
                        std::to_string(image.height) + " image");
    }
    return jpeg;
}

}  // namespace mnist
