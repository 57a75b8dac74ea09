#pragma once
#include <cstdint>
#include <string>

#include "core/training/training_metrics.h"

namespace mnist {

// Scores a checkpoint on the official test set in `data_dir` (empty: resolve_data_dir).
// `limit` > 0 scores only the first `limit` test images.
EvalResult evaluate_checkpoint(const std::string& checkpoint, const std::string& data_dir,
                               std::int64_t limit = 0, const std::string& device = "auto");

}  // namespace mnist
