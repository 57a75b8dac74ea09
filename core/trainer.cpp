#include "core/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/checkpoint.h"
#include "core/compute_device.h"
#include "core/data_location.h"
#include "core/errors.h"
#include "core/evaluate_net.h"
#include "core/history_csv.h"
#include "core/model_factory.h"
#include "core/one_cycle_lr.h"
#include "core/reduce_lr_on_plateau.h"
#include "core/seeded_random.h"
#include "core/step_lr.h"
#include "core/training_batches.h"
#include "core/version.h"
#include "core/weight_average.h"

namespace mnist {
namespace {

using Clock = std::chrono::steady_clock;

class ConstantLr : public LrScheduler {
public:
    explicit ConstantLr(double lr) : lr_(lr) {}
    double lr() const override { return lr_; }

private:
    double lr_;
};

// "1e+30", "nan": a value as the user typed it, not std::to_string's "1000000...000000.000000".
std::string show(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

// Values outside these ranges make the loss NaN (or LibTorch refuse them) only after the data has
// loaded; they are refused first, naming the value. NaN fails every comparison, so each check is
// written as "not (valid)".
void validate(const TrainOptions& o) {
    auto fail = [](const std::string& what) { throw InvalidArgument(what); };
    auto finite_at_least = [&](double value, double minimum, const char* what) {
        if (!(std::isfinite(value) && value >= minimum)) {
            fail(std::string(what) + " must be a finite number of at least " + show(minimum) +
                 " (got " + show(value) + ")");
        }
    };
    auto finite_positive = [&](double value, const char* what) {
        if (!(std::isfinite(value) && value > 0)) {
            fail(std::string(what) + " must be a finite positive number (got " + show(value) + ")");
        }
    };
    auto within = [&](double value, double lo, double hi, const char* what) {
        if (!(value >= lo && value <= hi)) {
            fail(std::string(what) + " must be between " + show(lo) + " and " + show(hi) +
                 " (got " + show(value) + ")");
        }
    };
    if (o.epochs < 1) fail("epochs must be at least 1 (got " + std::to_string(o.epochs) + ")");
    if (o.batch_size < 1) fail("batch size must be at least 1 (got " + std::to_string(o.batch_size) + ")");
    finite_positive(o.lr, "learning rate");
    finite_positive(o.max_lr, "max LR");
    finite_at_least(o.weight_decay, 0.0, "weight decay");
    finite_at_least(o.momentum, 0.0, "momentum");
    if (!(o.ema_decay >= 0 && o.ema_decay < 1)) {
        fail("weight-average decay (ema) must be at least 0 and below 1 (got " + show(o.ema_decay) + ")");
    }
    if (o.optimizer == OptimizerKind::SGD && o.nesterov && !(o.momentum > 0)) {
        fail("Nesterov momentum needs a momentum above 0 (got " + show(o.momentum) + ")");
    }
    if (o.val_split < 0) fail("validation split must not be negative");
    if (o.limit_train < 0 || o.limit_test < 0) fail("limits must not be negative");
    const AugmentOptions& a = o.augmentation;
    within(a.degrees(), 0, 180, "augmentation rotation (degrees)");
    within(a.translate(), 0, 1, "augmentation shift (translate)");
    finite_positive(a.scale_min(), "augmentation min zoom (scale-min)");
    finite_positive(a.scale_max(), "augmentation max zoom (scale-max)");
    if (a.scale_min() > a.scale_max()) {
        fail("augmentation min zoom " + show(a.scale_min()) + " is above the max zoom " +
             show(a.scale_max()));
    }
    within(a.shear(), 0, 80, "augmentation shear (degrees)");
    within(a.stroke(), 0, 1, "augmentation stroke probability");
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainOptions& o,
                                                        std::vector<torch::Tensor> params) {
    switch (o.optimizer) {
        case OptimizerKind::Adam:
            return std::make_unique<torch::optim::Adam>(
                params, torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));
        case OptimizerKind::AdamW:
            return std::make_unique<torch::optim::AdamW>(
                params, torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay));
        case OptimizerKind::SGD:
            return std::make_unique<torch::optim::SGD>(
                params, torch::optim::SGDOptions(o.lr)
                            .momentum(o.momentum)
                            .nesterov(o.nesterov)
                            .weight_decay(o.weight_decay));
    }
    throw InvalidArgument("unknown optimizer");
}

std::unique_ptr<LrScheduler> make_scheduler(const TrainOptions& o, std::int64_t steps_per_epoch);

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

std::unique_ptr<LrScheduler> make_scheduler(const TrainOptions& o, std::int64_t steps_per_epoch) {
    switch (o.scheduler) {
        case SchedulerKind::ReduceOnPlateau:
            return std::make_unique<ReduceLROnPlateau>(
                o.lr, ReduceLROnPlateauOptions().factor(o.plateau_factor).patience(o.plateau_patience));
        case SchedulerKind::OneCycle:
            return std::make_unique<OneCycleLR>(
                OneCycleLROptions(o.max_lr, steps_per_epoch * o.epochs)
                    .cycle_momentum(o.optimizer != OptimizerKind::SGD || o.momentum > 0));
        case SchedulerKind::Step:
            return std::make_unique<StepLR>(o.lr, StepLROptions(o.step_size).gamma(o.step_gamma));
        case SchedulerKind::None:
            return std::make_unique<ConstantLr>(o.lr);
    }
    throw InvalidArgument("unknown scheduler");
}

// Writes the schedule's LR (and cycled momentum: SGD's momentum or Adam's beta1) into the optimizer.
void apply_schedule(torch::optim::Optimizer& optimizer, const LrScheduler& scheduler) {
    const auto momentum = scheduler.momentum();
    for (auto& group : optimizer.param_groups()) {
        auto& options = group.options();
        options.set_lr(scheduler.lr());
        if (!momentum) continue;
        if (auto* adam = dynamic_cast<torch::optim::AdamOptions*>(&options)) {
            adam->betas(std::make_tuple(*momentum, std::get<1>(adam->betas())));
        } else if (auto* adamw = dynamic_cast<torch::optim::AdamWOptions*>(&options)) {
            adamw->betas(std::make_tuple(*momentum, std::get<1>(adamw->betas())));
        } else if (auto* sgd = dynamic_cast<torch::optim::SGDOptions*>(&options)) {
            sgd->momentum(*momentum);
        }
    }
}

bool stop_requested(const std::atomic<bool>* stop) {
    return stop && stop->load(std::memory_order_relaxed);
}

}  // namespace

TrainResult train(const TrainOptions& options, TrainObserver* observer, const std::atomic<bool>* stop) {
    validate(options);
    validate_optimizer_and_schedule(options);
    prepare_out_dir(options.out_dir);
    TrainObserver silent;
    TrainObserver& report = observer ? *observer : silent;

    const int threads = apply_thread_count(options.threads);
    const torch::Device device(resolve_device(options.device));
    torch::manual_seed(options.seed);
    if (device.is_cuda()) torch::cuda::manual_seed_all(options.seed);

    const std::string data_dir = resolve_data_dir(options.data_dir);
    MnistData train_data = load_mnist(data_dir, Split::Train).head(options.limit_train);
    MnistData test_data = load_mnist(data_dir, Split::Test).head(options.limit_test);
    MnistData val_data = test_data;
    std::string validation = "the " + std::to_string(test_data.size()) + " test images";
    if (options.val_split > 0) {
        if (options.val_split >= train_data.size()) {
            throw InvalidArgument("validation split " + std::to_string(options.val_split) +
                                  " leaves no training images (there are " +
                                  std::to_string(train_data.size()) + ")");
        }
        const auto order = torch::randperm(train_data.size(), torch::kInt64);
        val_data = train_data.select(order.slice(0, 0, options.val_split));
        train_data = train_data.select(order.slice(0, options.val_split));
        validation = std::to_string(options.val_split) + " held-out training images";
    }
    train_data.images = train_data.images.to(device);
    train_data.labels = train_data.labels.to(device);

    SequentialNet net = make_model(options.model);
    net->to(device);
    auto optimizer = make_optimizer(options, net->parameters());
    const std::int64_t n = train_data.size();
    const std::int64_t batches = (n + options.batch_size - 1) / options.batch_size;
    auto scheduler = make_scheduler(options, batches);
    std::optional<WeightAverage> average;
    if (options.ema_decay > 0) average.emplace(*net, options.ema_decay);

    TrainResult result;
    result.start = {options.model, count_parameters(*net), device.str(), threads, options.epochs,
                    n, val_data.size(), batches, data_dir, validation};
    result.history = HistoryCsv::path_for(options.out_dir, options.model);
    HistoryCsv history(result.history);
    const std::string best_path = checkpoint_path(options.out_dir, options.model);
    report.on_start(result.start);

    const auto run_begin = Clock::now();
    std::int64_t images_done = 0;
    const std::int64_t images_total = n * options.epochs;
    for (int epoch = 1; epoch <= options.epochs && !result.stopped; ++epoch) {
        const auto epoch_begin = Clock::now();
        net->train();
        const auto order = torch::randperm(n, torch::TensorOptions().dtype(torch::kInt64)).to(device);
        TrainingBatches source(train_data, order, options.batch_size,
                               options.augment ? &options.augmentation : nullptr,
                               mix_seed(options.seed) + static_cast<std::uint64_t>(epoch),
                               device.is_cuda() ? BatchPath::Tensor : BatchPath::Host);
        double loss_sum = 0.0;
        std::int64_t correct = 0, seen = 0;
        double last_lr = scheduler->lr();
        for (std::int64_t b = 0; b < batches; ++b) {
            if (stop_requested(stop)) {
                result.stopped = true;
                break;
            }
            const TrainingBatch batch = *source.next();
            const torch::Tensor& x = batch.images;
            const torch::Tensor& y = batch.labels;

            apply_schedule(*optimizer, *scheduler);
            last_lr = scheduler->lr();
            optimizer->zero_grad();
            const auto logits = net->forward(x);
            const auto loss = torch::nn::functional::cross_entropy(logits, y);
            loss.backward();
            optimizer->step();
            if (average) average->update(*net);
            scheduler->step_batch();

            const std::int64_t count = y.size(0);
            const double batch_loss = loss.item<double>();
            check_finite(batch_loss, "loss", epoch, b + 1, last_lr);
            loss_sum += batch_loss * count;
            correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
            seen += count;
            images_done += count;

            const double elapsed = std::chrono::duration<double>(Clock::now() - run_begin).count();
            BatchProgress progress;
            progress.epoch = epoch;
            progress.epochs = options.epochs;
            progress.batch = b + 1;
            progress.batches = batches;
            progress.running_loss = loss_sum / seen;
            progress.running_acc = 100.0 * correct / seen;
            progress.lr = last_lr;
            progress.images_per_sec = elapsed > 0 ? images_done / elapsed : 0.0;
            progress.eta_seconds = progress.images_per_sec > 0
                                       ? (images_total - images_done) / progress.images_per_sec
                                       : 0.0;
            report.on_batch(progress);
        }
        if (result.stopped) break;

        // Validation, and the checkpoint, use the averaged weights when there are any.
        const AveragedWeights averaged(average ? &*average : nullptr, *net);
        const EvalResult val = evaluate(net, val_data, device);
        check_finite(val.loss, "validation loss", epoch, 0, last_lr);
        EpochMetrics metrics;
        metrics.epoch = epoch;
        metrics.train_loss = loss_sum / std::max<std::int64_t>(seen, 1);
        metrics.train_acc = 100.0 * correct / std::max<std::int64_t>(seen, 1);
        metrics.val_loss = val.loss;
        metrics.val_acc = val.accuracy;
        metrics.lr = last_lr;
        scheduler->step_epoch(val.loss);
        if (result.best_epoch == 0 || val.accuracy > result.best_val_acc) {
            result.best_epoch = epoch;
            result.best_val_acc = val.accuracy;
            CheckpointMeta meta;
            meta.model = options.model;
            meta.epoch = epoch;
            meta.val_acc = val.accuracy;
            meta.params = result.start.params;
            meta.app_version = kAppVersion;
            save_checkpoint(*net, best_path, meta);
            result.checkpoint = best_path;
            metrics.improved = true;
        }
        metrics.seconds = std::chrono::duration<double>(Clock::now() - epoch_begin).count();
        history.append(metrics);
        result.epochs.push_back(metrics);
        report.on_epoch(metrics);
    }

    if (options.val_split > 0 && !result.checkpoint.empty()) {
        load_checkpoint_into(*net, result.checkpoint);
        result.test_acc = evaluate(net, test_data, device).accuracy;
    }
    return result;
}

}  // namespace mnist
