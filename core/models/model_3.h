#pragma once
#include "core/models/sequential_net.h"

namespace mnist {

// The final model: under 8,000 parameters. Three 3x3 convolutions (a 7x7 receptive field) run
// before the single max-pool, a 1x1 convolution squeezes channels, three more 3x3 convolutions
// cover the digit, and global average pooling feeds a 16->10 classifier.
struct Model3Impl : SequentialNetImpl {
    Model3Impl();
};
TORCH_MODULE(Model3);

}  // namespace mnist
