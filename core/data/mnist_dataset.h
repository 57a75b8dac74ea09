#pragma once
// MNIST held in memory as one uint8 tensor; batches are sliced from it and normalised on the way
// to the model (no per-sample transform objects).
#include <torch/torch.h>

#include <string>

#include "core/data/mnist_format.h"

namespace mnist {

enum class Split { Train, Test };

struct MnistData {
    torch::Tensor images;  // uint8 [N, 28, 28]
    torch::Tensor labels;  // int64 [N]

    std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
    // Rows `indices` (int64) of both tensors.
    MnistData select(const torch::Tensor& indices) const;
    // The first n rows (all when n <= 0 or n >= size()).
    MnistData head(std::int64_t n) const;
};

// Loads train-images-idx3-ubyte/train-labels-idx1-ubyte (or t10k-*) from `dir`, raw or .gz.
// Throws DataError naming the file when a file is missing or malformed, when the images are not
// 28x28, or when image and label counts disagree.
MnistData load_mnist(const std::string& dir, Split split);

// uint8 [B, 28, 28] (or float [B, 1, 28, 28] in [0, 1]) -> float [B, 1, 28, 28] in [0, 1].
torch::Tensor to_unit_float(const torch::Tensor& images);
// [0, 1] intensities -> the (x - 0.1307) / 0.3081 the models are trained on.
torch::Tensor normalize(const torch::Tensor& unit_images);

}  // namespace mnist
