#pragma once
// Scores several checkpoints together on the test set: the mean of their softmax probabilities,
// next to each member's own score. Plain C++ (EvalResult is torch-free).
#include <cstdint>
#include <string>
#include <vector>

#include "core/training/training_metrics.h"

namespace mnist {

struct EnsembleEvalResult {
    EvalResult ensemble;              // loss: mean -log of the averaged probability of the truth
    std::vector<EvalResult> members;  // in the order of the checkpoints
};

// Loads every checkpoint (models may differ; throws CheckpointError naming the first that does
// not load, before any scoring) and scores them on the test set in `data_dir` (empty:
// resolve_data_dir); `limit` > 0 scores only the first `limit` test images.
EnsembleEvalResult evaluate_ensemble(const std::vector<std::string>& checkpoints,
                                     const std::string& data_dir, std::int64_t limit = 0,
                                     const std::string& device = "auto");

}  // namespace mnist
