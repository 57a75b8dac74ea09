#pragma once
// The learning-rate schedules the trainer can run. LibTorch 1.13's C++ API has none of
// ReduceLROnPlateau, OneCycleLR or StepLR, so these are ours; each follows PyTorch's
// torch.optim.lr_scheduler class of the same name. They are pure arithmetic on one parameter
// group's learning rate (and momentum): the trainer reads lr()/momentum() and writes them into
// the optimizer, so the schedules are testable without an optimizer.
#include <optional>

namespace mnist {

class LrScheduler {
  public:
    virtual ~LrScheduler() = default;
    // The learning rate for the next optimizer step.
    virtual double lr() const = 0;
    // The momentum (SGD) or beta1 (Adam/AdamW) for the next step, when the schedule cycles it.
    virtual std::optional<double> momentum() const { return std::nullopt; }
    // Called after every optimizer step (OneCycleLR steps here, as PyTorch's does per batch).
    virtual void step_batch() {}
    // Called once per epoch with the validation metric (ReduceLROnPlateau and StepLR step here).
    virtual void step_epoch(double /*metric*/) {}
};

}  // namespace mnist
