#pragma once
#include "core/models/sequential_net.h"

namespace mnist {

// The optimized step: BatchNorm after every convolution, dropout, and global average pooling in
// place of Model_1's 25k-parameter fully connected layer.
struct Model2Impl : SequentialNetImpl {
    Model2Impl();
};
TORCH_MODULE(Model2);

}  // namespace mnist
