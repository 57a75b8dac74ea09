#pragma once
// Runs mnist::train() (or resume_training()) on a worker thread and reports back as signals in the
// GUI thread. The worker never touches a widget: core's observer callbacks are turned into queued
// signals here, with per-batch progress throttled to a few updates per second.
#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

#include "core/training/train_options.h"
#include "core/training/trainer.h"
#include "ui/training_metric_types.h"

namespace mnist::ui {

class TrainingController : public QObject {
    Q_OBJECT
  public:
    // At most this often per second a batch update is delivered; the first and last batch of
    // every epoch and every epoch's metrics always are.
    static constexpr int kBatchUpdatesPerSecond = 5;

    explicit TrainingController(QObject* parent = nullptr);
    // Stops a running worker and waits for it (at most one batch), so nothing outlives us.
    ~TrainingController() override;

    // From start() until finished()/failed() has been delivered in the GUI thread.
    bool isRunning() const;
    // Whether the worker thread is still inside train(); false right after waitForFinished().
    bool isWorkerActive() const { return watcher_.isRunning(); }
    const mnist::TrainOptions& options() const { return options_; }

  public Q_SLOTS:
    // Starts a run unless one is already going; returns whether it started.
    bool start(const mnist::TrainOptions& options);
    // Continues the paused run in `run_folder` (core's resume_training) with `changes`, unless a
    // run is going; returns whether it started. Its epochs are reported with their own numbers,
    // after the ones it had finished.
    bool resume(const QString& run_folder, const mnist::ResumeChanges& changes);
    // Asks the worker to stop; it notices before its next batch and finished() follows.
    void requestStop();
    // Blocks until the worker has returned (used when the window closes). The finished/failed
    // signals are still delivered afterwards through the event loop.
    void waitForFinished();

  Q_SIGNALS:
    void runningChanged(bool running);
    void started(const mnist::TrainStart& start);
    void batchProgress(const mnist::BatchProgress& progress);
    void epochFinished(const mnist::EpochMetrics& metrics);
    // The run ended normally or by Stop; result.checkpoint is the best checkpoint (may be empty
    // when stopped before the first epoch ended).
    void finished(const mnist::TrainResult& result);
    // train() threw: the message names the file or value at fault.
    void failed(const QString& message);

  private:
    struct Outcome {
        mnist::TrainResult result;
        QString error;  // empty on success
    };
    class QueuedObserver;

    using Job = std::function<mnist::TrainResult(mnist::TrainObserver*, const std::atomic<bool>*)>;
    bool launch(Job job);
    void onWorkerFinished();

    mnist::TrainOptions options_;
    std::atomic<bool> stop_{false};
    std::unique_ptr<QueuedObserver> observer_;
    QFutureWatcher<Outcome> watcher_;
    bool running_ = false;
};

}  // namespace mnist::ui
