#include "core/training/one_cycle_lr.h"

#include <cmath>
#include <sstream>

#include "core/errors.h"
#include "core/math_constants.h"

namespace mnist {

namespace {

// Python's math.pi rounds to this same double.

template <typename T>
void require(bool ok, const char* option, T value, const char* requirement) {
    require_option(ok, "OneCycleLR", option, value, requirement);
}

bool finite_positive(double value) {
    return std::isfinite(value) && value > 0;
}
bool in_unit_interval(double value) {
    return value >= 0 && value <= 1;
}  // false for NaN

// PyTorch's _annealing_cos and _annealing_linear, written the same way so the doubles agree.
double anneal(AnnealStrategy strategy, double start, double end, double pct) {
    if (strategy == AnnealStrategy::Cos)
        return end + (start - end) / 2.0 * (std::cos(kPi * pct) + 1);
    return (end - start) * pct + start;
}

}  // namespace

OneCycleLR::OneCycleLR(OneCycleLROptions options) : options_(options) {
    require(finite_positive(options.max_lr()), "max_lr", options.max_lr(), "> 0");
    require(options.total_steps() > 0, "total_steps", options.total_steps(), "> 0");
    require(in_unit_interval(options.pct_start()), "pct_start", options.pct_start(), "in [0, 1]");
    require(finite_positive(options.div_factor()), "div_factor", options.div_factor(), "> 0");
    require(finite_positive(options.final_div_factor()), "final_div_factor",
            options.final_div_factor(), "> 0");
    if (options.cycle_momentum()) {
        require(in_unit_interval(options.base_momentum()), "base_momentum", options.base_momentum(),
                "in [0, 1]");
        require(in_unit_interval(options.max_momentum()), "max_momentum", options.max_momentum(),
                "in [0, 1]");
    }

    initial_lr_ = options.max_lr() / options.div_factor();
    min_lr_ = initial_lr_ / options.final_div_factor();
    const double max_lr = options.max_lr();
    const double base_m = options.base_momentum();
    const double max_m = options.max_momentum();
    const double total = options.total_steps();
    // PyTorch's phase table. The end steps are the same double expressions as in
    // lr_scheduler.py (pct_start * total_steps - 1, ...), so the phase boundaries agree exactly.
    if (options.three_phase()) {
        phases_ = {{options.pct_start() * total - 1, initial_lr_, max_lr, max_m, base_m},
                   {2 * options.pct_start() * total - 2, max_lr, initial_lr_, base_m, max_m},
                   {total - 1, initial_lr_, min_lr_, max_m, max_m}};
    } else {
        phases_ = {{options.pct_start() * total - 1, initial_lr_, max_lr, max_m, base_m},
                   {total - 1, max_lr, min_lr_, base_m, max_m}};
    }

    // Only the first and the last step can land in a zero-wide phase (any other step lies
    // strictly between two phase ends); checking both here means step_batch() never meets one.
    locate(options.total_steps());
    move_to(0);
}

std::optional<double> OneCycleLR::momentum() const {
    if (!options_.cycle_momentum()) return std::nullopt;
    return momentum_;
}

void OneCycleLR::step_batch() {
    if (step_num_ + 1 > options_.total_steps()) {
        std::ostringstream message;
        message << "OneCycleLR: tried to step " << step_num_ + 1 << " times, but total_steps is "
                << options_.total_steps();
        throw InvalidArgument(message.str());
    }
    move_to(step_num_ + 1);
}

void OneCycleLR::restore(const std::vector<double>& state) {
    require_state_size("OneCycleLR", state, 1);
    const int step = saved_count("OneCycleLR", "saved step", state[0]);
    require(step <= options_.total_steps(), "saved step", step, "within total_steps");
    move_to(step);
}

OneCycleLR::Position OneCycleLR::locate(int step) const {
    // PyTorch's get_lr: the first phase whose end_step is not before `step`, or the last phase.
    double start_step = 0.0;
    for (size_t i = 0; i < phases_.size(); ++i) {
        const Phase& phase = phases_[i];
        if (step <= phase.end_step || i + 1 == phases_.size()) {
            const double width = phase.end_step - start_step;
            if (width == 0) {
                std::ostringstream message;
                message << "OneCycleLR: pct_start " << options_.pct_start() << " with total_steps "
                        << options_.total_steps() << " leaves phase " << i + 1
                        << " zero steps wide, yet step " << step
                        << " falls in it; choose another pct_start";
                throw InvalidArgument(message.str());
            }
            return {&phase, (step - start_step) / width};
        }
        start_step = phase.end_step;
    }
    return {nullptr, 0.0};  // unreachable: the last phase always matches
}

void OneCycleLR::move_to(int step) {
    const Position at = locate(step);
    const AnnealStrategy strategy = options_.anneal_strategy();
    lr_ = anneal(strategy, at.phase->start_lr, at.phase->end_lr, at.pct);
    momentum_ = anneal(strategy, at.phase->start_momentum, at.phase->end_momentum, at.pct);
    step_num_ = step;
}

}  // namespace mnist
