#pragma once
// Separates the ink of a photographed digit from its paper before the MNIST normalisation: the
// light falling unevenly across the page is divided out, ruled and margin lines that run across
// the frame are taken away, and only the connected strokes that make the digit are kept. The
// result is the digit as dark ink on flat white paper, which preprocess_digit then treats like
// a canvas drawing. Built on OpenCV's imgproc; without OpenCV nothing is cleaned.
#include "core/image/gray_image.h"

namespace mnist {

struct CleanedPhoto {
    // False when this build cannot clean photos (no OpenCV): use the image as it was.
    bool cleaned = false;
    // True when nothing on the paper is ink worth reading: blank paper, lines, light, noise.
    bool blank = false;
    // The ink, dark on white (255) paper, at most 512 px on its longer side; empty when blank.
    GrayImage image;
};

// False in a build without OpenCV, where clean_photo leaves every image as it was.
bool photo_cleanup_available();

// Either polarity: the ink is whichever tail of the paper's tones carries more.
CleanedPhoto clean_photo(const GrayImage& photo);

}  // namespace mnist
