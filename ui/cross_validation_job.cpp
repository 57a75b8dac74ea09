#include "ui/cross_validation_job.h"

#include <memory>

namespace mnist::ui {

// TrainingJob's observer plus the fold edges.
class CrossValidationJob::QueuedObserver : public QueuedTrainingObserver<mnist::CvObserver> {
  public:
    explicit QueuedObserver(CrossValidationJob* job) : QueuedTrainingObserver(job), job_(job) {}

    void on_fold_start(int fold, int folds) override {
        post([j = job_, fold, folds] { Q_EMIT j->foldStarted(fold, folds); });
    }
    void on_fold_end(int fold, const mnist::TrainResult& result) override {
        post([j = job_, fold, result] { Q_EMIT j->foldFinished(fold, result); });
    }

  private:
    CrossValidationJob* job_;
};

CrossValidationJob::CrossValidationJob(QObject* parent) : TrainingJob(parent) {
    qRegisterMetaType<mnist::CrossValidation>();
}

bool CrossValidationJob::start(const mnist::TrainOptions& options, const mnist::CvOptions& cv) {
    // Made here, while this object is whole; the work owns it until the worker returns.
    auto observer = std::make_shared<QueuedObserver>(this);
    return launch(
        QStringLiteral("cross-validation"),
        [options, cv, observer](const std::atomic<bool>* stop) {
            return mnist::cross_validate(options, cv, observer.get(), stop);
        },
        [this](const mnist::CrossValidation& result) { Q_EMIT finished(result); });
}

}  // namespace mnist::ui
