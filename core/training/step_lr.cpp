#include "core/training/step_lr.h"

#include <cmath>

#include "core/errors.h"

namespace mnist {

namespace {

template <typename T>
void require(bool ok, const char* option, T value, const char* requirement) {
    require_option(ok, "StepLR", option, value, requirement);
}

}  // namespace

StepLR::StepLR(double initial_lr, StepLROptions options) : options_(options), lr_(initial_lr) {
    require(std::isfinite(initial_lr) && initial_lr >= 0, "initial lr", initial_lr, ">= 0");
    require(options.step_size() >= 1, "step_size", options.step_size(), ">= 1");
    require(std::isfinite(options.gamma()) && options.gamma() >= 0, "gamma", options.gamma(),
            ">= 0");
}

void StepLR::restore(const std::vector<double>& state) {
    require_state_size("StepLR", state, 2);
    lr_ = saved_lr("StepLR", state[0]);
    epoch_ = saved_count("StepLR", "saved epoch", state[1]);
}

void StepLR::step_epoch(double /*metric*/) {
    ++epoch_;
    // PyTorch's step() multiplies the current lr at each boundary rather than evaluating the
    // closed form; doing the same keeps our values bit-identical to a Python run.
    if (epoch_ % options_.step_size() == 0) lr_ *= options_.gamma();
}

}  // namespace mnist
