#pragma once
// Training → Cross-validate…: k-fold cross-validation of the model panel's recipe as a cancellable
// job, with its own progress bar and a chart of each fold's best validation accuracy against the
// folds' mean. The work runs in CrossValidationJob; this dialog only shows what it reports.
#include <QDialog>

#include "core/evaluation/cross_validation.h"
#include "core/training/train_options.h"
#include "ui/cross_validation_job.h"  // CrossValidation as a signal argument

class QCheckBox;
class QLabel;
class QLineSeries;
class QProgressBar;
class QPushButton;
class QScatterSeries;
class QSpinBox;
class QValueAxis;

namespace mnist::ui {

class CrossValidationDialog : public QDialog {
    Q_OBJECT
  public:
    // `options` is the recipe each fold trains with (data folder, output folder and slices set).
    explicit CrossValidationDialog(const mnist::TrainOptions& options, QWidget* parent = nullptr);
    ~CrossValidationDialog() override;

    QSpinBox* foldsBox() const { return folds_; }
    QCheckBox* testBox() const { return test_; }
    QPushButton* startButton() const { return start_; }
    QPushButton* cancelButton() const { return cancel_; }
    QProgressBar* progressBar() const { return progress_; }
    QScatterSeries* foldSeries() const { return fold_points_; }
    QLineSeries* meanSeries() const { return mean_line_; }
    CrossValidationJob* job() const { return job_; }
    QString summaryText() const;

  public Q_SLOTS:
    void start();
    // While running: stop after the current batch (the folds done are kept). Otherwise: close.
    void cancel();
    // Escape and the window's close button: while running, Cancel and close once the worker has
    // returned; the dialog never hides with a job still going.
    void reject() override;

  Q_SIGNALS:
    // The job ended: every fold, or fewer after Cancel (result.stopped).
    void finished(const mnist::CrossValidation& result);
    void failed(const QString& message);

  private:
    void onFoldStarted(int fold, int folds);
    void onBatch(const mnist::BatchProgress& p);
    void onFoldFinished(int fold, const mnist::TrainResult& result);
    void onFinished(const mnist::CrossValidation& result);
    void onFailed(const QString& message);
    void setRunning(bool running);

    mnist::TrainOptions options_;
    CrossValidationJob* job_;
    QSpinBox* folds_;
    QCheckBox* test_;
    QPushButton* start_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* status_;
    QLabel* summary_;
    QScatterSeries* fold_points_;
    QLineSeries* mean_line_;
    QValueAxis* fold_axis_;
    QValueAxis* accuracy_axis_;
    int fold_ = 0, folds_total_ = 0;
    bool closing_ = false;
};

}  // namespace mnist::ui
