#pragma once
// What a checkpoint does inside, as plain numbers for the "Inside" views and `mnist-cli inspect`:
// the confusion matrix and mistakes on the test set, the convolution filters, every stage's
// activations for one digit, and which pixels pushed its prediction (gradient and occlusion
// saliency). No LibTorch in this header: the widgets call it directly (from a worker thread when
// it costs more than a few milliseconds) and draw the numbers themselves.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/data/mnist_format.h"
#include "core/training/training_metrics.h"

namespace mnist {

// A 28x28 digit as the models see it before normalisation: row-major intensities in [0, 1],
// 0 background, 1 full ink (PreprocessedDigit::pixels, or MNIST's bytes / 255).
using DigitPixels = std::array<float, kImagePixels>;

// One stage of a model (a layer of the summary) applied to one digit.
struct StageActivation {
    std::string name;                        // conv1, bn1, relu1, pool1, gap, fc1 ...
    std::string type;                        // Conv2d, BatchNorm2d, ReLU, MaxPool2d, Linear ...
    std::vector<std::int64_t> output_shape;  // without the batch: [C, H, W] or [N]
    std::int64_t params = 0;
    std::int64_t macs = 0;  // multiply-accumulates per image
    // The output, row-major over output_shape: C maps of H*W values for image-shaped outputs,
    // N values for vectors.
    std::vector<float> values;
};

// A layer's kernels: out_channels x in_channels tiles of kernel_h x kernel_w weights.
struct FilterBank {
    std::string layer;
    int out_channels = 0;
    int in_channels = 0;
    int kernel_h = 0;
    int kernel_w = 0;
    std::vector<float> weights;  // row-major [out][in][kh][kw]
    float min = 0.0f;            // over all weights, for a shared colour scale
    float max = 0.0f;
};

// Which input pixels mattered to the winning digit, scaled so the largest value is 1.
struct SaliencyMap {
    int digit = -1;            // the prediction explained
    double probability = 0.0;  // its softmax probability on the unmasked digit
    DigitPixels map{};         // >= 0; all zero for a blank digit
};

// The checkpoint on the test set: the numbers of `eval` plus each image's prediction, so a view
// can list any confusion cell's images.
struct TestSetInspection {
    EvalResult eval;                      // count, loss, accuracy, per-class accuracy, confusion
    std::vector<std::uint8_t> images;     // count x 784 MNIST bytes, in test-set order
    std::vector<std::int32_t> labels;     // count
    std::vector<std::int32_t> predicted;  // count
    std::vector<float> confidence;        // count: the probability of the predicted digit
    // Indices of the misclassified images, most confident mistake first.
    std::vector<std::int64_t> mistakes;

    // Indices of the images with true digit `label` predicted as `predicted`, in test-set order.
    std::vector<std::int64_t> cell(int label, int predicted) const;
    DigitPixels pixels(std::int64_t index) const;
};

// Holds one loaded network; use an Inspector from one thread at a time.
class Inspector {
  public:
    // Loads a checkpoint of any registered model (see load_model_checkpoint). Throws
    // CheckpointError naming the file.
    explicit Inspector(const std::string& checkpoint_path);
    ~Inspector();
    Inspector(Inspector&&) noexcept;
    Inspector& operator=(Inspector&&) noexcept;

    const std::string& model() const;
    const std::string& checkpoint_path() const;

    // Every stage's output for `digit`, in forward order.
    std::vector<StageActivation> feature_maps(const DigitPixels& digit) const;

    // The names of the layers that have kernels (Conv2d), first layer first.
    std::vector<std::string> filter_layers() const;
    // Throws InvalidArgument naming an unknown layer and listing the known ones.
    FilterBank filters(const std::string& layer) const;

    // |d winning logit / d input pixel|.
    SaliencyMap gradient_saliency(const DigitPixels& digit) const;
    // The drop in the winning digit's probability when a `patch` x `patch` square around each
    // pixel is blanked (slid with `stride`; overlapping drops are averaged), clamped at 0.
    // Throws InvalidArgument when patch or stride is not in 1..28.
    SaliencyMap occlusion_saliency(const DigitPixels& digit, int patch = 4, int stride = 1) const;

    // Scores the official test set in `data_dir` (empty: resolve_data_dir; throws DataError when
    // the files are missing, naming where it looked). `limit` > 0 uses the first `limit` images.
    // `progress(done, total)` is called between batches; returning false cancels, and then
    // Cancelled (core/errors.h) is thrown.
    TestSetInspection inspect_test_set(
        const std::string& data_dir, std::int64_t limit = 0,
        const std::function<bool(std::int64_t done, std::int64_t total)>& progress = {}) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mnist
