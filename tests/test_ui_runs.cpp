// Tests for ui/runs_page and ui/runs_charts on run folders written through core's run store
// (no training): the list, also of an opened --out folder, survives a restart; ticking runs
// overlays exactly their curves; a broken run folder is listed as broken, cannot be ticked and
// crashes nothing; delete removes only that run (and refuses a folder holding a user's file);
// rename persists; export writes the ticked runs' rows; a run's recipe goes back into the model
// panel; the list is read again when a training ends (and, while shown, after every epoch).
#include <QApplication>
#include <QChart>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QPointer>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QValueAxis>

#include <algorithm>
#include <limits>

#include "core/training/run_store.h"
#include "test_ui_environment.h"
#include "ui/main_window.h"
#include "ui/model_panel.h"
#include "ui/presentation_mode.h"
#include "ui/resume_bar.h"
#include "ui/runs_charts.h"
#include "ui/runs_page.h"
#include "ui/training_controller.h"
#include "ui/training_page.h"

using mnist::ui::MainWindow;
using mnist::ui::RunsCharts;
using mnist::ui::RunsPage;

// Folders are read on a worker thread; the listing lands through the event loop.
#define WAIT_LISTED(page) QTRY_VERIFY_WITH_TIMEOUT(!(page).isListing(), 10000)

namespace {

// A finished run of `epochs` epochs whose validation accuracy climbs from `first_acc` by 0.5 a
// epoch, written as the trainer writes one.
mnist::RunRecord writeRun(const QString& runs_dir, const QString& id, int epochs, double first_acc,
                          bool augment = false) {
    mnist::RunRecord run;
    run.id = id.toStdString();
    run.folder = QDir(runs_dir).filePath(id).toStdString();
    run.name = run.id;
    run.model = "Model_3";
    run.seed = 1;
    run.options.model = run.model;
    run.options.epochs = epochs;
    run.options.augment = augment;
    run.started = "2026-11-29T06:30:12";
    run.seconds = 12.5 * epochs;
    run.ended = "finished";
    for (int e = 1; e <= epochs; ++e) {
        mnist::EpochMetrics m;
        m.epoch = e;
        m.train_loss = 0.5 / e;
        m.train_acc = first_acc - 1 + e;
        m.val_loss = 0.4 / e;
        m.val_acc = first_acc + 0.5 * (e - 1);
        m.lr = 1e-3 / e;
        m.seconds = 12.5;
        run.history.push_back(m);
    }
    run.best_epoch = epochs;
    run.best_val_acc = run.history.back().val_acc;
    QDir().mkpath(QString::fromStdString(run.folder));
    mnist::write_run(run);
    return run;
}

QStringList folders(const RunsPage& page) {
    QStringList list;
    for (const auto& run : page.runs()) list << QString::fromStdString(run.folder);
    return list;
}

QString readAll(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(file.readAll());
}

}  // namespace

class RunsPageTest : public QObject {
    Q_OBJECT
    QTemporaryDir settings_dir_;

  private Q_SLOTS:
    void initTestCase() { mnist::ui::testing::isolateApplicationState(settings_dir_); }
    void init() { QSettings().clear(); }

    void listSurvivesARestart() {
        QTemporaryDir out, cli_out;
        const QString app_runs =
            QString::fromStdString(mnist::runs_folder(out.path().toStdString()));
        writeRun(app_runs, QStringLiteral("20261129-063012-Model_3-s1"), 3, 97);
        writeRun(app_runs, QStringLiteral("20261129-064512-Model_3-s2"), 2, 96);
        const QString cli_runs =
            QString::fromStdString(mnist::runs_folder(cli_out.path().toStdString()));
        writeRun(cli_runs, QStringLiteral("20261129-070000-Model_3-s1"), 2, 95, true);

        QStringList before;
        {
            RunsPage page;
            page.setOutputDir(out.path());
            WAIT_LISTED(page);
            QCOMPARE(page.runs().size(), std::size_t{2});
            QString error;
            QVERIFY2(page.openFolder(cli_out.path(), &error), qPrintable(error));
            WAIT_LISTED(page);
            QCOMPARE(page.runs().size(), std::size_t{3});
            QCOMPARE(page.table()->rowCount(), 3);
            before = folders(page);
            // The row shows what the run is.
            const int row = page.rowOf(QString::fromStdString(page.runs()[0].folder));
            QCOMPARE(page.table()->item(row, RunsPage::Model)->text(), QStringLiteral("Model_3"));
            QCOMPARE(page.table()->item(row, RunsPage::Epochs)->text(), QStringLiteral("3"));
            QCOMPARE(page.table()->item(row, RunsPage::BestVal)->text(),
                     QStringLiteral("98.00 % (3)"));
            // Opening a folder twice, or the app's own, lists nothing twice.
            QVERIFY(page.openFolder(cli_runs));
            QVERIFY(page.openFolder(out.path()));
            WAIT_LISTED(page);
            QCOMPARE(page.runs().size(), std::size_t{3});
        }
        RunsPage again;  // a new start of the app
        again.setOutputDir(out.path());
        WAIT_LISTED(again);
        QCOMPARE(folders(again), before);
    }

    void openingAFolderWithoutRunsSaysSo() {
        QTemporaryDir empty;
        RunsPage page;
        QString error;
        QVERIFY(!page.openFolder(empty.path(), &error));
        QVERIFY2(error.contains(QDir::toNativeSeparators(empty.path())), qPrintable(error));
        QVERIFY(!page.openFolder(empty.filePath(QStringLiteral("missing")), &error));
        QVERIFY2(error.contains(QStringLiteral("does not exist")), qPrintable(error));
        QCOMPARE(page.runsFolders(), QStringList());
    }

    void tickingRunsOverlaysExactlyTheirCurves() {
        QTemporaryDir out;
        const QString runs = QString::fromStdString(mnist::runs_folder(out.path().toStdString()));
        const auto plain = writeRun(runs, QStringLiteral("a-plain"), 3, 97);
        const auto augmented = writeRun(runs, QStringLiteral("b-augmented"), 4, 98, true);
        writeRun(runs, QStringLiteral("c-other"), 2, 90);
        RunsPage page;
        page.resize(1000, 700);
        page.setOutputDir(out.path());
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        WAIT_LISTED(page);
        RunsCharts* charts = page.charts();
        QCOMPARE(charts->legendNames(), QStringList());

        // Ticked as a user does: the tick box's check state.
        for (const auto& run : {plain, augmented}) {
            const int row = page.rowOf(QString::fromStdString(run.folder));
            page.table()->item(row, RunsPage::Tick)->setCheckState(Qt::Checked);
        }
        const QStringList names = {QStringLiteral("a-plain"), QStringLiteral("b-augmented")};
        QCOMPARE(charts->legendNames(), names);
        for (const QString& name : names) QVERIFY(charts->legend()->text().contains(name));
        QVERIFY(charts->legend()->text().contains(QStringLiteral("augmented")));  // the recipe
        // Validation and training per run on loss and accuracy, the LR once per run.
        QCOMPARE(charts->accuracyChart()->series().size(), 4);
        QCOMPARE(charts->lossChart()->series().size(), 4);
        QCOMPARE(charts->learningRateChart()->series().size(), 2);
        // The augmented run's validation accuracy, point for point, in a colour of its own.
        QLineSeries* aug_val = nullptr;
        QColor plain_color;
        for (QAbstractSeries* s : charts->accuracyChart()->series()) {
            auto* line = static_cast<QLineSeries*>(s);
            if (line->name() == "b-augmented" && line->pen().style() == Qt::SolidLine)
                aug_val = line;
            if (line->name() == "a-plain") plain_color = line->pen().color();
        }
        QVERIFY(aug_val);
        QCOMPARE(aug_val->count(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(aug_val->at(i), QPointF(i + 1, augmented.history[i].val_acc));
        }
        QVERIFY(aug_val->pen().color() != plain_color);
        // "Save picture…" writes the charts and the legend as shown.
        const QString png = QDir(out.path()).filePath(QStringLiteral("runs.png"));
        QString error;
        QVERIFY2(page.saveChartsPng(png, &error), qPrintable(error));
        QCOMPARE(QImage(png).size(), charts->size() * charts->devicePixelRatioF());
        // Presentation mode: text, lines and markers twice the size, and back.
        const qreal title = charts->accuracyChart()->titleFont().pointSizeF();
        const qreal width = aug_val->pen().widthF();
        charts->setPresentationScale(2.0);
        QCOMPARE(charts->accuracyChart()->titleFont().pointSizeF(), 2 * title);
        QCOMPARE(aug_val->pen().widthF(), 2 * width);
        charts->setPresentationScale(1.0);
        QCOMPARE(charts->accuracyChart()->titleFont().pointSizeF(), title);
        QCOMPARE(aug_val->pen().widthF(), width);
        // The accuracy axis shows the differences, not 0-100.
        QVERIFY(charts->accuracyAxis()->min() > 90);

        // Unticking one leaves the other, in the colour it had.
        const QColor aug_color = aug_val->pen().color();
        page.setTicked(QString::fromStdString(plain.folder), false);
        QCOMPARE(charts->legendNames(), QStringList{QStringLiteral("b-augmented")});
        QCOMPARE(charts->accuracyChart()->series().size(), 2);
        QCOMPARE(
            static_cast<QLineSeries*>(charts->accuracyChart()->series().first())->pen().color(),
            aug_color);
        // Ticks survive a refresh.
        page.refresh();
        WAIT_LISTED(page);
        QCOMPARE(page.tickedFolders(), {QString::fromStdString(augmented.folder)});
        QCOMPARE(charts->legendNames(), QStringList{QStringLiteral("b-augmented")});

        // From the keyboard: the newest run is current, Space ticks it, Up and Space the one
        // before.
        page.setTicked(QString::fromStdString(augmented.folder), false);
        QVERIFY(page.tickedFolders().isEmpty());
        page.table()->setCurrentCell(page.table()->rowCount() - 1, RunsPage::Name);
        QTest::keyClick(page.table(), Qt::Key_Space);
        QTest::keyClick(page.table(), Qt::Key_Up);
        QTest::keyClick(page.table(), Qt::Key_Space);
        QCOMPARE(charts->legendNames(),
                 (QStringList{QStringLiteral("c-other"), QStringLiteral("b-augmented")}));
    }

    void brokenRunIsListedGreyAndCannotBeTicked() {
        QTemporaryDir out;
        const QString runs = QString::fromStdString(mnist::runs_folder(out.path().toStdString()));
        const auto good = writeRun(runs, QStringLiteral("a-good"), 2, 97);
        QDir(runs).mkpath(QStringLiteral("b-corrupt"));
        QFile corrupt(QDir(runs).filePath(QStringLiteral("b-corrupt/run.json")));
        QVERIFY(corrupt.open(QIODevice::WriteOnly));
        corrupt.write("{\"format\": 1, \"name\": ");  // cut off mid-write
        corrupt.close();
        QDir(runs).mkpath(QStringLiteral("c-empty"));
        const auto no_history = writeRun(runs, QStringLiteral("d-no-history"), 2, 96);
        QVERIFY(
            QFile::remove(QDir(QString::fromStdString(no_history.folder)).filePath("history.csv")));

        RunsPage page;
        page.setOutputDir(out.path());
        WAIT_LISTED(page);
        QCOMPARE(page.table()->rowCount(), 4);
        for (const QString& id : {QStringLiteral("b-corrupt"), QStringLiteral("c-empty"),
                                  QStringLiteral("d-no-history")}) {
            const QString folder = QDir(runs).filePath(id);
            const int row = page.rowOf(folder);
            QVERIFY2(row >= 0, qPrintable(id));
            QTableWidgetItem* name = page.table()->item(row, RunsPage::Name);
            QCOMPARE(page.table()->item(row, RunsPage::Ended)->text(), QStringLiteral("broken"));
            QVERIFY2(name->toolTip().contains(id), qPrintable(name->toolTip()));
            QVERIFY(name->foreground().color() != page.palette().text().color());
            QVERIFY(!(page.table()->item(row, RunsPage::Tick)->flags() & Qt::ItemIsUserCheckable));
            page.setTicked(folder, true);
            QVERIFY(!page.tickedFolders().contains(folder));
        }
        QVERIFY(page.table()
                    ->item(page.rowOf(QDir(runs).filePath("d-no-history")), RunsPage::Name)
                    ->toolTip()
                    .contains(QStringLiteral("history.csv")));
        // The good run is still listed and overlays as before.
        page.setTicked(QString::fromStdString(good.folder), true);
        QCOMPARE(page.charts()->legendNames(), QStringList{QStringLiteral("a-good")});
        QString error;
        QVERIFY(page.exportCsv(QDir(out.path()).filePath("all.csv"), &error));
    }

    void deleteRemovesOnlyThatRun() {
        QTemporaryDir out;
        const QString runs = QString::fromStdString(mnist::runs_folder(out.path().toStdString()));
        const auto doomed = writeRun(runs, QStringLiteral("a-doomed"), 2, 97);
        const auto kept = writeRun(runs, QStringLiteral("b-kept"), 2, 97);
        const auto with_notes = writeRun(runs, QStringLiteral("c-notes"), 2, 97);
        QFile notes(QDir(QString::fromStdString(with_notes.folder)).filePath("notes.txt"));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("mine");
        notes.close();
        const QStringList kept_files =
            QDir(QString::fromStdString(kept.folder)).entryList(QDir::Files);

        RunsPage page;
        page.setOutputDir(out.path());
        WAIT_LISTED(page);
        page.setTicked(QString::fromStdString(doomed.folder), true);
        QString error;
        QVERIFY2(page.deleteRun(QString::fromStdString(doomed.folder), &error), qPrintable(error));
        QVERIFY(!QFileInfo::exists(QString::fromStdString(doomed.folder)));
        QCOMPARE(QDir(QString::fromStdString(kept.folder)).entryList(QDir::Files), kept_files);
        QCOMPARE(page.table()->rowCount(), 2);
        QCOMPARE(page.rowOf(QString::fromStdString(doomed.folder)), -1);
        QVERIFY(page.tickedFolders().isEmpty());
        QCOMPARE(page.charts()->legendNames(), QStringList());

        // A folder holding a file a run does not write is refused, named, and left whole.
        QVERIFY(!page.deleteRun(QString::fromStdString(with_notes.folder), &error));
        QVERIFY2(
            error.contains(QDir::toNativeSeparators(QString::fromStdString(with_notes.folder))),
            qPrintable(error));
        QVERIFY(notes.exists());
        QVERIFY(page.rowOf(QString::fromStdString(with_notes.folder)) >= 0);
        WAIT_LISTED(page);
        QCOMPARE(page.table()->rowCount(), 2);
    }

    void aRunStillTrainingIsNotDeletedAKilledOneIs() {
        QTemporaryDir out;
        const QString runs = QString::fromStdString(mnist::runs_folder(out.path().toStdString()));
        auto live = writeRun(runs, QStringLiteral("a-live"), 1, 97);
        live.ended = "running";
        live.pid = QCoreApplication::applicationPid();  // this process: alive
        mnist::write_run(live);
        auto killed = writeRun(runs, QStringLiteral("b-killed"), 1, 97);
        killed.ended = "running";
        killed.pid = std::numeric_limits<std::int32_t>::max();  // above any Linux pid
        mnist::write_run(killed);

        RunsPage page;
        page.setOutputDir(out.path());
        WAIT_LISTED(page);
        const QString live_folder = QString::fromStdString(live.folder);
        const QString killed_folder = QString::fromStdString(killed.folder);
        QCOMPARE(page.table()->item(page.rowOf(live_folder), RunsPage::Ended)->text(),
                 QStringLiteral("running"));
        QCOMPARE(page.table()->item(page.rowOf(killed_folder), RunsPage::Ended)->text(),
                 QStringLiteral("interrupted"));
        QString error;
        QVERIFY(!page.deleteRun(live_folder, &error));
        QVERIFY2(error.contains(QDir::toNativeSeparators(live_folder)), qPrintable(error));
        QVERIFY(QFileInfo::exists(live_folder));
        QVERIFY2(page.deleteRun(killed_folder, &error), qPrintable(error));
        QVERIFY(!QFileInfo::exists(killed_folder));
    }

    void renamePersists() {
        QTemporaryDir out;
        const QString runs = QString::fromStdString(mnist::runs_folder(out.path().toStdString()));
        const auto run = writeRun(runs, QStringLiteral("a-run"), 2, 97, true);
        const QString folder = QString::fromStdString(run.folder);
        {
            RunsPage page;
            page.setOutputDir(out.path());
            WAIT_LISTED(page);
            page.setTicked(folder, true);
            // Typed into the name cell, as a double-click or F2 lets a user.
            page.table()->item(page.rowOf(folder), RunsPage::Name)->setText("with augmentation");
            QCOMPARE(QString::fromStdString(mnist::read_run(run.folder).name),
                     QStringLiteral("with augmentation"));
            QCOMPARE(page.charts()->legendNames(),
                     QStringList{QStringLiteral("with augmentation")});
            // An empty name is refused with a message; the name stays.
            QSignalSpy errors(&page, &RunsPage::errorOccurred);
            page.table()->item(page.rowOf(folder), RunsPage::Name)->setText("  ");
            QCOMPARE(errors.count(), 1);
            QCOMPARE(page.table()->item(page.rowOf(folder), RunsPage::Name)->text(),
                     QStringLiteral("with augmentation"));
            WAIT_LISTED(page);
        }
        RunsPage again;
        again.setOutputDir(out.path());
        WAIT_LISTED(again);
        QCOMPARE(again.table()->item(again.rowOf(folder), RunsPage::Name)->text(),
                 QStringLiteral("with augmentation"));
    }

    void aNameBeingTypedSurvivesARefresh() {
        QTemporaryDir out;
        const QString runs = QString::fromStdString(mnist::runs_folder(out.path().toStdString()));
        const auto run = writeRun(runs, QStringLiteral("a-run"), 2, 97);
        RunsPage page;
        page.setOutputDir(out.path());
        page.show();
        page.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        WAIT_LISTED(page);
        page.table()->editItem(page.table()->item(0, RunsPage::Name));
        QPointer<QWidget> editor = QApplication::focusWidget();
        QVERIFY(editor && page.table()->viewport()->isAncestorOf(editor));
        QTest::keyClicks(editor, QStringLiteral("baseline"));
        // A training's epoch asks for the list again while the name is being typed.
        page.refresh();
        QTest::qWait(1200);
        QVERIFY2(editor, "refilling the table closed the editor");
        QCOMPARE(QApplication::focusWidget(), editor.data());
        QTest::keyClick(editor, Qt::Key_Return);
        WAIT_LISTED(page);
        QCOMPARE(QString::fromStdString(mnist::read_run(run.folder).name),
                 QStringLiteral("baseline"));
        QCOMPARE(page.table()->item(0, RunsPage::Name)->text(), QStringLiteral("baseline"));
    }

    void exportWritesTheTickedRunsRows() {
        QTemporaryDir out;
        const QString runs = QString::fromStdString(mnist::runs_folder(out.path().toStdString()));
        writeRun(runs, QStringLiteral("a-three"), 3, 97);
        const auto two = writeRun(runs, QStringLiteral("b-two"), 2, 96);
        RunsPage page;
        page.setOutputDir(out.path());
        WAIT_LISTED(page);

        const QString all = QDir(out.path()).filePath(QStringLiteral("all.csv"));
        QString error;
        QVERIFY2(page.exportCsv(all, &error), qPrintable(error));
        QStringList lines = readAll(all).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 3 + 2);
        QVERIFY(lines[0].startsWith(QStringLiteral("run,name,model,seed,epoch")));

        page.setTicked(QString::fromStdString(two.folder), true);
        const QString ticked = QDir(out.path()).filePath(QStringLiteral("ticked.csv"));
        QVERIFY2(page.exportCsv(ticked, &error), qPrintable(error));
        lines = readAll(ticked).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 2);
        QVERIFY(lines[1].startsWith(QStringLiteral("b-two,b-two,Model_3,1,1,")));
        QVERIFY(lines[2].startsWith(QStringLiteral("b-two,b-two,Model_3,1,2,")));

        // A folder that cannot be written to is reported, naming the file.
        const QString bad = QDir(out.path()).filePath(QStringLiteral("missing/dir/runs.csv"));
        QVERIFY(!page.exportCsv(bad, &error));
        QVERIFY2(error.contains(QStringLiteral("runs.csv")), qPrintable(error));
    }

    void recipeGoesBackIntoTheModelPanel() {
        QTemporaryDir out;
        MainWindow w;
        w.setOutputDir(out.path());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const int runs_tab = w.tabs()->indexOf(w.runsPage());
        QVERIFY(runs_tab >= 0);
        QTest::keyClick(&w, Qt::Key_4, Qt::ControlModifier);
        QCOMPARE(w.tabs()->currentIndex(), runs_tab);

        const QString runs = QString::fromStdString(mnist::runs_folder(out.path().toStdString()));
        auto run = writeRun(runs, QStringLiteral("a-model2"), 7, 97, true);
        run.model = run.options.model = "Model_2";
        run.options.batch_size = 32;
        mnist::write_run(run);
        w.runsPage()->refresh();
        WAIT_LISTED(*w.runsPage());
        QCOMPARE(w.runsPage()->table()->rowCount(), 1);
        QVERIFY(w.modelPanel()->currentModel() != QStringLiteral("Model_2"));
        QVERIFY(!w.modelPanel()->options().augment || w.modelPanel()->options().epochs != 7);

        QSignalSpy requested(w.runsPage(), &RunsPage::recipeRequested);
        w.runsPage()->table()->setCurrentCell(0, RunsPage::Name);
        QAction* load = nullptr;
        for (QAction* a : w.runsPage()->table()->actions()) {
            if (a->text().contains(QStringLiteral("recipe"))) load = a;
        }
        QVERIFY(load && load->isEnabled());
        load->trigger();
        QCOMPARE(requested.count(), 1);
        QCOMPARE(w.modelPanel()->currentModel(), QStringLiteral("Model_2"));
        const mnist::TrainOptions shown = w.modelPanel()->options();
        QCOMPARE(shown.epochs, 7);
        QCOMPARE(shown.batch_size, 32);
        QVERIFY(shown.augment);

        // A training's end lists its run without a refresh by hand.
        writeRun(runs, QStringLiteral("b-just-trained"), 2, 97);
        QCOMPARE(w.runsPage()->table()->rowCount(), 1);
        Q_EMIT w.trainingController()->finished(mnist::TrainResult{});
        QTRY_COMPARE(w.runsPage()->table()->rowCount(), 2);
        // While the tab is shown, every epoch of a training reads the runs again.
        writeRun(runs, QStringLiteral("c-training"), 1, 97);
        QVERIFY(w.runsPage()->isVisible());
        mnist::EpochMetrics epoch;
        epoch.epoch = 1;
        Q_EMIT w.trainingController()->epochFinished(epoch);
        QTRY_COMPARE(w.runsPage()->table()->rowCount(), 3);
        // Presentation mode reaches the runs overlay too.
        w.presentationMode()->setActive(true);
        QCOMPARE(w.runsPage()->charts()->presentationScale(), 2.0);
        w.presentationMode()->setActive(false);
        QCOMPARE(w.runsPage()->charts()->presentationScale(), 1.0);
        QVERIFY(w.close());
    }

    // A long name wraps: the accuracies, time and how the run ended stay in view (a 90-character
    // name had widened its column until they were scrolled off the table's right edge).
    void longNameKeepsTheOtherColumnsInView() {
        QTemporaryDir out;
        const QString runs = QString::fromStdString(mnist::runs_folder(out.path().toStdString()));
        auto run = writeRun(runs, QStringLiteral("20261129-063012-Model_3-s1"), 3, 97);
        RunsPage page;
        page.resize(840, 600);  // the Runs tab's width in a 1280x800 window
        page.setOutputDir(out.path());
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        WAIT_LISTED(page);
        QTableWidget* table = page.table();
        QCOMPARE(table->horizontalScrollBar()->maximum(), 0);
        QString error;
        QVERIFY2(page.renameRun(QString::fromStdString(run.folder),
                                QStringLiteral("Model_3 without augmentation, the baseline "
                                               "everyone starts from in class, seed 1"),
                                &error),
                 qPrintable(error));
        WAIT_LISTED(page);
        QCoreApplication::processEvents();
        QVERIFY(table->item(0, RunsPage::Name)->text().startsWith(QStringLiteral("Model_3 with")));
        QCOMPARE(table->horizontalScrollBar()->maximum(), 0);
        QHeaderView* header = table->horizontalHeader();
        QVERIFY(header->sectionViewportPosition(RunsPage::Ended) +
                    header->sectionSize(RunsPage::Ended) <=
                table->viewport()->width());
    }

    // A paused run deleted on the Runs tab, or removed behind the app's back, is no longer
    // offered for Resume (the bar stayed, and Resume then failed on every click).
    void deletedPausedRunIsNoLongerOffered() {
        QTemporaryDir out;
        const QString runs = QString::fromStdString(mnist::runs_folder(out.path().toStdString()));
        // Paused after epoch 1 of 3: the recipe's epochs and a state.pt left to go on from.
        const auto paused = [&](const QString& id) {
            auto run = writeRun(runs, id, 1, 97);
            run.options.epochs = 3;
            run.ended = "stopped";
            mnist::write_run(run);
            QFile state(QString::fromStdString(mnist::run_state_path(run.folder)));
            if (!state.open(QIODevice::WriteOnly) || state.write("state") != 5) return QString();
            state.close();
            QSettings().setValue(QStringLiteral("training/pausedRun"),
                                 QString::fromStdString(run.folder));
            return QString::fromStdString(run.folder);
        };
        const QString first = paused(QStringLiteral("a-paused"));
        QVERIFY(!first.isEmpty());
        MainWindow w;
        w.setOutputDir(out.path());
        WAIT_LISTED(*w.runsPage());
        auto* bar = w.trainingPage()->resumeBar();
        QVERIFY(!bar->isHidden());
        QCOMPARE(bar->runFolder(), first);
        QString error;
        QVERIFY2(w.runsPage()->deleteRun(first, &error), qPrintable(error));
        QVERIFY(bar->isHidden());
        QVERIFY(!QSettings().contains(QStringLiteral("training/pausedRun")));

        // Gone behind the app's back: the failed Resume says why and stops offering it.
        const QString second = paused(QStringLiteral("b-paused"));
        MainWindow again;
        QVERIFY(!again.trainingPage()->resumeBar()->isHidden());
        QVERIFY(QDir(second).removeRecursively());
        QSignalSpy shown(&again, &MainWindow::errorShown);
        QVERIFY(!again.resumeTraining());
        QCOMPARE(shown.count(), 1);
        QVERIFY(again.trainingPage()->resumeBar()->isHidden());
        QVERIFY(!QSettings().contains(QStringLiteral("training/pausedRun")));
    }
};

QTEST_MAIN(RunsPageTest)
#include "test_ui_runs.moc"
