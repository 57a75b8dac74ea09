#pragma once
#include <torch/torch.h>

#include <functional>

#include "core/data/mnist_dataset.h"
#include "core/models/sequential_net.h"
#include "core/training/training_metrics.h"

namespace mnist {

// Runs `net` in eval mode over `data` (batches of `batch_size`) and restores its training mode.
EvalResult evaluate(SequentialNet& net, const MnistData& data, const torch::Device& device,
                    std::int64_t batch_size = 1000);

// The scoring behind evaluate(), for any classifier: `log_probs(x)` gives the log-probabilities
// [B, 10] for a normalised batch x; the result's loss is their mean negative log-likelihood.
EvalResult score_log_probs(const MnistData& data, const torch::Device& device,
                           std::int64_t batch_size,
                           const std::function<torch::Tensor(const torch::Tensor&)>& log_probs);

}  // namespace mnist
