#include "core/augmentation.h"

#include <cmath>

namespace mnist {
namespace {

torch::Tensor uniform(std::int64_t n, double lo, double hi,
                      const c10::optional<at::Generator>& generator,
                      const torch::TensorOptions& opts) {
    return torch::rand({n}, generator, opts) * (hi - lo) + lo;
}

}  // namespace

torch::Tensor augment_batch(const torch::Tensor& images, const AugmentOptions& options,
                            c10::optional<at::Generator> generator) {
    torch::NoGradGuard no_grad;
    const std::int64_t n = images.size(0);
    const auto opts = images.options();
    constexpr double kPi = 3.14159265358979323846;

    const double radians = kPi / 180.0;
    const auto angle = uniform(n, -options.degrees(), options.degrees(), generator, opts) * radians;
    const auto shear = uniform(n, -options.shear(), options.shear(), generator, opts) * radians;
    const auto scale = uniform(n, options.scale_min(), options.scale_max(), generator, opts);
    // grid coordinates span [-1, 1], so a shift of t x image size is 2t in grid units.
    const auto tx = uniform(n, -options.translate(), options.translate(), generator, opts) * 2.0;
    const auto ty = uniform(n, -options.translate(), options.translate(), generator, opts) * 2.0;

    // The grid maps output coordinates to input coordinates, so build the inverse of
    // "rotate, shear, then scale": dividing by the scale zooms in when scale > 1.
    const auto cos = torch::cos(angle), sin = torch::sin(angle), tan_shear = torch::tan(shear);
    const auto a = cos / scale, b = (-sin + cos * tan_shear) / scale;
    const auto c = sin / scale, d = (cos + sin * tan_shear) / scale;
    // The sampling grid, built by broadcasting rather than affine_grid: affine_grid is a batched
    // matmul, and this LibTorch's generic BLAS makes that cost more than the whole forward pass.
    // Pixel centres in [-1, 1] as grid_sample(align_corners=false) expects.
    const std::int64_t h = images.size(2), w = images.size(3);
    const auto xs = ((torch::arange(w, opts) * 2 + 1) / static_cast<double>(w) - 1).view({1, 1, w});
    const auto ys = ((torch::arange(h, opts) * 2 + 1) / static_cast<double>(h) - 1).view({1, h, 1});
    auto col = [n](const torch::Tensor& t) { return t.view({n, 1, 1}); };
    const auto grid = torch::stack({col(a) * xs + col(b) * ys + col(tx), col(c) * xs + col(d) * ys + col(ty)}, 3);
    auto out = torch::nn::functional::grid_sample(
        images, grid,
        torch::nn::functional::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));

    if (options.stroke() > 0.0) {
        // A 3x3 max-pool thickens strokes by about a pixel; a min-pool (max-pool of the negative)
        // thins them. Each image gets one, the other, or neither.
        const auto pick = torch::rand({n, 1, 1, 1}, generator, opts);
        const auto thick = torch::max_pool2d(out, 3, 1, 1);
        const auto thin = -torch::max_pool2d(-out, 3, 1, 1);
        const double half = options.stroke() / 2.0;
        out = torch::where(pick < half, thick, torch::where(pick < options.stroke(), thin, out));
    }
    return out.clamp_(0.0, 1.0);
}

}  // namespace mnist
