#pragma once
// Runs mnist::train() (or resume_training()) on a worker thread and reports back as signals in the
// GUI thread. The worker never touches a widget: core's observer callbacks are turned into queued
// signals (TrainingJob), with per-batch progress throttled to a few updates per second.
#include <QObject>
#include <QString>

#include "core/training/train_options.h"
#include "core/training/trainer.h"
#include "ui/training_job.h"
#include "ui/training_metric_types.h"

namespace mnist::ui {

// Besides its own signals: runningChanged, batchProgress, epochFinished and failed (train()
// threw), isRunning(), requestStop() and waitForFinished() come from TrainingJob.
class TrainingController : public TrainingJob {
    Q_OBJECT
  public:
    explicit TrainingController(QObject* parent = nullptr);

    const mnist::TrainOptions& options() const { return options_; }

  public Q_SLOTS:
    // Starts a run unless one is already going; returns whether it started.
    bool start(const mnist::TrainOptions& options);
    // Continues the paused run in `run_folder` (core's resume_training) with `changes`, unless a
    // run is going; returns whether it started. Its epochs are reported with their own numbers,
    // after the ones it had finished.
    bool resume(const QString& run_folder, const mnist::ResumeChanges& changes);

  Q_SIGNALS:
    void started(const mnist::TrainStart& start);
    // The run ended normally or by Stop; result.checkpoint is the best checkpoint (may be empty
    // when stopped before the first epoch ended).
    void finished(const mnist::TrainResult& result);

  private:
    class QueuedObserver;

    // Runs `train` (train() or resume_training() with its arguments bound) on the worker.
    template <typename Train>
    bool launchTraining(Train train);

    mnist::TrainOptions options_;
};

}  // namespace mnist::ui
