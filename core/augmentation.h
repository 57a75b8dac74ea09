#pragma once
#include <torch/torch.h>

#include "core/augment_options.h"

namespace mnist {

// Applies an independent random affine transform (and stroke-width change) to every image of a
// float [B, 1, H, W] batch of [0, 1] intensities, in one affine_grid/grid_sample call: no
// per-sample loop. Randomness comes from `generator` (on the images' device) when given, else from
// LibTorch's global generator, so torch::manual_seed fixes it.
torch::Tensor augment_batch(const torch::Tensor& images, const AugmentOptions& options,
                            c10::optional<at::Generator> generator = c10::nullopt);

}  // namespace mnist
