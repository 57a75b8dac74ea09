#pragma once
// The batches of one training epoch: shuffled, augmented, normalised, on the training device.
//
// Two paths produce the same batches for the same seed:
// - Host (CPU training): a worker thread gathers each batch's bytes and warps them with the plain
//   loop of augment_images, one or two batches ahead, while the network trains on the current
//   one. It uses no LibTorch parallel ops, so it never competes for the intra-op threads.
// - Tensor (CUDA training): the dataset lives on the device and every batch is sliced and warped
//   there with augment_batch; only the small per-image transform table crosses from the host.
#include <torch/torch.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "core/data/augment_options.h"
#include "core/data/mnist_dataset.h"

namespace mnist {

struct TrainingBatch {
    torch::Tensor images;  // float [B, 1, 28, 28], normalised
    torch::Tensor labels;  // int64 [B]
};

enum class BatchPath { Host, Tensor };

// How many batches an epoch of `images` has, the last one partial.
inline std::int64_t batches_per_epoch(std::int64_t images, std::int64_t batch_size) {
    return (images + batch_size - 1) / batch_size;
}

class TrainingBatches {
  public:
    // Host: data on the CPU; Tensor: on the device the batches are wanted on (uint8 images
    // [N, 28, 28], int64 labels [N]; throws InvalidArgument otherwise). `order` (int64, any device)
    // is the epoch's shuffle; `augment` null means no augmentation; `seed` fixes the augmentation.
    TrainingBatches(const MnistData& data, const torch::Tensor& order, std::int64_t batch_size,
                    const AugmentOptions* augment, std::uint64_t seed, BatchPath path);
    ~TrainingBatches();
    TrainingBatches(const TrainingBatches&) = delete;
    TrainingBatches& operator=(const TrainingBatches&) = delete;

    std::int64_t size() const { return batches_; }
    // The next batch, or nothing after the last. Rethrows what the worker threw.
    std::optional<TrainingBatch> next();

  private:
    TrainingBatch make(std::int64_t b);
    TrainingBatch make_on_host(std::int64_t b);
    TrainingBatch make_as_tensors(std::int64_t b);
    void work();

    MnistData data_;       // contiguous; shares the caller's storage
    torch::Tensor order_;  // int64, on the CPU for the host path
    std::int64_t batch_size_;
    std::int64_t batches_ = 0;
    std::optional<AugmentOptions> augment_;
    std::uint64_t seed_;
    BatchPath path_;
    std::int64_t next_ = 0;  // the next batch next() returns

    // Host path: the worker's queue of ready batches.
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<TrainingBatch> ready_;
    std::exception_ptr error_;
    bool cancelled_ = false;
    std::thread worker_;
};

}  // namespace mnist
