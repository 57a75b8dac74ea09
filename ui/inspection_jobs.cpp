#include "ui/inspection_jobs.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>
#include <utility>

namespace mnist::ui {
namespace {

// The worker's half of a digit job. It loads the checkpoint only when it changed, so drawing
// costs the forward passes alone.
struct DigitWork {
    DigitInspection result;
    std::shared_ptr<mnist::Inspector> inspector;
};

DigitWork inspectDigit(const DigitRequest& request, std::shared_ptr<mnist::Inspector> inspector) {
    DigitWork work;
    work.result.request = request;
    try {
        const std::string path = request.checkpoint.toStdString();
        if (!inspector || inspector->checkpoint_path() != path) {
            inspector.reset();  // free the old network before loading the next
            inspector = std::make_shared<mnist::Inspector>(path);
        }
        work.inspector = inspector;
        DigitInspection& r = work.result;
        r.model = QString::fromStdString(inspector->model());
        r.filter_layers = inspector->filter_layers();
        std::string layer = request.filter_layer.toStdString();
        if (std::find(r.filter_layers.begin(), r.filter_layers.end(), layer) ==
            r.filter_layers.end()) {
            layer = r.filter_layers.empty() ? std::string() : r.filter_layers.front();
        }
        if (!layer.empty() && !request.saliency_only) r.filters = inspector->filters(layer);
        if (!request.blank) {
            if (!request.saliency_only) r.stages = inspector->feature_maps(request.digit);
            r.saliency = request.method == SaliencyMethod::Gradient
                             ? inspector->gradient_saliency(request.digit)
                             : inspector->occlusion_saliency(request.digit);
        }
    } catch (const std::exception& e) {
        // An exception escaping a worker would take the application down; the page shows it.
        work.result = DigitInspection{};
        work.result.request = request;
        work.result.error = QString::fromStdString(e.what());
    }
    return work;
}

}  // namespace

InspectionJobs::InspectionJobs(QObject* parent) : QObject(parent) {
    debounce_.setSingleShot(true);
    debounce_.setInterval(kDebounceMs);
    connect(&debounce_, &QTimer::timeout, this, &InspectionJobs::startDigitJob);
    connect(&digit_watcher_, &QFutureWatcherBase::finished, this, &InspectionJobs::onDigitFinished);
    connect(&score_watcher_, &QFutureWatcherBase::finished, this,
            &InspectionJobs::onScoringFinished);
}

InspectionJobs::~InspectionJobs() {
    cancelScoring();
    waitForFinished();
}

bool InspectionJobs::isDigitPending() const {
    return has_pending_ || debounce_.isActive() || digit_watcher_.isRunning();
}

void InspectionJobs::requestDigit(const DigitRequest& request) {
    pending_ = request;
    has_pending_ = true;
    debounce_.start();
}

void InspectionJobs::startDigitJob() {
    // One digit job at a time: a request made while one runs waits for it, then the latest wins.
    if (!has_pending_ || digit_watcher_.isRunning()) return;
    has_pending_ = false;
    const DigitRequest request = pending_;
    if (request.checkpoint.isEmpty()) {
        inspector_.reset();
        DigitInspection none;
        none.request = request;
        Q_EMIT digitInspected(none);
        return;
    }
    if (request.generation != inspector_generation_) inspector_.reset();  // reload the file
    inspector_generation_ = request.generation;
    digit_watcher_.setFuture(QtConcurrent::run([request, inspector = std::move(inspector_)] {
        DigitWork work = inspectDigit(request, inspector);
        return DigitOutcome{std::move(work.result), std::move(work.inspector)};
    }));
}

void InspectionJobs::onDigitFinished() {
    DigitOutcome outcome = digit_watcher_.result();
    inspector_ = std::move(outcome.inspector);
    if (has_pending_) {
        // The drawing moved on while this ran: show nothing stale, compute the latest now.
        startDigitJob();
        return;
    }
    Q_EMIT digitInspected(outcome.result);
}

bool InspectionJobs::scoreTestSet(const QString& checkpoint, const QString& data_dir,
                                  std::int64_t limit) {
    if (scoring_) return false;
    scoring_ = true;
    cancel_ = false;
    scoring_checkpoint_ = checkpoint;
    auto progress = [this](std::int64_t done, std::int64_t total) {
        QMetaObject::invokeMethod(
            this, [this, done, total] { Q_EMIT scoringProgress(done, total); },
            Qt::QueuedConnection);
        return !cancel_.load();
    };
    score_watcher_.setFuture(
        QtConcurrent::run([path = checkpoint.toStdString(), dir = data_dir.toStdString(), limit,
                           progress, cancel = &cancel_] {
            ScoreOutcome outcome;
            try {
                // Its own Inspector: the digit views keep working while the test set is scored.
                const mnist::Inspector inspector(path);
                outcome.result = std::make_shared<const mnist::TestSetInspection>(
                    inspector.inspect_test_set(dir, limit, progress));
            } catch (const std::exception& e) {
                outcome.error = QString::fromStdString(e.what());
                outcome.cancelled = cancel->load();
            }
            return outcome;
        }));
    return true;
}

void InspectionJobs::cancelScoring() {
    cancel_ = true;
}

void InspectionJobs::waitForFinished() {
    debounce_.stop();
    digit_watcher_.waitForFinished();
    score_watcher_.waitForFinished();
}

void InspectionJobs::onScoringFinished() {
    const ScoreOutcome outcome = score_watcher_.result();
    scoring_ = false;
    if (outcome.result) {
        Q_EMIT testSetScored(outcome.result, scoring_checkpoint_);
    } else {
        Q_EMIT testSetFailed(outcome.error, outcome.cancelled);
    }
}

}  // namespace mnist::ui
