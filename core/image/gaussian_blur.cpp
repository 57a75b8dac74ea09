#include "core/image/gaussian_blur.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace mnist {

void gaussian_blur(std::vector<float>& image, int w, int h, double sigma) {
    const int radius = static_cast<int>(std::ceil(3.0 * sigma));
    std::vector<float> kernel(static_cast<std::size_t>(2 * radius + 1));
    float total = 0.0f;
    for (int k = -radius; k <= radius; ++k) {
        kernel[static_cast<std::size_t>(k + radius)] =
            static_cast<float>(std::exp(-0.5 * k * k / (sigma * sigma)));
        total += kernel[static_cast<std::size_t>(k + radius)];
    }
    for (float& k : kernel) k /= total;
    std::vector<float> tmp(image.size());
    auto pass = [&](const std::vector<float>& in, std::vector<float>& out, int step, int n,
                    int lines, int line_step) {
        for (int l = 0; l < lines; ++l)
            for (int i = 0; i < n; ++i) {
                float sum = 0.0f;
                for (int k = -radius; k <= radius; ++k) {
                    const int j = std::clamp(i + k, 0, n - 1);
                    sum += kernel[static_cast<std::size_t>(k + radius)] *
                           in[static_cast<std::size_t>(l) * line_step +
                              static_cast<std::size_t>(j) * step];
                }
                out[static_cast<std::size_t>(l) * line_step + static_cast<std::size_t>(i) * step] =
                    sum;
            }
    };
    pass(image, tmp, 1, w, h, w);
    pass(tmp, image, w, h, w, 1);
}

}  // namespace mnist
