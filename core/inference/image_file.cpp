#include "core/inference/image_file.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/errors.h"

// The one translation unit that compiles stb_image; PNG, JPEG, BMP and PNM are all we promise.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_ONLY_PNM
#define STBI_FAILURE_USERMSG
#include <stb_image.h>

namespace mnist {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw DataError("Image file '" + path + "': " + problem);
}

// Decoding holds the whole image at up to 4 bytes a pixel, and the grey copy besides; a header
// asking for more pixels than this is refused before any is decoded (a 20000x20000 PNG took
// 1.1 GB and 7 s to read). 64 megapixels is more than any phone camera saves by default.
constexpr long long kMaxPixels = 64LL * 1000 * 1000;

// `known`: stbi_info understood the header. An unknown header is left to stbi_load to explain.
void check_pixel_count(const std::string& path, int known, int width, int height) {
    if (!known) return;
    const long long pixels = static_cast<long long>(width) * height;
    if (pixels <= kMaxPixels) return;
    fail(path, "image is " + std::to_string(width) + "x" + std::to_string(height) + " (" +
                   std::to_string(pixels / 1000000) + " megapixels); at most " +
                   std::to_string(kMaxPixels / 1000000) +
                   " megapixels are read, to keep memory in bounds: scale it down first");
}

std::uint8_t luminance(const std::uint8_t* rgb) {
    // ITU-R BT.601 weights, as Pillow's convert("L") and OpenCV's RGB2GRAY use.
    const double y = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    return static_cast<std::uint8_t>(std::lround(std::clamp(y, 0.0, 255.0)));
}

// The grey a transparent pixel stands for. Mostly-transparent images are ink on nothing (a
// drawing exported with a clear background): put the ink on the opposite tone, so black ink does
// not vanish on black nor white ink on white. Mostly-opaque images already carry their paper:
// fill the holes with that paper's tone.
std::uint8_t backdrop(const std::vector<std::uint8_t>& gray,
                      const std::vector<std::uint8_t>& alpha) {
    double alpha_sum = 0;
    double weighted_luma = 0;
    for (std::size_t i = 0; i < gray.size(); ++i) {
        alpha_sum += alpha[i];
        weighted_luma += static_cast<double>(alpha[i]) * gray[i];
    }
    if (alpha_sum <= 0) return 255;
    const double mean_luma = weighted_luma / alpha_sum;
    const bool mostly_transparent = alpha_sum < 0.5 * 255.0 * static_cast<double>(gray.size());
    if (mostly_transparent) return mean_luma < 128 ? 255 : 0;
    return static_cast<std::uint8_t>(std::lround(mean_luma));
}

// stb_image 2.27 (Debian 12's) builds a JPEG Huffman table of any size into a 257-entry array: a
// table of more than 256 codes writes past it (found by tests/fuzz/fuzz_image_file; later stb
// refuses such tables). JPEG allows at most 256, so every DHT segment is checked before stb sees
// the file, read the way stb reads it: 0xFF fill bytes before a marker, and tables read on while
// the segment's length is not used up, even past its end (past the file's end stb reads zeros).
// Outside the entropy-coded data a 0xFF is stuffed as FF 00, so each FF C4 is a DHT marker.
void check_jpeg_huffman_tables(const std::string& path, const std::uint8_t* bytes,
                               std::size_t size) {
    std::size_t start = 0;
    while (start < size && bytes[start] == 0xFF) ++start;
    if (start == 0 || start >= size || bytes[start] != 0xD8) return;  // no SOI: not a JPEG
    for (std::size_t at = start; at + 4 <= size; ++at) {
        if (bytes[at] != 0xFF || bytes[at + 1] != 0xC4) continue;
        long long left = ((bytes[at + 2] << 8) | bytes[at + 3]) - 2;
        for (std::size_t table = at + 4; left > 0 && table < size;) {
            int codes = 0;
            for (std::size_t i = table + 1; i <= table + 16 && i < size; ++i) codes += bytes[i];
            if (codes > 256) {
                fail(path, "corrupt JPEG: a Huffman table lists " + std::to_string(codes) +
                               " codes (at most 256)");
            }
            table += 17 + static_cast<std::size_t>(codes);
            left -= 17 + codes;
        }
    }
}

// stb_image 2.27 reads a PGM/PPM header's numbers into an int without an overflow check (signed
// overflow, undefined; found by tests/fuzz/fuzz_image_file). The header is walked as stb walks it
// (magic, then width, height and maximum, each after blanks and # comments) and a number past
// INT_MAX refused first.
void check_pnm_header(const std::string& path, const std::uint8_t* bytes, std::size_t size) {
    if (size < 2 || bytes[0] != 'P' || (bytes[1] != '5' && bytes[1] != '6')) return;
    const auto blank = [](std::uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    std::size_t at = 2;
    for (int field = 0; field < 3; ++field) {
        for (;;) {
            while (at < size && blank(bytes[at])) ++at;
            if (at >= size || bytes[at] != '#') break;
            while (at < size && bytes[at] != '\n' && bytes[at] != '\r') ++at;
        }
        long long value = 0;
        for (; at < size && bytes[at] >= '0' && bytes[at] <= '9'; ++at) {
            value = value * 10 + (bytes[at] - '0');
            if (value > std::numeric_limits<int>::max()) {
                fail(path, "corrupt PGM/PPM header: a size or maximum over " +
                               std::to_string(std::numeric_limits<int>::max()));
            }
        }
    }
}

using StbPixels = std::unique_ptr<stbi_uc, decltype(&stbi_image_free)>;

// Decoded pixels (or null, when stb failed) to grayscale; `path` names the image in errors.
GrayImage to_gray(const std::string& path, StbPixels data, int width, int height, int channels) {
    if (!data) {
        const char* reason = stbi_failure_reason();
        fail(path, std::string("not a readable PNG, JPEG, BMP or PGM/PPM image (") +
                       (reason ? reason : "unknown error") + ")");
    }
    if (width <= 0 || height <= 0) fail(path, "image has zero size");
    if (channels < 1 || channels > 4)
        fail(path, "unsupported channel count " + std::to_string(channels));

    const std::size_t count = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    const stbi_uc* src = data.get();
    GrayImage image;
    image.width = width;
    image.height = height;
    image.pixels.resize(count);
    const bool colour = channels >= 3;
    const bool has_alpha = channels == 2 || channels == 4;
    std::vector<std::uint8_t> alpha;
    if (has_alpha) alpha.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        const stbi_uc* pixel = src + i * static_cast<std::size_t>(channels);
        image.pixels[i] = colour ? luminance(pixel) : pixel[0];
        if (has_alpha) alpha[i] = pixel[channels - 1];
    }
    if (has_alpha) {
        // Straight (non-premultiplied) alpha over a flat backdrop.
        const int back = backdrop(image.pixels, alpha);
        for (std::size_t i = 0; i < count; ++i) {
            const int a = alpha[i];
            image.pixels[i] =
                static_cast<std::uint8_t>((image.pixels[i] * a + back * (255 - a) + 127) / 255);
        }
    }
    return image;
}

}  // namespace

GrayImage load_image_file(const std::string& path) {
    std::error_code error;
    const std::filesystem::file_status status = std::filesystem::status(path, error);
    if (!std::filesystem::exists(status)) fail(path, "no such file");
    if (std::filesystem::is_directory(status)) fail(path, "is a directory, not an image");
    if (std::filesystem::file_size(path, error) == 0 && !error) fail(path, "file is empty");

    // Read whole (stb would read a PNG whole anyway) so the JPEG check sees what stb decodes.
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, "cannot open file");
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                          std::istreambuf_iterator<char>()};
    if (in.bad()) fail(path, "cannot read file");
    return decode_image(bytes.data(), bytes.size(), path);
}

GrayImage decode_image(const std::uint8_t* bytes, std::size_t size, const std::string& name) {
    if (size == 0) fail(name, "file is empty");
    if (size > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        fail(name, "too large to decode (" + std::to_string(size) + " bytes)");
    check_jpeg_huffman_tables(name, bytes, size);
    check_pnm_header(name, bytes, size);
    int width = 0;
    int height = 0;
    int channels = 0;
    const int known =
        stbi_info_from_memory(bytes, static_cast<int>(size), &width, &height, &channels);
    check_pixel_count(name, known, width, height);
    StbPixels data(
        stbi_load_from_memory(bytes, static_cast<int>(size), &width, &height, &channels, 0),
        &stbi_image_free);
    return to_gray(name, std::move(data), width, height, channels);
}

}  // namespace mnist
