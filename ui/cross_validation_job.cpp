#include "ui/cross_validation_job.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>
#include <exception>

namespace mnist::ui {

// Lives on the worker's side of core's callbacks and only posts lambdas to the job, which run in
// the GUI thread; with the job as their context they are dropped if it goes away first.
class CrossValidationJob::QueuedObserver : public mnist::CvObserver {
  public:
    explicit QueuedObserver(CrossValidationJob* job) : job_(job) {}

    void reset() { last_delivery_ = {}; }

    void on_fold_start(int fold, int folds) override {
        post([j = job_, fold, folds] { Q_EMIT j->foldStarted(fold, folds); });
    }
    void on_fold_end(int fold, const mnist::TrainResult& result) override {
        post([j = job_, fold, result] { Q_EMIT j->foldFinished(fold, result); });
    }
    void on_batch(const mnist::BatchProgress& p) override {
        using namespace std::chrono;
        const auto now = steady_clock::now();
        const bool edge = p.batch == 1 || p.batch == p.batches;
        if (!edge && now - last_delivery_ < milliseconds(1000 / kBatchUpdatesPerSecond)) return;
        last_delivery_ = now;
        post([j = job_, p] { Q_EMIT j->batchProgress(p); });
    }
    void on_epoch(const mnist::EpochMetrics& m) override {
        post([j = job_, m] { Q_EMIT j->epochFinished(m); });
    }

  private:
    template <typename F>
    void post(F&& f) {
        QMetaObject::invokeMethod(job_, std::forward<F>(f), Qt::QueuedConnection);
    }

    CrossValidationJob* job_;
    std::chrono::steady_clock::time_point last_delivery_{};
};

CrossValidationJob::CrossValidationJob(QObject* parent)
    : QObject(parent), observer_(std::make_unique<QueuedObserver>(this)) {
    registerTrainingMetricTypes();
    qRegisterMetaType<mnist::CrossValidation>();
    connect(&watcher_, &QFutureWatcherBase::finished, this, &CrossValidationJob::onWorkerFinished);
}

CrossValidationJob::~CrossValidationJob() {
    requestStop();
    waitForFinished();
}

bool CrossValidationJob::start(const mnist::TrainOptions& options, const mnist::CvOptions& cv) {
    if (running_) return false;
    stop_ = false;
    observer_->reset();
    running_ = true;
    Q_EMIT runningChanged(true);
    watcher_.setFuture(QtConcurrent::run([options, cv, observer = observer_.get(), stop = &stop_] {
        Outcome outcome;
        // An exception escaping a worker would take the application down: it becomes a
        // message.
        try {
            outcome.result = mnist::cross_validate(options, cv, observer, stop);
        } catch (const std::exception& e) {
            outcome.error = QString::fromStdString(e.what());
        } catch (...) {
            outcome.error = QStringLiteral("cross-validation failed with an unknown error");
        }
        return outcome;
    }));
    return true;
}

void CrossValidationJob::requestStop() {
    stop_ = true;
}

void CrossValidationJob::waitForFinished() {
    watcher_.waitForFinished();
}

void CrossValidationJob::onWorkerFinished() {
    const Outcome outcome = watcher_.result();
    running_ = false;
    Q_EMIT runningChanged(false);
    if (outcome.error.isEmpty()) {
        Q_EMIT finished(outcome.result);
    } else {
        Q_EMIT failed(outcome.error);
    }
}

}  // namespace mnist::ui
