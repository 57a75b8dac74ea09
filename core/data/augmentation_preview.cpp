#include "core/data/augmentation_preview.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <mutex>

#include "core/data/augmentation.h"
#include "core/data/mnist_dataset.h"

namespace mnist {
namespace {

// The last directory's test split: the preview redraws on every range change, and re-reading
// 10,000 images each time would make the spin boxes lag.
MnistData cached_test_split(const std::string& dir) {
    static std::mutex mutex;
    static std::string cached_dir;
    static MnistData cached;
    const std::lock_guard<std::mutex> lock(mutex);
    if (cached_dir != dir || cached.size() == 0) {
        cached = load_mnist(dir, Split::Test);
        cached_dir = dir;
    }
    return cached;
}

std::vector<float> pixels(const torch::Tensor& image) {
    const auto flat = image.contiguous().view({-1});
    return std::vector<float>(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
}

}  // namespace

std::vector<AugmentedSample> preview_augmentation(const std::string& data_dir,
                                                  const AugmentOptions& options, int count,
                                                  std::uint64_t seed) {
    const MnistData data = cached_test_split(data_dir);
    const std::int64_t n = std::clamp<std::int64_t>(count, 0, data.size());
    if (n == 0) return {};
    torch::NoGradGuard no_grad;
    at::Generator generator = at::detail::createCPUGenerator(seed);
    const auto indices = torch::randperm(data.size(), generator).slice(0, 0, n);
    const MnistData picked = data.select(indices);
    const auto originals = to_unit_float(picked.images);
    const auto augmented = augment_batch(originals, options, mix_seed(seed));

    std::vector<AugmentedSample> samples(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        auto& s = samples[static_cast<std::size_t>(i)];
        s.original = pixels(originals[i]);
        s.augmented = pixels(augmented[i]);
        s.label = static_cast<int>(picked.labels[i].item<std::int64_t>());
    }
    return samples;
}

}  // namespace mnist
