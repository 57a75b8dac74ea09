#pragma once
#include <string>

#include "core/models/sequential_net.h"

namespace mnist {

// A freshly initialised network for a registered model name (throws InvalidArgument otherwise).
SequentialNet make_model(const std::string& name);

std::int64_t count_parameters(const torch::nn::Module& module, bool trainable_only = false);

}  // namespace mnist
