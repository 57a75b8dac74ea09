#pragma once
// What TrainingController (one training) and CrossValidationJob (a training per fold) share: core
// trains on a worker thread with a stop flag, its observer's calls come back as queued signals in
// the GUI thread with batch updates throttled to a few a second, and what the work returned or
// threw is delivered there at the end. The worker never touches a widget.
#include <QFutureWatcher>
#include <QMetaObject>
#include <QObject>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include "core/training/trainer.h"
#include "ui/training_metric_types.h"

namespace mnist::ui {

class TrainingJob : public QObject {
    Q_OBJECT
  public:
    // At most this often per second a batch update is delivered; the first and last batch of
    // every epoch and every epoch's metrics always are.
    static constexpr int kBatchUpdatesPerSecond = 5;

    // Stops a running worker and waits for it (at most one batch), so nothing outlives us.
    ~TrainingJob() override;

    // From the start until finished()/failed() has been delivered in the GUI thread.
    bool isRunning() const { return running_; }
    // Whether the worker thread is still inside core; false right after waitForFinished().
    bool isWorkerActive() const { return watcher_.isRunning(); }

  public Q_SLOTS:
    // Asks the worker to stop; it notices before its next batch and finished() follows.
    void requestStop();
    // Blocks until the worker has returned (used when the window closes). The finished/failed
    // signals are still delivered afterwards through the event loop.
    void waitForFinished();

  Q_SIGNALS:
    void runningChanged(bool running);
    void batchProgress(const mnist::BatchProgress& progress);
    void epochFinished(const mnist::EpochMetrics& metrics);
    // The work threw: the message names the file or value at fault.
    void failed(const QString& message);

  protected:
    explicit TrainingJob(QObject* parent);

    // Runs `work(stop)` on a worker thread unless one is running; returns whether it started.
    // Afterwards, in the GUI thread, `deliver` gets what it returned, or failed() says what it
    // threw (`what` names the work when the exception has no message of ours).
    template <typename Work, typename Deliver>
    bool launch(const QString& what, Work work, Deliver deliver) {
        using Result = std::invoke_result_t<Work&, const std::atomic<bool>*>;
        auto result = std::make_shared<Result>();
        return launchWork(
            what,
            [work = std::move(work), result](const std::atomic<bool>* stop) {
                *result = work(stop);
            },
            [deliver = std::move(deliver), result] { deliver(*result); });
    }

  private:
    bool launchWork(const QString& what, std::function<void(const std::atomic<bool>*)> work,
                    std::function<void()> deliver);
    void onWorkerFinished();

    std::atomic<bool> stop_{false};
    QFutureWatcher<QString> watcher_;  // what the work threw; empty when it returned
    std::function<void()> deliver_;
    bool running_ = false;
};

// The base of a job's observer (CoreObserver: mnist::TrainObserver or one derived from it). Made
// in the GUI thread when the job starts and called on the worker's side of core's callbacks, it
// only posts lambdas to the job, which run in the GUI thread; with the job as their context they
// are dropped if it goes away first.
template <typename CoreObserver>
class QueuedTrainingObserver : public CoreObserver {
  public:
    explicit QueuedTrainingObserver(TrainingJob* job) : job_(job) {}

    void on_batch(const mnist::BatchProgress& p) override {
        using namespace std::chrono;
        const auto now = steady_clock::now();
        const bool edge = p.batch == 1 || p.batch == p.batches;  // epoch boundaries stay exact
        if (!edge &&
            now - last_delivery_ < milliseconds(1000 / TrainingJob::kBatchUpdatesPerSecond)) {
            return;
        }
        last_delivery_ = now;
        post([j = job_, p] { Q_EMIT j->batchProgress(p); });
    }

    void on_epoch(const mnist::EpochMetrics& m) override {
        post([j = job_, m] { Q_EMIT j->epochFinished(m); });
    }

  protected:
    template <typename F>
    void post(F&& f) {
        QMetaObject::invokeMethod(job_, std::forward<F>(f), Qt::QueuedConnection);
    }

  private:
    TrainingJob* job_;
    std::chrono::steady_clock::time_point last_delivery_{};
};

}  // namespace mnist::ui
