#pragma once
// Trains the same recipe once per seed and summarises how repeatable the result is: the numbers
// that go into README come from here (`mnist-cli experiment`).
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/sample_statistics.h"
#include "core/training/trainer.h"

namespace mnist {

struct SeedRun {
    std::uint64_t seed = 0;
    TrainResult result;
    double final_acc =
        0.0;  // test accuracy after the last epoch (of the best model with --val-split)
    double best_acc = 0.0;   // best validation accuracy of any epoch
    double last3_min = 0.0;  // lowest validation accuracy among the last three epochs
};

struct ExperimentSummary {
    std::string model;
    std::int64_t params = 0;
    std::vector<SeedRun> runs;
    MeanStd final_acc;  // over the seeds' final_acc
    MeanStd best_acc;
    double last3_min = 0.0;  // over all seeds
    bool stopped = false;
};

// Each seed's files go to <options.out_dir>/seed_<N>/.
ExperimentSummary run_experiment(const TrainOptions& options,
                                 const std::vector<std::uint64_t>& seeds,
                                 TrainObserver* observer = nullptr,
                                 const std::atomic<bool>* stop = nullptr);

// "Adam, OneCycle (max LR 0.02), batch 128, 15 epochs, augmentation ..." for tables and logs.
std::string describe_recipe(const TrainOptions& options);
// The README table: one row per seed plus mean +- std.
std::string format_markdown(const ExperimentSummary& summary, const TrainOptions& options);

}  // namespace mnist
