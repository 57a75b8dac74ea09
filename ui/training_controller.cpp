#include "ui/training_controller.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>
#include <exception>

#include "core/training/run_store.h"
#include "core/training/trainer.h"

namespace mnist::ui {

// Lives on the worker thread's side of core's callback; it only posts lambdas to the controller,
// which run in the GUI thread. Posting with the controller as context means pending updates are
// dropped, not delivered to a dead object, if the controller goes away first.
class TrainingController::QueuedObserver : public mnist::TrainObserver {
  public:
    explicit QueuedObserver(TrainingController* controller) : controller_(controller) {}

    void reset() { last_delivery_ = {}; }

    void on_start(const mnist::TrainStart& start) override {
        post([c = controller_, start] { Q_EMIT c->started(start); });
    }

    void on_batch(const mnist::BatchProgress& p) override {
        using namespace std::chrono;
        const auto now = steady_clock::now();
        const bool edge = p.batch == 1 || p.batch == p.batches;  // epoch boundaries stay exact
        if (!edge && now - last_delivery_ < milliseconds(1000 / kBatchUpdatesPerSecond)) return;
        last_delivery_ = now;
        post([c = controller_, p] { Q_EMIT c->batchProgress(p); });
    }

    void on_epoch(const mnist::EpochMetrics& m) override {
        post([c = controller_, m] { Q_EMIT c->epochFinished(m); });
    }

  private:
    template <typename F>
    void post(F&& f) {
        QMetaObject::invokeMethod(controller_, std::forward<F>(f), Qt::QueuedConnection);
    }

    TrainingController* controller_;
    std::chrono::steady_clock::time_point last_delivery_{};
};

TrainingController::TrainingController(QObject* parent)
    : QObject(parent), observer_(std::make_unique<QueuedObserver>(this)) {
    registerTrainingMetricTypes();
    connect(&watcher_, &QFutureWatcherBase::finished, this, &TrainingController::onWorkerFinished);
}

TrainingController::~TrainingController() {
    requestStop();
    waitForFinished();
}

bool TrainingController::isRunning() const {
    return running_;
}

bool TrainingController::start(const mnist::TrainOptions& options) {
    if (running_) return false;
    options_ = options;
    return launch([options](mnist::TrainObserver* observer, const std::atomic<bool>* stop) {
        return mnist::train(options, observer, stop);
    });
}

bool TrainingController::resume(const QString& run_folder, const mnist::ResumeChanges& changes) {
    if (running_) return false;
    // What the run trains with, for whoever asks options() meanwhile; core checks it again.
    const mnist::RunRecord run = mnist::read_run(run_folder.toStdString());
    if (run.problem.empty()) {
        options_ = run.options;
        if (changes.epochs) options_.epochs = *changes.epochs;
    }
    const std::string folder = run_folder.toStdString();
    return launch([folder, changes](mnist::TrainObserver* observer, const std::atomic<bool>* stop) {
        return mnist::resume_training(folder, changes, observer, stop);
    });
}

bool TrainingController::launch(Job job) {
    stop_ = false;
    observer_->reset();
    running_ = true;
    Q_EMIT runningChanged(true);
    watcher_.setFuture(QtConcurrent::run([job, observer = observer_.get(), stop = &stop_] {
        Outcome outcome;
        // Everything train() throws becomes a message: an exception escaping a worker would
        // take the whole application down.
        try {
            outcome.result = job(observer, stop);
        } catch (const std::exception& e) {
            outcome.error = QString::fromStdString(e.what());
        } catch (...) {
            outcome.error = QStringLiteral("training failed with an unknown error");
        }
        return outcome;
    }));
    return true;
}

void TrainingController::requestStop() {
    stop_ = true;
}

void TrainingController::waitForFinished() {
    watcher_.waitForFinished();
}

void TrainingController::onWorkerFinished() {
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
