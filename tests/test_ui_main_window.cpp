// Tests for ui/main_window as a new user meets it: title, size and shortcuts; a missing MNIST
// folder leaves the app usable with an explanation and a way to choose the folder.
#include <QAction>
#include <QMenu>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "core/data_location.h"
#include "test_ui_environment.h"
#include "ui/main_window.h"
#include "ui/training_page.h"

using mnist::ui::MainWindow;

namespace {

QAction* actionWithShortcut(QWidget* w, const QKeySequence& key) {
    for (QAction* a : w->findChildren<QAction*>()) {
        if (a->shortcuts().contains(key)) return a;
    }
    return nullptr;
}

}  // namespace

class MainWindowTest : public QObject {
    Q_OBJECT
    QTemporaryDir settings_dir_;

  private Q_SLOTS:
    void initTestCase() { mnist::ui::testing::isolateApplicationState(settings_dir_); }
    void init() {
        QSettings().clear();
        qunsetenv("MNIST_DATA");
    }

    void opensAsATeacherExpects() {
        MainWindow w;
        QCOMPARE(w.windowTitle(), QStringLiteral("MNIST Studio"));
        QVERIFY(w.width() >= 1200 && w.height() >= 750);
        QCOMPARE(w.tabs()->count(), 2);
        QCOMPARE(w.tabs()->tabText(0), QStringLiteral("Training"));

        // The main actions all have keyboard shortcuts.
        const QList<QKeySequence> keys = {
            QKeySequence(Qt::CTRL | Qt::Key_T), QKeySequence(Qt::Key_F5),
            QKeySequence(Qt::Key_Escape),       QKeySequence(Qt::CTRL | Qt::Key_Period),
            QKeySequence(Qt::CTRL | Qt::Key_O), QKeySequence(Qt::CTRL | Qt::Key_L),
            QKeySequence(Qt::CTRL | Qt::Key_S), QKeySequence(Qt::CTRL | Qt::Key_Q),
            QKeySequence(Qt::Key_Delete)};
        for (const QKeySequence& key : keys) {
            QVERIFY2(actionWithShortcut(&w, key), qPrintable(key.toString()));
        }
        QCOMPARE(actionWithShortcut(&w, QKeySequence(Qt::Key_F5)), w.startAction());
        QCOMPARE(actionWithShortcut(&w, QKeySequence(Qt::Key_Escape)), w.stopAction());
        // Every action explains itself.
        for (QAction* a : w.findChildren<QAction*>()) {
            if (a->isSeparator() || a->menu() || a->text().isEmpty()) continue;
            QVERIFY2(!a->toolTip().isEmpty(), qPrintable(a->text()));
        }
        QVERIFY(!w.stopAction()->isEnabled());  // nothing to stop yet
        QVERIFY(w.close());
    }

    void missingDataExplainsAndOffersAFolder() {
        QTemporaryDir empty;
        // $MNIST_DATA pointing at an empty folder stands for "not found anywhere".
        qputenv("MNIST_DATA", empty.path().toUtf8());
        MainWindow w;
        QVERIFY(w.dataDir().isEmpty());
        QVERIFY(w.trainingPage()->isDataMissingShown());
        QVERIFY(!w.startAction()->isEnabled());
        QVERIFY(!w.startTraining());
        QVERIFY(!w.setDataDir(empty.path()));  // a folder without the files is refused
        QVERIFY(w.trainingPage()->isDataMissingShown());

        const QString data = QStringLiteral(MNIST_DATA_DIR);
        if (!mnist::has_mnist_files(data.toStdString())) QSKIP("MNIST is not in data/MNIST/raw");
        QVERIFY(w.setDataDir(data));
        QVERIFY(!w.trainingPage()->isDataMissingShown());
        QVERIFY(w.startAction()->isEnabled());
        QCOMPARE(QSettings().value(QStringLiteral("data/dir")).toString(), data);

        // The chosen folder is remembered at the next start.
        MainWindow again;
        QCOMPARE(again.dataDir(), data);
        QVERIFY(!again.trainingPage()->isDataMissingShown());
    }

    void remembersTheTab() {
        {
            MainWindow w;
            w.tabs()->setCurrentIndex(0);
            QVERIFY(w.close());
        }
        MainWindow again;
        QCOMPARE(again.tabs()->currentIndex(), 0);
    }
};

QTEST_MAIN(MainWindowTest)
#include "test_ui_main_window.moc"
