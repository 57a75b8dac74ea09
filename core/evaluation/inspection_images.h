#pragma once
// The inspection's numbers as pictures, for `mnist-cli inspect` to write as PNGs (the app's
// Inside views draw the same numbers themselves). Tiles are separated by a 1 px grey gap and
// scaled up by whole pixels (nearest neighbour), so every value stays one visible square.
#include <cstdint>
#include <vector>

#include "core/evaluation/inspection.h"
#include "core/image/gray_image.h"
#include "core/image/rgb_image.h"

namespace mnist {

// A stage's channels in a near-square grid, each map min-max scaled on its own (white = its
// largest value). 1x1 maps and vectors ([N] outputs) share one scale across the stage, as a lone
// value has no range of its own.
GrayImage feature_map_grid(const StageActivation& stage);

// One row per output channel, one column per input channel, on the bank's shared min..max scale.
GrayImage filter_grid(const FilterBank& bank);

// The 28x28 map, 0 black to 1 white, each pixel `scale` x `scale`.
GrayImage saliency_image(const DigitPixels& map, int scale = 8);
// The digit in grey with the map laid over it in red (opacity follows the map).
RgbImage saliency_overlay(const DigitPixels& digit, const DigitPixels& map, int scale = 8);

// The 10x10 confusion matrix (rows true digit, columns predicted): the diagonal in blue by the
// row's accuracy, mistakes in red by their count relative to the largest off-diagonal cell
// (square-rooted, so a single mistake still shows). Empty cells are white.
RgbImage confusion_heatmap(const EvalResult& eval, int cell = 32);

// The test images at `indices`, in order, in a near-square grid (white ink on black, as MNIST).
GrayImage digit_grid(const TestSetInspection& inspection, const std::vector<std::int64_t>& indices,
                     int scale = 2);

}  // namespace mnist
