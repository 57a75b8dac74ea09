#include "core/evaluation/inspection.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>

#include "core/checkpoint/checkpoint.h"
#include "core/data/data_location.h"
#include "core/data/mnist_dataset.h"
#include "core/errors.h"
#include "core/models/model_summary.h"

namespace mnist {

namespace {

// As evaluate() scores the test set, so the two give the same numbers bit for bit.
constexpr std::int64_t kTestBatch = 1000;

bool is_blank(const DigitPixels& digit) {
    return std::all_of(digit.begin(), digit.end(), [](float v) { return v == 0.0f; });
}

// A digit as the normalised [1, 1, 28, 28] input the models were trained on.
torch::Tensor model_input(const DigitPixels& digit) {
    const auto unit = torch::from_blob(const_cast<float*>(digit.data()),
                                       {1, 1, kImageSide, kImageSide}, torch::kFloat32);
    return normalize(unit);  // a new tensor: the caller's array is only read
}

std::vector<float> to_vector(const torch::Tensor& t) {
    const auto c = t.detach().to(torch::kFloat32).contiguous();
    return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// Divides by the largest value, so the map's peak is 1; an all-zero map stays zero.
void scale_to_unit_max(DigitPixels& map) {
    const float peak = *std::max_element(map.begin(), map.end());
    if (peak <= 0.0f) return;
    for (float& v : map) v /= peak;
}

// Top-left corners of the patches along one side: every `stride`, plus the last position so the
// far edge is covered too.
std::vector<int> patch_starts(int patch, int stride) {
    std::vector<int> starts;
    for (int s = 0; s + patch <= kImageSide; s += stride) starts.push_back(s);
    if (starts.back() != kImageSide - patch) starts.push_back(kImageSide - patch);
    return starts;
}

}  // namespace

std::vector<std::int64_t> TestSetInspection::cell(int label, int predicted_digit) const {
    std::vector<std::int64_t> indices;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] == label && predicted[i] == predicted_digit)
            indices.push_back(static_cast<std::int64_t>(i));
    }
    return indices;
}

DigitPixels TestSetInspection::pixels(std::int64_t index) const {
    if (index < 0 || index >= static_cast<std::int64_t>(labels.size())) {
        throw InvalidArgument("test image " + std::to_string(index) + " is out of range: " +
                              std::to_string(labels.size()) + " images were inspected");
    }
    DigitPixels out{};
    const std::uint8_t* bytes = images.data() + index * kImagePixels;
    for (int i = 0; i < kImagePixels; ++i) out[i] = bytes[i] / 255.0f;
    return out;
}

struct Inspector::Impl {
    LoadedModel loaded;
    std::string path;
    ModelSummary summary;  // each stage's type, parameters and MACs, in stage order

    // The winning digit's probability (and the digit) for a batch of normalised inputs.
    torch::Tensor probabilities(const torch::Tensor& x) {
        return torch::softmax(loaded.net->forward(x), 1);
    }
};

Inspector::Inspector(const std::string& checkpoint_path)
    : impl_(std::make_unique<Impl>(
          Impl{load_model_checkpoint(checkpoint_path), checkpoint_path, {}})) {
    impl_->loaded.net->eval();
    impl_->summary = summarize_model(impl_->loaded.model);
}
Inspector::~Inspector() = default;
Inspector::Inspector(Inspector&&) noexcept = default;
Inspector& Inspector::operator=(Inspector&&) noexcept = default;

const std::string& Inspector::model() const {
    return impl_->loaded.model;
}
const std::string& Inspector::checkpoint_path() const {
    return impl_->path;
}

std::vector<StageActivation> Inspector::feature_maps(const DigitPixels& digit) const {
    torch::NoGradGuard no_grad;
    std::vector<StageActivation> out;
    torch::Tensor x = model_input(digit);
    auto& stages = impl_->loaded.net->stages();
    for (std::size_t i = 0; i < stages.size(); ++i) {
        x = stages[i].module.forward(x);
        const LayerSummary& layer = impl_->summary.layers.at(i);
        auto shape = x.sizes().vec();
        shape.erase(shape.begin());  // the batch of one
        out.push_back({stages[i].name, layer.type, shape, layer.params, layer.macs, to_vector(x)});
    }
    return out;
}

std::vector<std::string> Inspector::filter_layers() const {
    std::vector<std::string> names;
    for (const auto& stage : impl_->loaded.net->stages()) {
        if (stage.module.ptr()->as<torch::nn::Conv2d>()) names.push_back(stage.name);
    }
    return names;
}

FilterBank Inspector::filters(const std::string& layer) const {
    for (const auto& stage : impl_->loaded.net->stages()) {
        const auto* conv = stage.module.ptr()->as<torch::nn::Conv2d>();
        if (stage.name != layer || !conv) continue;
        const torch::Tensor w = conv->weight.detach();  // [out, in / groups, kh, kw]
        FilterBank bank;
        bank.layer = layer;
        bank.out_channels = static_cast<int>(w.size(0));
        bank.in_channels = static_cast<int>(w.size(1));
        bank.kernel_h = static_cast<int>(w.size(2));
        bank.kernel_w = static_cast<int>(w.size(3));
        bank.weights = to_vector(w);
        bank.min = w.min().item<float>();
        bank.max = w.max().item<float>();
        return bank;
    }
    std::string known;
    for (const auto& name : filter_layers()) known += (known.empty() ? "" : ", ") + name;
    throw InvalidArgument("layer '" + layer + "' has no filters in " + model() +
                          "; the layers with filters are " + known);
}

SaliencyMap Inspector::gradient_saliency(const DigitPixels& digit) const {
    SaliencyMap result;
    if (is_blank(digit)) return result;
    torch::AutoGradMode grad_on(true);
    const torch::Tensor x = model_input(digit).requires_grad_(true);
    const torch::Tensor logits = impl_->loaded.net->forward(x);
    result.digit = static_cast<int>(logits.argmax(1).item<std::int64_t>());
    result.probability = torch::softmax(logits.detach(), 1)[0][result.digit].item<double>();
    // Only the input's gradient: the weights' .grad stay untouched.
    const torch::Tensor grad = torch::autograd::grad({logits[0][result.digit]}, {x})[0].abs();
    const auto values = to_vector(grad);
    std::copy(values.begin(), values.end(), result.map.begin());
    scale_to_unit_max(result.map);
    return result;
}

SaliencyMap Inspector::occlusion_saliency(const DigitPixels& digit, int patch, int stride) const {
    require_option(patch >= 1 && patch <= kImageSide, "occlusion", "patch", patch, "in 1..28");
    require_option(stride >= 1 && stride <= kImageSide, "occlusion", "stride", stride, "in 1..28");
    SaliencyMap result;
    if (is_blank(digit)) return result;
    torch::NoGradGuard no_grad;

    // Patches that cover ink; blanking a patch with none leaves the digit as it is, a drop of 0.
    struct Patch {
        int x, y;
    };
    std::vector<Patch> patches;
    const auto starts = patch_starts(patch, stride);
    for (int y : starts) {
        for (int x : starts) {
            bool ink = false;
            for (int r = y; r < y + patch && !ink; ++r)
                for (int c = x; c < x + patch && !ink; ++c) ink = digit[r * kImageSide + c] != 0.0f;
            if (ink) patches.push_back({x, y});
        }
    }
    // One forward: the digit itself first, then one occluded copy per patch.
    auto unit =
        torch::empty({static_cast<std::int64_t>(patches.size()) + 1, 1, kImageSide, kImageSide});
    std::memcpy(unit[0].data_ptr<float>(), digit.data(), sizeof(float) * kImagePixels);
    for (std::size_t i = 0; i < patches.size(); ++i) {
        unit[i + 1].copy_(unit[0]);
        unit[i + 1][0]
            .slice(0, patches[i].y, patches[i].y + patch)
            .slice(1, patches[i].x, patches[i].x + patch)
            .zero_();
    }
    const torch::Tensor probs = impl_->probabilities(normalize(unit));
    result.digit = static_cast<int>(probs[0].argmax().item<std::int64_t>());
    result.probability = probs[0][result.digit].item<double>();
    const auto winning = probs.select(1, result.digit).contiguous();
    const float* p = winning.data_ptr<float>();

    // Every position's patches count towards its average, the ones that changed nothing as 0.
    std::array<float, kImagePixels> drop_sum{};
    std::array<int, kImagePixels> covered{};
    for (int y : starts)
        for (int x : starts)
            for (int r = y; r < y + patch; ++r)
                for (int c = x; c < x + patch; ++c) ++covered[r * kImageSide + c];
    for (std::size_t i = 0; i < patches.size(); ++i) {
        const float drop = p[0] - p[i + 1];
        for (int r = patches[i].y; r < patches[i].y + patch; ++r)
            for (int c = patches[i].x; c < patches[i].x + patch; ++c)
                drop_sum[r * kImageSide + c] += drop;
    }
    for (int i = 0; i < kImagePixels; ++i)
        result.map[i] = std::max(0.0f, drop_sum[i] / static_cast<float>(covered[i]));
    scale_to_unit_max(result.map);
    return result;
}

TestSetInspection Inspector::inspect_test_set(
    const std::string& data_dir, std::int64_t limit,
    const std::function<bool(std::int64_t done, std::int64_t total)>& progress) const {
    const MnistData test = load_mnist(resolve_data_dir(data_dir), Split::Test).head(limit);
    torch::NoGradGuard no_grad;
    TestSetInspection r;
    const std::int64_t total = test.size();
    r.eval.count = total;
    const auto images = test.images.contiguous();
    r.images.assign(images.data_ptr<std::uint8_t>(),
                    images.data_ptr<std::uint8_t>() + images.numel());
    r.labels.reserve(total);
    r.predicted.reserve(total);
    r.confidence.reserve(total);
    double loss_sum = 0.0;
    for (std::int64_t begin = 0; begin < total; begin += kTestBatch) {
        // Asked before each batch: a cancel costs at most one batch's work.
        if (progress && !progress(begin, total)) {
            throw Cancelled("test-set inspection cancelled after " + std::to_string(begin) +
                            " of " + std::to_string(total) + " images");
        }
        const std::int64_t end = std::min(begin + kTestBatch, total);
        const auto x = normalize(to_unit_float(test.images.slice(0, begin, end)));
        const auto y = test.labels.slice(0, begin, end);
        const auto logits = impl_->loaded.net->forward(x);
        loss_sum +=
            torch::nn::functional::cross_entropy(
                logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                .item<double>();
        const auto predicted = logits.argmax(1);
        const auto confidence =
            torch::softmax(logits, 1).gather(1, predicted.unsqueeze(1)).squeeze(1);
        const auto pa = predicted.accessor<std::int64_t, 1>();
        const auto ya = y.accessor<std::int64_t, 1>();
        const auto ca = confidence.accessor<float, 1>();
        for (std::int64_t i = 0; i < end - begin; ++i) {
            r.labels.push_back(static_cast<std::int32_t>(ya[i]));
            r.predicted.push_back(static_cast<std::int32_t>(pa[i]));
            r.confidence.push_back(ca[i]);
            ++r.eval.confusion[ya[i]][pa[i]];
        }
    }
    if (progress) progress(total, total);  // done: there is nothing left to cancel

    std::int64_t correct = 0;
    for (int t = 0; t < kNumClasses; ++t) {
        std::int64_t row = 0;
        for (int p = 0; p < kNumClasses; ++p) row += r.eval.confusion[t][p];
        correct += r.eval.confusion[t][t];
        r.eval.class_accuracy[t] = row ? 100.0 * r.eval.confusion[t][t] / row : 0.0;
    }
    if (total > 0) {
        r.eval.loss = loss_sum / total;
        r.eval.accuracy = 100.0 * correct / total;
    }
    for (std::int64_t i = 0; i < total; ++i) {
        if (r.predicted[i] != r.labels[i]) r.mistakes.push_back(i);
    }
    std::stable_sort(r.mistakes.begin(), r.mistakes.end(), [&](std::int64_t a, std::int64_t b) {
        return r.confidence[a] > r.confidence[b];
    });
    return r;
}

}  // namespace mnist
