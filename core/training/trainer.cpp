#include "core/training/trainer.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/checkpoint/checkpoint.h"
#include "core/compute_device.h"
#include "core/data/data_location.h"
#include "core/errors.h"
#include "core/models/model_factory.h"
#include "core/seeded_random.h"
#include "core/training/divergence_watch.h"
#include "core/training/evaluate_net.h"
#include "core/training/history_csv.h"
#include "core/training/recipe_fields.h"
#include "core/training/training_batches.h"
#include "core/training/training_step.h"
#include "core/version.h"

namespace mnist {
namespace {

using Clock = std::chrono::steady_clock;

// "1e+30", "nan": a value as the user typed it, not std::to_string's "1000000...000000.000000".
std::string show(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

// Values outside these ranges make the loss NaN (or LibTorch refuse them) only after the data has
// loaded; they are refused first, naming the value. Each field's range is in the recipe table
// (core/training/recipe_fields.h); only the checks between two fields are written here.
void validate(const TrainOptions& o) {
    for (const RecipeField& field : recipe_fields()) {
        const std::string problem = range_problem(field, field.get(o));
        if (!problem.empty()) throw InvalidArgument(problem);
    }
    if (o.optimizer == OptimizerKind::SGD && o.nesterov && !(o.momentum > 0)) {
        throw InvalidArgument("Nesterov momentum needs a momentum above 0 (got " +
                              show(o.momentum) + ")");
    }
    const AugmentOptions& a = o.augmentation;
    if (a.scale_min() > a.scale_max()) {
        throw InvalidArgument("augmentation min zoom " + show(a.scale_min()) +
                              " is above the max zoom " + show(a.scale_max()));
    }
}

// Builds the optimizer and the schedule once on a stand-in parameter, so whatever they (or
// LibTorch itself) refuse is reported before any data loads.
void validate_optimizer_and_schedule(const TrainOptions& o) {
    try {
        make_optimizer(o, {torch::zeros({1}, torch::requires_grad())});
    } catch (const c10::Error& e) {
        const std::string why = e.what_without_backtrace();
        throw InvalidArgument(std::string("optimizer ") + to_string(o.optimizer) +
                              " refuses these settings: " + why.substr(0, why.find('\n')));
    }
    make_scheduler(o, 1);
}

// Creates the output folder, or says why it cannot be, before any work is done.
void prepare_out_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir)) {
        throw InvalidArgument("output folder '" + dir + "' cannot be created: " +
                              (ec ? ec.message() : std::string("a file of that name exists")));
    }
    // A read-only folder would otherwise fail only at the first checkpoint, an epoch later.
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        throw InvalidArgument("output folder '" + dir +
                              "' is not writable: " + std::strerror(errno));
    }
}

// Training cannot recover from a NaN or infinite loss: every later step only spreads it.
void check_finite(double loss, const char* what, int epoch, std::int64_t batch, double lr) {
    if (std::isfinite(loss)) return;
    throw TrainingDiverged(
        std::string("training diverged: the ") + what + " became " + show(loss) + " in epoch " +
        std::to_string(epoch) + (batch > 0 ? ", batch " + std::to_string(batch) : std::string()) +
        " at learning rate " + show(lr) +
        ". Training stopped; nothing from this epoch was saved and the best checkpoint so far, "
        "if any, is kept. Try a lower learning rate (10 times lower is a good start).");
}

bool stop_requested(const std::atomic<bool>* stop) {
    return stop && stop->load(std::memory_order_relaxed);
}

// The images a run trains on, validates on, and (with a validation split) tests on at the end.
struct RunData {
    std::string dir;
    MnistData train, val, test;
    std::string validation;  // how the run validates, for TrainStart
};

// An explicit split of the training images (one cross-validation fold): indices into the training
// set after limit_train.
struct IndexSplit {
    const std::vector<std::int64_t>& train;
    const std::vector<std::int64_t>& val;
};

// Refuses indices outside the training set, empty parts and an image in both parts (it would be
// validated on what it trained on), naming the index.
torch::Tensor checked_indices(const std::vector<std::int64_t>& indices, const char* part,
                              std::int64_t size, std::vector<char>& used) {
    if (indices.empty()) throw InvalidArgument(std::string("the ") + part + " split is empty");
    for (const std::int64_t i : indices) {
        if (i < 0 || i >= size) {
            throw InvalidArgument(std::string("the ") + part + " split names image " +
                                  std::to_string(i) + ", outside the " + std::to_string(size) +
                                  " training images");
        }
        if (used[static_cast<std::size_t>(i)]) {
            throw InvalidArgument("training image " + std::to_string(i) +
                                  " is in the split twice (training and validation must not "
                                  "share an image)");
        }
        used[static_cast<std::size_t>(i)] = 1;
    }
    return torch::tensor(indices, torch::kInt64);
}

RunData load_run_data(const TrainOptions& options, const torch::Device& device,
                      const IndexSplit* split = nullptr) {
    RunData data;
    data.dir = resolve_data_dir(options.data_dir);
    data.train = load_mnist(data.dir, Split::Train).head(options.limit_train);
    if (split) {
        // The test set is not read at all: a cross-validation keeps it for the very end.
        std::vector<char> used(static_cast<std::size_t>(data.train.size()), 0);
        const auto train = checked_indices(split->train, "training", data.train.size(), used);
        const auto val = checked_indices(split->val, "validation", data.train.size(), used);
        data.val = data.train.select(val);
        data.train = data.train.select(train);
        data.validation = std::to_string(data.val.size()) + " held-out training images";
        data.train.images = data.train.images.to(device);
        data.train.labels = data.train.labels.to(device);
        return data;
    }
    data.test = load_mnist(data.dir, Split::Test).head(options.limit_test);
    data.val = data.test;
    data.validation = "the " + std::to_string(data.test.size()) + " test images";
    if (options.val_split > 0) {
        if (options.val_split >= data.train.size()) {
            throw InvalidArgument("validation split " + std::to_string(options.val_split) +
                                  " leaves no training images (there are " +
                                  std::to_string(data.train.size()) + ")");
        }
        const auto order = torch::randperm(data.train.size(), torch::kInt64);
        data.val = data.train.select(order.slice(0, 0, options.val_split));
        data.train = data.train.select(order.slice(0, options.val_split));
        data.validation = std::to_string(options.val_split) + " held-out training images";
    }
    // On CUDA the whole training set lives on the device and batches are made there.
    data.train.images = data.train.images.to(device);
    data.train.labels = data.train.labels.to(device);
    return data;
}

// The running loss and accuracy are read back from the device every this many batches (and at an
// epoch's end): often enough for a live chart, rarely enough that a GPU never waits on the host.
// Progress is still reported every batch, with the latest values read. A NaN loss is caught on
// its own batch all the same (DivergenceWatch).
constexpr std::int64_t kReadEvery = 10;

// Where the whole run stands, for images/s and the ETA.
struct RunClock {
    Clock::time_point begin = Clock::now();
    std::int64_t images_done = 0;
    std::int64_t images_total = 0;
};

// One pass over the training set. Fills the epoch's training loss, accuracy and LR; returns
// false when the stop flag ended it.
bool train_epoch(TrainingState& state, const RunData& data, const TrainOptions& options,
                 const torch::Device& device, int epoch, RunClock& clock, TrainObserver& report,
                 const std::atomic<bool>* stop, EpochMetrics& metrics) {
    state.net->train();
    const std::int64_t n = data.train.size();
    const auto order = torch::randperm(n, torch::kInt64).to(device);
    TrainingBatches batches(data.train, order, options.batch_size,
                            options.augment ? &options.augmentation : nullptr,
                            mix_seed(options.seed) + static_cast<std::uint64_t>(epoch),
                            device.is_cuda() ? BatchPath::Tensor : BatchPath::Host);
    auto loss_sum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
    auto correct = torch::zeros({}, torch::TensorOptions().dtype(torch::kInt64).device(device));
    std::int64_t seen = 0;
    DivergenceWatch divergence(!device.is_cuda());
    BatchProgress progress;
    progress.epoch = epoch;
    progress.epochs = options.epochs;
    progress.batches = batches.size();
    for (std::int64_t b = 1; b <= batches.size(); ++b) {
        if (stop_requested(stop)) return false;
        const TrainingBatch batch = *batches.next();
        const StepResult step = train_step(state, batch);
        divergence.add(step.loss, b);
        const bool read_now = b == 1 || b % kReadEvery == 0 || b == batches.size();
        if (read_now || divergence.reads_each_batch()) {
            if (const auto bad = divergence.first()) {
                check_finite(bad->loss, "loss", epoch, bad->batch, step.lr);
            }
        }
        const std::int64_t count = batch.labels.size(0);
        loss_sum += step.loss.to(torch::kFloat64) * static_cast<double>(count);
        correct += step.correct;
        seen += count;
        clock.images_done += count;
        metrics.lr = step.lr;
        progress.batch = b;
        progress.lr = step.lr;
        if (read_now) {
            progress.running_loss = loss_sum.item<double>() / seen;
            check_finite(progress.running_loss, "loss", epoch, b, step.lr);
            progress.running_acc = 100.0 * correct.item<std::int64_t>() / seen;
        }
        const double elapsed = std::chrono::duration<double>(Clock::now() - clock.begin).count();
        progress.images_per_sec = elapsed > 0 ? clock.images_done / elapsed : 0.0;
        progress.eta_seconds =
            progress.images_per_sec > 0
                ? (clock.images_total - clock.images_done) / progress.images_per_sec
                : 0.0;
        report.on_batch(progress);
    }
    metrics.train_loss = progress.running_loss;
    metrics.train_acc = progress.running_acc;
    return true;
}

// Scores the epoch's weights (the average, when there is one) on the validation images, steps a
// plateau schedule, and writes the checkpoint when they are the best so far.
void validate_and_checkpoint(TrainingState& state, const RunData& data, const TrainOptions& options,
                             const torch::Device& device, const std::string& best_path,
                             EpochMetrics& metrics, TrainResult& result) {
    const AveragedWeights averaged(state.average ? &*state.average : nullptr, *state.net);
    const EvalResult val = evaluate(state.net, data.val, device);
    check_finite(val.loss, "validation loss", metrics.epoch, 0, metrics.lr);
    metrics.val_loss = val.loss;
    metrics.val_acc = val.accuracy;
    state.scheduler->step_epoch(val.loss);
    if (result.best_epoch != 0 && val.accuracy <= result.best_val_acc) return;
    result.best_epoch = metrics.epoch;
    result.best_val_acc = val.accuracy;
    CheckpointMeta meta;
    meta.model = options.model;
    meta.epoch = metrics.epoch;
    meta.val_acc = val.accuracy;
    meta.params = result.start.params;
    meta.app_version = kAppVersion;
    try {
        save_checkpoint(*state.net, best_path, meta);
    } catch (const CheckpointError& e) {
        // A full disk, or a folder that became read-only: the run cannot keep what it learns.
        throw CheckpointError("training stopped in epoch " + std::to_string(metrics.epoch) + ": " +
                              e.what() + ". Free some space in " + options.out_dir +
                              " or train into another folder.");
    }
    result.checkpoint = best_path;
    metrics.improved = true;
}

}  // namespace

void validate_options(const TrainOptions& options) {
    validate(options);
    validate_optimizer_and_schedule(options);
}

namespace {

// train() and train_split(): `split` null means the options' own split (val_split or test set).
TrainResult run_training(const TrainOptions& options, const IndexSplit* split,
                         TrainObserver* observer, const std::atomic<bool>* stop) {
    validate_options(options);
    prepare_out_dir(options.out_dir);
    TrainObserver silent;
    TrainObserver& report = observer ? *observer : silent;

    const int threads = apply_thread_count(options.threads);
    const torch::Device device(resolve_device(options.device));
    torch::manual_seed(options.seed);
    if (device.is_cuda()) torch::cuda::manual_seed_all(options.seed);

    const RunData data = load_run_data(options, device, split);
    const std::int64_t n = data.train.size();
    const std::int64_t batches = batches_per_epoch(n, options.batch_size);
    TrainingState state = make_training_state(options, batches, device);

    TrainResult result;
    result.start = {options.model,   count_parameters(*state.net),
                    device.str(),    threads,
                    options.epochs,  n,
                    data.val.size(), batches,
                    data.dir,        data.validation};
    result.history = HistoryCsv::path_for(options.out_dir, options.model);
    HistoryCsv history(result.history);
    const std::string best_path = checkpoint_path(options.out_dir, options.model);
    report.on_start(result.start);

    RunClock clock;
    clock.images_total = n * options.epochs;
    int epochs_without_gain = 0;  // since the last new best validation accuracy
    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        const auto epoch_begin = Clock::now();
        EpochMetrics metrics;
        metrics.epoch = epoch;
        if (!train_epoch(state, data, options, device, epoch, clock, report, stop, metrics)) {
            result.stopped = true;
            result.ended = "stopped";
            break;
        }
        validate_and_checkpoint(state, data, options, device, best_path, metrics, result);
        metrics.seconds = std::chrono::duration<double>(Clock::now() - epoch_begin).count();
        history.append(metrics);
        result.epochs.push_back(metrics);
        report.on_epoch(metrics);
        epochs_without_gain = metrics.improved ? 0 : epochs_without_gain + 1;
        if (options.early_stop > 0 && epochs_without_gain >= options.early_stop &&
            epoch < options.epochs) {
            result.ended = "early-stopped";
            break;
        }
    }

    if (options.val_split > 0 && !result.checkpoint.empty()) {
        load_checkpoint_into(*state.net, result.checkpoint);
        result.test_acc = evaluate(state.net, data.test, device).accuracy;
    }
    return result;
}

}  // namespace

TrainResult train(const TrainOptions& options, TrainObserver* observer,
                  const std::atomic<bool>* stop) {
    return run_training(options, nullptr, observer, stop);
}

TrainResult train_split(const TrainOptions& options, const std::vector<std::int64_t>& train_indices,
                        const std::vector<std::int64_t>& val_indices, TrainObserver* observer,
                        const std::atomic<bool>* stop) {
    if (options.val_split > 0) {
        throw InvalidArgument("a validation split (" + std::to_string(options.val_split) +
                              ") cannot be combined with an explicit train/validation split");
    }
    const IndexSplit split{train_indices, val_indices};
    return run_training(options, &split, observer, stop);
}

}  // namespace mnist
