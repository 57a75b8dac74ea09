#include "ui/training_job.h"

#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace mnist::ui {

TrainingJob::TrainingJob(QObject* parent) : QObject(parent) {
    registerTrainingMetricTypes();
    connect(&watcher_, &QFutureWatcherBase::finished, this, &TrainingJob::onWorkerFinished);
}

TrainingJob::~TrainingJob() {
    requestStop();
    waitForFinished();
}

bool TrainingJob::launchWork(const QString& what,
                             std::function<void(const std::atomic<bool>*)> work,
                             std::function<void()> deliver) {
    if (running_) return false;
    stop_ = false;
    deliver_ = std::move(deliver);
    running_ = true;
    Q_EMIT runningChanged(true);
    watcher_.setFuture(QtConcurrent::run([what, work = std::move(work), stop = &stop_] {
        // Everything the work throws becomes a message: an exception escaping a worker would take
        // the whole application down.
        try {
            work(stop);
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        } catch (...) {
            return QStringLiteral("%1 failed with an unknown error").arg(what);
        }
        return QString();
    }));
    return true;
}

void TrainingJob::requestStop() {
    stop_ = true;
}

void TrainingJob::waitForFinished() {
    watcher_.waitForFinished();
}

void TrainingJob::onWorkerFinished() {
    // Taken before runningChanged(false): a slot may start the next run from there.
    const QString error = watcher_.result();
    const std::function<void()> deliver = std::move(deliver_);
    running_ = false;
    Q_EMIT runningChanged(false);
    if (error.isEmpty()) {
        deliver();
    } else {
        Q_EMIT failed(error);
    }
}

}  // namespace mnist::ui
