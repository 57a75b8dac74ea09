#include "core/training/trainer.h"

#include <unistd.h>

#include <algorithm>
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
#include "core/number_text.h"
#include "core/seeded_random.h"
#include "core/training/divergence_watch.h"
#include "core/training/evaluate_net.h"
#include "core/training/history_csv.h"
#include "core/training/recipe_fields.h"
#include "core/training/run_store.h"
#include "core/training/run_writer.h"
#include "core/training/training_batches.h"
#include "core/training/training_state_file.h"
#include "core/training/training_step.h"
#include "core/version.h"

namespace mnist {
namespace {

using Clock = std::chrono::steady_clock;

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
                              number_text(o.momentum) + ")");
    }
    const AugmentOptions& a = o.augmentation;
    if (a.scale_min() > a.scale_max()) {
        throw InvalidArgument("augmentation min zoom " + number_text(a.scale_min()) +
                              " is above the max zoom " + number_text(a.scale_max()));
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
        std::string("training diverged: the ") + what + " became " + number_text(loss) +
        " in epoch " + std::to_string(epoch) +
        (batch > 0 ? ", batch " + std::to_string(batch) : std::string()) + " at learning rate " +
        number_text(lr) +
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
// plateau schedule, and writes the checkpoint when they are the best so far: into each of
// `best_paths` (the out folder's, where users expect it, and the run's own).
void validate_and_checkpoint(TrainingState& state, const RunData& data, const TrainOptions& options,
                             const torch::Device& device,
                             const std::vector<std::string>& best_paths, EpochMetrics& metrics,
                             TrainResult& result) {
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
        for (const std::string& path : best_paths) save_checkpoint(*state.net, path, meta);
    } catch (const CheckpointError& e) {
        // A full disk, or a folder that became read-only: the run cannot keep what it learns.
        throw CheckpointError("training stopped in epoch " + std::to_string(metrics.epoch) + ": " +
                              e.what() + ". Free some space in " + options.out_dir +
                              " or train into another folder.");
    }
    result.checkpoint = best_paths.front();
    metrics.improved = true;
}

}  // namespace

void validate_options(const TrainOptions& options) {
    validate(options);
    validate_optimizer_and_schedule(options);
}

namespace {

// Everything one training session works with: a fresh run, or a resumed one once its state is
// loaded (first_epoch, the early-stop count and the result so far then come from it).
struct Session {
    TrainOptions options;
    torch::Device device;
    RunData data;
    TrainingState state;
    TrainResult result;
    int first_epoch = 1;
    int epochs_without_gain = 0;  // since the last new best validation accuracy
};

// Seeds the generators, loads the data and builds a fresh model, optimizer and schedule, in the
// same order for a new and a resumed run, so both see the same data split.
Session open_session(const TrainOptions& options, const IndexSplit* split) {
    const int threads = apply_thread_count(options.threads);
    const torch::Device device(resolve_device(options.device));
    torch::manual_seed(options.seed);
    if (device.is_cuda()) torch::cuda::manual_seed_all(options.seed);

    RunData data = load_run_data(options, device, split);
    const std::int64_t batches = batches_per_epoch(data.train.size(), options.batch_size);
    TrainingState state = make_training_state(options, batches, device);
    TrainStart start;
    start.model = options.model;
    start.params = count_parameters(*state.net);
    start.device = device.str();
    start.threads = threads;
    start.epochs = options.epochs;
    start.train_size = data.train.size();
    start.val_size = data.val.size();
    start.batches_per_epoch = batches;
    start.data_dir = data.dir;
    start.validation = data.validation;
    Session session{options, device, std::move(data), std::move(state), TrainResult{}};
    session.result.start = start;
    return session;
}

// The epochs from session.first_epoch on: train, validate, checkpoint and record each; then, with
// a validation split, the best weights on the test set. `run` (null for train_split) gets the
// run's history and its state.pt after every epoch.
void run_epochs(Session& s, RunWriter* run, TrainObserver& report, const std::atomic<bool>* stop) {
    const TrainOptions& options = s.options;
    TrainResult& result = s.result;
    result.history = HistoryCsv::path_for(options.out_dir, options.model);
    HistoryCsv history(result.history);
    for (const EpochMetrics& m : result.epochs) history.append(m);  // a resumed run's so far
    std::vector<std::string> best_paths{checkpoint_path(options.out_dir, options.model)};
    if (run && run->checkpoint_path() != best_paths.front())
        best_paths.push_back(run->checkpoint_path());
    report.on_start(result.start);

    RunClock clock;
    clock.images_total = s.data.train.size() * (options.epochs - s.first_epoch + 1);
    for (int epoch = s.first_epoch; epoch <= options.epochs; ++epoch) {
        const auto epoch_begin = Clock::now();
        EpochMetrics metrics;
        metrics.epoch = epoch;
        if (!train_epoch(s.state, s.data, options, s.device, epoch, clock, report, stop, metrics)) {
            result.stopped = true;
            result.ended = "stopped";
            break;
        }
        validate_and_checkpoint(s.state, s.data, options, s.device, best_paths, metrics, result);
        metrics.seconds = std::chrono::duration<double>(Clock::now() - epoch_begin).count();
        history.append(metrics);
        result.epochs.push_back(metrics);
        s.epochs_without_gain = metrics.improved ? 0 : s.epochs_without_gain + 1;
        if (run) {
            save_training_state(run_state_path(run->folder()), s.state,
                                {options.model, epoch, s.epochs_without_gain, result.best_epoch,
                                 result.best_val_acc, result.epochs},
                                s.device);
            run->set_options(options);
            run->update(result);
        }
        report.on_epoch(metrics);
        if (options.early_stop > 0 && s.epochs_without_gain >= options.early_stop &&
            epoch < options.epochs) {
            result.ended = "early-stopped";
            break;
        }
    }

    if (options.val_split > 0 && !result.checkpoint.empty()) {
        load_checkpoint_into(*s.state.net, result.checkpoint);
        result.test_acc = evaluate(s.state.net, s.data.test, s.device).accuracy;
    }
    if (run) run->update(result, result.ended);
}

// run_epochs, recording a run that throws (diverged, disk full) as failed, with why.
void run_epochs_recorded(Session& s, RunWriter* run, TrainObserver* observer,
                         const std::atomic<bool>* stop) {
    TrainObserver silent;
    try {
        run_epochs(s, run, observer ? *observer : silent, stop);
    } catch (const std::exception& e) {
        if (run) run->fail(e.what());
        throw;
    }
}

// train() and train_split(): `split` null means the options' own split (val_split or test set).
// Only train() keeps a run: a fold's data cannot be rebuilt from its recipe to resume it.
TrainResult run_training(const TrainOptions& options, const IndexSplit* split,
                         TrainObserver* observer, const std::atomic<bool>* stop) {
    validate_options(options);
    prepare_out_dir(options.out_dir);
    Session session = open_session(options, split);
    std::optional<RunWriter> run;
    if (!split) {
        run.emplace(RunWriter::start(options));
        session.result.run_folder = run->folder();
    }
    run_epochs_recorded(session, run ? &*run : nullptr, observer, stop);
    return session.result;
}

// A run to resume: its folder, its state file and what run.json says.
struct ResumeTarget {
    std::string folder;
    std::string state;
    RunRecord run;
};

ResumeTarget locate_run(const std::string& path) {
    namespace fs = std::filesystem;
    fs::path given = fs::path(path).lexically_normal();
    if (!given.has_filename()) given = given.parent_path();  // "runs/<id>/"
    std::error_code ec;
    ResumeTarget target;
    if (fs::is_directory(given, ec)) {
        target.folder = given.string();
        target.state = run_state_path(target.folder);
    } else if (fs::is_regular_file(given, ec)) {
        target.state = given.string();
        target.folder = given.has_parent_path() ? given.parent_path().string() : ".";
    } else {
        throw InvalidArgument("cannot resume '" + path +
                              "': there is no such run folder or training state file");
    }
    target.run = read_run(target.folder);
    if (!target.run.problem.empty()) {
        throw InvalidArgument("cannot resume " + target.folder + ": " + target.run.problem);
    }
    // Two trainings writing one run would interleave its history and state.
    if (target.run.live) {
        throw InvalidArgument("cannot resume " + target.folder +
                              ": it is still training (process " + std::to_string(target.run.pid) +
                              ")");
    }
    return target;
}

// The run's recipe with `changes`, trained into the out folder the run lies in (<out>/runs/<id>);
// InvalidArgument naming what the run's schedule or progress refuses.
TrainOptions resumed_options(const RunRecord& run, int epochs_done, const ResumeChanges& changes) {
    namespace fs = std::filesystem;
    TrainOptions o = run.options;
    // A run copied out of its <out>/runs folder has no out folder: its grandparent may be anyone's
    // (the current folder, a project holding its own best_<Model>.pth), so it writes into itself.
    const fs::path parent = fs::path(run.folder).parent_path();
    const fs::path out = parent.parent_path();
    if (parent.filename() != "runs") {
        o.out_dir = run.folder;
    } else {
        o.out_dir = out.empty() ? "." : out.string();
    }
    const std::string what = "run " + run.id;
    if (changes.lr) {
        const std::string problem = range_problem(recipe_field("lr"), *changes.lr);
        if (!problem.empty()) throw InvalidArgument(problem);
        if (o.scheduler != SchedulerKind::None && o.scheduler != SchedulerKind::ReduceOnPlateau) {
            throw InvalidArgument(what + "'s " + to_string(o.scheduler) +
                                  " schedule sets the learning rate itself; only the constant "
                                  "(none) and plateau schedules take a new one");
        }
    }
    if (changes.scheduler && *changes.scheduler != o.scheduler) {
        const auto switchable = [](SchedulerKind k) {
            return k == SchedulerKind::None || k == SchedulerKind::ReduceOnPlateau;
        };
        if (!switchable(o.scheduler) || !switchable(*changes.scheduler)) {
            throw InvalidArgument(what + " follows a " + to_string(o.scheduler) +
                                  " schedule; a paused run can only switch between the constant "
                                  "(none) and plateau schedules, not to " +
                                  to_string(*changes.scheduler));
        }
        o.scheduler = *changes.scheduler;
    }
    if (changes.epochs) {
        const int epochs = *changes.epochs;
        if (o.scheduler == SchedulerKind::OneCycle && epochs != o.epochs) {
            throw InvalidArgument(
                what + " follows a OneCycle schedule, fixed to the " + std::to_string(o.epochs) +
                " epochs it started with, so it cannot train to " + std::to_string(epochs) +
                "; start a new run with more epochs instead");
        }
        if (epochs <= epochs_done) {
            throw InvalidArgument(what + " has finished " + std::to_string(epochs_done) +
                                  " epochs; the epochs to train to must be more, got " +
                                  std::to_string(epochs));
        }
        o.epochs = epochs;
    } else if (epochs_done >= o.epochs) {
        throw InvalidArgument(what + " has finished all its " + std::to_string(o.epochs) +
                              " epochs; give more epochs to extend it");
    }
    return o;
}

// The state must be this run's: its epochs are the run's history (history.csv holds 10 digits)
// plus at most the one a kill cut off between writing state.pt and run.json. Another run's state
// of the same model would otherwise replace this run's history and weights without a word.
void check_state_fits_run(const RunProgress& progress, const ResumeTarget& target) {
    const std::vector<EpochMetrics>& recorded = target.run.history;
    const auto close = [](double a, double b) {
        return std::abs(a - b) <= 1e-8 * std::max(1.0, std::abs(b));
    };
    std::string problem;
    if (progress.history.size() != static_cast<std::size_t>(progress.epoch) ||
        progress.history.size() < recorded.size() ||
        progress.history.size() > recorded.size() + 1) {
        problem = "it has " + std::to_string(progress.epoch) + " epochs, the run's history " +
                  std::to_string(recorded.size());
    }
    for (std::size_t i = 0; problem.empty() && i < recorded.size(); ++i) {
        const EpochMetrics &a = progress.history[i], &b = recorded[i];
        if (!close(a.train_loss, b.train_loss) || !close(a.val_loss, b.val_loss) ||
            !close(a.val_acc, b.val_acc) || !close(a.lr, b.lr)) {
            problem = "its epoch " + std::to_string(i + 1) + " differs from the run's history";
        }
    }
    if (!problem.empty()) {
        throw CheckpointError("training state " + target.state + " is not from the run in " +
                              target.folder + " (" + problem + "); it belongs to another run");
    }
}

}  // namespace

TrainResult train(const TrainOptions& options, TrainObserver* observer,
                  const std::atomic<bool>* stop) {
    return run_training(options, nullptr, observer, stop);
}

void check_resume(const std::string& run, const ResumeChanges& changes) {
    const ResumeTarget target = locate_run(run);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(target.state, ec)) {
        throw InvalidArgument("cannot resume " + target.folder + ": it has no training state (" +
                              target.state + "); it stopped before its first epoch finished");
    }
    validate_options(
        resumed_options(target.run, static_cast<int>(target.run.history.size()), changes));
}

TrainResult resume_training(const std::string& run, const ResumeChanges& changes,
                            TrainObserver* observer, const std::atomic<bool>* stop) {
    const ResumeTarget target = locate_run(run);
    // Checked first against run.json's history (before the data loads), then against the state.
    TrainOptions options =
        resumed_options(target.run, static_cast<int>(target.run.history.size()), changes);
    validate_options(options);
    prepare_out_dir(options.out_dir);
    // state.pt holds the position of the schedule the run had: load with that one, then switch.
    TrainOptions saved = options;
    saved.scheduler = target.run.options.scheduler;
    Session session = open_session(saved, nullptr);
    const RunProgress progress =
        load_training_state(target.state, session.state, options.model, session.device);
    check_state_fits_run(progress, target);
    options = resumed_options(target.run, progress.epoch, changes);
    const double lr = changes.lr.value_or(session.state.scheduler->lr());
    if (options.scheduler != saved.scheduler) {
        session.state.scheduler = make_scheduler(options, session.result.start.batches_per_epoch);
        session.options = options;
    }
    if (changes.lr || options.scheduler != saved.scheduler) session.state.scheduler->set_lr(lr);

    session.first_epoch = progress.epoch + 1;
    session.epochs_without_gain = progress.epochs_without_gain;
    TrainResult& result = session.result;
    result.start.first_epoch = session.first_epoch;
    result.epochs = progress.history;
    result.best_epoch = progress.best_epoch;
    result.best_val_acc = progress.best_val_acc;
    // The run's own best: the out folder's may since hold another run's.
    if (progress.best_epoch > 0) result.checkpoint = checkpoint_path(target.folder, options.model);
    result.run_folder = target.folder;

    RunWriter writer = RunWriter::reopen(target.folder);
    // run_epochs records the new schedule with the first state.pt that holds it; a run stopped
    // before that resumes on the schedule its state was saved with.
    writer.set_options(saved);
    run_epochs_recorded(session, &writer, observer, stop);
    return result;
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
