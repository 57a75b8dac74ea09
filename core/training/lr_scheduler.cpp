#include "core/training/lr_scheduler.h"

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

}  // namespace mnist
