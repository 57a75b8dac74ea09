#include "core/models/model_3.h"

namespace mnist {

using namespace torch::nn;

namespace {
Conv2d conv(int in, int out, int kernel) {
    return Conv2d(Conv2dOptions(in, out, kernel).bias(false));
}
}  // namespace

// Output sizes are channels x height x width for a 1x28x28 input.
Model3Impl::Model3Impl() {
    add("conv1", conv(1, 10, 3));  // 10x26x26     90 params
    add("bn1", BatchNorm2d(10));
    add("relu1", ReLU());
    add("conv2", conv(10, 10, 3));  // 10x24x24    900
    add("bn2", BatchNorm2d(10));
    add("relu2", ReLU());
    add("conv3", conv(10, 16, 3));  // 16x22x22  1,440
    add("bn3", BatchNorm2d(16));
    add("relu3", ReLU());
    add("pool1", MaxPool2d(2));      // 16x11x11
    add("trans1", conv(16, 10, 1));  // 10x11x11    160
    add("relu4", ReLU());
    add("conv4", conv(10, 12, 3));  // 12x9x9    1,080
    add("bn4", BatchNorm2d(12));
    add("relu5", ReLU());
    add("conv5", conv(12, 14, 3));  // 14x7x7    1,512
    add("bn5", BatchNorm2d(14));
    add("relu6", ReLU());
    add("conv6", conv(14, 16, 3));  // 16x5x5    2,016
    add("bn6", BatchNorm2d(16));
    add("relu7", ReLU());
    add("gap", AdaptiveAvgPool2d(1));  // 16x1x1
    add("flatten", Flatten());         // 16
    add("fc", Linear(16, 10));         // 10          170
}

}  // namespace mnist
