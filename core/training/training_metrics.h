#pragma once
// What a training run reports while it runs. Plain C++: the CLI prints these, the GUI's adapter
// turns them into queued signals.
#include <array>
#include <cstdint>
#include <string>

namespace mnist {

struct TrainStart {
    std::string model;
    std::int64_t params = 0;
    std::string device;
    int threads = 1;
    int epochs = 0;
    std::int64_t train_size = 0;
    std::int64_t val_size = 0;
    std::int64_t batches_per_epoch = 0;
    std::string data_dir;
    std::string validation;  // "test set" or "held-out N training images"
    int first_epoch = 1;     // above 1 when a resumed run continues after its finished epochs
};

struct BatchProgress {
    int epoch = 0;  // 1-based
    int epochs = 0;
    std::int64_t batch = 0;  // 1-based within the epoch
    std::int64_t batches = 0;
    double running_loss = 0.0;  // mean over the epoch so far
    double running_acc = 0.0;   // percent, over the epoch so far
    double lr = 0.0;            // the LR this batch was trained with
    double images_per_sec = 0.0;
    double eta_seconds = 0.0;  // for the whole run
};

struct EpochMetrics {
    int epoch = 0;  // 1-based
    double train_loss = 0.0;
    double train_acc = 0.0;  // percent
    double val_loss = 0.0;
    double val_acc = 0.0;  // percent
    double lr = 0.0;       // the LR in effect at the end of the epoch's training
    double seconds = 0.0;
    bool improved = false;  // a new best: the checkpoint was written
};

// A network scored on a set of images.
struct EvalResult {
    std::int64_t count = 0;
    double loss = 0.0;                                         // mean cross-entropy
    double accuracy = 0.0;                                     // percent
    std::array<double, 10> class_accuracy{};                   // percent, per true digit
    std::array<std::array<std::int64_t, 10>, 10> confusion{};  // [true][predicted]
};

}  // namespace mnist
