#pragma once
// Everything a training run is configured by. Plain C++ so the GUI and CLI can fill it in without
// LibTorch's headers.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/augment_options.h"

namespace mnist {

enum class OptimizerKind { Adam, AdamW, SGD };
enum class SchedulerKind { ReduceOnPlateau, OneCycle, Step, None };

struct TrainOptions {
    std::string model = "Model_3";
    int epochs = 15;
    int batch_size = 128;
    double lr = 1e-3;  // Adam's default; the starting LR for plateau/step schedules
    std::uint64_t seed = 1;
    int threads = 0;              // 0: all cores
    std::string device = "auto";  // auto | cpu | cuda

    OptimizerKind optimizer = OptimizerKind::Adam;
    double weight_decay = 0.0;
    double momentum = 0.9;  // SGD only
    bool nesterov = false;  // SGD only

    SchedulerKind scheduler = SchedulerKind::ReduceOnPlateau;
    double max_lr = 0.02;         // OneCycle's peak
    double plateau_factor = 0.5;  // ReduceLROnPlateau, watching validation loss
    int plateau_patience = 1;
    int step_size = 5;  // StepLR
    double step_gamma = 0.1;

    // > 0: validate and save an exponential moving average of the weights with this decay per
    // step (e.g. 0.999) instead of the last step's weights.
    double ema_decay = 0.0;

    // > 0: end the run when validation accuracy has not improved for this many epochs.
    int early_stop = 0;

    bool augment = false;
    AugmentOptions augmentation;

    std::string data_dir;          // empty: found by resolve_data_dir()
    std::int64_t val_split = 0;    // > 0: hold out this many training images for validation
    std::int64_t limit_train = 0;  // > 0: train on the first N images only (quick runs, tests)
    std::int64_t limit_test = 0;   // > 0: evaluate on the first N test images only
    std::string out_dir = ".";     // where best_<Model>.pth/.json and history_<Model>.csv go
};

const char* to_string(OptimizerKind kind);
const char* to_string(SchedulerKind kind);
// Parse the CLI/GUI spellings (adam, adamw, sgd / plateau, onecycle, step, none); throw
// InvalidArgument naming the bad value and the valid ones.
OptimizerKind parse_optimizer(const std::string& name);
SchedulerKind parse_scheduler(const std::string& name);

}  // namespace mnist
