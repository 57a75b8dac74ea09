// Tests for ui/main_window as a new user meets it: title, size and shortcuts; a missing MNIST
// folder leaves the app usable with an explanation and a way to choose the folder; at the default
// size and larger, the first screen tells the truth about the model, shows the Augmentation
// section without scrolling, and every epoch label on the charts is readable.
#include <QAction>
#include <QChartView>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QGroupBox>
#include <QMenu>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include "core/data/data_location.h"
#include "core/models/model_registry.h"
#include "core/training/recipes.h"
#include "test_ui_environment.h"
#include "ui/augmentation_preview_widget.h"
#include "ui/main_window.h"
#include "ui/model_panel.h"
#include "ui/prediction_panel.h"
#include "ui/training_charts.h"
#include "ui/training_page.h"

using mnist::ui::MainWindow;

namespace {

QAction* actionWithShortcut(QWidget* w, const QKeySequence& key) {
    for (QAction* a : w->findChildren<QAction*>()) {
        if (a->shortcuts().contains(key)) return a;
    }
    return nullptr;
}

// Qt Charts shortens a tick label that is wider than its share of the axis to "1..." or "…".
bool isElided(const QString& text) {
    return text.contains(QStringLiteral("...")) || text.contains(QChar(0x2026));
}

// The visible tick labels of one chart, read from its scene as they are drawn.
QStringList shownLabels(QChartView* view) {
    QStringList labels;
    for (QGraphicsItem* item : view->scene()->items()) {
        auto* text = dynamic_cast<QGraphicsTextItem*>(item);
        if (text && text->isVisible()) labels << text->toPlainText();
    }
    return labels;
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
        QCOMPARE(w.tabs()->count(), 4);
        QCOMPARE(w.tabs()->tabText(0), QStringLiteral("Training"));
        QCOMPARE(w.tabs()->tabText(3), QStringLiteral("Runs"));

        // The main actions all have keyboard shortcuts.
        const QList<QKeySequence> keys = {
            QKeySequence(Qt::CTRL | Qt::Key_T), QKeySequence(Qt::Key_F5),
            QKeySequence(Qt::Key_Escape),       QKeySequence(Qt::CTRL | Qt::Key_Period),
            QKeySequence(Qt::CTRL | Qt::Key_O), QKeySequence(Qt::CTRL | Qt::Key_L),
            QKeySequence(Qt::CTRL | Qt::Key_S), QKeySequence(Qt::CTRL | Qt::Key_Q),
            QKeySequence(Qt::Key_Delete),       QKeySequence(Qt::CTRL | Qt::Key_4)};
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

    void emptyCanvasInvitesDrawingWithTheBundledModel() {
        MainWindow w;
        if (!w.predictionPanel()->hasModel())
            QSKIP("resources/best_Model_3.pth was not found next to the build");
        QCOMPARE(w.predictionPanel()->shownDigit(), QStringLiteral("?"));
        QVERIFY2(w.predictionPanel()->caption().startsWith(QStringLiteral("Draw a digit")),
                 qPrintable(w.predictionPanel()->caption()));
        QVERIFY(!w.predictionPanel()->caption().contains(QStringLiteral("No model")));
    }

    void emptyCanvasSaysSoWhenNoModelIsLoaded() {
        qputenv("MNIST_STUDIO_MODEL", QByteArray("/nonexistent/best_Model_3.pth"));
        MainWindow w;
        qunsetenv("MNIST_STUDIO_MODEL");
        QVERIFY(!w.predictionPanel()->hasModel());
        QVERIFY2(w.predictionPanel()->caption().startsWith(QStringLiteral("No model loaded")),
                 qPrintable(w.predictionPanel()->caption()));
    }

    void augmentationSectionVisibleWithoutScrolling() {
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        // The scroll area the model panel sits in (other pages have scroll areas of their own).
        QScrollArea* scroll = nullptr;
        for (QWidget* p = w.modelPanel()->augmentationSection(); p && !scroll;
             p = p->parentWidget())
            scroll = qobject_cast<QScrollArea*>(p);
        QVERIFY(scroll);
        const auto inWindow = [&w](const QWidget* widget) {
            return QRect(widget->mapTo(&w, QPoint(0, 0)), widget->size());
        };
        // Every model: their descriptions differ in length.
        for (const auto& name : mnist::model_names()) {
            w.modelPanel()->setCurrentModel(QString::fromStdString(name));
            QCoreApplication::processEvents();
            const QWidget* section = w.modelPanel()->augmentationSection();
            const QWidget* preview = w.modelPanel()->augmentationPreview();
            QVERIFY(section->isVisible());
            const QRect viewport = inWindow(scroll->viewport());
            const QRect rect = inWindow(section);
            const QString where = QStringLiteral("%1: section at y %2..%3, viewport y %4..%5")
                                      .arg(QString::fromStdString(name))
                                      .arg(rect.top())
                                      .arg(rect.bottom())
                                      .arg(viewport.top())
                                      .arg(viewport.bottom());
            QCOMPARE(scroll->verticalScrollBar()->value(), 0);
            QVERIFY2(viewport.contains(rect), qPrintable(where));
            QVERIFY2(w.rect().contains(rect), qPrintable(where));
            // The preview is part of what a newcomer must see.
            QVERIFY2(viewport.contains(inWindow(preview)), qPrintable(where));
        }
    }

    void epochLabelsReadableAtDefaultSizeAndLarger() {
        for (const QSize size : {QSize(1280, 800), QSize(1600, 900), QSize(1920, 1080)}) {
            MainWindow w;
            w.resize(size);
            w.tabs()->setCurrentWidget(w.trainingPage());
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            for (const int epochs : {15, 40, 100}) {
                w.charts()->reset(epochs);
                QCoreApplication::processEvents();
                const QList<QChartView*> views = w.charts()->findChildren<QChartView*>();
                QCOMPARE(views.size(), 3);
                for (QChartView* view : views) {
                    const QStringList labels = shownLabels(view);
                    const QString context =
                        QStringLiteral("%1x%2, %3 epochs, \"%4\": %5")
                            .arg(size.width())
                            .arg(size.height())
                            .arg(epochs)
                            .arg(view->chart()->title(), labels.join(QStringLiteral(" | ")));
                    for (const QString& label : labels)
                        QVERIFY2(!isElided(label), qPrintable(context));
                    // The epoch axis is labelled up to near its end, not just at 0.
                    int last_epoch = -1;
                    for (const QString& label : labels) {
                        bool whole = false;
                        const int n = label.toInt(&whole);
                        if (whole) last_epoch = std::max(last_epoch, n);
                    }
                    QVERIFY2(last_epoch >= epochs * 3 / 4, qPrintable(context));
                }
            }
        }
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

    // A settings file that is not a settings file (a crash mid-write, a disk error): the app
    // opens as at a first start, and saves good settings over it when it closes.
    void corruptedSettingsFileOpensWithDefaults() {
        const QString file = QSettings().fileName();
        QVERIFY(QDir().mkpath(QFileInfo(file).path()));
        {
            QFile garbage(file);
            QVERIFY(garbage.open(QIODevice::WriteOnly | QIODevice::Truncate));
            QByteArray bytes;
            for (int i = 0; i < 4096; ++i) bytes.append(static_cast<char>((i * 7919) % 251));
            bytes.replace('\n', "[\x01=\x02\n");
            garbage.write(bytes);
        }
        // Qt reads such a file leniently, into nonsense keys, or refuses it: either way, no crash.
        QVERIFY(QFileInfo(file).size() > 4096);
        {
            MainWindow w;
            QCOMPARE(w.modelPanel()->currentModel(), QStringLiteral("Model_3"));
            QCOMPARE(w.modelPanel()->options().epochs,
                     mnist::recommended_options("Model_3").epochs);
            QVERIFY(w.width() >= 1200 && w.height() >= 750);
            w.tabs()->setCurrentIndex(2);
            QVERIFY(w.close());
        }
        MainWindow again;
        QCOMPARE(again.tabs()->currentIndex(), 2);
    }

    // Hand-edited values of the wrong type or range, and a data folder that has since been
    // removed: each falls back to its default, and the missing data is explained.
    void wrongSettingsAndMissingDataFolderOpenWithDefaults() {
        QTemporaryDir empty;
        qputenv("MNIST_DATA", empty.path().toUtf8());  // MNIST not found anywhere else either
        {
            QSettings settings;
            settings.setValue(QStringLiteral("model/current"), QStringLiteral("Model_99"));
            settings.setValue(QStringLiteral("data/dir"), empty.path() + "/removed");
            settings.setValue(QStringLiteral("window/geometry"), QByteArray("not a geometry"));
            settings.setValue(QStringLiteral("window/state"), QByteArray("\xff\x00junk", 6));
            settings.setValue(QStringLiteral("window/splitter"), QStringLiteral("banana"));
            settings.setValue(QStringLiteral("window/tab"), 42);
        }
        MainWindow w;
        QCOMPARE(w.modelPanel()->currentModel(), QStringLiteral("Model_3"));
        QVERIFY(w.width() >= 1200 && w.height() >= 750);
        QVERIFY(w.tabs()->currentIndex() >= 0 && w.tabs()->currentIndex() < w.tabs()->count());
        QVERIFY(w.dataDir().isEmpty());
        QVERIFY(w.trainingPage()->isDataMissingShown());
        QVERIFY(!w.startAction()->isEnabled());
        QVERIFY(w.close());
    }
};

QTEST_MAIN(MainWindowTest)
#include "test_ui_main_window.moc"
