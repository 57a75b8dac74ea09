// The app's cross-validation job (ui/cross_validation_dialog, ui/cross_validation_job): a tiny
// k-fold run through the dialog puts one chart point per fold and a mean line, Cancel stops it
// with the folds done, and Training → Cross-validate… opens it with the model panel's model.
#include <QAction>
#include <QCheckBox>
#include <QLineSeries>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <filesystem>

#include "core/training/recipes.h"
#include "test_ui_environment.h"
#include "training_test_support.h"
#include "ui/cross_validation_dialog.h"
#include "ui/cross_validation_job.h"
#include "ui/main_window.h"
#include "ui/model_panel.h"

using mnist::ui::CrossValidationDialog;

namespace {

using test_support::have_mnist;

mnist::TrainOptions tinyOptions(const QTemporaryDir& out) {
    mnist::TrainOptions o = test_support::mnist_slice(out.path().toStdString(), 900, 300);
    o.batch_size = 32;
    o.epochs = 1;
    o.threads = 1;
    return o;
}

}  // namespace

class CrossValidationUiTest : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void initTestCase() { mnist::ui::testing::isolateApplicationState(settings_); }

    void tinyRunPlotsOnePointPerFold() {
        if (!have_mnist()) QSKIP("MNIST not found");
        QTemporaryDir out;
        CrossValidationDialog dialog(tinyOptions(out));
        dialog.show();
        dialog.foldsBox()->setValue(3);
        QSignalSpy finished(&dialog, &CrossValidationDialog::finished);
        QSignalSpy failed(&dialog, &CrossValidationDialog::failed);
        QTest::mouseClick(dialog.startButton(), Qt::LeftButton);
        QVERIFY(!dialog.startButton()->isEnabled());
        QVERIFY(!dialog.foldsBox()->isEnabled());
        QVERIFY(finished.wait(240000));
        QCOMPARE(failed.count(), 0);
        const auto cv = finished.at(0).at(0).value<mnist::CrossValidation>();
        QVERIFY(!cv.stopped);
        QCOMPARE(cv.done.size(), std::size_t(3));
        QCOMPARE(dialog.foldSeries()->count(), 3);
        double sum = 0;
        for (int i = 0; i < 3; ++i) {
            const QPointF p = dialog.foldSeries()->at(i);
            QCOMPARE(p.x(), double(i + 1));
            QCOMPARE(p.y(), cv.done[std::size_t(i)].result.best_val_acc);
            sum += p.y();
        }
        QCOMPARE(dialog.meanSeries()->count(), 2);
        QVERIFY(std::abs(dialog.meanSeries()->at(0).y() - sum / 3) < 1e-9);
        QVERIFY(std::abs(cv.best_acc.mean - sum / 3) < 1e-9);
        QCOMPARE(dialog.progressBar()->value(), dialog.progressBar()->maximum());
        QVERIFY(dialog.summaryText().contains(QString::number(cv.best_acc.mean, 'f', 2)));
        QVERIFY(!dialog.summaryText().contains("Test accuracy"));  // not asked for
        QVERIFY(dialog.startButton()->isEnabled());
    }

    void cancelStopsWithTheFoldsDone() {
        if (!have_mnist()) QSKIP("MNIST not found");
        QTemporaryDir out;
        mnist::TrainOptions options = tinyOptions(out);
        options.limit_train = 6000;  // folds of a few hundred batches: Cancel lands mid-fold
        options.epochs = 3;
        CrossValidationDialog dialog(options);
        dialog.show();
        dialog.foldsBox()->setValue(4);
        dialog.testBox()->setChecked(true);
        QSignalSpy finished(&dialog, &CrossValidationDialog::finished);
        // Cancel as soon as the second fold starts training.
        connect(dialog.job(), &mnist::ui::CrossValidationJob::foldStarted, &dialog,
                [&dialog](int fold) {
                    if (fold == 2) QTest::mouseClick(dialog.cancelButton(), Qt::LeftButton);
                });
        QTest::mouseClick(dialog.startButton(), Qt::LeftButton);
        QCOMPARE(dialog.cancelButton()->text(), QStringLiteral("Cancel"));
        QVERIFY(finished.wait(240000));
        const auto cv = finished.at(0).at(0).value<mnist::CrossValidation>();
        QVERIFY(cv.stopped);
        QCOMPARE(cv.done.size(), std::size_t(1));
        QCOMPARE(dialog.foldSeries()->count(), 1);
        QVERIFY(!cv.test_acc);  // cancelled: the test set is not scored
        QVERIFY(dialog.progressBar()->value() < dialog.progressBar()->maximum());
        QVERIFY(!dialog.job()->isRunning());
        QCOMPARE(dialog.cancelButton()->text(), QStringLiteral("Close"));
        QVERIFY(dialog.isVisible());  // Cancel stops the job; the results stay on screen
    }

    void trainingMenuOpensTheDialog() {
        QTemporaryDir out;
        mnist::ui::MainWindow window;
        window.setOutputDir(out.path());
        window.modelPanel()->setCurrentModel(QStringLiteral("Model_2"));
        QAction* action = nullptr;
        for (QAction* a : window.menuBar()->actions()) {
            if (!a->menu() || a->text() != QStringLiteral("&Training")) continue;
            for (QAction* item : a->menu()->actions()) {
                if (item->text().startsWith(QStringLiteral("Cross-&validate"))) action = item;
            }
        }
        QVERIFY(action);
        if (!have_mnist()) QSKIP("MNIST not found: the action asks for the data folder instead");
        QVERIFY(window.setDataDir(QStringLiteral(MNIST_DATA_DIR)));
        action->trigger();
        auto* dialog = window.findChild<CrossValidationDialog*>();
        QVERIFY(dialog);
        QVERIFY(dialog->windowTitle().contains(QStringLiteral("Model_2")));
        dialog->reject();
    }

  private:
    QTemporaryDir settings_;
};

QTEST_MAIN(CrossValidationUiTest)
#include "test_ui_cross_validation.moc"
