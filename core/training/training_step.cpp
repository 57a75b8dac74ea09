#include "core/training/training_step.h"

#include "core/errors.h"
#include "core/models/model_factory.h"
#include "core/training/one_cycle_lr.h"
#include "core/training/reduce_lr_on_plateau.h"
#include "core/training/step_lr.h"

namespace mnist {
namespace {

class ConstantLr : public LrScheduler {
  public:
    explicit ConstantLr(double lr) : lr_(lr) {}
    double lr() const override { return lr_; }
    std::vector<double> save_state() const override { return {lr_}; }
    void restore(const std::vector<double>& state) override {
        require_state_size("constant learning rate", state, 1);
        lr_ = saved_lr("constant learning rate", state[0]);
    }
    void set_lr(double lr) override { lr_ = lr; }

  private:
    double lr_;
};

// Writes the schedule's LR (and cycled momentum: SGD's momentum or Adam's beta1) into the
// optimizer.
void apply_schedule(torch::optim::Optimizer& optimizer, const LrScheduler& scheduler) {
    const auto momentum = scheduler.momentum();
    for (auto& group : optimizer.param_groups()) {
        auto& options = group.options();
        options.set_lr(scheduler.lr());
        if (!momentum) continue;
        if (auto* adam = dynamic_cast<torch::optim::AdamOptions*>(&options)) {
            adam->betas(std::make_tuple(*momentum, std::get<1>(adam->betas())));
        } else if (auto* adamw = dynamic_cast<torch::optim::AdamWOptions*>(&options)) {
            adamw->betas(std::make_tuple(*momentum, std::get<1>(adamw->betas())));
        } else if (auto* sgd = dynamic_cast<torch::optim::SGDOptions*>(&options)) {
            sgd->momentum(*momentum);
        }
    }
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainOptions& o,
                                                        std::vector<torch::Tensor> params) {
    switch (o.optimizer) {
        case OptimizerKind::Adam:
            return std::make_unique<torch::optim::Adam>(
                params, torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));
        case OptimizerKind::AdamW:
            return std::make_unique<torch::optim::AdamW>(
                params, torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay));
        case OptimizerKind::SGD:
            return std::make_unique<torch::optim::SGD>(params, torch::optim::SGDOptions(o.lr)
                                                                   .momentum(o.momentum)
                                                                   .nesterov(o.nesterov)
                                                                   .weight_decay(o.weight_decay));
    }
    throw InvalidArgument("unknown optimizer");
}

std::unique_ptr<LrScheduler> make_scheduler(const TrainOptions& o, std::int64_t steps_per_epoch) {
    switch (o.scheduler) {
        case SchedulerKind::ReduceOnPlateau:
            return std::make_unique<ReduceLROnPlateau>(
                o.lr,
                ReduceLROnPlateauOptions().factor(o.plateau_factor).patience(o.plateau_patience));
        case SchedulerKind::OneCycle:
            return std::make_unique<OneCycleLR>(
                OneCycleLROptions(o.max_lr, steps_per_epoch * o.epochs)
                    .cycle_momentum(o.optimizer != OptimizerKind::SGD || o.momentum > 0));
        case SchedulerKind::Step:
            return std::make_unique<StepLR>(o.lr, StepLROptions(o.step_size).gamma(o.step_gamma));
        case SchedulerKind::None:
            return std::make_unique<ConstantLr>(o.lr);
    }
    throw InvalidArgument("unknown scheduler");
}

TrainingState make_training_state(const TrainOptions& options, std::int64_t batches_per_epoch,
                                  const torch::Device& device) {
    TrainingState state{make_model(options.model), nullptr, nullptr, std::nullopt};
    state.net->to(device);
    state.optimizer = make_optimizer(options, state.net->parameters());
    state.scheduler = make_scheduler(options, batches_per_epoch);
    if (options.ema_decay > 0) state.average.emplace(*state.net, options.ema_decay);
    return state;
}

StepResult train_step(TrainingState& state, const TrainingBatch& batch) {
    apply_schedule(*state.optimizer, *state.scheduler);
    StepResult result;
    result.lr = state.scheduler->lr();
    state.optimizer->zero_grad();
    const auto logits = state.net->forward(batch.images);
    result.loss = torch::nn::functional::cross_entropy(logits, batch.labels);
    result.loss.backward();
    state.optimizer->step();
    if (state.average) state.average->update(*state.net);
    state.scheduler->step_batch();
    result.loss = result.loss.detach();
    result.correct = logits.detach().argmax(1).eq(batch.labels).sum();
    return result;
}

}  // namespace mnist
