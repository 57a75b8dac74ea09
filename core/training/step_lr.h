#pragma once
// StepLR: multiply the learning rate by gamma every step_size epochs, as PyTorch's
// torch.optim.lr_scheduler.StepLR does (lr = initial_lr * gamma^(epoch / step_size)).
#include "core/training/lr_scheduler.h"

namespace mnist {

struct StepLROptions {
    explicit StepLROptions(int step_size) : step_size_(step_size) {}

    StepLROptions& step_size(int v) {
        step_size_ = v;
        return *this;
    }
    StepLROptions& gamma(double v) {
        gamma_ = v;
        return *this;
    }

    int step_size() const { return step_size_; }
    double gamma() const { return gamma_; }

  private:
    int step_size_;       // epochs between decays; at least 1
    double gamma_ = 0.1;  // multiplicative decay; >= 0
};

class StepLR : public LrScheduler {
  public:
    // Throws InvalidArgument for a negative or non-finite initial_lr, step_size < 1, or a
    // negative or non-finite gamma.
    StepLR(double initial_lr, StepLROptions options);

    double lr() const override { return lr_; }
    // StepLR counts epochs only; the metric is ignored.
    void step_epoch(double metric) override;
    // lr and epoch: the rate is the product of the decays so far, kept as it was.
    std::vector<double> save_state() const override { return {lr_, static_cast<double>(epoch_)}; }
    void restore(const std::vector<double>& state) override;

    // Epochs stepped so far (PyTorch's last_epoch).
    int epoch() const { return epoch_; }
    const StepLROptions& options() const { return options_; }

  private:
    StepLROptions options_;
    double lr_;
    int epoch_ = 0;
};

}  // namespace mnist
