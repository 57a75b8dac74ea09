#include "ui/training_page.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <exception>

#include "core/training/history_csv.h"
#include "ui/number_format.h"
#include "ui/resume_bar.h"
#include "ui/training_charts.h"

namespace mnist::ui {
namespace {

QToolButton* buttonFor(QAction* action) {
    auto* button = new QToolButton;
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    return button;
}

}  // namespace

QString formatDuration(double seconds) {
    const long long s = std::max(0LL, std::llround(seconds));
    if (s >= 3600) {
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    }
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

TrainingPage::TrainingPage(const TrainingPageActions& actions, QWidget* parent) : QWidget(parent) {
    QLayout* controls = makeControls(actions);
    charts_ = new TrainingCharts;
    charts_->setCornerWidget(makeLog(actions));

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(run_info_);
    resume_bar_ = new ResumeBar;
    layout->addWidget(resume_bar_);
    layout->addWidget(makeDataMissingBanner(actions));
    layout->addLayout(makeFolders(actions));
    layout->addWidget(charts_, 1);
}

QLayout* TrainingPage::makeControls(const TrainingPageActions& actions) {
    auto* start = buttonFor(actions.start);
    auto* stop = buttonFor(actions.stop);
    QFont big = start->font();
    big.setPointSizeF(big.pointSizeF() * 1.2);
    big.setBold(true);
    start->setFont(big);
    stop->setFont(big);
    start->setMinimumHeight(start->sizeHint().height() * 5 / 4);
    stop->setMinimumHeight(start->minimumHeight());
    run_info_ = new QLabel(tr("Choose a model and a recipe on the left, then start training."));
    run_info_->setWordWrap(true);

    epoch_label_ = new QLabel(tr("Epoch"));
    epoch_bar_ = new QProgressBar;
    epoch_bar_->setToolTip(tr("Progress through the current epoch"));
    epoch_bar_->setFormat(tr("%p %"));
    epoch_bar_->setValue(0);
    run_bar_ = new QProgressBar;
    run_bar_->setToolTip(tr("Progress through the whole run"));
    run_bar_->setFormat(tr("%p %"));
    run_bar_->setValue(0);
    speed_ = new QLabel;
    speed_->setToolTip(tr("Training speed and the estimated time left for the run"));
    speed_->setMinimumWidth(
        speed_->fontMetrics().horizontalAdvance(QStringLiteral("00,000 img/s · ETA 0:00:00")));

    auto* progress = new QGridLayout;
    progress->addWidget(epoch_label_, 0, 0);
    progress->addWidget(epoch_bar_, 0, 1);
    progress->addWidget(new QLabel(tr("Run")), 1, 0);
    progress->addWidget(run_bar_, 1, 1);
    progress->addWidget(speed_, 0, 2, 2, 1);
    progress->setColumnStretch(1, 1);

    auto* top = new QHBoxLayout;
    top->addWidget(start);
    if (actions.pause) {
        auto* pause = buttonFor(actions.pause);
        pause->setFont(big);
        pause->setMinimumHeight(start->minimumHeight());
        top->addWidget(pause);
    }
    top->addWidget(stop);
    top->addSpacing(8);
    top->addLayout(progress, 1);
    return top;
}

QFrame* TrainingPage::makeDataMissingBanner(const TrainingPageActions& actions) {
    // Shown instead of a dead Start button when MNIST is nowhere to be found.
    data_missing_ = new QFrame;
    data_missing_->setFrameShape(QFrame::StyledPanel);
    data_missing_->setStyleSheet(QStringLiteral(
        "QFrame { background: #fff4d6; border: 1px solid #e0b050; border-radius: 4px; } "
        "QLabel { border: none; background: transparent; color: #3a2a00; }"));
    data_problem_ = new QLabel;
    data_problem_->setWordWrap(true);
    data_problem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* missing_layout = new QHBoxLayout(data_missing_);
    missing_layout->addWidget(data_problem_, 1);
    missing_layout->addWidget(buttonFor(actions.choose_data_folder));
    data_missing_->hide();
    return data_missing_;
}

QLayout* TrainingPage::makeFolders(const TrainingPageActions& actions) {
    output_dir_ = new QLabel;
    output_dir_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    output_dir_->setToolTip(
        tr("Where best_<Model>.pth, its .json and history_<Model>.csv are written"));
    data_dir_ = new QLabel;
    data_dir_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    data_dir_->setToolTip(tr("The MNIST files training reads"));
    auto* folders = new QGridLayout;
    folder_widgets_ = {
        new QLabel(tr("Checkpoints:")), output_dir_, buttonFor(actions.open_output_folder),
        new QLabel(tr("Data:")),        data_dir_,   buttonFor(actions.choose_data_folder)};
    for (int i = 0; i < folder_widgets_.size(); ++i)
        folders->addWidget(folder_widgets_[i], i / 3, i % 3);
    folders->setColumnStretch(1, 1);
    folders->setVerticalSpacing(2);
    return folders;
}

QWidget* TrainingPage::makeLog(const TrainingPageActions& actions) {
    log_ = new QPlainTextEdit;
    log_->setReadOnly(true);
    log_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // A table: wrapped, its rows would break their columns; a narrow window scrolls it instead.
    log_->setLineWrapMode(QPlainTextEdit::NoWrap);
    log_->setToolTip(
        tr("One line per finished epoch; ★ marks a new best, saved as the checkpoint"));
    log_->setPlaceholderText(tr("Epoch results appear here."));
    auto* log_box = new QWidget;
    auto* log_layout = new QVBoxLayout(log_box);
    log_layout->setContentsMargins(4, 4, 4, 4);
    auto* log_title = new QLabel(tr("<b>Epoch log</b>"));
    auto* save_row = new QHBoxLayout;
    save_row->addWidget(buttonFor(actions.save_charts));
    save_row->addWidget(buttonFor(actions.save_history));
    save_row->addStretch(1);
    log_layout->addWidget(log_title);
    log_layout->addWidget(log_, 1);
    log_layout->addLayout(save_row);
    return log_box;
}

bool TrainingPage::isDataMissingShown() const {
    return !data_missing_->isHidden();
}

void TrainingPage::setCompact(bool compact) {
    for (QWidget* w : folder_widgets_) w->setVisible(!compact);
}

void TrainingPage::setOutputDir(const QString& dir) {
    output_dir_->setText(QDir::toNativeSeparators(dir));
}

void TrainingPage::setDataLocation(const QString& dir, const QString& problem) {
    if (!dir.isEmpty()) {
        data_dir_->setText(QDir::toNativeSeparators(dir));
        data_missing_->hide();
        return;
    }
    data_dir_->setText(tr("not found"));
    data_problem_->setText(
        tr("<b>MNIST data not found — training is unavailable.</b> Drawing and predicting still "
           "work.<br>Run <code>scripts/fetch_data.sh</code> in the source folder, or choose the "
           "folder that holds <code>train-images-idx3-ubyte</code> and the other three files.<br>"
           "<small>%1</small>")
            .arg(problem.toHtmlEscaped()));
    data_missing_->show();
}

void TrainingPage::showStarting(const QString& model, int epochs) {
    epochs_ = epochs;
    history_.clear();
    charts_->reset(epochs);
    epoch_bar_->setValue(0);
    run_bar_->setValue(0);
    speed_->setText(tr("loading data…"));
    epoch_label_->setText(tr("Epoch 1/%1").arg(epochs));
    run_info_->setText(tr("Starting %1…").arg(model));
    appendLog(tr("— %1, %2 epochs —").arg(model).arg(epochs));
    appendLog(tr("epoch    loss     acc  val loss  val acc  lr"));
}

void TrainingPage::showStart(const mnist::TrainStart& s) {
    epochs_ = s.epochs;
    run_info_->setText(
        tr("<b>%1</b> (%2 parameters) on %3 with %4 thread(s): %5 training images, "
           "validating on %6.")
            .arg(QString::fromStdString(s.model), groupThousands(s.params),
                 QString::fromStdString(s.device).toUpper())
            .arg(s.threads)
            .arg(groupThousands(s.train_size), QString::fromStdString(s.validation)));
    run_bar_->setRange(0, static_cast<int>(s.batches_per_epoch * s.epochs));
    epoch_bar_->setRange(0, static_cast<int>(s.batches_per_epoch));
}

void TrainingPage::showBatch(const mnist::BatchProgress& p) {
    charts_->addBatch(p);
    epoch_label_->setText(tr("Epoch %1/%2").arg(p.epoch).arg(p.epochs));
    epoch_bar_->setRange(0, static_cast<int>(p.batches));
    epoch_bar_->setValue(static_cast<int>(p.batch));
    run_bar_->setRange(0, static_cast<int>(p.batches * p.epochs));
    run_bar_->setValue(static_cast<int>((p.epoch - 1) * p.batches + p.batch));
    speed_->setText(tr("%1 img/s · ETA %2")
                        .arg(groupThousands(p.images_per_sec), formatDuration(p.eta_seconds)));
}

void TrainingPage::showEpoch(const mnist::EpochMetrics& m) {
    history_.push_back(m);
    charts_->addEpoch(m);
    // Columns under the header written by showStarting(); ★ marks a new best (checkpoint saved).
    // Narrow enough (51 characters) for the log beside the charts at 1280x800.
    appendLog(QStringLiteral("%1%2%3%4%5  %6%7")
                  .arg(m.epoch, 5)
                  .arg(m.train_loss, 8, 'f', 4)
                  .arg(m.train_acc, 8, 'f', 2)
                  .arg(m.val_loss, 10, 'f', 4)
                  .arg(m.val_acc, 9, 'f', 2)
                  .arg(m.lr, 0, 'e', 1)
                  .arg(m.improved ? QStringLiteral(" ★") : QString()));
}

void TrainingPage::showFinished(const mnist::TrainResult& r) {
    const bool early = r.ended == "early-stopped";
    speed_->setText(r.stopped ? tr("stopped") : early ? tr("stopped early") : tr("done"));
    if (r.checkpoint.empty()) {
        run_info_->setText(tr("Stopped before the first epoch ended: no checkpoint was written."));
        appendLog(tr("— stopped, no checkpoint —"));
        return;
    }
    // The trainer stops once the epochs since the best one reach the patience, so the patience
    // is what the history shows.
    const int patience = r.epochs.empty() ? 0 : r.epochs.back().epoch - r.best_epoch;
    const QString best = tr("best validation accuracy %1 % (epoch %2), saved as %3")
                             .arg(r.best_val_acc, 0, 'f', 2)
                             .arg(r.best_epoch)
                             .arg(QFileInfo(QString::fromStdString(r.checkpoint)).fileName());
    const QString summary =
        early ? tr("Stopped early: no better validation accuracy for %1 %2; %3")
                    .arg(patience)
                    .arg(patience == 1 ? tr("epoch") : tr("epochs"), best)
              : tr("%1: %2").arg(r.stopped ? tr("Stopped") : tr("Finished"), best);
    run_info_->setText(summary);
    appendLog(QStringLiteral("— ") + summary + QStringLiteral(" —"));
}

void TrainingPage::showPaused(const mnist::RunRecord& run, bool restore) {
    if (restore) {
        const QString model = QString::fromStdString(run.model);
        showStarting(model, run.options.epochs);
        for (const auto& m : run.history) {
            // The epoch's last batch, as the live charts drew it: its running mean is the
            // epoch's training loss and accuracy, and its learning rate the epoch's.
            mnist::BatchProgress end;
            end.epoch = m.epoch;
            end.epochs = run.options.epochs;
            end.batch = end.batches = 1;
            end.running_loss = m.train_loss;
            end.running_acc = m.train_acc;
            end.lr = m.lr;
            charts_->addBatch(end);
            showEpoch(m);
        }
        const int done = run.history.empty() ? 0 : run.history.back().epoch;
        run_info_->setText(
            tr("%1 was paused after epoch %2; Resume goes on from there.").arg(model).arg(done));
        run_bar_->setRange(0, run.options.epochs);
        run_bar_->setValue(done);
        epoch_label_->setText(tr("Epoch %1/%2").arg(done).arg(run.options.epochs));
    } else {
        appendLog(tr("— paused; Resume goes on from the last finished epoch —"));
    }
    speed_->setText(tr("paused"));
    resume_bar_->showRun(run);
}

void TrainingPage::hidePaused() {
    resume_bar_->hide();
}

void TrainingPage::showResuming(const QString& model, int first_epoch, int epochs,
                                const mnist::ResumeChanges& changes) {
    resume_bar_->hide();
    epochs_ = epochs;
    charts_->rewindTo(first_epoch - 1);
    charts_->setEpochs(epochs);
    speed_->setText(tr("loading data…"));
    epoch_label_->setText(tr("Epoch %1/%2").arg(first_epoch).arg(epochs));
    run_info_->setText(tr("Resuming %1 at epoch %2…").arg(model).arg(first_epoch));
    QString what = tr("— resuming at epoch %1 of %2").arg(first_epoch).arg(epochs);
    if (changes.lr) what += tr(", learning rate %1").arg(*changes.lr, 0, 'e', 1);
    if (changes.scheduler) {
        what += *changes.scheduler == mnist::SchedulerKind::None ? tr(", constant rate")
                                                                 : tr(", reduce on plateau");
    }
    appendLog(what + QStringLiteral(" —"));
}

void TrainingPage::showFailed(const QString& message) {
    speed_->setText(tr("failed"));
    run_info_->setText(tr("<b>Training failed:</b> %1").arg(message.toHtmlEscaped()));
    appendLog(tr("— failed: %1 —").arg(message));
}

void TrainingPage::appendLog(const QString& line) {
    log_->appendPlainText(line);
}

bool TrainingPage::saveHistoryCsv(const QString& path, QString* error) const {
    // Same columns as the history_<Model>.csv that training writes, so both open the same way.
    try {
        mnist::HistoryCsv csv(path.toStdString());
        for (const auto& m : history_) csv.append(m);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

}  // namespace mnist::ui
