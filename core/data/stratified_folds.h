#pragma once
// Stratified k-fold split for cross-validation: every fold holds each class in proportion. Plain
// C++, no LibTorch.
#include <cstdint>
#include <vector>

namespace mnist {

// Splits the indices 0 .. labels.size() - 1 into k disjoint folds that together cover them all.
// Each class's indices are shuffled (fixed by `seed`) and dealt round the folds, so a class's
// count differs by at most one between folds, and so do the folds' sizes. Each fold's indices are
// in ascending order. Throws InvalidArgument naming k when it is below 2 or above the image count
// of the smallest class (a fold would miss that class).
std::vector<std::vector<std::int64_t>> stratified_folds(const std::vector<int>& labels, int k,
                                                        std::uint64_t seed);

// Every index of 0 .. n - 1 that is not in `fold` (ascending): the training part when `fold` is
// held out.
std::vector<std::int64_t> complement_of(const std::vector<std::int64_t>& fold, std::int64_t n);

}  // namespace mnist
