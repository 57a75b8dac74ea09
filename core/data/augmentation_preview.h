#pragma once
// A few MNIST test digits next to one random augmentation of each, for the GUI to show what the
// augmentation ranges do. Plain C++ so widgets can call it without LibTorch's headers.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/augment_options.h"
#include "core/data/mnist_format.h"

namespace mnist {

struct AugmentedSample {
    std::vector<float> original;   // kImageSide^2 intensities in [0, 1], row-major, ink = 1
    std::vector<float> augmented;  // the same digit after augment_batch
    int label = 0;
};

// `count` test digits picked by `seed`, each with one augmentation drawn with `options`. The same
// seed picks the same digits and the same random draws, so changing a range shows its effect on
// unchanged samples. Randomness comes from a private generator: a training run on another thread
// keeps its global-generator sequence. The test split is read once per directory and kept.
// Throws DataError when `data_dir` lacks the test files.
std::vector<AugmentedSample> preview_augmentation(const std::string& data_dir,
                                                  const AugmentOptions& options, int count,
                                                  std::uint64_t seed);

}  // namespace mnist
