#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace mnist {

struct EvalResult {
    std::int64_t count = 0;
    double loss = 0.0;      // mean cross-entropy
    double accuracy = 0.0;  // percent
    std::array<double, 10> class_accuracy{};                     // percent, per true digit
    std::array<std::array<std::int64_t, 10>, 10> confusion{};    // [true][predicted]
};

// Scores a checkpoint on the official test set in `data_dir` (empty: resolve_data_dir).
// `limit` > 0 scores only the first `limit` test images.
EvalResult evaluate_checkpoint(const std::string& checkpoint, const std::string& data_dir,
                               std::int64_t limit = 0, const std::string& device = "auto");

}  // namespace mnist
