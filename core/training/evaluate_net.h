#pragma once
#include <torch/torch.h>

#include "core/data/mnist_dataset.h"
#include "core/models/sequential_net.h"
#include "core/training/training_metrics.h"

namespace mnist {

// Runs `net` in eval mode over `data` (batches of `batch_size`) and restores its training mode.
EvalResult evaluate(SequentialNet& net, const MnistData& data, const torch::Device& device,
                    std::int64_t batch_size = 1000);

}  // namespace mnist
