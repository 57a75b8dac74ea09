#pragma once
// Fixtures of the tests that train on the real MNIST: whether it is there, Model_1's recipe on a
// slice of it, and an observer that presses Stop after a number of batches. Torch-free, so the
// widget tests use it too.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/training/recipes.h"
#include "core/training/train_options.h"
#include "core/training/trainer.h"

namespace test_support {

inline bool have_mnist() {
    return std::filesystem::exists(MNIST_DATA_DIR "/train-images-idx3-ubyte");
}

// Model_1's recommended recipe on the CPU, trained on the first `limit_train` training images and
// scored on the first `limit_test` test images, writing into `out_dir`. Each test then sets what
// it is about (epochs, batch size, threads, seed ...).
inline mnist::TrainOptions mnist_slice(const std::string& out_dir, std::int64_t limit_train,
                                       std::int64_t limit_test) {
    mnist::TrainOptions o = mnist::recommended_options("Model_1");
    o.data_dir = MNIST_DATA_DIR;
    o.out_dir = out_dir;
    o.limit_train = limit_train;
    o.limit_test = limit_test;
    o.device = "cpu";
    return o;
}

// Sets the stop flag on the `stop_at`-th batch of the run (counting across epochs; -1: never) and
// counts the batches it saw.
class StopAfter : public mnist::TrainObserver {
  public:
    StopAfter(std::atomic<bool>& flag, int stop_at) : flag_(flag), stop_at_(stop_at) {}
    void on_batch(const mnist::BatchProgress&) override {
        if (++batches_ == stop_at_) flag_ = true;
    }
    int batches() const { return batches_; }

  private:
    std::atomic<bool>& flag_;
    int stop_at_;
    int batches_ = 0;
};

}  // namespace test_support
