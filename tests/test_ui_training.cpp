// Tests for ui/training_controller and the training side of ui/main_window: a short run on a
// slice of real MNIST fills the charts and writes a checkpoint, Stop lands within a second and
// keeps a loadable checkpoint, batch updates are throttled, closing the window mid-run stops the
// worker first, and errors from train() arrive as a signal and a message, never a crash.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLineSeries>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include "core/data/data_location.h"
#include "core/inference/predictor.h"
#include "core/training/recipes.h"
#include "test_ui_environment.h"
#include "ui/main_window.h"
#include "ui/model_panel.h"
#include "ui/prediction_panel.h"
#include "ui/resume_bar.h"
#include "ui/training_charts.h"
#include "ui/training_controller.h"
#include "ui/training_page.h"

using mnist::ui::MainWindow;
using mnist::ui::TrainingController;

namespace {

const QString kDataDir = QStringLiteral(MNIST_DATA_DIR);

// Model_1 is the quickest to train on a CPU; the slices keep each run to seconds.
void configure(MainWindow& w, const QString& out_dir, int epochs, std::int64_t train_images,
               std::int64_t test_images, int batch_size = 128) {
    w.setOutputDir(out_dir);
    QVERIFY(w.setDataDir(kDataDir));
    w.setDataLimits(train_images, test_images);
    w.modelPanel()->setCurrentModel(QStringLiteral("Model_1"));
    mnist::TrainOptions o = w.modelPanel()->options();
    o.epochs = epochs;
    o.batch_size = batch_size;
    w.modelPanel()->setOptions(o);
}

mnist::TrainOptions quickOptions(const QString& out_dir) {
    mnist::TrainOptions o = mnist::recommended_options("Model_1");
    o.data_dir = kDataDir.toStdString();
    o.out_dir = out_dir.toStdString();
    o.limit_train = 12800;
    o.limit_test = 500;
    o.batch_size = 32;  // 400 short batches an epoch: Stop has many chances to land
    o.epochs = 3;
    return o;
}

}  // namespace

class TrainingTest : public QObject {
    Q_OBJECT
    QTemporaryDir settings_dir_;

  private Q_SLOTS:
    void initTestCase() {
        mnist::ui::testing::isolateApplicationState(settings_dir_);
        if (!mnist::has_mnist_files(kDataDir.toStdString())) {
            QSKIP("MNIST is not in data/MNIST/raw; run scripts/fetch_data.sh");
        }
    }

    void shortRunFillsChartsAndWritesCheckpoint() {
        QTemporaryDir out;
        MainWindow w;
        configure(w, out.path(), 2, 2560, 1000);
        TrainingController* controller = w.trainingController();
        QSignalSpy finished(controller, &TrainingController::finished);
        QSignalSpy epochs(controller, &TrainingController::epochFinished);
        QSignalSpy failed(controller, &TrainingController::failed);

        QVERIFY(w.startTraining());
        QVERIFY(controller->isRunning());
        QVERIFY(!w.startTraining());  // one run at a time
        QVERIFY(!w.startAction()->isEnabled());
        QVERIFY(w.stopAction()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() == 1, 180000);
        QCOMPARE(failed.count(), 0);
        const auto result = finished.at(0).at(0).value<mnist::TrainResult>();
        QVERIFY(!result.stopped);
        QCOMPARE(epochs.count(), 2);

        // Every epoch arrived exactly, at x = epoch, with the values the trainer reported.
        mnist::ui::TrainingCharts* charts = w.charts();
        for (QLineSeries* s : {charts->trainLossSeries(), charts->valLossSeries(),
                               charts->trainAccuracySeries(), charts->valAccuracySeries()}) {
            QCOMPARE(s->count(), 2);
            QCOMPARE(s->at(0).x(), 1.0);
            QCOMPARE(s->at(1).x(), 2.0);
        }
        for (int e = 0; e < 2; ++e) {
            const auto m = epochs.at(e).at(0).value<mnist::EpochMetrics>();
            QCOMPARE(charts->valAccuracySeries()->at(e).y(), m.val_acc);
            QCOMPARE(charts->trainLossSeries()->at(e).y(), m.train_loss);
        }
        QCOMPARE(static_cast<int>(w.trainingPage()->history().size()), 2);
        // The last batch of each epoch always comes through, so the running curve ends on it.
        const QList<QPointF> running = charts->runningLossPoints();
        QVERIFY(!running.isEmpty());
        QCOMPARE(running.last().x(), 2.0);
        QVERIFY(std::any_of(running.begin(), running.end(),
                            [](const QPointF& p) { return p.x() == 1.0; }));
        QVERIFY(charts->learningRateSeries()->count() >= 2);
        for (const QPointF& p : charts->learningRateSeries()->points()) QVERIFY(p.y() > 0);

        const QString checkpoint = out.filePath(QStringLiteral("best_Model_1.pth"));
        QVERIFY(QFile::exists(checkpoint));
        QVERIFY(QFile::exists(out.filePath(QStringLiteral("best_Model_1.json"))));
        QVERIFY(QFile::exists(out.filePath(QStringLiteral("history_Model_1.csv"))));
        QCOMPARE(QString::fromStdString(result.checkpoint), checkpoint);
        // The canvas switched to the checkpoint just written.
        QCOMPARE(w.predictionPanel()->checkpointPath(), checkpoint);
        QCOMPARE(w.predictionPanel()->modelName(), QStringLiteral("Model_1"));
        QVERIFY(w.startAction()->isEnabled());
        QVERIFY(!w.stopAction()->isEnabled());
        QVERIFY(w.trainingPage()->log()->toPlainText().contains(QStringLiteral("★")));

        // Saving what the charts hold.
        const QString png = out.filePath(QStringLiteral("charts.png"));
        const QString csv = out.filePath(QStringLiteral("history.csv"));
        w.resize(1280, 800);
        QVERIFY(charts->savePng(png));
        QVERIFY(!QImage(png).isNull());
        QVERIFY(w.trainingPage()->saveHistoryCsv(csv));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines =
            QString::fromUtf8(file.readAll()).trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].startsWith(QStringLiteral("epoch,")));
        QString error;
        QVERIFY(!w.trainingPage()->saveHistoryCsv(out.filePath(QStringLiteral("no/such/dir/h.csv")),
                                                  &error));
        QVERIFY(!error.isEmpty());
    }

    // Early stopping set in the model panel reaches the trainer, and the page says why the run
    // ended. A learning rate this small leaves the weights (and so the validation accuracy) as
    // they were after epoch 1, so the run ends after epoch 2 of 4 with a patience of 1.
    void earlyStopEndsTheRunAndThePageSaysWhy() {
        QTemporaryDir out;
        MainWindow w;
        configure(w, out.path(), 4, 256, 300);
        mnist::TrainOptions o = w.modelPanel()->options();
        o.optimizer = mnist::OptimizerKind::SGD;
        o.scheduler = mnist::SchedulerKind::None;
        o.lr = 0.00001;
        o.early_stop = 1;
        w.modelPanel()->setOptions(o);
        QSignalSpy finished(w.trainingController(), &TrainingController::finished);
        QSignalSpy failed(w.trainingController(), &TrainingController::failed);
        QVERIFY(w.startTraining());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() == 1, 180000);
        QCOMPARE(failed.count(), 0);
        const auto result = finished.at(0).at(0).value<mnist::TrainResult>();
        QCOMPARE(QString::fromStdString(result.ended), QStringLiteral("early-stopped"));
        QCOMPARE(static_cast<int>(result.epochs.size()), 2);
        QCOMPARE(result.best_epoch, 1);
        QCOMPARE(static_cast<int>(w.trainingPage()->history().size()), 2);
        QVERIFY(w.trainingPage()->log()->toPlainText().contains(
            QStringLiteral("Stopped early: no better validation accuracy for 1 epoch;")));
    }

    // Pause mid-run, change the learning rate, train one epoch more and Resume: the run goes on
    // from its last finished epoch in the same charts and log, epoch numbers continuing, the
    // resumed epochs trained with the new learning rate. A constant schedule, so the rate shown
    // is the one set.
    void pauseChangeLearningRateAndResume() {
        QTemporaryDir out;
        MainWindow w;
        configure(w, out.path(), 3, 6400, 300, 32);
        mnist::TrainOptions o = w.modelPanel()->options();
        o.scheduler = mnist::SchedulerKind::None;
        o.lr = 0.001;
        w.modelPanel()->setOptions(o);
        TrainingController* controller = w.trainingController();
        QSignalSpy finished(controller, &TrainingController::finished);
        QSignalSpy failed(controller, &TrainingController::failed);
        QSignalSpy epochs(controller, &TrainingController::epochFinished);
        QSignalSpy batches(controller, &TrainingController::batchProgress);
        mnist::ui::ResumeBar* bar = w.trainingPage()->resumeBar();
        QVERIFY(bar->isHidden());
        QVERIFY(!w.pauseAction()->isEnabled());

        QVERIFY(w.startTraining());
        QVERIFY(w.pauseAction()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(epochs.count() == 1, 180000);
        QTRY_VERIFY_WITH_TIMEOUT(batches.last().at(0).value<mnist::BatchProgress>().epoch == 2,
                                 60000);
        QVERIFY(w.pauseTraining());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() == 1, 60000);
        QCOMPARE(failed.count(), 0);
        const auto paused = finished.at(0).at(0).value<mnist::TrainResult>();
        QVERIFY(paused.stopped);
        const int done = static_cast<int>(paused.epochs.size());  // 1, or 2 if it landed late
        QVERIFY(done >= 1 && done < 3);
        QVERIFY(!bar->isHidden());
        QCOMPARE(bar->runFolder(), QString::fromStdString(paused.run_folder));
        QVERIFY(bar->learningRateField()->isEnabled());
        QCOMPARE(bar->learningRateField()->value(), 0.001);

        bar->learningRateField()->setValue(0.0004);
        bar->extendField()->setValue(1);
        bar->resumeButton()->click();
        QVERIFY(controller->isRunning());
        QVERIFY(bar->isHidden());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() == 2, 180000);
        QCOMPARE(failed.count(), 0);
        const auto resumed = finished.at(1).at(0).value<mnist::TrainResult>();
        QCOMPARE(QString::fromStdString(resumed.ended), QStringLiteral("finished"));
        QCOMPARE(resumed.start.first_epoch, done + 1);
        QCOMPARE(static_cast<int>(resumed.epochs.size()), 4);

        // The page's history and charts went on: epochs 1..4, nothing cleared or repeated.
        const auto& history = w.trainingPage()->history();
        QCOMPARE(static_cast<int>(history.size()), 4);
        for (int e = 0; e < 4; ++e) {
            QCOMPARE(history[e].epoch, e + 1);
            QCOMPARE(w.charts()->valAccuracySeries()->at(e).x(), e + 1.0);
            QCOMPARE(history[e].lr, e < done ? 0.001 : 0.0004);
        }
        QCOMPARE(history[0].val_acc, paused.epochs[0].val_acc);
        // The learning-rate chart kept the finished epochs and steps down where the run resumed;
        // the paused epoch's first batches, trained again, are drawn once.
        const QList<QPointF> lr = w.charts()->learningRateSeries()->points();
        QVERIFY(lr.size() > 2 && lr.first().x() <= done && lr.last().x() > done);
        for (int i = 0; i < lr.size(); ++i) {
            QVERIFY(i == 0 || lr[i].x() >= lr[i - 1].x());
            QCOMPARE(lr[i].y(), lr[i].x() <= done ? 0.001 : 0.0004);
        }
        QVERIFY(w.trainingPage()->log()->toPlainText().contains(
            QStringLiteral("resuming at epoch %1 of 4, learning rate 4.0e-04").arg(done + 1)));
        // Finished: nothing is left to resume.
        QVERIFY(bar->isHidden());
        QVERIFY(!QSettings().contains(QStringLiteral("training/pausedRun")));
    }

    // A paused run survives a restart: the next window shows its epochs and offers Resume, which
    // trains the epochs left.
    void pausedRunCanBeResumedAfterARestart() {
        QTemporaryDir out;
        QString folder;
        int done = 0;
        {
            MainWindow w;
            configure(w, out.path(), 3, 6400, 300, 32);
            QSignalSpy finished(w.trainingController(), &TrainingController::finished);
            QSignalSpy epochs(w.trainingController(), &TrainingController::epochFinished);
            QVERIFY(w.startTraining());
            QTRY_VERIFY_WITH_TIMEOUT(epochs.count() == 1, 180000);
            QVERIFY(w.pauseTraining());
            QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
            const auto paused = finished.at(0).at(0).value<mnist::TrainResult>();
            folder = QString::fromStdString(paused.run_folder);
            done = static_cast<int>(paused.epochs.size());
            QVERIFY(done >= 1 && done < 3);
        }
        MainWindow w;
        mnist::ui::ResumeBar* bar = w.trainingPage()->resumeBar();
        QVERIFY(!bar->isHidden());
        QCOMPARE(bar->runFolder(), folder);
        QCOMPARE(static_cast<int>(w.trainingPage()->history().size()), done);
        QCOMPARE(w.charts()->valAccuracySeries()->count(), done);
        // Model_1's plateau schedule takes a new rate; nothing changed, nothing is asked for.
        QVERIFY(bar->learningRateField()->isEnabled());
        QVERIFY(!bar->changes().lr && !bar->changes().epochs);

        QSignalSpy finished(w.trainingController(), &TrainingController::finished);
        QSignalSpy failed(w.trainingController(), &TrainingController::failed);
        QVERIFY(w.resumeTraining());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() == 1, 180000);
        QCOMPARE(failed.count(), 0);
        const auto resumed = finished.at(0).at(0).value<mnist::TrainResult>();
        QCOMPARE(QString::fromStdString(resumed.run_folder), folder);
        QCOMPARE(static_cast<int>(resumed.epochs.size()), 3);
        QCOMPARE(static_cast<int>(w.trainingPage()->history().size()), 3);
        for (int e = 0; e < 3; ++e) QCOMPARE(w.trainingPage()->history()[e].epoch, e + 1);
        QVERIFY(!QSettings().contains(QStringLiteral("training/pausedRun")));
    }

    // OneCycle sets its own rate and is laid out over its epochs: the bar says so and asks for
    // neither.
    void oneCycleRunOffersResumeWithoutChanges() {
        mnist::RunRecord run;
        run.folder = "/tmp/runs/x";
        run.model = "Model_3";
        run.options = mnist::recommended_options("Model_3");
        QCOMPARE(run.options.scheduler, mnist::SchedulerKind::OneCycle);
        mnist::EpochMetrics m;
        m.epoch = 2;
        m.lr = 0.01;
        run.history = {m};
        mnist::ui::ResumeBar bar;
        bar.showRun(run);
        QVERIFY(!bar.learningRateField()->isEnabled());
        QVERIFY(bar.learningRateField()->toolTip().contains(QStringLiteral("OneCycle")));
        QVERIFY(!bar.extendField()->isEnabled());
        bar.learningRateField()->setValue(0.005);
        QVERIFY(!bar.changes().lr);
        QVERIFY(!bar.changes().epochs);
        QVERIFY(!bar.scheduleField()->isEnabled());
        QVERIFY(!bar.changes().scheduler);
    }

    // A plateau run may go on at a constant rate: the bar passes the schedule only when switched.
    void plateauRunSwitchesToConstant() {
        mnist::RunRecord run;
        run.folder = "/tmp/runs/y";
        run.model = "Model_1";
        run.options = mnist::recommended_options("Model_1");
        QCOMPARE(run.options.scheduler, mnist::SchedulerKind::ReduceOnPlateau);
        mnist::ui::ResumeBar bar;
        bar.showRun(run);
        QComboBox* schedule = bar.scheduleField();
        QVERIFY(schedule->isEnabled());
        QCOMPARE(schedule->currentText(), QStringLiteral("Reduce on plateau"));
        QVERIFY(!bar.changes().scheduler);
        schedule->setCurrentIndex(schedule->findText(QStringLiteral("Constant")));
        QVERIFY(bar.changes().scheduler == mnist::SchedulerKind::None);
        QVERIFY(!bar.changes().lr);
    }

    void stopMidEpochIsQuickAndKeepsCheckpoint() {
        QTemporaryDir out;
        TrainingController controller;
        QSignalSpy finished(&controller, &TrainingController::finished);
        QSignalSpy epochs(&controller, &TrainingController::epochFinished);
        QSignalSpy batches(&controller, &TrainingController::batchProgress);
        QVERIFY(controller.start(quickOptions(out.path())));
        QTRY_VERIFY_WITH_TIMEOUT(epochs.count() == 1, 180000);

        // Throttled: about five batch updates a second, plus each epoch's first and last batch.
        const auto epoch1 = epochs.at(0).at(0).value<mnist::EpochMetrics>();
        int epoch1_updates = 0;
        for (const auto& args : batches) {
            if (args.at(0).value<mnist::BatchProgress>().epoch == 1) ++epoch1_updates;
        }
        const int allowed =
            static_cast<int>(epoch1.seconds * TrainingController::kBatchUpdatesPerSecond) + 3;
        QVERIFY2(epoch1_updates <= allowed,
                 qPrintable(
                     QStringLiteral("%1 updates in %2 s").arg(epoch1_updates).arg(epoch1.seconds)));
        QVERIFY(epoch1_updates < 400);  // far fewer than the batches

        // Mid-way through epoch 2:
        QTRY_VERIFY_WITH_TIMEOUT(batches.last().at(0).value<mnist::BatchProgress>().epoch == 2,
                                 60000);
        QElapsedTimer timer;
        timer.start();
        controller.requestStop();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 5000);
        QVERIFY2(timer.elapsed() < 1000,
                 qPrintable(QStringLiteral("stop took %1 ms").arg(timer.elapsed())));
        QVERIFY(!controller.isRunning());

        const auto result = finished.at(0).at(0).value<mnist::TrainResult>();
        QVERIFY(result.stopped);
        QCOMPARE(static_cast<int>(result.epochs.size()), 1);
        QCOMPARE(result.best_epoch, 1);
        QVERIFY(!result.checkpoint.empty());
        try {
            const mnist::Predictor predictor(result.checkpoint);
            QCOMPARE(predictor.model(), std::string("Model_1"));
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
    }

    void closingTheWindowWhileTrainingStopsTheWorkerFirst() {
        QTemporaryDir out;
        auto w = std::make_unique<MainWindow>();
        configure(*w, out.path(), 5, 12800, 500, 32);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QSignalSpy batches(w->trainingController(), &TrainingController::batchProgress);
        QVERIFY(w->startTraining());
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() >= 1, 60000);

        QElapsedTimer timer;
        timer.start();
        QVERIFY(w->close());
        QVERIFY2(timer.elapsed() < 2000,
                 qPrintable(QStringLiteral("close took %1 ms").arg(timer.elapsed())));
        QVERIFY(!w->trainingController()->isWorkerActive());
        QTest::qWait(100);  // late queued signals must find nothing to break
        w.reset();
        QTest::qWait(100);
    }

    void trainErrorsArriveAsSignals() {
        QTemporaryDir empty;
        TrainingController controller;
        QSignalSpy failed(&controller, &TrainingController::failed);
        QSignalSpy finished(&controller, &TrainingController::finished);

        mnist::TrainOptions o = quickOptions(empty.path());
        o.data_dir = empty.path().toStdString();  // no MNIST files here
        QVERIFY(controller.start(o));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() == 1, 10000);
        QVERIFY(failed.at(0).at(0).toString().contains(empty.path()));

        o = quickOptions(empty.path());
        o.epochs = 0;
        QVERIFY(controller.start(o));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() == 2, 10000);
        QVERIFY(failed.at(1).at(0).toString().contains(QStringLiteral("epochs")));
        QCOMPARE(finished.count(), 0);
    }

    void windowShowsTrainingFailure() {
        MainWindow w;
        QVERIFY(w.setDataDir(kDataDir));
        w.setOutputDir(QStringLiteral("/dev/null/checkpoints"));  // cannot be created
        w.setDataLimits(256, 100);
        QSignalSpy errors(&w, &MainWindow::errorShown);
        QVERIFY(w.startTraining());
        QTRY_VERIFY_WITH_TIMEOUT(errors.count() == 1, 30000);
        QVERIFY(!errors.at(0).at(0).toString().isEmpty());
        const auto boxes = w.findChildren<QMessageBox*>();
        QCOMPARE(boxes.size(), 1);
        QVERIFY(boxes.first()->isVisible());
        boxes.first()->close();
        QVERIFY(w.startAction()->isEnabled());  // ready to try again
    }
};

QTEST_MAIN(TrainingTest)
#include "test_ui_training.moc"
