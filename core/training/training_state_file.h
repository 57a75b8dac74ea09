#pragma once
// state.pt: everything a run needs to continue exactly where its last finished epoch left it:
// weights, optimizer moments, the schedule's position, the weight average, the early-stop count,
// the best so far, the history, and the random number generators' state. A LibTorch archive,
// written atomically after every epoch.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/training/training_metrics.h"
#include "core/training/training_step.h"

namespace mnist {

// Where a run stands after its last finished epoch, besides what TrainingState holds.
struct RunProgress {
    std::string model;
    int epoch = 0;                // epochs finished
    int epochs_without_gain = 0;  // the early-stop count
    int best_epoch = 0;
    double best_val_acc = 0.0;
    std::vector<EpochMetrics> history;  // full precision, unlike the CSV
};

// Writes `path` atomically. Throws CheckpointError naming it when it cannot be written.
void save_training_state(const std::string& path, TrainingState& state, const RunProgress& progress,
                         const torch::Device& device);

// Restores `state` (built for the same options: model, optimizer, schedule, average) and the
// random number generators from `path`, and returns the progress. Throws CheckpointError naming
// the file when it is missing, corrupt, or holds another model's state (`model`).
RunProgress load_training_state(const std::string& path, TrainingState& state,
                                const std::string& model, const torch::Device& device);

}  // namespace mnist
