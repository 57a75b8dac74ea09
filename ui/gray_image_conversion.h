#pragma once
// QImage <-> core's plain rasters. The canvas and "Open image…" hand QImages to core's one
// preprocessing path through here; the 28x28 preview comes back the same way.
#include <QImage>

#include "core/image/gray_image.h"
#include "core/inference/digit_preprocess.h"

namespace mnist::ui {

// Luminance of every pixel. Transparent pixels become background: the image is first composed
// over the colour opposite to its opaque ink, so a dark digit on a transparent PNG stays visible.
mnist::GrayImage toGrayImage(const QImage& image);

// A 28x28 digit (kImagePixels intensities in [0, 1], row-major, ink = 1) as MNIST shows it:
// white ink on black.
QImage digitToQImage(const float* pixels);
// The 28x28 image the model sees.
QImage toQImage(const mnist::PreprocessedDigit& digit);

}  // namespace mnist::ui
