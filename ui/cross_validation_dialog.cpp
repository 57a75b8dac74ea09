#include "ui/cross_validation_dialog.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

#include "ui/cross_validation_job.h"

namespace mnist::ui {
namespace {

constexpr int kProgressSteps = 1000;  // the bar's resolution over the whole job

}  // namespace

CrossValidationDialog::CrossValidationDialog(const mnist::TrainOptions& options, QWidget* parent)
    : QDialog(parent), options_(options), job_(new CrossValidationJob(this)) {
    setWindowTitle(tr("Cross-validate %1").arg(QString::fromStdString(options.model)));

    folds_ = new QSpinBox;
    folds_->setMaximumWidth(80);
    folds_->setRange(2, 10);
    folds_->setValue(5);
    folds_->setToolTip(
        tr("The training images are split into this many stratified folds; each "
           "fold is held out once while the others train"));
    test_ = new QCheckBox(tr("Score the best fold's checkpoint on the test set at the end"));
    test_->setToolTip(tr("Otherwise the test set is not read at all"));
    auto* form = new QFormLayout;
    form->addRow(tr("Folds:"), folds_);
    form->addRow(QString(), test_);

    progress_ = new QProgressBar;
    progress_->setRange(0, kProgressSteps);
    progress_->setValue(0);
    status_ = new QLabel(tr("Each fold trains %1 for %n epoch(s) with the model panel's recipe.",
                            nullptr, options.epochs)
                             .arg(QString::fromStdString(options.model)));
    status_->setWordWrap(true);
    summary_ = new QLabel;
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* chart = new QChart;
    chart->setTitle(tr("Best validation accuracy per fold"));
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    fold_axis_ = new QValueAxis;
    fold_axis_->setTitleText(tr("fold"));
    fold_axis_->setLabelFormat(QStringLiteral("%d"));
    // One tick per fold, on the fold numbers; the range has half a fold of room on either side.
    fold_axis_->setTickType(QValueAxis::TicksDynamic);
    fold_axis_->setTickAnchor(1);
    fold_axis_->setTickInterval(1);
    accuracy_axis_ = new QValueAxis;
    accuracy_axis_->setTitleText(tr("accuracy (%)"));
    accuracy_axis_->setLabelFormat(QStringLiteral("%.1f"));
    chart->addAxis(fold_axis_, Qt::AlignBottom);
    chart->addAxis(accuracy_axis_, Qt::AlignLeft);
    fold_points_ = new QScatterSeries;
    fold_points_->setName(tr("fold"));
    fold_points_->setMarkerSize(10);
    mean_line_ = new QLineSeries;
    mean_line_->setName(tr("mean of the folds"));
    for (QXYSeries* series :
         {static_cast<QXYSeries*>(mean_line_), static_cast<QXYSeries*>(fold_points_)}) {
        chart->addSeries(series);
        series->attachAxis(fold_axis_);
        series->attachAxis(accuracy_axis_);
    }
    auto* view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(420, 260);

    start_ = new QPushButton(tr("Start"));
    start_->setDefault(true);
    cancel_ = new QPushButton(tr("Close"));
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(start_);
    buttons->addWidget(cancel_);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(view, 1);
    layout->addWidget(summary_);
    layout->addLayout(buttons);

    connect(start_, &QPushButton::clicked, this, &CrossValidationDialog::start);
    connect(cancel_, &QPushButton::clicked, this, &CrossValidationDialog::cancel);
    connect(job_, &CrossValidationJob::foldStarted, this, &CrossValidationDialog::onFoldStarted);
    connect(job_, &CrossValidationJob::batchProgress, this, &CrossValidationDialog::onBatch);
    connect(job_, &CrossValidationJob::foldFinished, this, &CrossValidationDialog::onFoldFinished);
    connect(job_, &CrossValidationJob::finished, this, &CrossValidationDialog::onFinished);
    connect(job_, &CrossValidationJob::failed, this, &CrossValidationDialog::onFailed);
}

CrossValidationDialog::~CrossValidationDialog() {
    // The job's own destructor stops and waits; stopping first keeps that to one batch.
    job_->requestStop();
    job_->waitForFinished();
}

QString CrossValidationDialog::summaryText() const {
    return summary_->text();
}

void CrossValidationDialog::start() {
    if (job_->isRunning()) return;
    fold_points_->clear();
    mean_line_->clear();
    summary_->clear();
    progress_->setValue(0);
    fold_ = 0;
    folds_total_ = folds_->value();
    fold_axis_->setRange(0.5, folds_total_ + 0.5);
    accuracy_axis_->setRange(0, 100);
    status_->setText(tr("Loading MNIST…"));
    setRunning(true);
    job_->start(options_, {folds_total_, test_->isChecked()});
}

void CrossValidationDialog::cancel() {
    if (!job_->isRunning()) {
        QDialog::reject();
        return;
    }
    job_->requestStop();
    cancel_->setEnabled(false);
    status_->setText(tr("Stopping after the current batch…"));
}

void CrossValidationDialog::reject() {
    if (job_->isRunning()) closing_ = true;
    cancel();
}

void CrossValidationDialog::setRunning(bool running) {
    start_->setEnabled(!running);
    folds_->setEnabled(!running);
    test_->setEnabled(!running);
    cancel_->setEnabled(true);
    cancel_->setText(running ? tr("Cancel") : tr("Close"));
}

void CrossValidationDialog::onFoldStarted(int fold, int folds) {
    fold_ = fold;
    folds_total_ = folds;
    status_->setText(tr("Fold %1 of %2: training").arg(fold).arg(folds));
}

void CrossValidationDialog::onBatch(const mnist::BatchProgress& p) {
    if (fold_ == 0 || folds_total_ == 0 || p.epochs == 0 || p.batches == 0) return;
    const double in_fold =
        ((p.epoch - 1) + static_cast<double>(p.batch) / static_cast<double>(p.batches)) / p.epochs;
    const double done = (fold_ - 1 + in_fold) / folds_total_;
    progress_->setValue(static_cast<int>(done * kProgressSteps));
    status_->setText(tr("Fold %1 of %2: epoch %3/%4, batch %5/%6")
                         .arg(fold_)
                         .arg(folds_total_)
                         .arg(p.epoch)
                         .arg(p.epochs)
                         .arg(p.batch)
                         .arg(p.batches));
}

void CrossValidationDialog::onFoldFinished(int fold, const mnist::TrainResult& result) {
    fold_points_->append(fold, result.best_val_acc);
    double lo = 100.0, hi = 0.0, sum = 0.0;
    const auto points = fold_points_->points();
    for (const QPointF& point : points) {
        lo = std::min(lo, point.y());
        hi = std::max(hi, point.y());
        sum += point.y();
    }
    const double mean = sum / static_cast<double>(points.size());
    mean_line_->replace({QPointF(0.5, mean), QPointF(folds_total_ + 0.5, mean)});
    // A point per fold lies within a few tenths of a percent: zoom to them, not to 0-100.
    const double margin = std::max(0.5, (hi - lo) * 0.25);
    accuracy_axis_->setRange(std::max(0.0, lo - margin), std::min(100.0, hi + margin));
    progress_->setValue(fold * kProgressSteps / std::max(1, folds_total_));
}

void CrossValidationDialog::onFinished(const mnist::CrossValidation& cv) {
    setRunning(false);
    QString text = tr("%1 of %2 folds: best validation accuracy %3 ± %4 % (mean ± sample std), "
                      "best fold %5.")
                       .arg(cv.done.size())
                       .arg(cv.folds)
                       .arg(cv.best_acc.mean, 0, 'f', 2)
                       .arg(cv.best_acc.std, 0, 'f', 2)
                       .arg(cv.best_fold);
    if (cv.test_acc) {
        text += QLatin1Char(' ') +
                tr("Test accuracy of its checkpoint: %1 %.").arg(*cv.test_acc, 0, 'f', 2);
    }
    text += QLatin1Char(' ') + tr("Checkpoints in %1.").arg(QString::fromStdString(cv.folder));
    summary_->setText(cv.done.empty() ? tr("Cancelled before the first fold finished.") : text);
    status_->setText(cv.stopped ? tr("Cancelled") : tr("Done"));
    if (!cv.stopped) progress_->setValue(kProgressSteps);
    Q_EMIT finished(cv);
    if (closing_) QDialog::reject();
}

void CrossValidationDialog::onFailed(const QString& message) {
    setRunning(false);
    status_->setText(tr("Failed: %1").arg(message));
    Q_EMIT failed(message);
    if (closing_) QDialog::reject();
}

}  // namespace mnist::ui
