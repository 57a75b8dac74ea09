#include "core/training/training_batches.h"

#include <algorithm>
#include <vector>

#include "core/data/augmentation.h"
#include "core/data/mnist_format.h"
#include "core/errors.h"
#include "core/seeded_random.h"

namespace mnist {
namespace {

// Batches the worker prepares ahead: one is enough to hide it; two absorb a slow batch.
constexpr std::size_t kQueueDepth = 2;

// Batch b's transforms come from their own stream, so the result does not depend on which thread
// draws them or when.
std::vector<AugmentDraw> draws_for(std::int64_t b, std::int64_t n, const AugmentOptions& options,
                                   std::uint64_t seed) {
    SeededRandom random(mix_seed(mix_seed(seed) + static_cast<std::uint64_t>(b)));
    return draw_augmentations(n, options, random);
}

}  // namespace

TrainingBatches::TrainingBatches(const MnistData& data, const torch::Tensor& order,
                                 std::int64_t batch_size, const AugmentOptions* augment,
                                 std::uint64_t seed, BatchPath path)
    : data_{data.images.contiguous(), data.labels.contiguous()},
      order_(path == BatchPath::Host ? order.to(torch::kCPU).contiguous() : order),
      batch_size_(batch_size),
      seed_(seed),
      path_(path) {
    if (data_.images.scalar_type() != torch::kUInt8 ||
        data_.labels.scalar_type() != torch::kInt64 || order_.scalar_type() != torch::kInt64 ||
        batch_size < 1) {
        throw InvalidArgument(
            "training batches need uint8 images, int64 labels and order, and a "
            "positive batch size");
    }
    batches_ = batches_per_epoch(order_.size(0), batch_size);
    if (augment) augment_ = *augment;
    if (path_ == BatchPath::Host) worker_ = std::thread([this] { work(); });
}

TrainingBatches::~TrainingBatches() {
    if (!worker_.joinable()) return;
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        cancelled_ = true;
    }
    changed_.notify_all();
    worker_.join();
}

std::optional<TrainingBatch> TrainingBatches::next() {
    if (next_ >= batches_) return std::nullopt;
    if (path_ == BatchPath::Tensor) return make(next_++);
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !ready_.empty() || error_; });
    if (ready_.empty()) std::rethrow_exception(error_);
    TrainingBatch batch = std::move(ready_.front());
    ready_.pop_front();
    ++next_;
    lock.unlock();
    changed_.notify_all();
    return batch;
}

void TrainingBatches::work() {
    try {
        for (std::int64_t b = 0; b < batches_; ++b) {
            {
                std::unique_lock<std::mutex> lock(mutex_);
                changed_.wait(lock, [this] { return cancelled_ || ready_.size() < kQueueDepth; });
                if (cancelled_) return;
            }
            TrainingBatch batch = make(b);
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                ready_.push_back(std::move(batch));
            }
            changed_.notify_all();
        }
    } catch (...) {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            error_ = std::current_exception();
        }
        changed_.notify_all();
    }
}

TrainingBatch TrainingBatches::make(std::int64_t b) {
    return path_ == BatchPath::Host ? make_on_host(b) : make_as_tensors(b);
}

TrainingBatch TrainingBatches::make_on_host(std::int64_t b) {
    const std::int64_t begin = b * batch_size_;
    const std::int64_t n = std::min(order_.size(0), begin + batch_size_) - begin;
    const std::int64_t* order = order_.data_ptr<std::int64_t>() + begin;
    const std::uint8_t* pixels = data_.images.data_ptr<std::uint8_t>();
    const std::int64_t* all_labels = data_.labels.data_ptr<std::int64_t>();

    TrainingBatch batch{torch::empty({n, 1, kImageSide, kImageSide}, torch::kFloat32),
                        torch::empty({n}, torch::kInt64)};
    float* out = batch.images.data_ptr<float>();
    std::int64_t* labels = batch.labels.data_ptr<std::int64_t>();
    std::vector<const std::uint8_t*> sources(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        sources[static_cast<std::size_t>(i)] = pixels + order[i] * kImagePixels;
        labels[i] = all_labels[order[i]];
    }
    if (augment_) {
        augment_images(sources.data(), draws_for(b, n, *augment_, seed_), out);
    } else {
        for (std::int64_t i = 0; i < n; ++i)
            for (int p = 0; p < kImagePixels; ++p)
                out[i * kImagePixels + p] = sources[static_cast<std::size_t>(i)][p] / 255.0f;
    }
    // normalize(), folded into the same pass over the batch.
    const float mean = static_cast<float>(kMnistMean),
                inv_std = static_cast<float>(1.0 / kMnistStd);
    for (std::int64_t i = 0; i < n * kImagePixels; ++i) out[i] = (out[i] - mean) * inv_std;
    return batch;
}

TrainingBatch TrainingBatches::make_as_tensors(std::int64_t b) {
    const auto idx =
        order_.slice(0, b * batch_size_, std::min(order_.size(0), (b + 1) * batch_size_));
    auto x = to_unit_float(data_.images.index_select(0, idx));
    if (augment_) x = augment_batch(x, draws_for(b, idx.size(0), *augment_, seed_));
    return {normalize(x), data_.labels.index_select(0, idx)};
}

}  // namespace mnist
