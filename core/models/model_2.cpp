#include "core/models/model_2.h"

namespace mnist {

using namespace torch::nn;

namespace {
Conv2d conv3x3(int in, int out) {
    return Conv2d(Conv2dOptions(in, out, 3).bias(false));
}
}  // namespace

// Output sizes are channels x height x width for a 1x28x28 input.
Model2Impl::Model2Impl() {
    add("conv1", conv3x3(1, 8));  //  8x26x26
    add("bn1", BatchNorm2d(8));
    add("relu1", ReLU());
    add("conv2", conv3x3(8, 16));  // 16x24x24
    add("bn2", BatchNorm2d(16));
    add("relu2", ReLU());
    add("pool1", MaxPool2d(2));  // 16x12x12
    add("drop1", Dropout(0.05));
    add("conv3", conv3x3(16, 16));  // 16x10x10
    add("bn3", BatchNorm2d(16));
    add("relu3", ReLU());
    add("conv4", conv3x3(16, 16));  // 16x8x8
    add("bn4", BatchNorm2d(16));
    add("relu4", ReLU());
    add("conv5", conv3x3(16, 16));  // 16x6x6
    add("bn5", BatchNorm2d(16));
    add("relu5", ReLU());
    add("drop2", Dropout(0.05));
    add("gap", AdaptiveAvgPool2d(1));  // 16x1x1
    add("flatten", Flatten());         // 16
    add("fc", Linear(16, 10));         // 10
}

}  // namespace mnist
