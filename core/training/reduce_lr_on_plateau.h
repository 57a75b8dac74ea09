#pragma once
// ReduceLROnPlateau: cut the learning rate by `factor` once a validation metric has stopped
// improving for `patience` epochs, as PyTorch's torch.optim.lr_scheduler.ReduceLROnPlateau does
// (its step(metrics) is our step_epoch(metric)).
#include "core/training/lr_scheduler.h"

namespace mnist {

// Whether the watched metric should go down (a loss) or up (an accuracy).
enum class PlateauMode { Min, Max };
// Whether an improvement must beat the best by a fraction of it (Rel) or by a fixed amount (Abs).
enum class ThresholdMode { Rel, Abs };

struct ReduceLROnPlateauOptions {
    ReduceLROnPlateauOptions& mode(PlateauMode v) {
        mode_ = v;
        return *this;
    }
    ReduceLROnPlateauOptions& factor(double v) {
        factor_ = v;
        return *this;
    }
    ReduceLROnPlateauOptions& patience(int v) {
        patience_ = v;
        return *this;
    }
    ReduceLROnPlateauOptions& threshold(double v) {
        threshold_ = v;
        return *this;
    }
    ReduceLROnPlateauOptions& threshold_mode(ThresholdMode v) {
        threshold_mode_ = v;
        return *this;
    }
    ReduceLROnPlateauOptions& cooldown(int v) {
        cooldown_ = v;
        return *this;
    }
    ReduceLROnPlateauOptions& min_lr(double v) {
        min_lr_ = v;
        return *this;
    }
    ReduceLROnPlateauOptions& eps(double v) {
        eps_ = v;
        return *this;
    }

    PlateauMode mode() const { return mode_; }
    double factor() const { return factor_; }
    int patience() const { return patience_; }
    double threshold() const { return threshold_; }
    ThresholdMode threshold_mode() const { return threshold_mode_; }
    int cooldown() const { return cooldown_; }
    double min_lr() const { return min_lr_; }
    double eps() const { return eps_; }

  private:
    PlateauMode mode_ = PlateauMode::Min;
    double factor_ = 0.1;      // new_lr = lr * factor; in [0, 1)
    int patience_ = 10;        // bad epochs tolerated; the next one reduces
    double threshold_ = 1e-4;  // how much better than the best counts as an improvement
    ThresholdMode threshold_mode_ = ThresholdMode::Rel;
    int cooldown_ = 0;     // epochs after a reduction in which bad epochs are not counted
    double min_lr_ = 0.0;  // the lr never goes below this
    double eps_ = 1e-8;    // a reduction smaller than this is skipped
};

class ReduceLROnPlateau : public LrScheduler {
  public:
    // Throws InvalidArgument naming the option when initial_lr or min_lr is negative, factor is
    // outside [0, 1), patience, cooldown, threshold or eps is negative, or a value is not finite.
    explicit ReduceLROnPlateau(double initial_lr,
                               ReduceLROnPlateauOptions options = ReduceLROnPlateauOptions());

    double lr() const override { return lr_; }
    // One epoch's validation metric. A NaN metric never improves, so it counts as a bad epoch
    // (as in PyTorch).
    void step_epoch(double metric) override;
    // lr, best, bad epochs, cooldown left, reductions.
    std::vector<double> save_state() const override;
    void restore(const std::vector<double>& state) override;
    // The plateau logic carries on from the new rate (best and bad epochs are kept).
    void set_lr(double lr) override;

    // Epochs since the best metric, not counting those in cooldown (PyTorch's num_bad_epochs).
    int num_bad_epochs() const { return num_bad_epochs_; }
    // The best metric so far; +inf (Min) or -inf (Max) before the first step.
    double best() const { return best_; }
    // How many times the lr was actually lowered (a reduction skipped by eps or min_lr does not
    // count), for the UI.
    int reductions() const { return reductions_; }
    bool in_cooldown() const { return cooldown_counter_ > 0; }
    const ReduceLROnPlateauOptions& options() const { return options_; }

  private:
    bool is_better(double metric) const;
    void reduce_lr();

    ReduceLROnPlateauOptions options_;
    double lr_;
    double best_;
    int num_bad_epochs_ = 0;
    int cooldown_counter_ = 0;
    int reductions_ = 0;
};

}  // namespace mnist
