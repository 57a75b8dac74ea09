#pragma once
// Mean and sample standard deviation of a few results (seeds of an experiment, folds of a
// cross-validation): the README's "mean ± std" figures.
#include <cmath>
#include <vector>

namespace mnist {

struct MeanStd {
    double mean = 0.0;
    double std = 0.0;  // sample standard deviation (n - 1); 0 for fewer than two values
};

inline MeanStd mean_and_sample_std(const std::vector<double>& values) {
    MeanStd result;
    if (values.empty()) return result;
    for (const double x : values) result.mean += x;
    result.mean /= static_cast<double>(values.size());
    double squares = 0.0;
    for (const double x : values) squares += (x - result.mean) * (x - result.mean);
    if (values.size() > 1) result.std = std::sqrt(squares / static_cast<double>(values.size() - 1));
    return result;
}

}  // namespace mnist
