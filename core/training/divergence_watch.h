#pragma once
// Finds the first batch whose loss is NaN or infinite, without making a GPU wait for the host.
#include <torch/torch.h>

#include <cstdint>
#include <optional>

namespace mnist {

struct NonFiniteLoss {
    std::int64_t batch = 0;  // 1-based, within the epoch
    double loss = 0.0;       // the NaN or infinity it had
};

// On the CPU each loss is read as it is added (a scalar already computed costs no wait), so a run
// stops on the batch that diverged. On CUDA the test stays on the device (a few scalar kernels a
// batch) and is read only with the running loss, every few batches; it still names the batch it
// happened on, and nothing of a diverged epoch is kept either way.
class DivergenceWatch {
  public:
    // `read_each_batch`: the CPU's behaviour; false keeps the check on the loss's device.
    explicit DivergenceWatch(bool read_each_batch) : read_each_batch_(read_each_batch) {}

    void add(const torch::Tensor& loss, std::int64_t batch);
    // The first non-finite batch added so far, if any. Reads the device when the check lives there.
    std::optional<NonFiniteLoss> first();
    // Whether first() is free to call after every add (it is on the CPU).
    bool reads_each_batch() const { return read_each_batch_; }

  private:
    bool read_each_batch_;
    std::optional<NonFiniteLoss> found_;
    torch::Tensor batch_on_device_;  // int64 scalar, 0 until a batch diverged
    torch::Tensor loss_on_device_;   // float64 scalar, that batch's loss
};

}  // namespace mnist
