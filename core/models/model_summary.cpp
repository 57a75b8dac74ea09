#include "core/models/model_summary.h"

#include <iomanip>
#include <sstream>

#include "core/models/model_factory.h"

namespace mnist {
namespace {

// "torch::nn::Conv2dImpl" -> "Conv2d"
std::string layer_type(const torch::nn::Module& module) {
    std::string type = module.name();
    if (auto colon = type.rfind("::"); colon != std::string::npos) type = type.substr(colon + 2);
    if (type.size() > 4 && type.compare(type.size() - 4, 4, "Impl") == 0)
        type.resize(type.size() - 4);
    return type;
}

// Multiply-accumulates of one stage for one image, given its output (batch 1). A convolution does
// in_C/groups * kH * kW of them per output value, a linear layer in*out; everything else
// (BatchNorm, ReLU, pooling, dropout, flatten) is counted as 0, as torchinfo does.
std::int64_t stage_macs(const torch::nn::Module& module, const torch::Tensor& output) {
    if (const auto* conv = dynamic_cast<const torch::nn::Conv2dImpl*>(&module)) {
        const auto& o = conv->options;
        const std::int64_t kernel = (*o.kernel_size())[0] * (*o.kernel_size())[1];
        return output.numel() * (o.in_channels() / o.groups()) * kernel;
    }
    if (const auto* linear = dynamic_cast<const torch::nn::LinearImpl*>(&module)) {
        return linear->options.in_features() * linear->options.out_features();
    }
    return 0;
}

std::string with_commas(std::int64_t n) {
    std::string digits = std::to_string(n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
    return digits;
}

}  // namespace

ModelSummary summarize_model(const std::string& model) {
    torch::NoGradGuard no_grad;
    SequentialNet net = make_model(model);
    net->eval();
    ModelSummary summary;
    summary.model = model;
    torch::Tensor x = torch::zeros({1, 1, 28, 28});
    for (auto& stage : net->stages()) {
        x = stage.module.forward(x);
        const auto& module = *stage.module.ptr();
        summary.layers.push_back({stage.name, layer_type(module), x.sizes().vec(),
                                  count_parameters(module), stage_macs(module, x)});
        summary.total_macs += summary.layers.back().macs;
    }
    summary.total_params = count_parameters(*net);
    summary.trainable_params = count_parameters(*net, true);
    std::int64_t floats = summary.total_params;
    for (const auto& b : net->buffers()) {
        if (b.is_floating_point()) floats += b.numel();
    }
    summary.size_kb = floats * 4 / 1024.0;
    return summary;
}

std::string format_shape(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string format_summary(const ModelSummary& summary) {
    std::ostringstream out;
    const std::string rule(78, '-');
    const std::string thick(78, '=');
    out << rule << "\n"
        << std::left << std::setw(26) << "Layer (type)" << std::setw(24) << "Output Shape"
        << std::right << std::setw(14) << "Param #" << std::setw(14) << "MACs"
        << "\n"
        << thick << "\n";
    for (const auto& layer : summary.layers) {
        out << std::left << std::setw(26) << (layer.name + " (" + layer.type + ")") << std::setw(24)
            << format_shape(layer.output_shape) << std::right << std::setw(14)
            << with_commas(layer.params) << std::setw(14) << with_commas(layer.macs) << "\n";
    }
    out << thick << "\n"
        << "Total params: " << with_commas(summary.total_params) << "\n"
        << "Trainable params: " << with_commas(summary.trainable_params) << "\n"
        << "Non-trainable params: " << with_commas(summary.total_params - summary.trainable_params)
        << "\n"
        << "Total MACs (multiply-accumulates per image): " << with_commas(summary.total_macs)
        << "\n"
        << std::fixed << std::setprecision(2)
        << "Model size (params + buffers, float32): " << summary.size_kb << " KB\n"
        << rule << "\n";
    return out.str();
}

}  // namespace mnist
