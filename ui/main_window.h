#pragma once
// The application window: the model panel on the left, the Training, Draw & Predict, Inside and
// Runs tabs on the right, menus with shortcuts, and a status bar. It owns the actions and dialogs
// and wires the TrainingController's signals to the pages.
#include <functional>

#include <QMainWindow>
#include <QString>

#include <cstdint>

#include "core/training/trainer.h"

class QAction;
class QLabel;
class QSplitter;
class QTabWidget;

namespace mnist::ui {

class DrawPredictPage;
class DrawingCanvas;
class GuidedDemo;
class InsidePage;
class ModelPanel;
class PresentationMode;
class PredictionPanel;
class RunsPage;
class TrainingCharts;
class TrainingController;
class TrainingPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    ModelPanel* modelPanel() const { return model_panel_; }
    TrainingPage* trainingPage() const { return training_page_; }
    TrainingCharts* charts() const;
    TrainingController* trainingController() const { return controller_; }
    DrawPredictPage* drawPage() const { return draw_page_; }
    InsidePage* insidePage() const { return inside_page_; }
    RunsPage* runsPage() const { return runs_page_; }
    DrawingCanvas* canvas() const;
    PredictionPanel* predictionPanel() const;
    QTabWidget* tabs() const { return tabs_; }
    QAction* startAction() const { return start_; }
    QAction* stopAction() const { return stop_; }
    QAction* pauseAction() const { return pause_; }
    // View > Presentation mode (F11) and Help > Guided demo.
    PresentationMode* presentationMode() const { return presentation_; }
    GuidedDemo* guidedDemo() const { return demo_; }

    // Where trained checkpoints go: the app data folder unless changed (tests use a temp dir).
    QString outputDir() const { return output_dir_; }
    void setOutputDir(const QString& dir);
    // Where MNIST is read from; empty when it was not found.
    QString dataDir() const { return data_dir_; }
    // Uses `dir` for training and remembers it; false (with the problem shown) when it lacks
    // the MNIST files.
    bool setDataDir(const QString& dir);
    // Train/evaluate on the first N images only (0 = all): quick demo runs and tests.
    void setDataLimits(std::int64_t train_images, std::int64_t test_images);
    // best_<model>.pth in the output folder.
    QString bestCheckpointPath(const QString& model) const;
    // Asks where to save (starting at `suggested` in the output folder), calls `write`, and reports
    // the result in the status bar or an error dialog titled `error_title`.
    void saveWithDialog(const QString& title, const QString& suggested, const QString& filter,
                        const std::function<bool(const QString&, QString*)>& write,
                        const QString& saved_message, const QString& error_title);

  public Q_SLOTS:
    bool startTraining();
    void stopTraining();
    // Pause stops like Stop and then offers Resume (also after a restart: the run's folder is
    // remembered); Resume continues it with the Training page's new learning rate and epochs.
    bool pauseTraining();
    bool resumeTraining();
    // Uses the checkpoint for drawing; a wrong file is reported and the previous one stays.
    bool loadCheckpoint(const QString& path);
    bool openImage(const QString& path);
    // Puts a run's model and recipe into the model panel; refused while a training runs.
    bool loadRunRecipe(const mnist::TrainOptions& options);
    void showError(const QString& title, const QString& message);

  Q_SIGNALS:
    // Every error the user is shown, for tests and logging.
    void errorShown(const QString& message);

  protected:
    void closeEvent(QCloseEvent* event) override;

  private:
    void createActions();
    void createMenus();
    void restoreSettings();
    void saveSettings() const;
    void locateData();
    void loadInitialCheckpoint();
    void onModelChanged(const QString& model);
    void onRunningChanged(bool running);
    void showBatchStatus(const mnist::BatchProgress& p);
    void onFinished(const mnist::TrainResult& result);
    void onFailed(const QString& message);
    // Offers Resume for the paused run remembered in the settings, if it can still go on.
    void offerPausedRun();
    void forgetPausedRun();
    void connectRunsPage();
    void chooseCheckpoint();
    void chooseImage();
    void chooseDataFolder();
    void saveCharts();
    void saveHistory();
    void openOutputFolder();
    void updateActions();

    TrainingController* controller_ = nullptr;
    ModelPanel* model_panel_ = nullptr;
    TrainingPage* training_page_ = nullptr;
    DrawPredictPage* draw_page_ = nullptr;
    InsidePage* inside_page_ = nullptr;
    RunsPage* runs_page_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QSplitter* splitter_ = nullptr;
    QLabel* device_label_ = nullptr;
    PresentationMode* presentation_ = nullptr;
    GuidedDemo* demo_ = nullptr;

    QAction* start_ = nullptr;
    QAction* stop_ = nullptr;
    QAction* pause_ = nullptr;
    QAction* open_image_ = nullptr;
    QAction* load_checkpoint_ = nullptr;
    QAction* clear_canvas_ = nullptr;
    QAction* save_charts_ = nullptr;
    QAction* save_history_ = nullptr;
    QAction* open_output_folder_ = nullptr;
    QAction* choose_data_folder_ = nullptr;
    QAction* quit_ = nullptr;

    QString output_dir_;
    QString data_dir_;
    std::int64_t limit_train_ = 0;
    std::int64_t limit_test_ = 0;
    bool closing_ = false;       // results arriving after close are ignored
    bool pausing_ = false;       // the run under way was paused, not stopped
    bool quiet_errors_ = false;  // at start-up, problems go to the status bar, not dialogs
};

}  // namespace mnist::ui
