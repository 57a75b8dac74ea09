#pragma once
// Runs mnist::cross_validate() on a worker thread and reports back as queued signals in the GUI
// thread, the way TrainingController does for one training (both are a TrainingJob): the worker
// never touches a widget, per-batch progress is throttled to a few updates per second, fold and
// epoch edges always come.
#include <QMetaType>
#include <QObject>

#include "core/evaluation/cross_validation.h"
#include "core/training/train_options.h"
#include "ui/training_job.h"
#include "ui/training_metric_types.h"

Q_DECLARE_METATYPE(mnist::CrossValidation)

namespace mnist::ui {

// Besides its own signals: runningChanged, batchProgress, epochFinished and failed
// (cross_validate() threw), isRunning(), requestStop() (finished() follows with the folds done)
// and waitForFinished() come from TrainingJob.
class CrossValidationJob : public TrainingJob {
    Q_OBJECT
  public:
    explicit CrossValidationJob(QObject* parent = nullptr);

  public Q_SLOTS:
    // Starts unless one is already going; returns whether it started.
    bool start(const mnist::TrainOptions& options, const mnist::CvOptions& cv);

  Q_SIGNALS:
    void foldStarted(int fold, int folds);  // fold is 1-based
    void foldFinished(int fold, const mnist::TrainResult& result);
    // Every fold done, or Stop: `result.stopped` says which.
    void finished(const mnist::CrossValidation& result);

  private:
    class QueuedObserver;
};

}  // namespace mnist::ui
