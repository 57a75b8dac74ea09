#include "core/data/augmentation.h"

#include <algorithm>
#include <cmath>

#include "core/data/mnist_format.h"
#include "core/math_constants.h"

namespace mnist {
namespace {

// A pixel centre's grid coordinate, as grid_sample(align_corners=false) places it.
float grid_coordinate(int index, int size) {
    return (2.0f * index + 1.0f) / size - 1.0f;
}

// Bilinear sample of a 28x28 byte image at input pixel coordinates (x, y), zero outside, in [0, 1].
float sample(const std::uint8_t* image, float x, float y) {
    // Nothing to sample this far out (and no float-to-int conversion of a huge or NaN value).
    if (!(x > -1.0f && x < kImageSide && y > -1.0f && y < kImageSide)) return 0.0f;
    const int x0 = static_cast<int>(std::floor(x));
    const int y0 = static_cast<int>(std::floor(y));
    const float fx = x - x0, fy = y - y0;
    float sum = 0.0f;
    for (int dy = 0; dy <= 1; ++dy) {
        const int yy = y0 + dy;
        if (yy < 0 || yy >= kImageSide) continue;
        const float wy = dy ? fy : 1.0f - fy;
        for (int dx = 0; dx <= 1; ++dx) {
            const int xx = x0 + dx;
            if (xx < 0 || xx >= kImageSide) continue;
            const float wx = dx ? fx : 1.0f - fx;
            sum += wx * wy * image[yy * kImageSide + xx];
        }
    }
    return sum * (1.0f / 255.0f);
}

// 3x3 max (thicker) or min (thinner) filter over the pixels inside the image, as max_pool2d with
// padding 1 does.
void change_pen(const float* in, float* out, int direction) {
    for (int y = 0; y < kImageSide; ++y) {
        for (int x = 0; x < kImageSide; ++x) {
            float best = in[y * kImageSide + x];
            for (int yy = std::max(0, y - 1); yy <= std::min(kImageSide - 1, y + 1); ++yy)
                for (int xx = std::max(0, x - 1); xx <= std::min(kImageSide - 1, x + 1); ++xx)
                    best = direction > 0 ? std::max(best, in[yy * kImageSide + xx])
                                         : std::min(best, in[yy * kImageSide + xx]);
            out[y * kImageSide + x] = best;
        }
    }
}

}  // namespace

std::vector<AugmentDraw> draw_augmentations(std::int64_t n, const AugmentOptions& options,
                                            SeededRandom& random) {
    std::vector<AugmentDraw> draws(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)));
    for (auto& draw : draws) {
        const double angle =
            random.uniform(-options.degrees(), options.degrees()) * kRadiansPerDegree;
        const double shear = random.uniform(-options.shear(), options.shear()) * kRadiansPerDegree;
        const double scale = random.uniform(options.scale_min(), options.scale_max());
        // Grid coordinates span [-1, 1], so a shift of t x the image size is 2t in grid units.
        const double tx = random.uniform(-options.translate(), options.translate()) * 2.0;
        const double ty = random.uniform(-options.translate(), options.translate()) * 2.0;
        const double pen = random.uniform();
        // Dividing by the scale zooms in when scale > 1: the grid maps output to input.
        const double cos = std::cos(angle), sin = std::sin(angle), tan_shear = std::tan(shear);
        draw.a = static_cast<float>(cos / scale);
        draw.b = static_cast<float>((-sin + cos * tan_shear) / scale);
        draw.c = static_cast<float>(sin / scale);
        draw.d = static_cast<float>((cos + sin * tan_shear) / scale);
        draw.tx = static_cast<float>(tx);
        draw.ty = static_cast<float>(ty);
        draw.stroke = pen < options.stroke() / 2.0 ? 1 : pen < options.stroke() ? -1 : 0;
    }
    return draws;
}

torch::Tensor augment_batch(const torch::Tensor& images, const std::vector<AugmentDraw>& draws) {
    torch::NoGradGuard no_grad;
    const std::int64_t n = images.size(0);
    TORCH_CHECK(static_cast<std::int64_t>(draws.size()) == n, "one augmentation draw per image");
    // The draws cross to the images' device as one small tensor: [n, 7].
    auto host = torch::empty({n, 7}, torch::kFloat32);
    auto rows = host.accessor<float, 2>();
    for (std::int64_t i = 0; i < n; ++i) {
        const auto& d = draws[static_cast<std::size_t>(i)];
        const float row[7] = {d.a, d.b, d.c, d.d, d.tx, d.ty, static_cast<float>(d.stroke)};
        for (int k = 0; k < 7; ++k) rows[i][k] = row[k];
    }
    const auto p = host.to(images.device(), /*non_blocking=*/true);
    auto col = [&](int k) { return p.select(1, k).view({n, 1, 1}); };

    // The sampling grid, built by broadcasting rather than affine_grid: affine_grid is a batched
    // matmul, and this LibTorch's generic BLAS makes that cost more than the whole forward pass.
    const auto opts = images.options();
    const std::int64_t h = images.size(2), w = images.size(3);
    const auto xs = ((torch::arange(w, opts) * 2 + 1) / static_cast<double>(w) - 1).view({1, 1, w});
    const auto ys = ((torch::arange(h, opts) * 2 + 1) / static_cast<double>(h) - 1).view({1, h, 1});
    const auto grid =
        torch::stack({col(0) * xs + col(1) * ys + col(4), col(2) * xs + col(3) * ys + col(5)}, 3);
    namespace F = torch::nn::functional;
    auto out = F::grid_sample(images, grid,
                              F::GridSampleFuncOptions()
                                  .mode(torch::kBilinear)
                                  .padding_mode(torch::kZeros)
                                  .align_corners(false));
    // Decided from the host's draws: asking the device would make every CUDA batch wait.
    const bool any_pen =
        std::any_of(draws.begin(), draws.end(), [](const AugmentDraw& d) { return d.stroke != 0; });
    if (any_pen) {
        const auto pen = p.select(1, 6).view({n, 1, 1, 1});
        // A 3x3 max-pool thickens strokes by about a pixel; a min-pool (max-pool of the negative)
        // thins them.
        const auto thick = torch::max_pool2d(out, 3, 1, 1);
        const auto thin = -torch::max_pool2d(-out, 3, 1, 1);
        out = torch::where(pen > 0, thick, torch::where(pen < 0, thin, out));
    }
    return out.clamp_(0.0, 1.0);
}

torch::Tensor augment_batch(const torch::Tensor& images, const AugmentOptions& options,
                            std::uint64_t seed) {
    SeededRandom random(seed);
    return augment_batch(images, draw_augmentations(images.size(0), options, random));
}

void augment_images(const std::uint8_t* const* images, const std::vector<AugmentDraw>& draws,
                    float* out) {
    // Input pixel coordinate of grid coordinate g: ((g + 1) * size - 1) / 2.
    constexpr float half = kImageSide / 2.0f;
    float warped[kImagePixels];
    for (std::size_t k = 0; k < draws.size(); ++k) {
        const AugmentDraw& d = draws[k];
        float* dst = out + k * kImagePixels;
        float* target = d.stroke == 0 ? dst : warped;
        for (int y = 0; y < kImageSide; ++y) {
            const float gy = grid_coordinate(y, kImageSide);
            for (int x = 0; x < kImageSide; ++x) {
                const float gx = grid_coordinate(x, kImageSide);
                const float sx = (d.a * gx + d.b * gy + d.tx + 1.0f) * half - 0.5f;
                const float sy = (d.c * gx + d.d * gy + d.ty + 1.0f) * half - 0.5f;
                target[y * kImageSide + x] = sample(images[k], sx, sy);
            }
        }
        if (d.stroke != 0) change_pen(warped, dst, d.stroke);
        for (int i = 0; i < kImagePixels; ++i) dst[i] = std::clamp(dst[i], 0.0f, 1.0f);
    }
}

}  // namespace mnist
