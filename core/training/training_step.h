#pragma once
// One optimisation step and the state it updates, as train() runs it and `mnist-cli bench` times
// it: the network, its optimizer, the learning-rate schedule and the optional weight average.
#include <torch/torch.h>

#include <memory>
#include <optional>
#include <vector>

#include "core/models/sequential_net.h"
#include "core/training/lr_scheduler.h"
#include "core/training/train_options.h"
#include "core/training/training_batches.h"
#include "core/training/weight_average.h"

namespace mnist {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainOptions& options,
                                                        std::vector<torch::Tensor> params);
std::unique_ptr<LrScheduler> make_scheduler(const TrainOptions& options,
                                            std::int64_t steps_per_epoch);

struct TrainingState {
    SequentialNet net;
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    std::unique_ptr<LrScheduler> scheduler;
    std::optional<WeightAverage> average;  // with options.ema_decay > 0
};

// A freshly initialised model of options.model on `device`, with the optimizer, schedule and
// weight average the options ask for.
TrainingState make_training_state(const TrainOptions& options, std::int64_t batches_per_epoch,
                                  const torch::Device& device);

struct StepResult {
    torch::Tensor loss;     // the batch's mean loss: a scalar on the training device
    torch::Tensor correct;  // how many of the batch the net got right, before the step: a scalar
    double lr = 0.0;        // the learning rate the step used
};

// Forward, backward, optimizer step, schedule step and weight-average update for one batch. Reads
// nothing back from the device.
StepResult train_step(TrainingState& state, const TrainingBatch& batch);

}  // namespace mnist
