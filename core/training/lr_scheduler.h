#pragma once
// The learning-rate schedules the trainer can run. LibTorch 1.13's C++ API has none of
// ReduceLROnPlateau, OneCycleLR or StepLR, so these are ours; each follows PyTorch's
// torch.optim.lr_scheduler class of the same name. They are pure arithmetic on one parameter
// group's learning rate (and momentum): the trainer reads lr()/momentum() and writes them into
// the optimizer, so the schedules are testable without an optimizer.
#include <cstddef>
#include <optional>
#include <vector>

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

    // Where the schedule stands (its few changing numbers), saved with a training state so a
    // resumed run continues the schedule exactly; restore() takes what save_state() gave and
    // throws InvalidArgument for a list of the wrong length.
    virtual std::vector<double> save_state() const = 0;
    virtual void restore(const std::vector<double>& state) = 0;
    // A new learning rate from the next step on (changed while a run is paused). Only schedules
    // that do not set the rate themselves take one; the others throw InvalidArgument.
    virtual void set_lr(double lr);
};

// Throws InvalidArgument unless `state` holds `count` numbers: "<schedule>: a saved state ...".
void require_state_size(const char* schedule, const std::vector<double>& state, std::size_t count);
// A saved count (epochs, steps) as an int; throws InvalidArgument naming it unless it is a whole
// number from 0 to INT_MAX (a saved state is read from a file, so it may be damaged).
int saved_count(const char* schedule, const char* what, double value);
// A saved learning rate; throws InvalidArgument unless it is finite and not negative.
double saved_lr(const char* schedule, double value);

}  // namespace mnist
