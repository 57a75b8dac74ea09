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

// Where the 28x28 frame came from, so a view can lay anything computed on the frame (a
// saliency map) back over the source picture without repeating the preprocessing.
struct DigitPlacement {
    // The source image's size; crop coordinates are in its pixels.
    int source_width = 0;
    int source_height = 0;
    // The ink's bounding box, [left, left + width) x [top, top + height). For a photo cleaned by
    // photo_cleanup the box is found in the cleaned image, which is the photo shrunk to at most
    // 512 px, and is scaled back here to the photo's own pixels.
    double crop_left = 0, crop_top = 0, crop_width = 0, crop_height = 0;
    // The crop after scaling (longer side 20 px), and where its top-left pixel lands in 28x28.
    int box_width = 0;
    int box_height = 0;
    int shift_x = 0;
    int shift_y = 0;
};

// A rectangle in source pixels; empty (width 0) for a 28x28 cell outside the placed digit.
struct SourceRect {
    double left = 0, top = 0, width = 0, height = 0;
    bool empty() const { return width <= 0 || height <= 0; }
};

struct PreprocessedDigit {
    // True when the image holds no ink worth classifying; pixels are then all zero.
    bool blank = true;
    // 28x28 row-major intensities in [0, 1]: 0 background, 1 full ink (MNIST's bytes / 255).
    std::array<float, kImagePixels> pixels{};
    // Meaningful only when not blank.
    DigitPlacement placement;
};

PreprocessedDigit preprocess_digit(const GrayImage& image);

// The part of the source image that 28x28 cell (x, y) was resampled from.
SourceRect cell_source_rect(const DigitPlacement& placement, int x, int y);

// A 28x28 digit taken as it is (a test image): cell (x, y) is source pixel (x, y).
DigitPlacement identity_placement();

}  // namespace mnist
