#pragma once
// Reader for the IDX files MNIST ships in (http://yann.lecun.com/exdb/mnist/), raw or gzip'd.
#include <cstdint>
#include <string>
#include <vector>

namespace mnist {

inline constexpr std::int32_t kIdxImagesMagic = 2051;
inline constexpr std::int32_t kIdxLabelsMagic = 2049;

struct IdxImages {
    std::int64_t count = 0;
    std::int64_t rows = 0;
    std::int64_t cols = 0;
    std::vector<std::uint8_t> pixels;  // count * rows * cols bytes, image after image, row-major
};

// Both throw DataError whose message names the file and the problem: missing or unreadable file,
// wrong magic number, zero or absurd dimensions, file shorter or longer than its header promises,
// (labels) a value outside 0-9, or a header claiming more than MNIST's training set (60,000
// items, 60,000 x 28 x 28 bytes of pixels) -- refused before anything is allocated or inflated.
// Files ending in .gz are decompressed.
IdxImages read_idx_images(const std::string& path);
std::vector<std::uint8_t> read_idx_labels(const std::string& path);

}  // namespace mnist
