#include "core/training/reduce_lr_on_plateau.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/errors.h"

namespace mnist {

namespace {

template <typename T>
void require(bool ok, const char* option, T value, const char* requirement) {
    require_option(ok, "ReduceLROnPlateau", option, value, requirement);
}

bool finite_at_least_zero(double value) {
    return std::isfinite(value) && value >= 0;
}

}  // namespace

ReduceLROnPlateau::ReduceLROnPlateau(double initial_lr, ReduceLROnPlateauOptions options)
    : options_(options), lr_(initial_lr) {
    require(finite_at_least_zero(initial_lr), "initial lr", initial_lr, ">= 0");
    // PyTorch only rejects factor >= 1; a negative factor would just pin the lr to min_lr, which
    // is surely a typo, so we refuse it too.
    require(std::isfinite(options.factor()) && options.factor() >= 0 && options.factor() < 1,
            "factor", options.factor(), "in [0, 1)");
    require(options.patience() >= 0, "patience", options.patience(), ">= 0");
    require(finite_at_least_zero(options.threshold()), "threshold", options.threshold(), ">= 0");
    require(options.cooldown() >= 0, "cooldown", options.cooldown(), ">= 0");
    require(finite_at_least_zero(options.min_lr()), "min_lr", options.min_lr(), ">= 0");
    require(finite_at_least_zero(options.eps()), "eps", options.eps(), ">= 0");

    // The worst value for the mode, so the first metric always improves on it.
    const double inf = std::numeric_limits<double>::infinity();
    best_ = options.mode() == PlateauMode::Min ? inf : -inf;
}

void ReduceLROnPlateau::step_epoch(double metric) {
    if (is_better(metric)) {
        best_ = metric;
        num_bad_epochs_ = 0;
    } else {
        ++num_bad_epochs_;
    }

    if (in_cooldown()) {
        --cooldown_counter_;
        num_bad_epochs_ = 0;  // bad epochs right after a reduction do not count
    }

    if (num_bad_epochs_ > options_.patience()) {
        reduce_lr();
        // PyTorch restarts the cooldown even when eps or min_lr kept the lr unchanged.
        cooldown_counter_ = options_.cooldown();
        num_bad_epochs_ = 0;
    }
}

std::vector<double> ReduceLROnPlateau::save_state() const {
    return {lr_, best_, static_cast<double>(num_bad_epochs_),
            static_cast<double>(cooldown_counter_), static_cast<double>(reductions_)};
}

void ReduceLROnPlateau::restore(const std::vector<double>& state) {
    const char* const name = "ReduceLROnPlateau";
    require_state_size(name, state, 5);
    require(!std::isnan(state[1]), "saved best", state[1], "a number");
    lr_ = saved_lr(name, state[0]);
    best_ = state[1];
    num_bad_epochs_ = saved_count(name, "saved bad epochs", state[2]);
    cooldown_counter_ = saved_count(name, "saved cooldown", state[3]);
    reductions_ = saved_count(name, "saved reductions", state[4]);
}

void ReduceLROnPlateau::set_lr(double lr) {
    require(std::isfinite(lr) && lr > 0, "lr", lr, "> 0");
    lr_ = lr;
}

bool ReduceLROnPlateau::is_better(double metric) const {
    const double threshold = options_.threshold();
    // The products match PyTorch's _is_better term for term so edge cases (best = inf) agree.
    if (options_.mode() == PlateauMode::Min) {
        return options_.threshold_mode() == ThresholdMode::Rel ? metric < best_ * (1.0 - threshold)
                                                               : metric < best_ - threshold;
    }
    return options_.threshold_mode() == ThresholdMode::Rel ? metric > best_ * (threshold + 1.0)
                                                           : metric > best_ + threshold;
}

void ReduceLROnPlateau::reduce_lr() {
    const double new_lr = std::max(lr_ * options_.factor(), options_.min_lr());
    if (lr_ - new_lr > options_.eps()) {
        lr_ = new_lr;
        ++reductions_;
    }
}

}  // namespace mnist
