#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QThread>
#include <QUrl>

#include <exception>

#include "core/checkpoint/bundled_model.h"
#include "core/checkpoint/checkpoint_meta.h"
#include "core/compute_device.h"
#include "core/data/data_location.h"
#include "core/training/run_store.h"
#include "ui/cross_validation_dialog.h"
#include "ui/draw_predict_page.h"
#include "ui/drawing_canvas.h"
#include "ui/guided_demo.h"
#include "ui/inside_page.h"
#include "ui/model_panel.h"
#include "ui/prediction_panel.h"
#include "ui/presentation_mode.h"
#include "ui/resume_bar.h"
#include "ui/runs_charts.h"
#include "ui/runs_page.h"
#include "ui/training_charts.h"
#include "ui/training_controller.h"
#include "ui/training_page.h"

namespace mnist::ui {
namespace {

const QString kDataDirKey = QStringLiteral("data/dir");
const QString kPausedRunKey = QStringLiteral("training/pausedRun");  // its run folder
constexpr int kStatusMs = 8000;

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("MNIST Studio"));
    controller_ = new TrainingController(this);
    createActions();

    model_panel_ = new ModelPanel;
    auto* scroll = new QScrollArea;
    scroll->setWidget(model_panel_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(340);

    training_page_ = new TrainingPage({start_, stop_, save_charts_, save_history_,
                                       open_output_folder_, choose_data_folder_, pause_});
    draw_page_ = new DrawPredictPage({clear_canvas_, open_image_, load_checkpoint_});
    // Delete clears the canvas only while the Draw & Predict tab has the focus.
    clear_canvas_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    draw_page_->addAction(clear_canvas_);
    inside_page_ = new InsidePage;
    runs_page_ = new RunsPage;

    tabs_ = new QTabWidget;
    tabs_->addTab(training_page_, tr("Training"));
    tabs_->addTab(draw_page_, tr("Draw && Predict"));
    tabs_->addTab(inside_page_, tr("Inside"));
    tabs_->addTab(runs_page_, tr("Runs"));
    tabs_->setTabToolTip(0, tr("Train the chosen model and watch it learn (Ctrl+1)"));
    tabs_->setTabToolTip(1, tr("Draw a digit and see what the model predicts (Ctrl+2)"));
    tabs_->setTabToolTip(2, tr("Look inside the model: feature maps, saliency, filters, "
                               "confusion matrix and mistakes (Ctrl+3)"));
    tabs_->setTabToolTip(tabs_->indexOf(runs_page_),
                         tr("Every training kept on disk: compare runs' curves, rename, delete, "
                            "export, load a recipe back (Ctrl+4)"));
    QFont tab_font = tabs_->tabBar()->font();
    tab_font.setPointSizeF(tab_font.pointSizeF() * 1.1);
    tabs_->tabBar()->setFont(tab_font);

    splitter_ = new QSplitter;
    splitter_->addWidget(scroll);
    splitter_->addWidget(tabs_);
    splitter_->setStretchFactor(0, 0);
    splitter_->setStretchFactor(1, 1);
    splitter_->setSizes({420, 860});
    splitter_->setChildrenCollapsible(false);
    setCentralWidget(splitter_);
    presentation_ = new PresentationMode(this);
    tabs_->setCornerWidget(presentation_->buttons(), Qt::TopRightCorner);
    demo_ = new GuidedDemo(this);

    device_label_ = new QLabel(mnist::cuda_available()
                                   ? tr("Device: CUDA available")
                                   : tr("Device: CPU, %1 cores").arg(QThread::idealThreadCount()));
    device_label_->setToolTip(tr("Where training can run"));
    statusBar()->addPermanentWidget(device_label_);
    createMenus();

    connect(model_panel_, &ModelPanel::modelChanged, this, &MainWindow::onModelChanged);
    connect(controller_, &TrainingController::runningChanged, this, &MainWindow::onRunningChanged);
    connect(controller_, &TrainingController::started, training_page_, &TrainingPage::showStart);
    connect(controller_, &TrainingController::batchProgress, training_page_,
            &TrainingPage::showBatch);
    connect(controller_, &TrainingController::batchProgress, this, &MainWindow::showBatchStatus);
    connect(controller_, &TrainingController::epochFinished, training_page_,
            &TrainingPage::showEpoch);
    connect(controller_, &TrainingController::finished, this, &MainWindow::onFinished);
    connect(controller_, &TrainingController::failed, this, &MainWindow::onFailed);
    connect(training_page_->resumeBar(), &ResumeBar::resumeRequested, this,
            &MainWindow::resumeTraining);
    connect(predictionPanel(), &PredictionPanel::errorOccurred, this, &MainWindow::showError);
    // The Inside tab explains what the canvas holds, with the canvas's checkpoint.
    connect(predictionPanel(), &PredictionPanel::checkpointChanged, this,
            [this](const QString& path) {
                inside_page_->setCheckpoint(path, predictionPanel()->modelName());
            });
    connect(predictionPanel(), &PredictionPanel::predictionUpdated, this,
            [this] { inside_page_->setPrediction(predictionPanel()->lastPrediction()); });
    connect(inside_page_, &InsidePage::digitChosen, this,
            [this](const mnist::DigitPixels& pixels, const QString& what) {
                draw_page_->showDigit(pixels);
                statusBar()->showMessage(tr("On the canvas: %1").arg(what), kStatusMs);
            });
    connect(training_page_->charts(), &TrainingCharts::pointHovered, this,
            [this](const QString& text) { statusBar()->showMessage(text, kStatusMs); });
    connectRunsPage();

    const QString app_data = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    setOutputDir(app_data.isEmpty() ? QDir::home().filePath(QStringLiteral(".mnist-studio"))
                                    : app_data);

    quiet_errors_ = true;
    restoreSettings();
    locateData();
    model_panel_->setDataDir(data_dir_);
    inside_page_->setDataDir(data_dir_);
    loadInitialCheckpoint();
    offerPausedRun();
    quiet_errors_ = false;
    updateActions();
}

MainWindow::~MainWindow() {
    // The controller's destructor waits for the worker; make sure nothing lands on dying pages.
    closing_ = true;
    controller_->disconnect(this);
}

TrainingCharts* MainWindow::charts() const {
    return training_page_->charts();
}
DrawingCanvas* MainWindow::canvas() const {
    return draw_page_->canvas();
}
PredictionPanel* MainWindow::predictionPanel() const {
    return draw_page_->predictionPanel();
}

void MainWindow::createActions() {
    QStyle* s = style();
    start_ = new QAction(s->standardIcon(QStyle::SP_MediaPlay), tr("&Start training"), this);
    start_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_T), QKeySequence(Qt::Key_F5)});
    start_->setToolTip(tr("Train the chosen model with this recipe (Ctrl+T or F5)"));
    connect(start_, &QAction::triggered, this, &MainWindow::startTraining);

    stop_ = new QAction(s->standardIcon(QStyle::SP_MediaStop), tr("S&top"), this);
    stop_->setShortcuts({QKeySequence(Qt::Key_Escape), QKeySequence(Qt::CTRL | Qt::Key_Period)});
    stop_->setToolTip(
        tr("Stop after the current batch, keeping the best checkpoint so far (Esc or Ctrl+.)"));
    connect(stop_, &QAction::triggered, this, &MainWindow::stopTraining);

    pause_ = new QAction(s->standardIcon(QStyle::SP_MediaPause), tr("&Pause"), this);
    pause_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    pause_->setToolTip(
        tr("Pause after the current batch; Resume goes on from the last finished "
           "epoch, with a new learning rate or more epochs if you like (Ctrl+P)"));
    connect(pause_, &QAction::triggered, this, &MainWindow::pauseTraining);

    open_image_ =
        new QAction(s->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open image…"), this);
    open_image_->setShortcut(QKeySequence::Open);
    open_image_->setToolTip(tr("Classify a picture of a digit (PNG, JPEG, …) (Ctrl+O)"));
    connect(open_image_, &QAction::triggered, this, &MainWindow::chooseImage);

    load_checkpoint_ = new QAction(tr("&Load checkpoint…"), this);
    load_checkpoint_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    load_checkpoint_->setToolTip(
        tr("Predict with another .pth checkpoint, also one saved by PyTorch (Ctrl+L)"));
    connect(load_checkpoint_, &QAction::triggered, this, &MainWindow::chooseCheckpoint);

    clear_canvas_ =
        new QAction(s->standardIcon(QStyle::SP_DialogResetButton), tr("&Clear canvas"), this);
    clear_canvas_->setShortcut(QKeySequence(Qt::Key_Delete));
    clear_canvas_->setToolTip(tr("Erase the drawing (Delete, or Esc on the canvas)"));

    save_charts_ =
        new QAction(s->standardIcon(QStyle::SP_DialogSaveButton), tr("Save charts as &PNG…"), this);
    save_charts_->setShortcut(QKeySequence::Save);
    save_charts_->setToolTip(
        tr("Save the loss, accuracy and learning-rate charts as one picture (Ctrl+S)"));
    connect(save_charts_, &QAction::triggered, this, &MainWindow::saveCharts);

    save_history_ = new QAction(tr("Save history as &CSV…"), this);
    save_history_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    save_history_->setToolTip(
        tr("Save one row per epoch: losses, accuracies, learning rate (Ctrl+Shift+S)"));
    connect(save_history_, &QAction::triggered, this, &MainWindow::saveHistory);

    open_output_folder_ =
        new QAction(s->standardIcon(QStyle::SP_DirOpenIcon), tr("Open &folder"), this);
    open_output_folder_->setToolTip(tr("Show the folder with the trained checkpoints"));
    connect(open_output_folder_, &QAction::triggered, this, &MainWindow::openOutputFolder);

    choose_data_folder_ = new QAction(tr("Choose &data folder…"), this);
    choose_data_folder_->setToolTip(tr("Pick the folder that holds the four MNIST files"));
    connect(choose_data_folder_, &QAction::triggered, this, &MainWindow::chooseDataFolder);

    quit_ = new QAction(tr("&Quit"), this);
    quit_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit_->setMenuRole(QAction::QuitRole);
    connect(quit_, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(open_image_);
    file->addAction(load_checkpoint_);
    file->addSeparator();
    file->addAction(save_charts_);
    file->addAction(save_history_);
    file->addSeparator();
    file->addAction(open_output_folder_);
    file->addAction(choose_data_folder_);
    file->addSeparator();
    file->addAction(quit_);

    QMenu* training = menuBar()->addMenu(tr("&Training"));
    training->addAction(start_);
    training->addAction(pause_);
    training->addAction(stop_);
    training->addSeparator();
    // k-fold cross-validation of the panel's recipe, in its own dialog and worker.
    training->addAction(tr("Cross-&validate…"), this, [this] {
        if (data_dir_.isEmpty()) {
            showError(tr("No MNIST data"), tr("Cross-validation needs the MNIST files. Run "
                                              "scripts/fetch_data.sh or choose the data folder."));
            return;
        }
        mnist::TrainOptions options = model_panel_->options();
        options.data_dir = data_dir_.toStdString();
        options.out_dir = output_dir_.toStdString();
        options.limit_train = limit_train_;
        options.limit_test = limit_test_;
        auto* dialog = new CrossValidationDialog(options, this);
        connect(dialog, &QDialog::finished, dialog, &QObject::deleteLater);
        dialog->open();
    });

    QMenu* canvas = menuBar()->addMenu(tr("&Canvas"));
    canvas->addAction(clear_canvas_);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    const QStringList tab_names = {tr("&Training"), tr("&Draw && Predict"), tr("&Inside"),
                                   tr("&Runs")};
    for (int i = 0; i < tab_names.size(); ++i) {
        QAction* show_tab = view->addAction(tab_names[i]);
        show_tab->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(show_tab, &QAction::triggered, this, [this, i] { tabs_->setCurrentIndex(i); });
    }
    view->addSeparator();
    view->addAction(presentation_->action());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(demo_->action());
    help->addSeparator();
    help->addAction(tr("&About MNIST Studio"), this, [this] {
        QMessageBox::about(
            this, tr("About MNIST Studio"),
            tr("<h3>MNIST Studio %1</h3><p>Choose a small CNN, train it live on MNIST "
               "and draw digits for it to read.</p><p>Checkpoints are saved in "
               "<br><code>%2</code></p>")
                .arg(QCoreApplication::applicationVersion(), output_dir_.toHtmlEscaped()));
    });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::setOutputDir(const QString& dir) {
    output_dir_ = dir;
    QDir().mkpath(dir);
    training_page_->setOutputDir(dir);
    runs_page_->setOutputDir(dir);
}

QString MainWindow::bestCheckpointPath(const QString& model) const {
    return QString::fromStdString(
        mnist::checkpoint_path(output_dir_.toStdString(), model.toStdString()));
}

bool MainWindow::setDataDir(const QString& dir) {
    if (!mnist::has_mnist_files(dir.toStdString())) {
        training_page_->setDataLocation({}, tr("%1 does not hold the four MNIST files "
                                               "(train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                                               "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, "
                                               "optionally .gz).")
                                                .arg(QDir::toNativeSeparators(dir)));
        if (data_dir_.isEmpty()) updateActions();
        return false;
    }
    data_dir_ = dir;
    QSettings().setValue(kDataDirKey, dir);
    training_page_->setDataLocation(dir, {});
    model_panel_->setDataDir(dir);
    inside_page_->setDataDir(dir);
    updateActions();
    return true;
}

void MainWindow::setDataLimits(std::int64_t train_images, std::int64_t test_images) {
    limit_train_ = train_images;
    limit_test_ = test_images;
    inside_page_->setTestLimit(test_images);
}

void MainWindow::locateData() {
    const QString stored = QSettings().value(kDataDirKey).toString();
    if (!stored.isEmpty() && mnist::has_mnist_files(stored.toStdString())) {
        data_dir_ = stored;
        training_page_->setDataLocation(stored, {});
        return;
    }
    try {
        data_dir_ = QString::fromStdString(
            mnist::resolve_data_dir("", QCoreApplication::applicationFilePath().toStdString()));
        training_page_->setDataLocation(data_dir_, {});
    } catch (const std::exception& e) {
        // The app stays useful without data: drawing works with the bundled model.
        data_dir_.clear();
        training_page_->setDataLocation({}, QString::fromStdString(e.what()));
        statusBar()->showMessage(
            tr("MNIST data not found — training is unavailable until you choose "
               "the data folder"));
    }
}

void MainWindow::loadInitialCheckpoint() {
    if (predictionPanel()->hasModel()) return;  // restoring the model already loaded its own
    const QString own = bestCheckpointPath(model_panel_->currentModel());
    if (QFile::exists(own) && loadCheckpoint(own)) return;
    std::string bundled;
    try {
        bundled =
            mnist::find_bundled_checkpoint(QCoreApplication::applicationFilePath().toStdString());
    } catch (const std::exception&) {
        statusBar()->showMessage(tr("No model loaded — train one or use Load checkpoint…"));
        return;
    }
    loadCheckpoint(QString::fromStdString(bundled));
}

void MainWindow::onModelChanged(const QString& model) {
    // Draw with the model just chosen when it has been trained here before.
    const QString own = bestCheckpointPath(model);
    if (QFile::exists(own) && predictionPanel()->checkpointPath() != own) loadCheckpoint(own);
}

bool MainWindow::loadCheckpoint(const QString& path) {
    if (!predictionPanel()->loadCheckpoint(path)) return false;
    statusBar()->showMessage(
        tr("Drawing with %1 (%2)")
            .arg(predictionPanel()->modelName(), QDir::toNativeSeparators(path)),
        kStatusMs);
    return true;
}

bool MainWindow::openImage(const QString& path) {
    QString error;
    if (!draw_page_->openImage(path, &error)) {
        showError(tr("Cannot open image"), error);
        return false;
    }
    tabs_->setCurrentWidget(draw_page_);
    statusBar()->showMessage(tr("Classified %1").arg(QFileInfo(path).fileName()), kStatusMs);
    return true;
}

void MainWindow::showError(const QString& title, const QString& message) {
    statusBar()->showMessage(title + QStringLiteral(": ") +
                             QString(message).replace(QLatin1Char('\n'), QLatin1Char(' ')));
    Q_EMIT errorShown(message);
    if (quiet_errors_ || closing_) return;
    // Window-modal but not blocking: the event loop (and a running training) carries on.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool MainWindow::startTraining() {
    if (controller_->isRunning()) return false;
    if (data_dir_.isEmpty()) {
        showError(tr("No MNIST data"),
                  tr("Training needs the MNIST files. Run scripts/fetch_data.sh "
                     "or choose the data folder."));
        return false;
    }
    mnist::TrainOptions options = model_panel_->options();
    options.data_dir = data_dir_.toStdString();
    options.out_dir = output_dir_.toStdString();
    options.limit_train = limit_train_;
    options.limit_test = limit_test_;
    QDir().mkpath(output_dir_);
    model_panel_->saveSettings();
    forgetPausedRun();  // a new run takes the paused one's place on the page
    training_page_->showStarting(model_panel_->currentModel(), options.epochs);
    tabs_->setCurrentWidget(training_page_);
    statusBar()->showMessage(
        tr("Loading MNIST and starting %1…").arg(model_panel_->currentModel()));
    return controller_->start(options);
}

bool MainWindow::pauseTraining() {
    if (!controller_->isRunning()) return false;
    pausing_ = true;
    controller_->requestStop();
    stop_->setEnabled(false);
    pause_->setEnabled(false);
    statusBar()->showMessage(tr("Pausing after the current batch…"));
    return true;
}

bool MainWindow::resumeTraining() {
    const QString folder = training_page_->resumeBar()->runFolder();
    if (controller_->isRunning() || folder.isEmpty()) return false;
    const mnist::ResumeChanges changes = training_page_->resumeBar()->changes();
    mnist::RunRecord run;
    try {
        mnist::check_resume(folder.toStdString(), changes);  // quick: before the data loads
        run = mnist::read_run(folder.toStdString());
    } catch (const std::exception& e) {
        showError(tr("Cannot resume"), QString::fromStdString(e.what()));
        // Not only the changes refused: the run itself is gone or broken, so stop offering it.
        try {
            mnist::check_resume(folder.toStdString());
        } catch (const std::exception&) {
            forgetPausedRun();
        }
        return false;
    }
    const int first_epoch = run.history.empty() ? 1 : run.history.back().epoch + 1;
    training_page_->showResuming(QString::fromStdString(run.model), first_epoch,
                                 changes.epochs.value_or(run.options.epochs), changes);
    tabs_->setCurrentWidget(training_page_);
    statusBar()->showMessage(
        tr("Resuming %1 at epoch %2…").arg(QString::fromStdString(run.model)).arg(first_epoch));
    pausing_ = false;
    return controller_->resume(folder, changes);
}

void MainWindow::offerPausedRun() {
    const QString folder = QSettings().value(kPausedRunKey).toString();
    if (folder.isEmpty() || controller_->isRunning()) return;
    try {
        mnist::check_resume(folder.toStdString());  // it still has its state.pt and epochs to go
    } catch (const std::exception&) {
        forgetPausedRun();
        return;
    }
    const mnist::RunRecord run = mnist::read_run(folder.toStdString());
    training_page_->showPaused(run, training_page_->history().empty());
}

void MainWindow::forgetPausedRun() {
    QSettings().remove(kPausedRunKey);
    training_page_->hidePaused();
}

void MainWindow::stopTraining() {
    if (!controller_->isRunning()) return;
    controller_->requestStop();
    stop_->setEnabled(false);
    statusBar()->showMessage(tr("Stopping after the current batch…"));
}

void MainWindow::onRunningChanged(bool running) {
    model_panel_->setEditable(!running);
    updateActions();
    if (running) {
        stop_->setEnabled(true);
        pause_->setEnabled(true);
    }
}

void MainWindow::showBatchStatus(const mnist::BatchProgress& p) {
    if (!stop_->isEnabled()) return;  // keep "Stopping…" visible
    statusBar()->showMessage(tr("Training %1 — epoch %2/%3, batch %4/%5, running accuracy %6 %")
                                 .arg(controller_->options().model.c_str())
                                 .arg(p.epoch)
                                 .arg(p.epochs)
                                 .arg(p.batch)
                                 .arg(p.batches)
                                 .arg(p.running_acc, 0, 'f', 1));
}

void MainWindow::onFinished(const mnist::TrainResult& result) {
    if (closing_) return;
    training_page_->showFinished(result);
    if (pausing_ && result.stopped && !result.run_folder.empty()) {
        QSettings().setValue(kPausedRunKey, QString::fromStdString(result.run_folder));
        offerPausedRun();
    } else {
        forgetPausedRun();
    }
    pausing_ = false;
    if (result.checkpoint.empty()) {
        statusBar()->showMessage(
            tr("Training stopped before the first epoch ended; no checkpoint written"));
        return;
    }
    // The canvas switches to what was just trained.
    const QString checkpoint = QString::fromStdString(result.checkpoint);
    loadCheckpoint(checkpoint);
    statusBar()->showMessage(
        tr("%1 %2: best validation accuracy %3 % at epoch %4 — the canvas now uses it")
            .arg(QString::fromStdString(result.start.model),
                 result.stopped ? tr("stopped") : tr("trained"))
            .arg(result.best_val_acc, 0, 'f', 2)
            .arg(result.best_epoch));
}

void MainWindow::onFailed(const QString& message) {
    if (closing_) return;
    training_page_->showFailed(message);
    // A resume that failed leaves its run paused (its state.pt is untouched): offer it again.
    pausing_ = false;
    offerPausedRun();
    showError(tr("Training failed"), message);
}

// The Runs tab lists what each training leaves on disk, so it reads its folders again when one
// ends; its dialogs and the model panel belong to the window.
void MainWindow::connectRunsPage() {
    connect(controller_, &TrainingController::finished, runs_page_, &RunsPage::refresh);
    // A run being trained grows on the Runs tab epoch by epoch while it is looked at.
    connect(controller_, &TrainingController::epochFinished, runs_page_, [this] {
        if (runs_page_->isVisible()) runs_page_->refresh();
    });
    connect(controller_, &TrainingController::failed, runs_page_, &RunsPage::refresh);
    connect(runs_page_, &RunsPage::errorOccurred, this, &MainWindow::showError);
    connect(runs_page_, &RunsPage::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text, kStatusMs); });
    connect(runs_page_->charts(), &RunsCharts::pointHovered, this,
            [this](const QString& text) { statusBar()->showMessage(text, kStatusMs); });
    connect(runs_page_, &RunsPage::recipeRequested, this, &MainWindow::loadRunRecipe);
    // Deleting the paused run leaves nothing to resume: the Training page stops offering it.
    connect(runs_page_, &RunsPage::runDeleted, this, [this](const QString& folder) {
        const QString paused = QSettings().value(kPausedRunKey).toString();
        if (!paused.isEmpty() && QDir::cleanPath(QFileInfo(paused).absoluteFilePath()) ==
                                     QDir::cleanPath(QFileInfo(folder).absoluteFilePath())) {
            forgetPausedRun();
        }
    });
    connect(runs_page_, &RunsPage::exportRequested, this, [this] {
        saveWithDialog(
            tr("Export runs"), QStringLiteral("runs.csv"), tr("CSV files (*.csv)"),
            [this](const QString& path, QString* error) {
                return runs_page_->exportCsv(path, error);
            },
            tr("Runs exported to %1"), tr("Cannot export runs"));
    });
    connect(runs_page_, &RunsPage::saveChartsRequested, this, [this] {
        saveWithDialog(
            tr("Save run comparison"), QStringLiteral("runs.png"), tr("PNG images (*.png)"),
            [this](const QString& path, QString* error) {
                return runs_page_->saveChartsPng(path, error);
            },
            tr("Charts saved to %1"), tr("Cannot save charts"));
    });
}

bool MainWindow::loadRunRecipe(const mnist::TrainOptions& options) {
    if (controller_->isRunning()) {
        showError(tr("Cannot load the recipe"),
                  tr("The recipe cannot change while a training runs; stop it first."));
        return false;
    }
    const QString model = QString::fromStdString(options.model);
    model_panel_->setCurrentModel(model);
    if (model_panel_->currentModel() != model) {
        showError(tr("Cannot load the recipe"),
                  tr("This version of MNIST Studio has no model called %1.").arg(model));
        return false;
    }
    model_panel_->setOptions(options);
    statusBar()->showMessage(
        tr("The model panel holds the run's recipe for %1 — start training (F5) to run it again")
            .arg(model),
        kStatusMs);
    return true;
}

void MainWindow::updateActions() {
    const bool running = controller_->isRunning();
    start_->setEnabled(!running && !data_dir_.isEmpty());
    stop_->setEnabled(running);
    pause_->setEnabled(running);
}

void MainWindow::chooseCheckpoint() {
    const QString start_dir = QFileInfo(predictionPanel()->checkpointPath()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Load checkpoint"), predictionPanel()->hasModel() ? start_dir : output_dir_,
        tr("PyTorch checkpoints (*.pth *.pt);;All files (*)"));
    if (!path.isEmpty()) loadCheckpoint(path);
}

void MainWindow::chooseImage() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open image of a digit"), QDir::homePath(),
        tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.pgm *.ppm *.webp);;All files (*)"));
    if (!path.isEmpty()) openImage(path);
}

void MainWindow::chooseDataFolder() {
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Folder with the MNIST files"),
                                          data_dir_.isEmpty() ? QDir::homePath() : data_dir_);
    if (dir.isEmpty()) return;
    if (setDataDir(dir)) {
        statusBar()->showMessage(
            tr("Training reads MNIST from %1").arg(QDir::toNativeSeparators(dir)), kStatusMs);
    } else {
        showError(tr("No MNIST files there"),
                  tr("%1 does not hold train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                     "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (raw or .gz).")
                      .arg(QDir::toNativeSeparators(dir)));
    }
}

void MainWindow::saveWithDialog(const QString& title, const QString& suggested,
                                const QString& filter,
                                const std::function<bool(const QString&, QString*)>& write,
                                const QString& saved_message, const QString& error_title) {
    const QString path =
        QFileDialog::getSaveFileName(this, title, QDir(output_dir_).filePath(suggested), filter);
    if (path.isEmpty()) return;
    QString error;
    if (write(path, &error)) {
        statusBar()->showMessage(saved_message.arg(QDir::toNativeSeparators(path)), kStatusMs);
    } else {
        showError(error_title, error);
    }
}

void MainWindow::saveCharts() {
    saveWithDialog(
        tr("Save charts"), QStringLiteral("charts_%1.png").arg(model_panel_->currentModel()),
        tr("PNG images (*.png)"),
        [this](const QString& path, QString* error) { return charts()->savePng(path, error); },
        tr("Charts saved to %1"), tr("Cannot save charts"));
}

void MainWindow::saveHistory() {
    saveWithDialog(
        tr("Save history"),
        QStringLiteral("history_%1_export.csv").arg(model_panel_->currentModel()),
        tr("CSV files (*.csv)"),
        [this](const QString& path, QString* error) {
            return training_page_->saveHistoryCsv(path, error);
        },
        tr("History saved to %1"), tr("Cannot save history"));
}

void MainWindow::openOutputFolder() {
    QDir().mkpath(output_dir_);
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(output_dir_))) {
        showError(tr("Cannot open folder"),
                  tr("No file manager could open %1.").arg(QDir::toNativeSeparators(output_dir_)));
    }
}

void MainWindow::restoreSettings() {
    QSettings settings;
    model_panel_->loadSettings();
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) {
        resize(1280, 800);
    }
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    splitter_->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    tabs_->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 1).toInt());
}

void MainWindow::saveSettings() const {
    QSettings settings;
    model_panel_->saveSettings();
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), splitter_->saveState());
    settings.setValue(QStringLiteral("window/tab"), tabs_->currentIndex());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (controller_->isWorkerActive()) {
        // Stop takes effect before the next batch, so this wait is short; the best checkpoint
        // written so far stays on disk.
        controller_->requestStop();
        statusBar()->showMessage(tr("Stopping training…"));
        QApplication::setOverrideCursor(Qt::WaitCursor);
        controller_->waitForFinished();
        QApplication::restoreOverrideCursor();
    }
    closing_ = true;
    saveSettings();
    event->accept();
}

}  // namespace mnist::ui
