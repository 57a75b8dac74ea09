// Tests for choosing checkpoints in the app (ui/main_window + ui/prediction_panel): a good .pth
// is used for drawing, a corrupt or mismatched one gets an error message and the previous model
// stays, a bad sidecar does not stop good weights; without any checkpoint the canvas says so
// instead of failing. Checkpoints added to an ensemble answer together, each member's vote shown.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

#include "core/data/data_location.h"
#include "core/inference/predictor.h"
#include "core/training/recipes.h"
#include "core/training/trainer.h"
#include "test_ui_environment.h"
#include "ui/draw_predict_page.h"
#include "ui/drawing_canvas.h"
#include "ui/main_window.h"
#include "ui/model_panel.h"
#include "ui/prediction_panel.h"

using mnist::ui::MainWindow;
using mnist::ui::PredictionPanel;

namespace {

// A thick white "1" on black, as the canvas would hold it.
QImage drawnOne() {
    QImage image(280, 280, QImage::Format_RGB32);
    image.fill(Qt::black);
    QPainter p(&image);
    p.setPen(QPen(Qt::white, 22, Qt::SolidLine, Qt::RoundCap));
    p.drawLine(140, 40, 140, 240);
    return image;
}

void closeMessageBoxes(QWidget* w) {
    for (QMessageBox* box : w->findChildren<QMessageBox*>()) box->close();
}

}  // namespace

class CheckpointTest : public QObject {
    Q_OBJECT
    QTemporaryDir settings_dir_;
    QTemporaryDir trained_;
    QString good_;

  private Q_SLOTS:
    void initTestCase() {
        mnist::ui::testing::isolateApplicationState(settings_dir_);
        // No bundled model: every checkpoint in these tests is one we made or broke on purpose.
        qputenv("MNIST_STUDIO_MODEL", QByteArray("/nonexistent/best_Model_3.pth"));
        const QString data = QStringLiteral(MNIST_DATA_DIR);
        if (!mnist::has_mnist_files(data.toStdString())) {
            QSKIP("MNIST is not in data/MNIST/raw; run scripts/fetch_data.sh");
        }
        // A real, small checkpoint: one quick epoch of Model_1 on a slice.
        mnist::TrainOptions o = mnist::recommended_options("Model_1");
        o.data_dir = data.toStdString();
        o.out_dir = trained_.path().toStdString();
        o.epochs = 1;
        o.limit_train = 1024;
        o.limit_test = 200;
        good_ = QString::fromStdString(mnist::train(o).checkpoint);
        QVERIFY(QFile::exists(good_));
    }

    void withoutCheckpointTheCanvasSaysSo() {
        MainWindow w;
        QVERIFY(!w.predictionPanel()->hasModel());
        w.predictionPanel()->predictImage(drawnOne());
        QVERIFY(!w.predictionPanel()->lastPrediction().input.blank);  // the preview still works
        QCOMPARE(w.predictionPanel()->shownDigit(), QStringLiteral("?"));
        QVERIFY(w.findChildren<QMessageBox*>().isEmpty());  // a missing model is no error dialog
    }

    void goodCheckpointIsUsed() {
        MainWindow w;
        QSignalSpy changed(w.predictionPanel(), &PredictionPanel::checkpointChanged);
        QVERIFY(w.loadCheckpoint(good_));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(w.predictionPanel()->checkpointPath(), good_);
        QCOMPARE(w.predictionPanel()->modelName(), QStringLiteral("Model_1"));
        w.predictionPanel()->predictImage(drawnOne());
        const mnist::Prediction& p = w.predictionPanel()->lastPrediction();
        QVERIFY(!p.blank);
        QVERIFY(p.digit >= 0 && p.digit <= 9);
        double sum = 0;
        for (double v : p.probs) sum += v;
        QVERIFY(std::abs(sum - 1.0) < 1e-4);
    }

    void badCheckpointShowsErrorAndKeepsPreviousModel_data() {
        QTest::addColumn<QByteArray>("pth");
        QTest::addColumn<QByteArray>("sidecar");  // empty: none
        QTest::newRow("random bytes") << QByteArray(4096, '\x5a') << QByteArray();
        QTest::newRow("empty file") << QByteArray() << QByteArray();
        QTest::newRow("text") << QByteArray("this is not a checkpoint\n") << QByteArray();
    }

    // Core reads the weights whatever their sidecar says (core/checkpoint.h): a corrupt or
    // wrong .json only loses the epoch and accuracy shown beside the checkpoint.
    void badSidecarStillUsesTheWeights_data() {
        QTest::addColumn<QByteArray>("sidecar");
        QTest::newRow("corrupt sidecar") << QByteArray("{ not json");
        QTest::newRow("sidecar naming an unknown model")
            << QByteArray(R"({"model": "Model_9", "epoch": 1})");
    }

    void badSidecarStillUsesTheWeights() {
        QFETCH(QByteArray, sidecar);
        QTemporaryDir dir;
        const QString pth = dir.filePath(QStringLiteral("best_Odd.pth"));
        QVERIFY(QFile::copy(good_, pth));
        QFile f(dir.filePath(QStringLiteral("best_Odd.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(sidecar);
        f.close();

        MainWindow w;
        QVERIFY(w.loadCheckpoint(pth));
        QCOMPARE(w.predictionPanel()->checkpointPath(), pth);
        QCOMPARE(w.predictionPanel()->modelName(), QStringLiteral("Model_1"));
        QVERIFY(w.findChildren<QMessageBox*>().isEmpty());
        w.predictionPanel()->predictImage(drawnOne());
        QVERIFY(!w.predictionPanel()->lastPrediction().blank);
    }

    void badCheckpointShowsErrorAndKeepsPreviousModel() {
        QFETCH(QByteArray, pth);
        QFETCH(QByteArray, sidecar);
        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("best_Broken.pth"));
        if (pth == "copy-of-good") {
            QVERIFY(QFile::copy(good_, bad));
        } else {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(pth);
        }
        if (!sidecar.isEmpty()) {
            QFile f(dir.filePath(QStringLiteral("best_Broken.json")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(sidecar);
        }

        MainWindow w;
        QVERIFY(w.loadCheckpoint(good_));
        QSignalSpy errors(&w, &MainWindow::errorShown);
        QSignalSpy changed(w.predictionPanel(), &PredictionPanel::checkpointChanged);

        QVERIFY(!w.loadCheckpoint(bad));
        QCOMPARE(errors.count(), 1);
        const QString message = errors.at(0).at(0).toString();
        QVERIFY2(message.contains(QStringLiteral("best_Broken")), qPrintable(message));
        const auto boxes = w.findChildren<QMessageBox*>();
        QCOMPARE(boxes.size(), 1);
        QVERIFY(boxes.first()->isVisible());
        QCOMPARE(boxes.first()->text(), message);
        closeMessageBoxes(&w);

        // Nothing changed: same checkpoint, still predicting.
        QCOMPARE(changed.count(), 0);
        QCOMPARE(w.predictionPanel()->checkpointPath(), good_);
        w.predictionPanel()->predictImage(drawnOne());
        QVERIFY(!w.predictionPanel()->lastPrediction().blank);
        QVERIFY(w.predictionPanel()->lastPrediction().digit >= 0);
    }

    void missingFileIsAnErrorToo() {
        MainWindow w;
        QSignalSpy errors(&w, &MainWindow::errorShown);
        QVERIFY(!w.loadCheckpoint(QStringLiteral("/nonexistent/best_Model_1.pth")));
        QCOMPARE(errors.count(), 1);
        QVERIFY(!w.predictionPanel()->hasModel());
        closeMessageBoxes(&w);
    }

    // An ensemble of one checkpoint answers exactly as that checkpoint alone, probabilities and
    // all.
    void ensembleOfOneEqualsItsCheckpoint() {
        const QString bundled = QStringLiteral(MNIST_SOURCE_DIR "/resources/best_Model_3.pth");
        PredictionPanel panel;
        QVERIFY(panel.loadCheckpoint(bundled));
        panel.predictImage(drawnOne());
        const mnist::Prediction alone = panel.lastPrediction();
        QVERIFY(!alone.blank);
        QVERIFY(panel.memberVotes().empty());
        QVERIFY(panel.votesText().isEmpty());

        QSignalSpy changed(&panel, &PredictionPanel::ensembleChanged);
        QVERIFY(panel.setEnsemble({bundled}));
        QCOMPARE(changed.count(), 1);
        QVERIFY(panel.isEnsemble());
        // The drawing on show is answered again by the ensemble at once.
        const mnist::Prediction together = panel.lastPrediction();
        QCOMPARE(together.digit, alone.digit);
        QCOMPARE(together.confidence, alone.confidence);
        for (int d = 0; d < 10; ++d) QCOMPARE(together.probs[d], alone.probs[d]);
        QCOMPARE(panel.memberVotes().size(), std::size_t{1});
        QCOMPARE(panel.memberVotes()[0].digit, alone.digit);
        panel.predictImage(drawnOne());
        for (int d = 0; d < 10; ++d) QCOMPARE(panel.lastPrediction().probs[d], alone.probs[d]);
        QCOMPARE(panel.shownDigit(), QString::number(alone.digit));
    }

    // Two members of different models: the answer is the mean of their probabilities, each
    // member's vote (digit and confidence) is shown beside it, and the ensemble can be edited and
    // left again.
    void ensembleOfTwoModelsShowsEachVote() {
        const QString bundled = QStringLiteral(MNIST_SOURCE_DIR "/resources/best_Model_3.pth");
        PredictionPanel panel;
        QSignalSpy errors(&panel, &PredictionPanel::errorOccurred);
        const auto buttons = panel.findChildren<QPushButton*>();
        QVERIFY(std::any_of(buttons.begin(), buttons.end(), [](QPushButton* b) {
            return b->text() == QStringLiteral("Add to ensemble…");
        }));
        QVERIFY(panel.loadCheckpoint(bundled));
        panel.predictImage(drawnOne());
        // The first addition starts the ensemble with the checkpoint in use.
        QVERIFY(panel.addToEnsemble(good_));
        QCOMPARE(panel.ensembleCheckpoints(), (QStringList{bundled, good_}));
        QCOMPARE(panel.checkpointPath(), bundled);

        const mnist::Predictor model3(bundled.toStdString()), model1(good_.toStdString());
        const mnist::PreprocessedDigit input = panel.lastPrediction().input;
        const mnist::Prediction a = model3.predict(input), b = model1.predict(input);
        const mnist::Prediction& together = panel.lastPrediction();
        for (int d = 0; d < 10; ++d)
            QVERIFY(std::abs(together.probs[d] - (a.probs[d] + b.probs[d]) / 2) < 1e-12);
        QCOMPARE(panel.memberVotes().size(), std::size_t{2});
        QCOMPARE(panel.memberVotes()[0].digit, a.digit);
        QCOMPARE(panel.memberVotes()[1].digit, b.digit);
        QCOMPARE(panel.memberVotes()[1].confidence, b.confidence);
        const QString votes = panel.votesText();
        QVERIFY2(votes.contains(QStringLiteral("resources/best_Model_3.pth")), qPrintable(votes));
        QVERIFY2(votes.contains(QFileInfo(good_).dir().dirName() + QStringLiteral("/best_Model_1")),
                 qPrintable(votes));
        QVERIFY2(votes.contains(QStringLiteral("%1 %").arg(b.confidence * 100.0, 0, 'f', 1)),
                 qPrintable(votes));

        // The same file twice, or a file that does not load: refused, the ensemble unchanged.
        QVERIFY(!panel.addToEnsemble(good_));
        QVERIFY(!panel.addToEnsemble(QStringLiteral("/nonexistent/best_Model_2.pth")));
        QCOMPARE(errors.count(), 2);
        QVERIFY(errors.at(1).at(1).toString().contains(QStringLiteral("best_Model_2.pth")));
        QCOMPARE(panel.ensembleCheckpoints().size(), 2);

        panel.removeFromEnsemble(0);
        QCOMPARE(panel.ensembleCheckpoints(), QStringList{good_});
        QCOMPARE(panel.lastPrediction().probs[b.digit], b.probs[b.digit]);
        panel.useSingleCheckpoint();
        QVERIFY(!panel.isEnsemble());
        QVERIFY(panel.memberVotes().empty());
        QVERIFY(panel.votesText().isEmpty());
        QCOMPARE(panel.lastPrediction().probs[a.digit], a.probs[a.digit]);

        // Loading a checkpoint (or a training finishing) lets the ensemble go.
        QVERIFY(panel.addToEnsemble(good_));
        QVERIFY(panel.loadCheckpoint(good_));
        QVERIFY(!panel.isEnsemble());
    }

    // An ensemble's member list and votes must not push the window past a 1280x800 screen: the
    // window grew to 934 px, its status bar and the Checkpoint box's buttons off the bottom.
    void ensembleFitsA1280x800Screen() {
        const QString bundled = QStringLiteral(MNIST_SOURCE_DIR "/resources/best_Model_3.pth");
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.tabs()->setCurrentWidget(w.drawPage());
        PredictionPanel* panel = w.predictionPanel();
        QVERIFY(panel->loadCheckpoint(bundled));
        panel->predictImage(drawnOne());
        QVERIFY(panel->addToEnsemble(good_));
        QCOMPARE(panel->memberVotes().size(), std::size_t{2});
        QApplication::processEvents();
        QVERIFY2(w.minimumSizeHint().height() <= 800,
                 qPrintable(QString::number(w.minimumSizeHint().height())));
        QVERIFY2(w.height() <= 800, qPrintable(QString::number(w.height())));
    }

    void ownTrainedCheckpointLoadsAtStartAndOnModelSwitch() {
        QTemporaryDir appdata;
        QVERIFY(QFile::copy(good_, appdata.filePath(QStringLiteral("best_Model_1.pth"))));
        MainWindow w;
        w.setOutputDir(appdata.path());
        QVERIFY(!w.predictionPanel()->hasModel());
        // Choosing a model whose best checkpoint sits in the output folder puts it to use.
        w.modelPanel()->setCurrentModel(QStringLiteral("Model_2"));
        QVERIFY(!w.predictionPanel()->hasModel());
        w.modelPanel()->setCurrentModel(QStringLiteral("Model_1"));
        QCOMPARE(w.predictionPanel()->checkpointPath(),
                 appdata.filePath(QStringLiteral("best_Model_1.pth")));
    }
};

QTEST_MAIN(CheckpointTest)
#include "test_ui_checkpoint.moc"
