#pragma once
// The blur the digit generators use for an out-of-focus pen or lens; plain C++, so the generators
// need no image library.
#include <vector>

namespace mnist {

// Separable Gaussian blur of a w x h row-major float image, in place; edges repeat the border.
void gaussian_blur(std::vector<float>& image, int w, int h, double sigma);

}  // namespace mnist
