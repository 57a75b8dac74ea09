#include "core/models/model_1.h"

namespace mnist {

using namespace torch::nn;

// Output sizes are channels x height x width for a 1x28x28 input.
Model1Impl::Model1Impl() {
    add("conv1", Conv2d(Conv2dOptions(1, 8, 3).padding(1)));  //  8x28x28     80 params
    add("relu1", ReLU());
    add("pool1", MaxPool2d(2));                                //  8x14x14
    add("conv2", Conv2d(Conv2dOptions(8, 16, 3).padding(1)));  // 16x14x14  1,168
    add("relu2", ReLU());
    add("pool2", MaxPool2d(2));   // 16x7x7
    add("flatten", Flatten());    // 784
    add("fc1", Linear(784, 32));  // 32       25,120
    add("relu3", ReLU());
    add("fc2", Linear(32, 10));  // 10          330
}

}  // namespace mnist
