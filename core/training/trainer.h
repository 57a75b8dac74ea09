#pragma once
// One training run: data, model, optimizer, schedule, augmentation, checkpoints and history.
// No LibTorch in this header, so widgets can include it.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/training/train_options.h"
#include "core/training/training_metrics.h"

namespace mnist {

// Receives progress on the training thread. Implementations must be quick (the GUI's adapter
// only queues a signal); they must not throw.
class TrainObserver {
  public:
    virtual ~TrainObserver() = default;
    virtual void on_start(const TrainStart&) {}
    virtual void on_batch(const BatchProgress&) {}
    virtual void on_epoch(const EpochMetrics&) {}
};

struct TrainResult {
    TrainStart start;
    std::vector<EpochMetrics> epochs;
    int best_epoch = 0;
    double best_val_acc = 0.0;
    std::optional<double> test_acc;  // only with a validation split: the best model on the test set
    std::string checkpoint;          // best_<Model>.pth (empty if no epoch finished)
    std::string history;             // history_<Model>.csv
    bool stopped = false;            // the stop flag ended the run early
    // Why the run ended: "finished" (all epochs), "stopped" (the stop flag) or "early-stopped"
    // (no better validation accuracy for options.early_stop epochs).
    std::string ended = "finished";
    // The run on disk, <out>/runs/<id> (core/training/run_store.h); empty for train_split().
    std::string run_folder;
};

// What may change when a paused (stopped, failed or finished) run is resumed.
struct ResumeChanges {
    // Train to this many epochs in all, more than the run has finished (extends a finished run).
    // Refused for OneCycle, whose schedule is fixed to the total steps it started with.
    std::optional<int> epochs;
    // The learning rate from the next step on; the history's lr shows it from that epoch. Only
    // for the constant (none) and plateau schedules: the others set their own.
    std::optional<double> lr;
    // Switches between the constant (None) and plateau schedules, both ways, for a run on one of
    // them: the new schedule starts from the LR in effect (or `lr`), a plateau one with fresh
    // patience. The run's recipe says the new schedule from its next finished epoch on.
    std::optional<SchedulerKind> scheduler;
};

// Throws InvalidArgument naming the first value of `options` that training would refuse (NaN,
// out of range, or refused by LibTorch's optimizer), before any data is read. train() calls it.
void validate_options(const TrainOptions& options);

// Trains as `options` say. Throws DataError / InvalidArgument / CheckpointError with a message
// naming the bad file or value. Setting *stop makes it return within one batch, keeping the best
// checkpoint written so far.
TrainResult train(const TrainOptions& options, TrainObserver* observer = nullptr,
                  const std::atomic<bool>* stop = nullptr);

// Continues a run from its last finished epoch: `run` is its folder (<out>/runs/<id>) or its
// state.pt. The whole training state is restored (weights, optimizer, schedule, weight average,
// early-stop count, best so far, random number state), so a resumed CPU run ends with the same
// metrics and weights as an uninterrupted one; a run stopped mid-epoch restarts that epoch. The
// history goes on in the same run folder, and best_<Model>.pth is written into the run and its
// out folder as train() does (a run moved out of its <out>/runs folder writes only into itself).
// Throws InvalidArgument for a folder that is not a readable run, a change its schedule refuses or
// an epoch count not above the epochs done, CheckpointError naming a missing or corrupt state file
// or one of another model or run; otherwise as train().
TrainResult resume_training(const std::string& run, const ResumeChanges& changes = {},
                            TrainObserver* observer = nullptr,
                            const std::atomic<bool>* stop = nullptr);

// What resume_training would refuse before it loads anything heavy (the run is unreadable, has
// no state.pt, or `changes` do not fit its schedule), as InvalidArgument; for a Resume button.
void check_resume(const std::string& run, const ResumeChanges& changes = {});

// Trains on an explicit split of the training images (indices into the training set after
// options.limit_train, e.g. one cross-validation fold): validates on `val_indices` and never reads
// the test set. Throws InvalidArgument for options.val_split > 0, an index outside the set, an
// empty part or an image in both parts. Otherwise as train().
TrainResult train_split(const TrainOptions& options, const std::vector<std::int64_t>& train_indices,
                        const std::vector<std::int64_t>& val_indices,
                        TrainObserver* observer = nullptr, const std::atomic<bool>* stop = nullptr);

}  // namespace mnist
