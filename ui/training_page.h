#pragma once
// The "Training" tab: Start/Stop, progress for the epoch and the run with speed and ETA, where
// checkpoints and data live, the live charts and a log with one line per epoch. It only shows
// what the TrainingController reports; the main window wires the two together.
#include <QString>
#include <QWidget>

#include <vector>

#include "core/training/run_store.h"
#include "core/training/trainer.h"
#include "core/training/training_metrics.h"

class QAction;
class QFrame;
class QLayout;
class QLabel;
class QPlainTextEdit;
class QProgressBar;

namespace mnist::ui {

class ResumeBar;
class TrainingCharts;

struct TrainingPageActions {
    QAction* start = nullptr;
    QAction* stop = nullptr;
    QAction* save_charts = nullptr;
    QAction* save_history = nullptr;
    QAction* open_output_folder = nullptr;
    QAction* choose_data_folder = nullptr;
    QAction* pause = nullptr;  // optional: a Pause button beside Stop
};

class TrainingPage : public QWidget {
    Q_OBJECT
  public:
    explicit TrainingPage(const TrainingPageActions& actions, QWidget* parent = nullptr);

    TrainingCharts* charts() const { return charts_; }
    QPlainTextEdit* log() const { return log_; }
    QProgressBar* epochProgress() const { return epoch_bar_; }
    QProgressBar* runProgress() const { return run_bar_; }
    // Shown while a paused run can be resumed (showPaused), hidden otherwise.
    ResumeBar* resumeBar() const { return resume_bar_; }
    bool isDataMissingShown() const;
    // The per-epoch metrics of the run shown (the current or the last one).
    const std::vector<mnist::EpochMetrics>& history() const { return history_; }
    // Writes history() with core's history CSV columns; on failure returns false and puts the
    // reason in *error.
    bool saveHistoryCsv(const QString& path, QString* error = nullptr) const;

    void setOutputDir(const QString& dir);
    // Presentation mode: the checkpoint and data folder rows folded away (long paths at twice
    // the text size would not fit a 1280 px wide screen beside the model panel).
    void setCompact(bool compact);
    // `dir` is where MNIST was found; an empty `dir` shows `problem` and how to fix it instead.
    void setDataLocation(const QString& dir, const QString& problem);

  public Q_SLOTS:
    void showStarting(const QString& model, int epochs);
    void showStart(const mnist::TrainStart& start);
    void showBatch(const mnist::BatchProgress& progress);
    void showEpoch(const mnist::EpochMetrics& metrics);
    void showFinished(const mnist::TrainResult& result);
    void showFailed(const QString& message);
    // A paused run: offers Resume with its learning rate and more epochs. `restore` puts its
    // history into the charts and the log first (the app was restarted since it paused).
    void showPaused(const mnist::RunRecord& run, bool restore);
    void hidePaused();
    // The paused run goes on: the charts keep its epochs and make room for `epochs` in all.
    void showResuming(const QString& model, int first_epoch, int epochs,
                      const mnist::ResumeChanges& changes);

  private:
    // The parts of the page, top to bottom: Start/Stop with the progress bars and speed, the
    // banner shown when MNIST is missing, the checkpoint and data folders, and the epoch log that
    // sits in the charts' fourth cell.
    QLayout* makeControls(const TrainingPageActions& actions);
    QFrame* makeDataMissingBanner(const TrainingPageActions& actions);
    QLayout* makeFolders(const TrainingPageActions& actions);
    QWidget* makeLog(const TrainingPageActions& actions);
    void appendLog(const QString& line);

    TrainingCharts* charts_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    QLabel* run_info_ = nullptr;
    QLabel* epoch_label_ = nullptr;
    QProgressBar* epoch_bar_ = nullptr;
    QProgressBar* run_bar_ = nullptr;
    QLabel* speed_ = nullptr;
    QFrame* data_missing_ = nullptr;
    ResumeBar* resume_bar_ = nullptr;
    QLabel* data_problem_ = nullptr;
    QLabel* output_dir_ = nullptr;
    QLabel* data_dir_ = nullptr;
    QList<QWidget*> folder_widgets_;  // the checkpoint and data folder rows
    int epochs_ = 0;
    std::vector<mnist::EpochMetrics> history_;
};

// "1:05" / "1:02:03": the ETA as people read it.
QString formatDuration(double seconds);

}  // namespace mnist::ui
