#include "ui/runs_page.h"

#include <QAction>
#include <QApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStyle>
#include <QTableWidget>
#include <QTimer>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>

#include "ui/runs_charts.h"
#include "ui/training_page.h"

namespace mnist::ui {
namespace {

const QString kOpenedKey = QStringLiteral("runs/opened");
const QString kRunFile = QStringLiteral("run.json");
const QColor kBrokenColor(150, 150, 150);

// One spelling of a folder, so the app's folder opened again is not listed twice.
QString samePath(const QString& dir) {
    const QFileInfo info(dir);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical;
}

QString percent(double value) {
    return QStringLiteral("%1 %").arg(value, 0, 'f', 2);
}

QString native(const std::string& path) {
    return QDir::toNativeSeparators(QString::fromStdString(path));
}

}  // namespace

RunsPage::RunsPage(QWidget* parent) : QWidget(parent) {
    open_folder_ = makeAction(tr("Open runs &folder…"),
                              tr("List the runs of another folder too, e.g. mnist-cli's --out"),
                              &RunsPage::chooseFolder);
    open_folder_->setIcon(style()->standardIcon(QStyle::SP_DirOpenIcon));
    refresh_ = makeAction(tr("&Refresh"), tr("Read the runs folders again"), &RunsPage::refresh);
    refresh_->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    rename_ = makeAction(tr("Re&name"), tr("Give the selected run a name of your own (F2)"),
                         &RunsPage::renameCurrent);
    delete_ = makeAction(tr("&Delete…"), tr("Delete the selected run's folder"),
                         &RunsPage::deleteCurrent);
    delete_->setIcon(style()->standardIcon(QStyle::SP_TrashIcon));
    load_recipe_ = makeAction(tr("&Load recipe"),
                              tr("Put the selected run's model and recipe into the model panel"),
                              &RunsPage::loadRecipe);
    open_run_folder_ = makeAction(tr("Show f&iles"), tr("Open the selected run's folder"),
                                  &RunsPage::openRunFolder);
    export_ = makeAction(tr("&Export CSV…"),
                         tr("One row per run and epoch: the ticked runs, or all when none is"),
                         &RunsPage::exportRequested);
    save_charts_ =
        makeAction(tr("Save &picture…"), tr("Save the three charts and their legend as one PNG"),
                   &RunsPage::saveChartsRequested);

    // A tool bar folds what does not fit into its » menu (presentation mode's large text).
    auto* buttons = new QToolBar;
    buttons->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    buttons->addActions({open_folder_, refresh_});
    buttons->addSeparator();
    buttons->addActions({rename_, delete_, load_recipe_, open_run_folder_});
    buttons->addSeparator();
    buttons->addActions({export_, save_charts_});

    folders_label_ = new QLabel;
    folders_label_->setWordWrap(true);
    folders_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    table_ = new QTableWidget(0, ColumnCount);
    table_->setHorizontalHeaderLabels({QString(), tr("Name"), tr("Model"), tr("Recipe"),
                                       tr("Best val"), tr("Final val"), tr("Epochs"), tr("Time"),
                                       tr("Ended")});
    table_->horizontalHeaderItem(Tick)->setToolTip(tr("Tick runs to overlay their curves"));
    table_->horizontalHeaderItem(BestVal)->setToolTip(
        tr("Best validation accuracy, and (in brackets) the epoch it was reached in"));
    table_->horizontalHeaderItem(FinalVal)->setToolTip(
        tr("Validation accuracy after the last epoch"));
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    table_->verticalHeader()->hide();
    // A recipe wraps rather than lose its tail: what tells runs apart ("augmented") is often there.
    table_->setWordWrap(true);
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(Recipe, QHeaderView::Stretch);
    table_->setContextMenuPolicy(Qt::ActionsContextMenu);
    table_->addActions({rename_, delete_, load_recipe_, open_run_folder_});
    table_->installEventFilter(this);
    connect(table_, &QTableWidget::itemChanged, this, &RunsPage::onItemChanged);
    connect(table_, &QTableWidget::currentCellChanged, this, &RunsPage::updateActions);

    empty_hint_ =
        new QLabel(tr("No runs yet. Every training is kept here: train a model (F5), or "
                      "open the folder a <code>mnist-cli train --out DIR</code> wrote "
                      "with “Open runs folder…”."));
    empty_hint_->setWordWrap(true);

    auto* top = new QWidget;
    auto* top_layout = new QVBoxLayout(top);
    top_layout->setContentsMargins(0, 0, 0, 0);
    top_layout->addWidget(buttons);
    top_layout->addWidget(folders_label_);
    top_layout->addWidget(table_, 1);
    top_layout->addWidget(empty_hint_);

    charts_ = new RunsCharts;
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(top);
    splitter->addWidget(charts_);
    // The charts are the picture a comparison is for; the table scrolls.
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({220, 440});
    splitter->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(&watcher_, &QFutureWatcher<Listing>::finished, this, &RunsPage::showListing);
    opened_ = QSettings().value(kOpenedKey).toStringList();
    updateActions();
}

RunsPage::~RunsPage() {
    // The worker reads files only, but must not deliver to a page that is gone.
    watcher_.disconnect(this);
    watcher_.waitForFinished();
}

QAction* RunsPage::makeAction(const QString& text, const QString& tip, void (RunsPage::*slot)()) {
    auto* action = new QAction(text, this);
    action->setToolTip(tip);
    connect(action, &QAction::triggered, this, slot);
    return action;
}

void RunsPage::setOutputDir(const QString& dir) {
    app_runs_ = QString::fromStdString(mnist::runs_folder(dir.toStdString()));
    refresh();
}

QStringList RunsPage::runsFolders() const {
    QStringList folders;
    if (!app_runs_.isEmpty()) folders << app_runs_;
    for (const QString& dir : opened_) {
        const bool seen = std::any_of(folders.begin(), folders.end(), [&](const QString& f) {
            return samePath(f) == samePath(dir);
        });
        if (!seen) folders << dir;
    }
    return folders;
}

bool RunsPage::openFolder(const QString& dir, QString* error) {
    const QDir d(dir);
    QString runs;
    if (!d.exists()) {
        if (error) *error = tr("%1 does not exist.").arg(QDir::toNativeSeparators(dir));
        return false;
    }
    const QString nested = QString::fromStdString(mnist::runs_folder(dir.toStdString()));
    if (QFileInfo(nested).isDir()) {
        runs = nested;  // an --out folder
    } else if (d.exists(kRunFile)) {
        runs = QFileInfo(d.absolutePath()).absolutePath();  // one run: list its siblings too
    } else {
        const auto subdirs = d.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot);
        const bool holds_runs = std::any_of(subdirs.begin(), subdirs.end(), [](const auto& sub) {
            return QFileInfo::exists(QDir(sub.absoluteFilePath()).filePath(kRunFile));
        });
        if (holds_runs) runs = d.absolutePath();
    }
    if (runs.isEmpty()) {
        if (error) {
            *error = tr("%1 holds no runs: neither a runs folder (mnist-cli train --out %1 "
                        "writes one) nor run folders with run.json.")
                         .arg(QDir::toNativeSeparators(dir));
        }
        return false;
    }
    const QStringList listed = runsFolders();
    const bool known = std::any_of(listed.begin(), listed.end(),
                                   [&](const QString& f) { return samePath(f) == samePath(runs); });
    if (!known) {
        opened_ << runs;
        rememberOpenedFolders();
    }
    refresh();
    return true;
}

void RunsPage::rememberOpenedFolders() const {
    QSettings().setValue(kOpenedKey, opened_);
}

RunsPage::Listing RunsPage::readFolders(const QStringList& folders) {
    Listing listing;
    for (const QString& folder : folders) {
        try {
            auto runs = mnist::list_runs(folder.toStdString());
            listing.runs.insert(listing.runs.end(), std::make_move_iterator(runs.begin()),
                                std::make_move_iterator(runs.end()));
        } catch (const std::exception& e) {
            // list_runs answers a bad run with RunRecord::problem; this is the folder itself.
            listing.problems << tr("%1: %2").arg(QDir::toNativeSeparators(folder), e.what());
        }
    }
    return listing;
}

void RunsPage::refresh() {
    listing_ = true;
    // Refilling the table would close a name being typed (a training refreshes every epoch).
    const QWidget* focus = QApplication::focusWidget();
    if (focus && table_->viewport()->isAncestorOf(focus)) {
        QTimer::singleShot(500, this, &RunsPage::refresh);
        return;
    }
    if (watcher_.isRunning()) {
        refresh_again_ = true;
        return;
    }
    watcher_.setFuture(QtConcurrent::run(&RunsPage::readFolders, runsFolders()));
}

void RunsPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    // Runs a CLI wrote meanwhile show up when the tab is looked at.
    refresh();
    // The keyboard goes to the list: arrows choose a run, Space ticks it.
    if (!isAncestorOf(QApplication::focusWidget())) table_->setFocus();
}

bool RunsPage::eventFilter(QObject* watched, QEvent* event) {
    if (watched == table_ && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Space &&
        static_cast<QKeyEvent*>(event)->modifiers() == Qt::NoModifier) {
        QTableWidgetItem* tick = table_->item(table_->currentRow(), Tick);
        if (tick && (tick->flags() & Qt::ItemIsUserCheckable)) {
            tick->setCheckState(tick->checkState() == Qt::Checked ? Qt::Unchecked : Qt::Checked);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void RunsPage::showListing() {
    Listing listing = watcher_.result();
    const auto current = currentRun();
    runs_ = std::move(listing.runs);

    // Ticks and colours stay with the runs still there and readable.
    QStringList ticked;
    for (const QString& folder : ticked_) {
        const int row = rowOf(folder);
        if (row >= 0 && runs_[static_cast<std::size_t>(row)].problem.empty()) ticked << folder;
    }
    ticked_ = ticked;
    for (const QString& folder : colors_.keys()) {
        if (!ticked_.contains(folder)) colors_.remove(folder);
    }

    {
        const QSignalBlocker block(table_);
        table_->setRowCount(static_cast<int>(runs_.size()));
        for (int row = 0; row < table_->rowCount(); ++row) {
            fillRow(row, runs_[static_cast<std::size_t>(row)]);
        }
        fitNameColumn();
        // The run that was current stays so; else the newest, ready for Space to tick it.
        const int row = current ? rowOf(QString::fromStdString(current->folder)) : -1;
        if (row >= 0) {
            table_->setCurrentCell(row, Name);
        } else if (!runs_.empty()) {
            table_->setCurrentCell(table_->rowCount() - 1, Name);
        }
    }
    table_->setVisible(!runs_.empty());
    empty_hint_->setVisible(runs_.empty());
    // Hiding the empty table sent the focus on to the tool bar; the list takes it back.
    QWidget* focus = QApplication::focusWidget();
    if (!runs_.empty() && isVisible() && (!focus || isAncestorOf(focus))) table_->setFocus();

    const QStringList folders = runsFolders();
    QStringList shown;
    for (const QString& f : folders) shown << QDir::toNativeSeparators(f);
    QString text = (runs_.size() == 1 ? tr("1 run in %1") : tr("%1 runs in %2").arg(runs_.size()))
                       .arg(shown.join(QStringLiteral(", ")));
    if (!listing.problems.isEmpty()) {
        text += QStringLiteral("\n") + tr("Could not list %1").arg(listing.problems.join("; "));
    }
    folders_label_->setText(text);
    updateCharts();
    updateActions();

    // Folders changed while they were read: read them again before saying the list is done.
    listing_ = false;
    if (refresh_again_) {
        refresh_again_ = false;
        refresh();
    }
    Q_EMIT listed();
}

void RunsPage::fillRow(int row, const mnist::RunRecord& run) {
    const QString folder = QString::fromStdString(run.folder);
    const bool broken = !run.problem.empty();
    auto cell = [&](Column column, const QString& text) {
        auto* item = new QTableWidgetItem(text);
        item->setData(Qt::UserRole, folder);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        if (broken) {
            item->setForeground(kBrokenColor);
            item->setToolTip(tr("Not a readable run: %1").arg(QString::fromStdString(run.problem)));
        }
        table_->setItem(row, column, item);
        return item;
    };

    QTableWidgetItem* tick = cell(Tick, QString());
    QTableWidgetItem* name =
        cell(Name, QString::fromStdString(run.name.empty() ? run.id : run.name));
    if (broken) {
        cell(Model, QString::fromStdString(run.model));
        for (Column c : {Recipe, BestVal, FinalVal, Epochs, Time}) cell(c, QString());
        cell(Ended, tr("broken"));
        return;
    }
    tick->setFlags(tick->flags() | Qt::ItemIsUserCheckable);
    tick->setCheckState(ticked_.contains(folder) ? Qt::Checked : Qt::Unchecked);
    tick->setToolTip(tr("Overlay this run's curves on the charts (Space)"));
    name->setFlags(name->flags() | Qt::ItemIsEditable);
    if (colors_.contains(folder))
        name->setData(Qt::DecorationRole, RunsCharts::runColor(colors_[folder]));
    name->setToolTip(tr("%1\nStarted %2, seed %3\n%4\nDouble-click or F2 to rename")
                         .arg(QString::fromStdString(run.id), QString::fromStdString(run.started))
                         .arg(run.seed)
                         .arg(native(run.folder)));
    cell(Model, QString::fromStdString(run.model));
    cell(Recipe, QString::fromStdString(run.recipe_summary()))
        ->setToolTip(QString::fromStdString(run.recipe_summary()));
    cell(BestVal, run.best_epoch > 0
                      ? tr("%1 (%2)").arg(percent(run.best_val_acc)).arg(run.best_epoch)
                      : QStringLiteral("–"));
    cell(FinalVal, run.history.empty() ? QStringLiteral("–") : percent(run.final_val_acc()));
    const int done = static_cast<int>(run.history.size());
    cell(Epochs, done == run.options.epochs ? QString::number(done)
                                            : tr("%1 of %2").arg(done).arg(run.options.epochs));
    cell(Time, formatDuration(run.seconds));
    // "running" in run.json from a process that is gone: the training was killed.
    const bool interrupted = run.ended == "running" && !run.live;
    QTableWidgetItem* ended =
        cell(Ended, interrupted ? tr("interrupted") : QString::fromStdString(run.ended));
    if (interrupted) {
        ended->setToolTip(
            tr("The process training it stopped without finishing the run; it can "
               "be resumed (mnist-cli train --resume) or deleted"));
    }
    if (!run.failure.empty()) ended->setToolTip(QString::fromStdString(run.failure));
}

// A long name wraps in a column as wide as a run's id, rather than widen the column until the
// accuracies, time and how the run ended are scrolled off the table's right edge.
void RunsPage::fitNameColumn() {
    QHeaderView* header = table_->horizontalHeader();
    const int widest =
        table_->fontMetrics().horizontalAdvance(QStringLiteral("20261129-063012-Model_3-s10-2")) +
        table_->iconSize().width() + 24;
    header->setSectionResizeMode(Name, QHeaderView::Interactive);
    table_->resizeColumnToContents(Name);
    if (header->sectionSize(Name) <= widest) {
        header->setSectionResizeMode(Name, QHeaderView::ResizeToContents);
    } else {
        header->resizeSection(Name, widest);
    }
}

int RunsPage::rowOf(const QString& folder) const {
    for (std::size_t i = 0; i < runs_.size(); ++i) {
        if (QString::fromStdString(runs_[i].folder) == folder) return static_cast<int>(i);
    }
    return -1;
}

void RunsPage::setTicked(const QString& folder, bool ticked) {
    const int row = rowOf(folder);
    if (row < 0) return;
    QTableWidgetItem* tick = table_->item(row, Tick);
    // Broken runs have no tick box to set.
    if (tick && (tick->flags() & Qt::ItemIsUserCheckable))
        tick->setCheckState(ticked ? Qt::Checked : Qt::Unchecked);
}

QStringList RunsPage::tickedFolders() const {
    return ticked_;
}

std::optional<mnist::RunRecord> RunsPage::currentRun() const {
    const int row = table_->currentRow();
    if (row < 0 || row >= static_cast<int>(runs_.size())) return std::nullopt;
    return runs_[static_cast<std::size_t>(row)];
}

void RunsPage::onItemChanged(QTableWidgetItem* item) {
    const QString folder = item->data(Qt::UserRole).toString();
    const int row = rowOf(folder);
    if (row < 0) return;
    auto& run = runs_[static_cast<std::size_t>(row)];
    if (item->column() == Tick) {
        const bool on = item->checkState() == Qt::Checked;
        if (on && !ticked_.contains(folder)) {
            ticked_ << folder;
            // The first colour no other ticked run has, so a run keeps its colour while others
            // come and go.
            int color = 0;
            while (std::find(colors_.begin(), colors_.end(), color) != colors_.end()) ++color;
            colors_[folder] = color;
        } else if (!on) {
            ticked_.removeAll(folder);
            colors_.remove(folder);
        }
        const QSignalBlocker block(table_);
        table_->item(row, Name)->setData(
            Qt::DecorationRole,
            on ? QVariant(RunsCharts::runColor(colors_.value(folder))) : QVariant());
        updateCharts();
    } else if (item->column() == Name) {
        const QString name = item->text().trimmed();
        if (name == QString::fromStdString(run.name)) return;
        QString error;
        if (!renameRun(folder, name, &error)) {
            const QSignalBlocker block(table_);
            item->setText(QString::fromStdString(run.name));
            Q_EMIT errorOccurred(tr("Cannot rename run"), error);
        }
    }
}

void RunsPage::updateCharts() {
    std::vector<OverlayRun> shown;
    for (const QString& folder : ticked_) {
        const int row = rowOf(folder);
        if (row < 0) continue;
        const auto& run = runs_[static_cast<std::size_t>(row)];
        shown.push_back({QString::fromStdString(run.name.empty() ? run.id : run.name),
                         QString::fromStdString(run.recipe_summary()),
                         RunsCharts::runColor(colors_.value(folder)), run.history});
    }
    charts_->showRuns(shown);
}

void RunsPage::updateActions() {
    const auto run = currentRun();
    const bool readable = run && run->problem.empty();
    rename_->setEnabled(readable);
    load_recipe_->setEnabled(readable);
    delete_->setEnabled(run.has_value());
    open_run_folder_->setEnabled(run.has_value());
    export_->setEnabled(
        std::any_of(runs_.begin(), runs_.end(), [](const auto& r) { return r.problem.empty(); }));
}

bool RunsPage::renameRun(const QString& folder, const QString& name, QString* error) {
    try {
        mnist::rename_run(folder.toStdString(), name.trimmed().toStdString());
    } catch (const std::exception& e) {
        if (error) {
            *error = tr("%1 keeps its name: %2")
                         .arg(QDir::toNativeSeparators(folder), QString::fromUtf8(e.what()));
        }
        return false;
    }
    const int row = rowOf(folder);
    if (row >= 0) {
        runs_[static_cast<std::size_t>(row)].name = name.trimmed().toStdString();
        const QSignalBlocker block(table_);
        table_->item(row, Name)->setText(name.trimmed());
        updateCharts();  // the legend uses the name
    }
    Q_EMIT statusMessage(tr("Run renamed to “%1”").arg(name.trimmed()));
    refresh();
    return true;
}

bool RunsPage::deleteRun(const QString& folder, QString* error) {
    // core refuses a run still training and a folder holding anything a run does not write.
    const int row = rowOf(folder);
    try {
        mnist::delete_run(folder.toStdString());
    } catch (const std::exception& e) {
        if (error) {
            *error = tr("%1 was not deleted: %2")
                         .arg(QDir::toNativeSeparators(folder), QString::fromUtf8(e.what()));
        }
        return false;
    }
    if (row >= 0) {
        runs_.erase(runs_.begin() + row);
        ticked_.removeAll(folder);
        colors_.remove(folder);
        const QSignalBlocker block(table_);
        table_->removeRow(row);
        updateCharts();
        updateActions();
    }
    Q_EMIT statusMessage(tr("Deleted %1").arg(QDir::toNativeSeparators(folder)));
    Q_EMIT runDeleted(folder);
    refresh();
    return true;
}

bool RunsPage::exportCsv(const QString& path, QString* error) const {
    std::vector<mnist::RunRecord> chosen;
    for (const QString& folder : ticked_) {
        const int row = rowOf(folder);
        if (row >= 0) chosen.push_back(runs_[static_cast<std::size_t>(row)]);
    }
    if (chosen.empty()) {
        std::copy_if(runs_.begin(), runs_.end(), std::back_inserter(chosen),
                     [](const auto& r) { return r.problem.empty(); });
    }
    if (chosen.empty()) {
        if (error) *error = tr("There are no readable runs to export.");
        return false;
    }
    try {
        mnist::export_runs_csv(chosen, path.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}

bool RunsPage::saveChartsPng(const QString& path, QString* error) const {
    return charts_->savePng(path, error);
}

void RunsPage::chooseFolder() {
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Open runs folder (mnist-cli's --out)"), QDir::homePath());
    if (dir.isEmpty()) return;
    QString error;
    if (!openFolder(dir, &error)) {
        Q_EMIT errorOccurred(tr("No runs there"), error);
        return;
    }
    table_->setFocus();  // ready for Space to tick the newest run
}

void RunsPage::renameCurrent() {
    const int row = table_->currentRow();
    if (row >= 0) table_->editItem(table_->item(row, Name));
}

void RunsPage::deleteCurrent() {
    const auto run = currentRun();
    if (!run) return;
    const QString folder = QString::fromStdString(run->folder);
    const auto answer = QMessageBox::question(
        this, tr("Delete run"),
        tr("Delete the run “%1” and its files (history, checkpoint, training state)?\n%2")
            .arg(QString::fromStdString(run->name.empty() ? run->id : run->name),
                 QDir::toNativeSeparators(folder)),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes) return;
    QString error;
    if (!deleteRun(folder, &error)) Q_EMIT errorOccurred(tr("Cannot delete run"), error);
}

void RunsPage::loadRecipe() {
    const auto run = currentRun();
    if (run && run->problem.empty()) Q_EMIT recipeRequested(run->options);
}

void RunsPage::openRunFolder() {
    const auto run = currentRun();
    if (!run) return;
    const QString folder = QString::fromStdString(run->folder);
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(folder))) {
        Q_EMIT errorOccurred(
            tr("Cannot open folder"),
            tr("No file manager could open %1.").arg(QDir::toNativeSeparators(folder)));
    }
}

}  // namespace mnist::ui
