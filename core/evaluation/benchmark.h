#pragma once
// `mnist-cli bench`: where a training's time goes, measured the way a user meets it. Plain types,
// no LibTorch in this header.
#include <optional>
#include <string>

#include "core/training/train_options.h"

namespace mnist {

struct BenchOptions {
    TrainOptions train;  // model, recipe, device, threads, data
    std::string recipe = "default";
    int warmup_batches = 10;            // untimed steps before each timing
    int timed_batches = 150;            // steps timed for each training figure
    int predict_runs = 300;             // canvas predictions timed
    std::optional<double> to_accuracy;  // also train the whole recipe and time reaching this (%)
};

struct BenchReport {
    std::string model, recipe, device, torch_version;
    int threads = 0;
    int batch_size = 0;
    double data_load_seconds = 0;     // both IDX splits into memory
    double train_images_per_sec = 0;  // through the real pipeline: shuffle, augment, normalise
    double fixed_batch_images_per_sec = 0;          // the same steps on one pre-made batch
    double eval_images_per_sec = 0;                 // the 10,000 test images, no gradients
    double predict_p50_ms = 0, predict_p95_ms = 0;  // a 280x280 drawing, preprocessing included
    double peak_rss_mb = 0;
    // With to_accuracy: the whole run's wall time (data loading included) to the end of the first
    // epoch that reached it; nothing when it never did.
    std::optional<double> target_accuracy;
    std::optional<double> seconds_to_accuracy;
    int epoch_reached = 0;
    double final_accuracy = 0, best_accuracy = 0, run_seconds = 0;
};

// Throws what train() throws for bad options or missing data.
BenchReport run_benchmark(const BenchOptions& options);

}  // namespace mnist
