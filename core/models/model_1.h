#pragma once
#include "core/models/sequential_net.h"

namespace mnist {

// The seed's baseline: two conv blocks and two fully connected layers, 26,698 parameters.
struct Model1Impl : SequentialNetImpl {
    Model1Impl();
};
TORCH_MODULE(Model1);

}  // namespace mnist
