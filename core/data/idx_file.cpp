#include "core/data/idx_file.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "core/data/mnist_format.h"
#include "core/errors.h"

namespace mnist {
namespace {

// Sides outside this range cannot be a real image and usually mean a corrupt header.
constexpr std::int64_t kMaxSide = 1024;
// No MNIST file holds more than the training set: 60,000 items, 47,040,000 bytes of pixels. A
// header claiming more is refused before anything is allocated or inflated, so a small .gz whose
// header promises 2e9 images cannot make us inflate gigabytes.
constexpr std::int64_t kMaxCount = 60000;
constexpr std::int64_t kMaxPayload = kMaxCount * kImagePixels;
// Trailing data is counted up to this much, then reading stops: the file is refused either way.
constexpr std::size_t kMaxExtraCounted = std::size_t{1} << 20;
// gzread takes an unsigned and returns an int, so one call must stay below INT_MAX.
constexpr std::size_t kMaxGzRead = std::size_t{1} << 30;

// What read_idx needs to know about one of the two IDX kinds MNIST uses.
struct IdxKind {
    std::int32_t magic;
    int ndims;  // including the leading count
    const char* noun;
    std::int32_t other_magic;
    const char* other_noun;
};

constexpr IdxKind kImagesKind{kIdxImagesMagic, 3, "images", kIdxLabelsMagic, "labels"};
constexpr IdxKind kLabelsKind{kIdxLabelsMagic, 1, "labels", kIdxImagesMagic, "images"};

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw DataError("IDX file '" + path + "': " + problem);
}

// gzopen reads plain files transparently, so the same code path serves raw and .gz files.
class GzReader {
  public:
    explicit GzReader(const std::string& path) : path_(path) {
        errno = 0;
        file_ = gzopen(path.c_str(), "rb");
        if (file_ == nullptr) {
            if (errno == ENOENT) fail(path_, "file not found");
            fail(path_, std::string("cannot open file: ") +
                            (errno != 0 ? std::strerror(errno) : "out of memory"));
        }
        // A larger buffer than zlib's 8 KiB default cuts syscalls for the 47 MB training file.
        gzbuffer(file_, 1 << 17);
    }
    ~GzReader() { gzclose(file_); }
    GzReader(const GzReader&) = delete;
    GzReader& operator=(const GzReader&) = delete;

    // Reads up to `size` bytes; fewer only at end of data. Throws on I/O or gzip errors.
    std::size_t read(std::uint8_t* out, std::size_t size) {
        std::size_t done = 0;
        while (done < size) {
            const auto want = static_cast<unsigned>(std::min(size - done, kMaxGzRead));
            const int got = gzread(file_, out + done, want);
            if (got < 0) {
                int code = Z_OK;
                std::string message = gzerror(file_, &code);
                // zlib prefixes its message with the path, which our own prefix already names.
                const std::string prefix = path_ + ": ";
                if (message.compare(0, prefix.size(), prefix) == 0) message.erase(0, prefix.size());
                fail(path_, code == Z_DATA_ERROR
                                ? std::string("gzip data is corrupt (") + message + ")"
                                : std::string("cannot read file: ") + message);
            }
            if (got == 0) break;
            done += static_cast<std::size_t>(got);
        }
        return done;
    }

    // zlib reports a gzip stream that stops mid-member only through the error state.
    bool compressed_stream_cut_short() const {
        int code = Z_OK;
        gzerror(file_, &code);
        return code == Z_BUF_ERROR;
    }

  private:
    std::string path_;
    gzFile file_ = nullptr;
};

std::int64_t big_endian_u32(const std::uint8_t* bytes) {
    return (std::int64_t{bytes[0]} << 24) | (std::int64_t{bytes[1]} << 16) |
           (std::int64_t{bytes[2]} << 8) | std::int64_t{bytes[3]};
}

struct IdxContents {
    std::vector<std::int64_t> dims;
    std::vector<std::uint8_t> data;
};

std::string describe_magic(std::int64_t found) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08llx", static_cast<unsigned long long>(found));
    return std::to_string(found) + " (" + hex + ")";
}

void check_magic(const std::string& path, const IdxKind& kind, std::int64_t found) {
    if (found == kind.magic) return;
    std::string problem = "wrong magic number: expected " + std::to_string(kind.magic) + " for " +
                          kind.noun + ", found " + describe_magic(found);
    if (found == kind.other_magic) {
        problem += std::string("; this looks like ") + (kind.other_noun[0] == 'i' ? "an " : "a ") +
                   kind.other_noun + " file";
    }
    fail(path, problem);
}

void check_dims(const std::string& path, const IdxKind& kind,
                const std::vector<std::int64_t>& dims) {
    if (dims[0] < 1 || dims[0] > kMaxCount) {
        fail(path, std::string(kind.noun) + " count " + std::to_string(dims[0]) +
                       " in the header is out of range (must be 1 to " + std::to_string(kMaxCount) +
                       ", the size of MNIST's training set)");
    }
    if (kind.ndims == 3) {
        const std::int64_t rows = dims[1];
        const std::int64_t cols = dims[2];
        if (rows < 1 || rows > kMaxSide || cols < 1 || cols > kMaxSide) {
            fail(path, "image dimensions " + std::to_string(rows) + "x" + std::to_string(cols) +
                           " in the header are outside 1.." + std::to_string(kMaxSide));
        }
        const std::int64_t bytes = dims[0] * rows * cols;  // <= 60000 * 1024 * 1024, no overflow
        if (bytes > kMaxPayload) {
            fail(path, "the header promises " + std::to_string(dims[0]) + " images of " +
                           std::to_string(rows) + "x" + std::to_string(cols) + " (" +
                           std::to_string(bytes) + " bytes), more than the " +
                           std::to_string(kMaxPayload) +
                           " bytes of MNIST's training set that this reader accepts");
        }
    }
}

// Reads exactly `expected` bytes into `data`, then insists the file ends there.
void read_payload(GzReader& reader, const std::string& path, const IdxKind& kind,
                  std::size_t expected, std::vector<std::uint8_t>& data) {
    // check_dims bounds `expected` by kMaxPayload, so one allocation of it is safe.
    data.resize(expected);
    const std::size_t have = reader.read(data.data(), expected);
    if (have < expected) {
        std::string problem = "file is truncated: the header promises " + std::to_string(expected) +
                              " bytes of " + kind.noun + " data but only " + std::to_string(have) +
                              " bytes follow it";
        if (reader.compressed_stream_cut_short()) problem += " (the gzip stream itself ends early)";
        fail(path, problem);
    }
    std::array<std::uint8_t, 1 << 16> rest;
    std::size_t extra = 0;
    for (std::size_t got;
         extra <= kMaxExtraCounted && (got = reader.read(rest.data(), rest.size())) > 0;) {
        extra += got;
    }
    if (extra > kMaxExtraCounted) {
        fail(path, "more than " + std::to_string(kMaxExtraCounted) +
                       " unexpected extra bytes after the " + std::to_string(expected) +
                       " bytes of " + kind.noun + " data the header promises");
    }
    if (extra > 0) {
        fail(path, std::to_string(extra) + " unexpected extra bytes after the " +
                       std::to_string(expected) + " bytes of " + kind.noun +
                       " data the header promises");
    }
}

IdxContents read_idx(const std::string& path, const IdxKind& kind) {
    GzReader reader(path);
    const std::size_t header_size = 4 * (1 + static_cast<std::size_t>(kind.ndims));
    std::array<std::uint8_t, 16> header{};
    const std::size_t got = reader.read(header.data(), header_size);
    auto too_short = [&] {
        fail(path, "header too short: " + std::to_string(got) + " of " +
                       std::to_string(header_size) + " bytes");
    };
    if (got < 4) too_short();
    // Magic first, so a labels file handed to the images reader is named as such rather than
    // reported as a short header.
    check_magic(path, kind, big_endian_u32(header.data()));
    if (got < header_size) too_short();

    IdxContents contents;
    for (int i = 0; i < kind.ndims; ++i) {
        contents.dims.push_back(big_endian_u32(header.data() + 4 * (i + 1)));
    }
    check_dims(path, kind, contents.dims);
    std::int64_t expected = 1;
    for (std::int64_t dim : contents.dims) expected *= dim;  // <= kMaxPayload after check_dims
    read_payload(reader, path, kind, static_cast<std::size_t>(expected), contents.data);
    return contents;
}

}  // namespace

IdxImages read_idx_images(const std::string& path) {
    IdxContents contents = read_idx(path, kImagesKind);
    IdxImages images;
    images.count = contents.dims[0];
    images.rows = contents.dims[1];
    images.cols = contents.dims[2];
    images.pixels = std::move(contents.data);
    return images;
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
    std::vector<std::uint8_t> labels = read_idx(path, kLabelsKind).data;
    const auto bad =
        std::find_if(labels.begin(), labels.end(), [](std::uint8_t l) { return l > 9; });
    if (bad != labels.end()) {
        fail(path, "label " + std::to_string(*bad) + " at index " +
                       std::to_string(bad - labels.begin()) + " is outside 0-9");
    }
    return labels;
}

}  // namespace mnist
