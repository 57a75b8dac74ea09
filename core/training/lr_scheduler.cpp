#include "core/training/lr_scheduler.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/errors.h"

namespace mnist {

void LrScheduler::set_lr(double /*lr*/) {
    throw InvalidArgument(
        "this learning-rate schedule sets the rate itself; only the constant (none) and plateau "
        "schedules take a new learning rate");
}

void require_state_size(const char* schedule, const std::vector<double>& state, std::size_t count) {
    if (state.size() == count) return;
    throw InvalidArgument(std::string(schedule) + ": a saved schedule state has " +
                          std::to_string(state.size()) + " numbers, not " + std::to_string(count));
}

int saved_count(const char* schedule, const char* what, double value) {
    require_option(
        value >= 0 && value <= std::numeric_limits<int>::max() && value == std::floor(value),
        schedule, what, value, "a whole number from 0");
    return static_cast<int>(value);
}

double saved_lr(const char* schedule, double value) {
    require_option(std::isfinite(value) && value >= 0, schedule, "saved lr", value,
                   "a finite number >= 0");
    return value;
}

}  // namespace mnist
