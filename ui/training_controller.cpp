#include "ui/training_controller.h"

#include <memory>

#include "core/training/run_store.h"
#include "core/training/trainer.h"

namespace mnist::ui {

// TrainingJob's observer plus the run's start (model size, batches, device).
class TrainingController::QueuedObserver : public QueuedTrainingObserver<mnist::TrainObserver> {
  public:
    explicit QueuedObserver(TrainingController* controller)
        : QueuedTrainingObserver(controller), controller_(controller) {}

    void on_start(const mnist::TrainStart& start) override {
        post([c = controller_, start] { Q_EMIT c->started(start); });
    }

  private:
    TrainingController* controller_;
};

TrainingController::TrainingController(QObject* parent) : TrainingJob(parent) {}

template <typename Train>
bool TrainingController::launchTraining(Train train) {
    // Made here, while this object is whole; the work owns it until the worker returns.
    auto observer = std::make_shared<QueuedObserver>(this);
    return launch(
        QStringLiteral("training"),
        [train = std::move(train), observer](const std::atomic<bool>* stop) {
            return train(observer.get(), stop);
        },
        [this](const mnist::TrainResult& result) { Q_EMIT finished(result); });
}

bool TrainingController::start(const mnist::TrainOptions& options) {
    if (isRunning()) return false;
    options_ = options;
    return launchTraining([options](mnist::TrainObserver* observer, const std::atomic<bool>* stop) {
        return mnist::train(options, observer, stop);
    });
}

bool TrainingController::resume(const QString& run_folder, const mnist::ResumeChanges& changes) {
    if (isRunning()) return false;
    // What the run trains with, for whoever asks options() meanwhile; core checks it again.
    const mnist::RunRecord run = mnist::read_run(run_folder.toStdString());
    if (run.problem.empty()) {
        options_ = run.options;
        if (changes.epochs) options_.epochs = *changes.epochs;
    }
    const std::string folder = run_folder.toStdString();
    return launchTraining(
        [folder, changes](mnist::TrainObserver* observer, const std::atomic<bool>* stop) {
            return mnist::resume_training(folder, changes, observer, stop);
        });
}

}  // namespace mnist::ui
