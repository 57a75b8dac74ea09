#include "core/evaluation/benchmark.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

#include "core/checkpoint/checkpoint.h"
#include "core/compute_device.h"
#include "core/data/data_location.h"
#include "core/data/mnist_dataset.h"
#include "core/errors.h"
#include "core/inference/predictor.h"
#include "core/seeded_random.h"
#include "core/training/evaluate_net.h"
#include "core/training/trainer.h"
#include "core/training/training_batches.h"
#include "core/training/training_step.h"

namespace mnist {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point begin) {
    return std::chrono::duration<double>(Clock::now() - begin).count();
}

// Waits for the device, so a timing covers the work and not just its queueing.
void synchronize(const torch::Device& device, const torch::Tensor& t) {
    if (device.is_cuda()) t.cpu();
}

// Training steps per second through `next_batch`, after a warm-up, in images per second.
template <typename NextBatch>
double time_steps(TrainingState& state, const BenchOptions& o, const torch::Device& device,
                  NextBatch next_batch) {
    std::int64_t images = 0;
    StepResult step;
    for (int i = 0; i < o.warmup_batches; ++i) step = train_step(state, next_batch());
    synchronize(device, step.loss);
    const auto begin = Clock::now();
    for (int i = 0; i < o.timed_batches; ++i) {
        const TrainingBatch batch = next_batch();
        step = train_step(state, batch);
        images += batch.labels.size(0);
    }
    synchronize(device, step.loss);
    return images / seconds_since(begin);
}

// A digit as the canvas hands it over: test image `index` drawn dark on a white 280x280 canvas.
GrayImage canvas_drawing(const MnistData& test, std::int64_t index) {
    constexpr int kCanvas = 280, kZoom = kCanvas / kImageSide;
    const auto digit = test.images[index].contiguous();
    const std::uint8_t* src = digit.data_ptr<std::uint8_t>();
    GrayImage image{kCanvas, kCanvas, std::vector<std::uint8_t>(kCanvas * kCanvas)};
    for (int y = 0; y < kCanvas; ++y)
        for (int x = 0; x < kCanvas; ++x)
            image.pixels[y * kCanvas + x] = 255 - src[(y / kZoom) * kImageSide + x / kZoom];
    return image;
}

void time_predictions(const std::string& checkpoint, const MnistData& test, int runs,
                      BenchReport& report) {
    const Predictor predictor(checkpoint);
    std::vector<double> ms;
    for (int i = 0; i < runs + 10; ++i) {
        const GrayImage image = canvas_drawing(test, i % test.size());
        const auto begin = Clock::now();
        predictor.predict(image);
        if (i >= 10) ms.push_back(seconds_since(begin) * 1000.0);  // the first ten warm up
    }
    std::sort(ms.begin(), ms.end());
    report.predict_p50_ms = ms[ms.size() / 2];
    report.predict_p95_ms = ms[ms.size() * 95 / 100];
}

// The whole recipe, timed from the start (data loading included) to the end of the first epoch
// whose validation accuracy reached the target.
class TargetWatch : public TrainObserver {
  public:
    TargetWatch(double target, Clock::time_point begin) : target_(target), begin_(begin) {}
    void on_epoch(const EpochMetrics& m) override {
        if (!reached_ && m.val_acc >= target_) {
            reached_ = seconds_since(begin_);
            epoch_ = m.epoch;
        }
    }
    std::optional<double> reached() const { return reached_; }
    int epoch() const { return epoch_; }

  private:
    double target_;
    Clock::time_point begin_;
    std::optional<double> reached_;
    int epoch_ = 0;
};

void time_to_accuracy(const BenchOptions& o, const std::string& out_dir, BenchReport& report) {
    TrainOptions train = o.train;
    train.out_dir = out_dir;
    const auto begin = Clock::now();
    TargetWatch watch(*o.to_accuracy, begin);
    const TrainResult result = mnist::train(train, &watch);
    report.run_seconds = seconds_since(begin);
    report.target_accuracy = o.to_accuracy;
    report.seconds_to_accuracy = watch.reached();
    report.epoch_reached = watch.epoch();
    report.best_accuracy = result.best_val_acc;
    if (!result.epochs.empty()) report.final_accuracy = result.epochs.back().val_acc;
}

}  // namespace

BenchReport run_benchmark(const BenchOptions& o) {
    validate_options(o.train);
    BenchReport report;
    const TrainOptions& t = o.train;
    report.model = t.model;
    report.recipe = o.recipe;
    report.batch_size = t.batch_size;
    report.threads = apply_thread_count(t.threads);
    const torch::Device device(resolve_device(t.device));
    report.device = device.str();
    report.torch_version = TORCH_VERSION;
    torch::manual_seed(t.seed);

    const auto load_begin = Clock::now();
    const std::string dir = resolve_data_dir(t.data_dir);
    MnistData train_data = load_mnist(dir, Split::Train);
    const MnistData test = load_mnist(dir, Split::Test);
    report.data_load_seconds = seconds_since(load_begin);
    train_data.images = train_data.images.to(device);
    train_data.labels = train_data.labels.to(device);

    const std::int64_t n = train_data.size();
    const std::int64_t batches = batches_per_epoch(n, t.batch_size);
    TrainingState state = make_training_state(t, batches, device);
    state.net->train();
    // The pipeline figure runs within one epoch; both figures step the same schedule.
    const int steps = o.warmup_batches + o.timed_batches;
    if (steps > batches || 2 * steps > batches * t.epochs) {
        throw InvalidArgument("bench times " + std::to_string(steps) +
                              " batches (timed plus warm-up) per figure, but one epoch has " +
                              std::to_string(batches) + " and the recipe " +
                              std::to_string(batches * t.epochs) +
                              ": lower --timed-batches or the batch size");
    }
    {
        const auto order = torch::randperm(n, torch::kInt64).to(device);
        TrainingBatches batches(train_data, order, t.batch_size,
                                t.augment ? &t.augmentation : nullptr, mix_seed(t.seed),
                                device.is_cuda() ? BatchPath::Tensor : BatchPath::Host);
        report.train_images_per_sec = time_steps(state, o, device, [&] { return *batches.next(); });
    }
    {
        const auto order = torch::arange(t.batch_size, torch::kInt64).to(device);
        TrainingBatches one(train_data, order, t.batch_size, nullptr, 0, BatchPath::Tensor);
        const TrainingBatch fixed = *one.next();
        report.fixed_batch_images_per_sec = time_steps(state, o, device, [&] { return fixed; });
    }
    {
        evaluate(state.net, test.head(1000), device);  // warm-up
        const auto begin = Clock::now();
        evaluate(state.net, test, device);
        report.eval_images_per_sec = test.size() / seconds_since(begin);
    }

    // A private scratch folder for the checkpoint and the timed run, removed on every way out.
    std::string scratch_template =
        (std::filesystem::temp_directory_path() / "mnist-bench-XXXXXX").string();
    if (!::mkdtemp(scratch_template.data())) {
        throw DataError("cannot create a scratch folder in " +
                        std::filesystem::temp_directory_path().string());
    }
    const std::string scratch = scratch_template;
    auto remove_scratch = [&scratch] {
        std::error_code ignored;
        std::filesystem::remove_all(scratch, ignored);
    };
    try {
        const std::string checkpoint = checkpoint_path(scratch, t.model);
        CheckpointMeta meta;
        meta.model = t.model;
        state.net->to(torch::kCPU);
        save_checkpoint(*state.net, checkpoint, meta);
        time_predictions(checkpoint, test, o.predict_runs, report);
        if (o.to_accuracy) time_to_accuracy(o, scratch, report);
    } catch (...) {
        remove_scratch();
        throw;
    }
    remove_scratch();

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    report.peak_rss_mb = usage.ru_maxrss / 1024.0;  // Linux reports KiB
    return report;
}

}  // namespace mnist
