#include "core/augmentation.h"

#include <cmath>

namespace mnist {
namespace {

torch::Tensor uniform(std::int64_t n, double lo, double hi, const torch::TensorOptions& opts) {
    return torch::rand({n}, opts) * (hi - lo) + lo;
}

}  // namespace

torch::Tensor augment_batch(const torch::Tensor& images, const AugmentOptions& options) {
    torch::NoGradGuard no_grad;
    const std::int64_t n = images.size(0);
    const auto opts = images.options();
    constexpr double kPi = 3.14159265358979323846;

    const auto angle = uniform(n, -options.degrees(), options.degrees(), opts) * (kPi / 180.0);
    const auto shear = uniform(n, -options.shear(), options.shear(), opts) * (kPi / 180.0);
    const auto scale = uniform(n, options.scale_min(), options.scale_max(), opts);
    // grid coordinates span [-1, 1], so a shift of t x image size is 2t in grid units.
    const auto tx = uniform(n, -options.translate(), options.translate(), opts) * 2.0;
    const auto ty = uniform(n, -options.translate(), options.translate(), opts) * 2.0;

    // affine_grid maps output coordinates to input coordinates, so build the inverse of
    // "rotate, shear, then scale": dividing by the scale zooms in when scale > 1.
    const auto cos = torch::cos(angle), sin = torch::sin(angle), tan_shear = torch::tan(shear);
    const auto a = cos / scale, b = (-sin + cos * tan_shear) / scale;
    const auto c = sin / scale, d = (cos + sin * tan_shear) / scale;
    const auto theta = torch::stack({torch::stack({a, b, tx}, 1), torch::stack({c, d, ty}, 1)}, 1);
    const auto grid = torch::nn::functional::affine_grid(theta, images.sizes().vec(), false);
    auto out = torch::nn::functional::grid_sample(
        images, grid,
        torch::nn::functional::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));

    if (options.stroke() > 0.0) {
        // A 3x3 max-pool thickens strokes by about a pixel; a min-pool (max-pool of the negative)
        // thins them. Each image gets one, the other, or neither.
        const auto pick = torch::rand({n, 1, 1, 1}, opts);
        const auto thick = torch::max_pool2d(out, 3, 1, 1);
        const auto thin = -torch::max_pool2d(-out, 3, 1, 1);
        const double half = options.stroke() / 2.0;
        out = torch::where(pick < half, thick, torch::where(pick < options.stroke(), thin, out));
    }
    return out.clamp_(0.0, 1.0);
}

}  // namespace mnist
