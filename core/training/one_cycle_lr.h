#pragma once
// OneCycleLR: the 1cycle policy of PyTorch's torch.optim.lr_scheduler.OneCycleLR. The lr warms
// up from max_lr / div_factor to max_lr over the first pct_start of the steps, then anneals to
// initial_lr / final_div_factor; momentum (or Adam's beta1) moves the opposite way. It steps per
// batch: step_batch() is PyTorch's scheduler.step().
#include <optional>
#include <vector>

#include "core/training/lr_scheduler.h"

namespace mnist {

enum class AnnealStrategy { Cos, Linear };

struct OneCycleLROptions {
    OneCycleLROptions(double max_lr, int total_steps)
        : max_lr_(max_lr), total_steps_(total_steps) {}

    OneCycleLROptions& max_lr(double v) {
        max_lr_ = v;
        return *this;
    }
    OneCycleLROptions& total_steps(int v) {
        total_steps_ = v;
        return *this;
    }
    OneCycleLROptions& pct_start(double v) {
        pct_start_ = v;
        return *this;
    }
    OneCycleLROptions& anneal_strategy(AnnealStrategy v) {
        anneal_strategy_ = v;
        return *this;
    }
    OneCycleLROptions& div_factor(double v) {
        div_factor_ = v;
        return *this;
    }
    OneCycleLROptions& final_div_factor(double v) {
        final_div_factor_ = v;
        return *this;
    }
    OneCycleLROptions& three_phase(bool v) {
        three_phase_ = v;
        return *this;
    }
    OneCycleLROptions& cycle_momentum(bool v) {
        cycle_momentum_ = v;
        return *this;
    }
    OneCycleLROptions& base_momentum(double v) {
        base_momentum_ = v;
        return *this;
    }
    OneCycleLROptions& max_momentum(double v) {
        max_momentum_ = v;
        return *this;
    }

    double max_lr() const { return max_lr_; }
    int total_steps() const { return total_steps_; }
    double pct_start() const { return pct_start_; }
    AnnealStrategy anneal_strategy() const { return anneal_strategy_; }
    double div_factor() const { return div_factor_; }
    double final_div_factor() const { return final_div_factor_; }
    bool three_phase() const { return three_phase_; }
    bool cycle_momentum() const { return cycle_momentum_; }
    double base_momentum() const { return base_momentum_; }
    double max_momentum() const { return max_momentum_; }

  private:
    double max_lr_;           // the peak lr
    int total_steps_;         // optimizer steps in the whole run (epochs x batches)
    double pct_start_ = 0.3;  // share of the steps spent warming up
    AnnealStrategy anneal_strategy_ = AnnealStrategy::Cos;
    double div_factor_ = 25.0;       // initial_lr = max_lr / div_factor
    double final_div_factor_ = 1e4;  // min_lr = initial_lr / final_div_factor
    // Original paper's shape: warm up, cool down symmetrically back to initial_lr, then anneal
    // to min_lr; otherwise fastai's two phases.
    bool three_phase_ = false;
    bool cycle_momentum_ = true;
    double base_momentum_ = 0.85;  // momentum at the lr peak
    double max_momentum_ = 0.95;   // momentum at the start and the end
};

class OneCycleLR : public LrScheduler {
  public:
    // Throws InvalidArgument naming the option for a non-positive max_lr, total_steps,
    // div_factor or final_div_factor, a pct_start outside [0, 1], a momentum outside [0, 1]
    // (with cycle_momentum), or a pct_start and total_steps that leave a phase zero steps wide
    // where a step would land in it (PyTorch divides by zero there).
    explicit OneCycleLR(OneCycleLROptions options);

    double lr() const override { return lr_; }
    // The cycled momentum, or nullopt when cycle_momentum is off (the optimizer keeps its own).
    std::optional<double> momentum() const override;
    // Advances one optimizer step. Like PyTorch, which raises ValueError, this throws
    // InvalidArgument once it would pass total_steps (the total_steps-th call is still allowed:
    // a loop that steps after every batch makes exactly that many). We throw rather than clamp
    // because running past the schedule means the trainer's step count is wrong, and a throw
    // leaves the scheduler unchanged. At step total_steps itself PyTorch's formula runs past
    // the last phase's end (cos bounces back up a little, linear goes below min_lr, even
    // negative); we keep that to match, as no batch is trained with that lr.
    void step_batch() override;
    // The step number; the rest follows from the options.
    std::vector<double> save_state() const override { return {static_cast<double>(step_num_)}; }
    void restore(const std::vector<double>& state) override;

    // Steps taken so far (PyTorch's last_epoch); lr() is the schedule at this step.
    int step_num() const { return step_num_; }
    double initial_lr() const { return initial_lr_; }
    double min_lr() const { return min_lr_; }
    const OneCycleLROptions& options() const { return options_; }

  private:
    struct Phase {
        double end_step;  // the step at which the phase reaches its end values
        double start_lr, end_lr;
        double start_momentum, end_momentum;
    };
    struct Position {
        const Phase* phase;
        double pct;  // 0 at the phase's start step, 1 at its end step
    };
    Position locate(int step) const;
    void move_to(int step);

    OneCycleLROptions options_;
    double initial_lr_;
    double min_lr_;
    std::vector<Phase> phases_;
    int step_num_ = 0;
    double lr_ = 0.0;
    double momentum_ = 0.0;
};

}  // namespace mnist
