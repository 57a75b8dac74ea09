#include "core/data/stratified_folds.h"

#include <algorithm>
#include <map>
#include <string>

#include "core/errors.h"
#include "core/seeded_random.h"

namespace mnist {

std::vector<std::vector<std::int64_t>> stratified_folds(const std::vector<int>& labels, int k,
                                                        std::uint64_t seed) {
    if (k < 2) {
        throw InvalidArgument("cross-validation needs at least 2 folds (got " + std::to_string(k) +
                              ")");
    }
    std::map<int, std::vector<std::int64_t>> by_class;  // ordered, so the deal is reproducible
    for (std::size_t i = 0; i < labels.size(); ++i) {
        by_class[labels[i]].push_back(static_cast<std::int64_t>(i));
    }
    if (by_class.empty()) throw InvalidArgument("cannot make folds of an empty set of images");
    for (const auto& [label, indices] : by_class) {
        if (static_cast<std::size_t>(k) > indices.size()) {
            throw InvalidArgument(
                std::to_string(k) + " folds are more than the " + std::to_string(indices.size()) +
                " images of class " + std::to_string(label) +
                " (every fold needs each class); use at most " + std::to_string(indices.size()));
        }
    }
    SeededRandom random(mix_seed(seed));
    std::vector<std::vector<std::int64_t>> folds(static_cast<std::size_t>(k));
    std::size_t next = 0;  // the fold that gets the next image: classes continue the deal
    for (auto& [label, indices] : by_class) {
        // Fisher-Yates with our own draws: std::shuffle's order differs between libraries.
        for (std::size_t i = indices.size() - 1; i > 0; --i) {
            const auto j = static_cast<std::size_t>(random.uniform_int(0, static_cast<int>(i)));
            std::swap(indices[i], indices[j]);
        }
        for (const std::int64_t index : indices) {
            folds[next].push_back(index);
            next = (next + 1) % folds.size();
        }
    }
    for (auto& fold : folds) std::sort(fold.begin(), fold.end());
    return folds;
}

std::vector<std::int64_t> complement_of(const std::vector<std::int64_t>& fold, std::int64_t n) {
    std::vector<char> held(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)), 0);
    for (const std::int64_t i : fold) {
        if (i >= 0 && i < n) held[static_cast<std::size_t>(i)] = 1;
    }
    std::vector<std::int64_t> rest;
    rest.reserve(held.size());
    for (std::int64_t i = 0; i < n; ++i) {
        if (!held[static_cast<std::size_t>(i)]) rest.push_back(i);
    }
    return rest;
}

}  // namespace mnist
