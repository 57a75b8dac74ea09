#pragma once
// Turns any drawing or photo of one digit into the 28x28 image MNIST's models expect, the way
// MNIST itself was built: find the ink (either polarity), crop to its bounding box, scale so the
// longer side is 20 px keeping the aspect ratio (anti-aliased), and place it in 28x28 so that its
// centre of mass sits at the centre. The canvas and `mnist-cli predict` share this one path.
// Photos (a background that is not flat) first have their ink separated from paper, ruled lines
// and uneven light (photo_cleanup.h).
#include <array>

#include "core/data/mnist_format.h"
#include "core/image/gray_image.h"

namespace mnist {

struct PreprocessedDigit {
    // True when the image holds no ink worth classifying; pixels are then all zero.
    bool blank = true;
    // 28x28 row-major intensities in [0, 1]: 0 background, 1 full ink (MNIST's bytes / 255).
    std::array<float, kImagePixels> pixels{};
};

PreprocessedDigit preprocess_digit(const GrayImage& image);

}  // namespace mnist
