#pragma once
// Runs mnist::cross_validate() on a worker thread and reports back as queued signals in the GUI
// thread, the way TrainingController does for one training: the worker never touches a widget,
// per-batch progress is throttled to a few updates per second, fold and epoch edges always come.
#include <QFutureWatcher>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "core/evaluation/cross_validation.h"
#include "core/training/train_options.h"
#include "ui/training_metric_types.h"

Q_DECLARE_METATYPE(mnist::CrossValidation)

namespace mnist::ui {

class CrossValidationJob : public QObject {
    Q_OBJECT
  public:
    static constexpr int kBatchUpdatesPerSecond = 5;

    explicit CrossValidationJob(QObject* parent = nullptr);
    // Stops a running worker and waits for it (at most one batch), so nothing outlives us.
    ~CrossValidationJob() override;

    // From start() until finished()/failed() has been delivered in the GUI thread.
    bool isRunning() const { return running_; }

  public Q_SLOTS:
    // Starts unless one is already going; returns whether it started.
    bool start(const mnist::TrainOptions& options, const mnist::CvOptions& cv);
    // The worker notices before its next batch; finished() follows with the folds done.
    void requestStop();
    void waitForFinished();

  Q_SIGNALS:
    void runningChanged(bool running);
    void foldStarted(int fold, int folds);  // fold is 1-based
    void batchProgress(const mnist::BatchProgress& progress);
    void epochFinished(const mnist::EpochMetrics& metrics);
    void foldFinished(int fold, const mnist::TrainResult& result);
    // Every fold done, or Stop: `result.stopped` says which.
    void finished(const mnist::CrossValidation& result);
    // cross_validate() threw: the message names the file or value at fault.
    void failed(const QString& message);

  private:
    struct Outcome {
        mnist::CrossValidation result;
        QString error;  // empty on success
    };
    class QueuedObserver;

    void onWorkerFinished();

    std::atomic<bool> stop_{false};
    std::unique_ptr<QueuedObserver> observer_;
    QFutureWatcher<Outcome> watcher_;
    bool running_ = false;
};

}  // namespace mnist::ui
