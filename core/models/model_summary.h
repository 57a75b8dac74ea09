#pragma once
// A torchsummary-style description of a model for one 1x1x28x28 input.
#include <cstdint>
#include <string>
#include <vector>

namespace mnist {

struct LayerSummary {
    std::string name;                        // conv1, bn1, relu1 ...
    std::string type;                        // Conv2d, BatchNorm2d, ReLU ...
    std::vector<std::int64_t> output_shape;  // [1, 8, 28, 28]
    std::int64_t params = 0;
    // Multiply-accumulates per image: Conv2d and Linear only (BatchNorm, ReLU, pooling and the
    // rest are counted as 0, as torchinfo's mult-adds count them).
    std::int64_t macs = 0;
};

struct ModelSummary {
    std::string model;
    std::vector<LayerSummary> layers;
    std::int64_t total_params = 0;
    std::int64_t trainable_params = 0;
    std::int64_t total_macs = 0;  // per image, the sum of the layers'
    double size_kb = 0.0;         // parameters and buffers as float32
};

ModelSummary summarize_model(const std::string& model);
// The table as torchsummary prints it, with totals and size.
std::string format_summary(const ModelSummary& summary);
std::string format_shape(const std::vector<std::int64_t>& shape);

}  // namespace mnist
