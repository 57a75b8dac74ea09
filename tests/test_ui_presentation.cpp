// Tests for presentation mode and the guided demo (ui/presentation_mode, ui/guided_demo,
// ui/demo_captions): presentation mode doubles the text and puts back exactly the layout it
// found; at 1280x720 and 1920x1080 nothing in it is squeezed, sticks out or overlaps; the demo
// steps with the arrow keys and a presenter's PageUp/PageDown, leaves out what needs MNIST when
// there is none, and reads its captions from the built-in file and a teacher's own.
#include <QAction>
#include <QApplication>
#include <QChart>
#include <QDir>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QLineSeries>
#include <QMenuBar>
#include <QPointer>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QWindow>

#include <cstdlib>
#include <memory>
#include <tuple>

#include "core/data/data_location.h"
#include "core/models/model_summary.h"
#include "core/training/recipes.h"
#include "test_ui_environment.h"
#include "ui/demo_captions.h"
#include "ui/draw_predict_page.h"
#include "ui/drawing_canvas.h"
#include "ui/guided_demo.h"
#include "ui/main_window.h"
#include "ui/model_panel.h"
#include "ui/number_format.h"
#include "ui/prediction_panel.h"
#include "ui/presentation_mode.h"
#include "ui/training_charts.h"
#include "ui/training_controller.h"
#include "ui/training_page.h"

using mnist::ui::DemoCaptions;
using mnist::ui::GuidedDemo;
using mnist::ui::MainWindow;
using Step = mnist::ui::GuidedDemo::Step;

namespace {

// The projector sizes the offscreen platform is given (see main()).
QScreen* screenOfSize(const QSize& size) {
    for (QScreen* s : QGuiApplication::screens()) {
        if (s->geometry().size() == size) return s;
    }
    return nullptr;
}

void placeOn(MainWindow& w, QScreen* screen) {
    w.setGeometry(QRect(screen->geometry().topLeft() + QPoint(40, 30), QSize(1280, 700)));
    w.show();
    w.windowHandle()->setScreen(screen);
    w.setGeometry(QRect(screen->geometry().topLeft() + QPoint(40, 30), QSize(1280, 700)));
}

QString describe(const QWidget* w) {
    return QStringLiteral("%1 \"%2\" %3,%4 %5x%6")
        .arg(QLatin1String(w->metaObject()->className()),
             w->objectName().isEmpty()
                 ? (qobject_cast<const QLabel*>(w) ? qobject_cast<const QLabel*>(w)->text().left(30)
                                                   : QString())
                 : w->objectName())
        .arg(w->x())
        .arg(w->y())
        .arg(w->width())
        .arg(w->height());
}

void managedWidgets(QLayout* layout, QList<QLayoutItem*>* items) {
    for (int i = 0; i < layout->count(); ++i) {
        QLayoutItem* item = layout->itemAt(i);
        if (item->widget())
            items->append(item);
        else if (item->layout())
            managedWidgets(item->layout(), items);
    }
}

// Every shown widget that a layout places: inside its parent, not over another widget of the
// same layout, and given at least the room it needs (a wrapped label: its height for its width).
QStringList layoutProblems(QWidget* root) {
    QStringList problems;
    QList<QWidget*> parents = root->findChildren<QWidget*>();
    parents.prepend(root);
    for (QWidget* parent : parents) {
        if (!parent->isVisible() || !parent->layout()) continue;
        QList<QLayoutItem*> items;
        managedWidgets(parent->layout(), &items);
        QList<QLayoutItem*> shown;
        for (QLayoutItem* item : items) {
            if (item->widget()->isVisible()) shown << item;
        }
        for (QLayoutItem* item : shown) {
            QWidget* w = item->widget();
            if (!parent->rect().contains(w->geometry())) {
                problems
                    << QStringLiteral("%1 sticks out of %2").arg(describe(w), describe(parent));
            }
            // A widget of fixed size policy gets its size hint even when its minimum is larger.
            const QSize min = item->minimumSize().boundedTo(
                w->sizeHint().isValid() ? w->sizeHint() : item->minimumSize());
            if (w->width() + 1 < min.width() || w->height() + 1 < min.height()) {
                problems << QStringLiteral("%1 is smaller than its minimum %2x%3")
                                .arg(describe(w))
                                .arg(min.width())
                                .arg(min.height());
            }
            const auto* label = qobject_cast<const QLabel*>(w);
            if (label && label->wordWrap() && !label->text().isEmpty() &&
                label->heightForWidth(label->width()) > label->height() + 1) {
                problems << QStringLiteral("%1 needs %2 px of height for its text")
                                .arg(describe(w))
                                .arg(label->heightForWidth(label->width()));
            }
        }
        for (int i = 0; i < shown.size(); ++i) {
            for (int j = i + 1; j < shown.size(); ++j) {
                QWidget* a = shown[i]->widget();
                QWidget* b = shown[j]->widget();
                if (a->geometry().intersects(b->geometry()))
                    problems << QStringLiteral("%1 overlaps %2").arg(describe(a), describe(b));
            }
        }
    }
    return problems;
}

QString readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return {};
    return QString::fromUtf8(f.readAll());
}

// The caption of `key` as written in the built-in file.
QString builtInCaption(const QString& key) {
    const QString text = readFile(QStringLiteral(MNIST_SOURCE_DIR "/resources/demo_captions.txt"));
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (line.startsWith(key + QStringLiteral(" = "))) return line.mid(key.size() + 3).trimmed();
    }
    return {};
}

struct Snapshot {
    QRect geometry;
    Qt::WindowStates state;
    QList<int> splitter;
    // Per widget that existed before: hidden, point size, own font.
    QList<QPair<QPointer<QWidget>, std::tuple<bool, double, bool>>> widgets;
    int row_height = 0;
    qreal line_width = 0;
    qreal marker = 0;
    double title_points = 0;
};

Snapshot snapshot(MainWindow& w) {
    Snapshot s;
    s.geometry = w.geometry();
    s.state = w.windowState();
    s.splitter = qobject_cast<QSplitter*>(w.centralWidget())->sizes();
    QList<QWidget*> all = w.findChildren<QWidget*>();
    for (QWidget* child : all) {
        s.widgets.append({child,
                          {child->isHidden(), child->font().pointSizeF(),
                           child->testAttribute(Qt::WA_SetFont)}});
    }
    s.row_height = w.modelPanel()->summaryTable()->verticalHeader()->defaultSectionSize();
    s.line_width = w.charts()->valLossSeries()->pen().widthF();
    s.marker = w.charts()->valLossSeries()->markerSize();
    s.title_points = w.charts()->valLossSeries()->chart()->titleFont().pointSizeF();
    return s;
}

}  // namespace

class PresentationTest : public QObject {
    Q_OBJECT
    QTemporaryDir settings_dir_;
    QTemporaryDir no_data_;

  private Q_SLOTS:
    void initTestCase() {
        mnist::ui::testing::isolateApplicationState(settings_dir_);
        QVERIFY2(screenOfSize({1280, 720}) && screenOfSize({1920, 1080}),
                 "the offscreen platform did not take the screen configuration");
    }
    void init() {
        QSettings().clear();
        qunsetenv("MNIST_DATA");
        QFile::remove(DemoCaptions::overridePath());
    }

    void presentationDoublesTextAndRestoresTheLayout() {
        MainWindow w;
        placeOn(w, screenOfSize({1920, 1080}));
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.tabs()->setCurrentWidget(w.trainingPage());
        QCoreApplication::processEvents();
        const Snapshot before = snapshot(w);
        const double desktop = QApplication::font().pointSizeF();
        auto* presentation = w.presentationMode();
        const auto sections = presentation->advancedSections();
        QVERIFY(!sections.empty());
        QVERIFY(std::find(sections.begin(), sections.end(),
                          w.modelPanel()->augmentationSection()) != sections.end());

        QTest::keyClick(&w, Qt::Key_F11);
        QVERIFY(presentation->isActive());
        QVERIFY(w.isFullScreen());
        QTRY_COMPARE(w.geometry(), w.screen()->geometry());
        // Every font at least twice the desktop size, the charts' text and lines too.
        for (QWidget* child : w.findChildren<QWidget*>()) {
            if (!child->isVisible()) continue;
            QVERIFY2(child->font().pointSizeF() >= 2 * desktop - 0.01,
                     qPrintable(describe(child) +
                                QStringLiteral(": %1 pt").arg(child->font().pointSizeF())));
        }
        const Snapshot during = snapshot(w);
        QVERIFY(during.title_points >= 2 * before.title_points - 0.01);
        QCOMPARE(during.line_width, 2 * before.line_width);
        QCOMPARE(during.marker, 2 * before.marker);
        QVERIFY(during.row_height >= w.modelPanel()->summaryTable()->fontMetrics().height());
        // The recipe and augmentation are folded away, one click from reach.
        w.tabs()->setCurrentIndex(w.tabs()->count() - 1);
        for (QWidget* section : sections) QVERIFY(!section->isVisible());
        QVERIFY(presentation->advancedAction()->isEnabled());
        presentation->advancedAction()->trigger();
        for (QWidget* section : sections) QVERIFY(section->isVisible());
        presentation->advancedAction()->trigger();
        for (QWidget* section : sections) QVERIFY(!section->isVisible());
        // The menu bar is hidden, its shortcuts still work: Ctrl+2 shows the Draw page.
        QVERIFY(!w.menuBar()->isVisible());
        QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(w.tabs()->currentWidget(), w.drawPage());
        // Ten bars in two columns of five: 0 beside 5.
        const auto bars = w.predictionPanel()->findChildren<QProgressBar*>();
        QCOMPARE(bars.size(), 10);
        QCOMPARE(bars[0]->y(), bars[5]->y());
        QVERIFY(bars[5]->x() > bars[0]->x() + bars[0]->width());
        // The Draw page's text too: the bars' percentages and the hint under the canvas, whose
        // style sheets must not keep the desktop size.
        for (QWidget* child : w.drawPage()->findChildren<QWidget*>()) {
            if (!child->isVisible()) continue;
            QVERIFY2(child->font().pointSizeF() >= 2 * desktop - 0.01,
                     qPrintable(describe(child) +
                                QStringLiteral(": %1 pt").arg(child->font().pointSizeF())));
        }
        // The canvas gets the screen: the model panel is a tab of its own.
        const int tabs = w.tabs()->count();
        QCOMPARE(w.tabs()->tabText(tabs - 1), QStringLiteral("Model"));
        QVERIFY(w.tabs()->widget(tabs - 1)->isAncestorOf(w.modelPanel()));
        w.tabs()->setCurrentWidget(w.drawPage());
        QVERIFY(w.canvas()->height() > w.height() / 2);
        QVERIFY(w.canvas()->width() > w.width() / 3);

        w.presentationMode()->action()->trigger();
        QVERIFY(!presentation->isActive());
        QCOMPARE(w.tabs()->count(), tabs - 1);
        QCOMPARE(w.tabs()->currentWidget(), w.trainingPage());
        QCoreApplication::processEvents();
        const Snapshot after = snapshot(w);
        QVERIFY(!w.isFullScreen());
        QCOMPARE(after.geometry, before.geometry);
        QCOMPARE(after.state, before.state);
        QCOMPARE(after.splitter, before.splitter);
        // Widgets made or dropped meanwhile (pages rebuild some views when shown) are not
        // compared.
        int compared = 0;
        for (const auto& [widget, state] : before.widgets) {
            // A tool bar shows and hides its items (and its overflow button) by its width.
            if (!widget || qobject_cast<QToolBar*>(widget->parentWidget())) continue;
            // A scroll area shows its scroll bars by the room it had when last laid out, which
            // for a tab never shown (the Draw page's prediction panel) is none.
            if (widget->objectName().startsWith(QLatin1String("qt_scrollarea_"))) continue;
            // The augmentation preview and the Inside views show their parts when a worker
            // delivers: their fonts are compared, their visibility is their own.
            bool self_updating = false;
            for (QWidget* p = widget; p; p = p->parentWidget()) {
                self_updating = self_updating ||
                                p->inherits("mnist::ui::AugmentationPreviewWidget") ||
                                p->inherits("mnist::ui::InsidePage");
            }
            if (self_updating) {
                QCOMPARE(widget->font().pointSizeF(), std::get<1>(state));
                continue;
            }
            const std::tuple<bool, double, bool> now = {widget->isHidden(),
                                                        widget->font().pointSizeF(),
                                                        widget->testAttribute(Qt::WA_SetFont)};
            QVERIFY2(now == state,
                     qPrintable(
                         QStringLiteral("%1 in %2: hidden %3 -> %4, %5 pt -> %6 pt")
                             .arg(describe(widget),
                                  QLatin1String(widget->parentWidget()->metaObject()->className()))
                             .arg(std::get<0>(state))
                             .arg(std::get<0>(now))
                             .arg(std::get<1>(state))
                             .arg(std::get<1>(now))));
            ++compared;
        }
        QVERIFY(compared > before.widgets.size() / 2);
        QCOMPARE(after.row_height, before.row_height);
        QCOMPARE(after.line_width, before.line_width);
        QCOMPARE(after.marker, before.marker);
        QCOMPARE(after.title_points, before.title_points);
        QVERIFY(w.menuBar()->isVisible());
        QCOMPARE(bars[0]->x(), bars[5]->x());  // one column again
    }

    void closingInPresentationRemembersTheDesktopLayout() {
        QRect desktop_geometry;
        {
            MainWindow w;
            placeOn(w, screenOfSize({1920, 1080}));
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            desktop_geometry = w.geometry();
            w.presentationMode()->setActive(true);
            QVERIFY(w.isFullScreen());
            QVERIFY(w.close());
        }
        MainWindow again;
        QVERIFY(!again.isFullScreen());
        QCOMPARE(again.size(), desktop_geometry.size());
    }

    void nothingClippedOrOverlapping_data() {
        QTest::addColumn<QSize>("screen");
        QTest::addColumn<bool>("demo");
        QTest::newRow("1280x720") << QSize(1280, 720) << false;
        QTest::newRow("1280x720 with the demo bar") << QSize(1280, 720) << true;
        QTest::newRow("1920x1080") << QSize(1920, 1080) << false;
        QTest::newRow("1920x1080 with the demo bar") << QSize(1920, 1080) << true;
        // A 1920x1080 screen with QT_SCALE_FACTOR=2.
        QTest::newRow("960x540") << QSize(960, 540) << false;
        QTest::newRow("960x540 with the demo bar") << QSize(960, 540) << true;
    }
    void nothingClippedOrOverlapping() {
        QFETCH(QSize, screen);
        QFETCH(bool, demo);
        MainWindow w;
        // With MNIST, as in a classroom: the training page and the augmentation preview show
        // more than the "no data" note.
        const QString data = QStringLiteral(MNIST_DATA_DIR);
        if (mnist::has_mnist_files(data.toStdString())) QVERIFY(w.setDataDir(data));
        placeOn(w, screenOfSize(screen));
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.presentationMode()->setActive(true);
        if (demo) w.guidedDemo()->start();
        // At once: without a window manager (a kiosk, Xvfb) nothing shrinks a window that grew
        // to a minimum it had midway through entering.
        QCOMPARE(w.geometry().size(), screen);
        QVERIFY2(w.minimumSize().height() <= screen.height(),
                 qPrintable(QStringLiteral("minimum height %1").arg(w.minimumSize().height())));
        QTRY_COMPARE(w.geometry().size(), screen);
        for (int tab = 0; tab < w.tabs()->count(); ++tab) {
            w.tabs()->setCurrentIndex(tab);
            QCoreApplication::processEvents();
            const QString where = QStringLiteral("%1, tab \"%2\": ")
                                      .arg(QTest::currentDataTag(), w.tabs()->tabText(tab));
            QVERIFY2(w.minimumSizeHint().height() <= screen.height(),
                     qPrintable(where + QStringLiteral("the window needs %1 px of height")
                                            .arg(w.minimumSizeHint().height())));
            const QStringList problems = layoutProblems(&w);
            QVERIFY2(problems.isEmpty(), qPrintable(where + problems.join(QStringLiteral("\n"))));
        }
        w.guidedDemo()->stop();
        w.presentationMode()->setActive(false);
    }

    void demoStepsWithKeysAndSkipsTrainingWithoutData() {
        qputenv("MNIST_DATA", no_data_.path().toUtf8());  // MNIST nowhere to be found
        MainWindow w;
        placeOn(w, screenOfSize({1920, 1080}));
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.dataDir().isEmpty());
        GuidedDemo* demo = w.guidedDemo();
        demo->start();
        QVERIFY(demo->isRunning());
        QVERIFY(demo->bar()->isVisible());
        QVERIFY(demo->captionProblems().isEmpty());
        QVERIFY(!demo->steps().contains(Step::Training));
        QVERIFY(!demo->steps().contains(Step::Mistake));
        QCOMPARE(demo->steps().first(), Step::Layers);
        QCOMPARE(demo->steps().at(1), Step::Draw);

        // The first step names the model with its real layer and parameter counts.
        const QString model = w.modelPanel()->currentModel();
        const auto summary = mnist::summarize_model(model.toStdString());
        QString expected = builtInCaption(QStringLiteral("layers"));
        QVERIFY(!expected.isEmpty());
        expected.replace(QStringLiteral("{model}"), model)
            .replace(QStringLiteral("{layers}"), QString::number(summary.layers.size()))
            .replace(QStringLiteral("{params}"), groupThousands(summary.total_params));
        QCOMPARE(demo->caption(), expected);
        QCOMPARE(w.tabs()->currentWidget(), w.trainingPage());

        // Right arrow from anywhere in the window; the note says what was left out.
        w.modelPanel()->summaryTable()->setFocus();
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Right);
        QCOMPARE(demo->currentStep(), Step::Draw);
        QCOMPARE(w.tabs()->currentWidget(), w.drawPage());
        QCOMPARE(demo->caption(), builtInCaption(QStringLiteral("draw")));
        QVERIFY2(demo->note().contains(builtInCaption(QStringLiteral("training_skipped"))),
                 qPrintable(demo->note()));
        QVERIFY(w.canvas()->isEmpty());

        QTest::keyClick(w.canvas(), Qt::Key_Left);
        QCOMPARE(demo->currentIndex(), 0);
        QTest::keyClick(w.canvas(), Qt::Key_PageUp);  // already at the start
        QCOMPARE(demo->currentIndex(), 0);
        for (int i = 1; i < demo->steps().size(); ++i) {
            QTest::keyClick(&w, Qt::Key_PageDown);
            QCOMPARE(demo->currentIndex(), i);
        }
        QTest::keyClick(&w, Qt::Key_PageDown);  // already at the end
        QCOMPARE(demo->currentIndex(), demo->steps().size() - 1);
        QVERIFY2(demo->note().contains(builtInCaption(QStringLiteral("mistake_skipped"))),
                 qPrintable(demo->note()));

        demo->stop();
        QVERIFY(!demo->isRunning());
        QVERIFY(!demo->bar()->isVisible());
        // Without the demo the arrow keys are the widgets' own again.
        QTest::keyClick(&w, Qt::Key_PageUp);
        QCOMPARE(demo->currentIndex(), -1);
    }

    void demoTrainsQuicklyAndShowsATestSetMistake() {
        const QString data = QStringLiteral(MNIST_DATA_DIR);
        if (!mnist::has_mnist_files(data.toStdString())) QSKIP("MNIST is not in data/MNIST/raw");
        QTemporaryDir out;
        MainWindow w;
        if (!w.predictionPanel()->hasModel())
            QSKIP("resources/best_Model_3.pth was not found next to the build");
        QVERIFY(w.setDataDir(data));
        w.setOutputDir(out.path());
        w.setDataLimits(512, 256);
        placeOn(w, screenOfSize({1920, 1080}));
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const mnist::TrainOptions teachers = w.modelPanel()->options();
        const QString bundled = w.predictionPanel()->checkpointPath();

        GuidedDemo* demo = w.guidedDemo();
        demo->start();
        QCOMPARE(demo->steps(), (QList<Step>{Step::Layers, Step::Training, Step::Draw}) +
                                    (demo->steps().contains(Step::Inside)
                                         ? QList<Step>{Step::Inside, Step::Mistake}
                                         : QList<Step>{Step::Mistake}));
        QVERIFY(demo->note().isEmpty());
        QTest::keyClick(&w, Qt::Key_Right);
        QCOMPARE(demo->currentStep(), Step::Training);
        QVERIFY(w.trainingController()->isRunning());
        const auto fast =
            mnist::recommended_options(w.modelPanel()->currentModel().toStdString(), "fast");
        QCOMPARE(w.trainingController()->options().epochs, fast.epochs);
        QCOMPARE(w.trainingController()->options().max_lr, fast.max_lr);
        QVERIFY(demo->caption().contains(QString::number(fast.epochs)));
        QTRY_VERIFY_WITH_TIMEOUT(!w.trainingController()->isRunning(), 120000);
        // Stepping back and forth does not train again.
        QTest::keyClick(&w, Qt::Key_Left);
        QTest::keyClick(&w, Qt::Key_Right);
        QVERIFY(!w.trainingController()->isRunning());

        // The mistake is searched with the bundled model, not the 512-image one just trained.
        QVERIFY(w.loadCheckpoint(bundled));
        QSignalSpy shown(demo, &GuidedDemo::mistakeShown);
        while (demo->currentStep() != Step::Mistake) QTest::keyClick(&w, Qt::Key_PageDown);
        QCOMPARE(w.tabs()->currentWidget(), w.drawPage());
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 1, 300000);
        const auto& mistake = demo->mistake();
        QVERIFY2(mistake.found, qPrintable(demo->caption()));
        QVERIFY(mistake.label != mistake.predicted);
        QCOMPARE(w.predictionPanel()->shownDigit(), QString::number(mistake.predicted));
        QVERIFY(demo->caption().contains(QString::number(mistake.label)));
        QVERIFY(!w.canvas()->isEmpty());

        demo->stop();
        // The teacher's recipe is back.
        QCOMPARE(w.modelPanel()->options().epochs, teachers.epochs);
        QCOMPARE(w.modelPanel()->options().max_lr, teachers.max_lr);
    }

    void captionsComeFromTheFileAndATeachersOverride() {
        QStringList problems;
        const DemoCaptions built_in = DemoCaptions::loadDefault(&problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        for (const QString& key : DemoCaptions::keys()) {
            QVERIFY2(built_in.contains(key), qPrintable(key));
            QCOMPARE(built_in.raw(key), builtInCaption(key));
        }

        QDir().mkpath(QFileInfo(DemoCaptions::overridePath()).absolutePath());
        {
            QFile f(DemoCaptions::overridePath());
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Text));
            f.write(
                "# my class\n"
                "draw = Draw a big {model} seven, please!\n"
                "drow = a typo\n"
                "layers = {modle} has layers\n");
        }
        qputenv("MNIST_DATA", no_data_.path().toUtf8());
        MainWindow w;
        placeOn(w, screenOfSize({1920, 1080}));
        GuidedDemo* demo = w.guidedDemo();
        demo->start();
        // Good lines count; each bad one is named with its file and line.
        QCOMPARE(demo->captionProblems().size(), 2);
        QVERIFY2(demo->captionProblems().at(0).contains(QStringLiteral("demo_captions.txt:3")) &&
                     demo->captionProblems().at(0).contains(QStringLiteral("\"drow\"")),
                 qPrintable(demo->captionProblems().at(0)));
        QVERIFY2(demo->captionProblems().at(1).contains(QStringLiteral(":4")) &&
                     demo->captionProblems().at(1).contains(QStringLiteral("{modle}")),
                 qPrintable(demo->captionProblems().at(1)));
        // The bad "layers" line left the built-in caption in place.
        QVERIFY(demo->caption().contains(w.modelPanel()->currentModel()));
        QVERIFY(!demo->caption().contains(QStringLiteral("has layers")));
        QTest::keyClick(&w, Qt::Key_Right);
        QCOMPARE(
            demo->caption(),
            QStringLiteral("Draw a big %1 seven, please!").arg(w.modelPanel()->currentModel()));
        demo->stop();
        QFile::remove(DemoCaptions::overridePath());

        DemoCaptions missing;
        QVERIFY(!missing.load(QStringLiteral("/nonexistent/demo_captions.txt"), &problems));
        QVERIFY(problems.last().contains(QStringLiteral("/nonexistent/demo_captions.txt")));
    }
};

// The screens a class is shown on, side by side, for the offscreen platform: 1280x720,
// 1920x1080 and 1920x1080 at QT_SCALE_FACTOR=2 (960x540 logical).
int main(int argc, char* argv[]) {
    QTemporaryDir config_dir;
    const QString config = config_dir.filePath(QStringLiteral("screens.json"));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly)) return 1;
    file.write(R"({"screens": [
        {"name": "projector-720", "x": 0, "y": 0, "width": 1280, "height": 720},
        {"name": "projector-1080", "x": 1280, "y": 0, "width": 1920, "height": 1080},
        {"name": "projector-1080-at-200%", "x": 3200, "y": 0, "width": 960, "height": 540}]})");
    file.close();
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (platform.isEmpty() || platform == "offscreen")
        qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + config.toUtf8());
    QApplication app(argc, argv);
    // The font a desktop without its own theme gets under Xvfb (fc-match sans: DejaVu Sans; Qt's
    // default 9 pt), set explicitly so the geometry checks measure the text the screenshots
    // show whatever this machine's defaults.
    QApplication::setFont(QFont(QStringLiteral("DejaVu Sans"), 9));
    PresentationTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_ui_presentation.moc"
