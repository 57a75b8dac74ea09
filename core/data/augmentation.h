#pragma once
// Random affine augmentation (torchvision RandomAffine's knobs) plus stroke-width jitter. Each
// image's transform is drawn once on the host from a seeded generator, then applied by either of
// two warpers that compute the same thing: the tensor one (one grid_sample for the whole batch, on
// any device: the CUDA path) and the host one (a plain loop over 28x28 bytes, cheap enough to run
// on a worker thread beside the training: the CPU path).
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "core/data/augment_options.h"
#include "core/seeded_random.h"

namespace mnist {

// One image's transform. (a b; c d) and t map an output pixel's grid coordinates (in [-1, 1], as
// grid_sample takes them) to the input coordinates it samples: the inverse of "rotate, shear,
// then scale", followed by the shift.
struct AugmentDraw {
    float a = 1, b = 0, c = 0, d = 1, tx = 0, ty = 0;
    int stroke = 0;  // +1 thicker pen, -1 thinner, 0 unchanged
};

std::vector<AugmentDraw> draw_augmentations(std::int64_t n, const AugmentOptions& options,
                                            SeededRandom& random);

// Tensor path: float [B, 1, H, W] in [0, 1] (any device) -> augmented, same shape, in [0, 1].
torch::Tensor augment_batch(const torch::Tensor& images, const std::vector<AugmentDraw>& draws);
// The same with transforms drawn from `seed`.
torch::Tensor augment_batch(const torch::Tensor& images, const AugmentOptions& options,
                            std::uint64_t seed);

// Host path: images[k] points at a 28x28 uint8 image; out receives draws.size() 28x28 float
// images in [0, 1], row-major, one after another. Matches augment_batch to float rounding.
void augment_images(const std::uint8_t* const* images, const std::vector<AugmentDraw>& draws,
                    float* out);

}  // namespace mnist
