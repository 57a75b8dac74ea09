#include "core/data/mnist_dataset.h"

#include <filesystem>

#include "core/data/idx_file.h"
#include "core/errors.h"

namespace mnist {
namespace {

// The file as MNIST names it, or its .gz twin when only that exists.
std::string locate(const std::string& dir, const std::string& name) {
    namespace fs = std::filesystem;
    const fs::path plain = fs::path(dir) / name;
    if (fs::exists(plain)) return plain.string();
    const fs::path gz = fs::path(dir) / (name + ".gz");
    if (fs::exists(gz)) return gz.string();
    throw DataError("MNIST file " + plain.string() +
                    " (or .gz) not found; run scripts/fetch_data.sh " + "or pass --data DIR");
}

}  // namespace

MnistData MnistData::select(const torch::Tensor& indices) const {
    return {images.index_select(0, indices), labels.index_select(0, indices)};
}

MnistData MnistData::head(std::int64_t n) const {
    if (n <= 0 || n >= size()) return *this;
    return {images.slice(0, 0, n), labels.slice(0, 0, n)};
}

MnistData load_mnist(const std::string& dir, Split split) {
    const std::string prefix = split == Split::Train ? "train" : "t10k";
    const std::string images_path = locate(dir, prefix + "-images-idx3-ubyte");
    const std::string labels_path = locate(dir, prefix + "-labels-idx1-ubyte");
    IdxImages images = read_idx_images(images_path);
    std::vector<std::uint8_t> labels = read_idx_labels(labels_path);
    if (images.rows != kImageSide || images.cols != kImageSide) {
        throw DataError(images_path + ": images are " + std::to_string(images.rows) + "x" +
                        std::to_string(images.cols) + ", MNIST's are 28x28");
    }
    if (static_cast<std::int64_t>(labels.size()) != images.count) {
        throw DataError(labels_path + " holds " + std::to_string(labels.size()) + " labels but " +
                        images_path + " holds " + std::to_string(images.count) + " images");
    }
    MnistData data;
    data.images = torch::from_blob(images.pixels.data(), {images.count, kImageSide, kImageSide},
                                   torch::kUInt8)
                      .clone();
    data.labels = torch::from_blob(labels.data(), {images.count}, torch::kUInt8).to(torch::kInt64);
    return data;
}

torch::Tensor to_unit_float(const torch::Tensor& images) {
    if (images.scalar_type() == torch::kUInt8) {
        return images.to(torch::kFloat32).div_(255.0).unsqueeze(1);
    }
    return images.dim() == 3 ? images.unsqueeze(1) : images;
}

torch::Tensor normalize(const torch::Tensor& unit_images) {
    return (unit_images - kMnistMean) / kMnistStd;
}

}  // namespace mnist
