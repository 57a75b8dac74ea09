#include "ui/training_charts.h"

#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QFontMetricsF>
#include <QGraphicsView>
#include <QGridLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPainter>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <utility>

namespace mnist::ui {
namespace {

const QColor kTrainColor(31, 119, 180);
const QColor kRunningColor(120, 170, 215);
const QColor kValColor(230, 110, 20);
const QColor kLrColor(60, 150, 60);
constexpr qreal kMarkerSize = 7;

// x of a batch point: epochs are 1-based, so batch b of epoch e ends at (e - 1) + b / batches,
// and the epoch's exact point sits at x = e.
double batchX(const mnist::BatchProgress& p) {
    return (p.epoch - 1) + static_cast<double>(p.batch) / std::max<std::int64_t>(p.batches, 1);
}

QValueAxis* makeEpochAxis() {
    auto* axis = new QValueAxis;
    axis->setTitleText(QObject::tr("epoch"));
    axis->setLabelFormat(QStringLiteral("%.0f"));
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(1);
    axis->setRange(0, 1);
    return axis;
}

// Qt Charts gives each tick label the axis width divided by the number of ticks, less 4 px of
// padding on either side, and shortens a label that does not fit; 4 px more covers the text
// item's margins and rounding.
constexpr qreal kTickLabelPadding = 2 * 4.0 + 4.0;

// The smallest of 1, 2, 5, 10, 20, 50, ... epochs between labels at which every label fits.
int epochTickInterval(int epochs, qreal axis_width, const QFont& font) {
    const qreal label =
        QFontMetricsF(font).horizontalAdvance(QString::number(epochs)) + kTickLabelPadding;
    for (int decade = 1;; decade *= 10) {
        for (const int step : {1, 2, 5}) {
            const int interval = step * decade;
            const int ticks = epochs / interval + 1;
            if (interval >= epochs || axis_width / ticks >= label) return interval;
        }
    }
}

}  // namespace

void TrainingCharts::YRange::add(double v, bool settles) {
    all.add(v);
    if (settles) settled.add(v);
}

TrainingCharts::MetricChart TrainingCharts::makeMetricChart(const QString& title,
                                                            const QString& label_format,
                                                            Quantity quantity,
                                                            std::vector<QLineSeries*>& running) {
    MetricChart m;
    m.chart = new QChart;
    m.chart->setTitle(title);
    m.x = makeEpochAxis();
    m.y = new QValueAxis;
    m.y->setLabelFormat(label_format);
    m.chart->addAxis(m.x, Qt::AlignBottom);
    m.chart->addAxis(m.y, Qt::AlignLeft);
    runningSegment(running, m.chart, m.x, m.y, quantity, 0);
    m.train = addSeries(m.chart, m.x, m.y, tr("train"), kTrainColor, true, 2.5);
    m.validation = addSeries(m.chart, m.x, m.y, tr("validation"), kValColor, true, 2.5);
    m.view = makeView(m.chart);
    return m;
}

TrainingCharts::TrainingCharts(QWidget* parent) : QWidget(parent) {
    grid_ = new QGridLayout(this);
    grid_->setContentsMargins(0, 0, 0, 0);
    grid_->setSpacing(6);

    MetricChart loss = makeMetricChart(tr("Loss (cross-entropy)"), QStringLiteral("%.2f"),
                                       Quantity::Loss, running_loss_);
    loss_chart_ = loss.chart;
    loss_x_ = loss.x;
    loss_y_ = loss.y;
    train_loss_ = loss.train;
    val_loss_ = loss.validation;
    loss_view_ = loss.view;

    MetricChart acc = makeMetricChart(tr("Accuracy (%)"), QStringLiteral("%.1f"),
                                      Quantity::Accuracy, running_acc_);
    acc_chart_ = acc.chart;
    acc_x_ = acc.x;
    acc_y_ = acc.y;
    train_acc_ = acc.train;
    val_acc_ = acc.validation;
    acc_view_ = acc.view;

    auto* lr = lr_chart_ = new QChart;
    lr->setTitle(tr("Learning rate (log scale)"));
    lr_x_ = makeEpochAxis();
    lr_axis_ = new QLogValueAxis;
    lr_axis_->setBase(10);
    lr_axis_->setLabelFormat(QStringLiteral("%.0e"));
    lr_axis_->setMinorTickCount(8);
    lr_axis_->setRange(1e-4, 1e-1);
    lr->addAxis(lr_x_, Qt::AlignBottom);
    lr->addAxis(lr_axis_, Qt::AlignLeft);
    lr_ = addSeries(lr, lr_x_, lr_axis_, tr("learning rate"), kLrColor, false, 2.0);
    lr->legend()->hide();
    lr_view_ = makeView(lr);

    for (auto [chart, axis] : {std::pair{loss_chart_, loss_x_}, std::pair{acc_chart_, acc_x_},
                               std::pair{lr_chart_, lr_x_}}) {
        connect(chart, &QChart::plotAreaChanged, this,
                [this, chart = chart, axis = axis] { fitEpochTicks(chart, axis); });
    }
    for (QLineSeries* s : {train_loss_, val_loss_}) watchHover(s, Quantity::Loss);
    for (QLineSeries* s : {train_acc_, val_acc_}) watchHover(s, Quantity::Accuracy);
    watchHover(lr_, Quantity::LearningRate);

    grid_->addWidget(loss_view_, 0, 0);
    grid_->addWidget(acc_view_, 0, 1);
    grid_->addWidget(lr_view_, 1, 0);
    grid_->setRowStretch(0, 3);
    grid_->setRowStretch(1, 2);
    reset(1);
}

void TrainingCharts::setCornerWidget(QWidget* widget) {
    grid_->addWidget(widget, 1, 1);
}

QChartView* TrainingCharts::makeView(QChart* chart) {
    chart->setAnimationOptions(QChart::NoAnimation);  // animations lag behind live data
    chart->legend()->setAlignment(Qt::AlignBottom);
    QFont title = chart->titleFont();
    title.setPointSizeF(title.pointSizeF() * 1.25);
    title.setBold(true);
    chart->setTitleFont(title);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto* view = new QChartView(chart, this);
    view->setRenderHint(QPainter::Antialiasing);
    // Partial updates left stale point markers behind when the axes rescale as data arrives.
    view->setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    view->setMinimumSize(260, 180);
    return view;
}

QLineSeries* TrainingCharts::addSeries(QChart* chart, QValueAxis* x, QAbstractAxis* y,
                                       const QString& name, const QColor& color, bool points,
                                       qreal width) {
    auto* series = new QLineSeries;
    series->setName(name);
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
    QPen pen(color);
    pen.setWidthF(width * scale_);
    series->setPen(pen);
    series->setPointsVisible(points);
    series->setMarkerSize(kMarkerSize * scale_);
    return series;
}

void TrainingCharts::setPresentationScale(double scale) {
    if (!(scale > 0) || scale == scale_) return;
    // Relative to the current scale, so going back to 1 gives the desktop sizes exactly.
    for (QChart* chart : {loss_chart_, acc_chart_, lr_chart_}) scaleChart(chart, scale / scale_);
    scale_ = scale;
    for (auto [chart, axis] : {std::pair{loss_chart_, loss_x_}, std::pair{acc_chart_, acc_x_},
                               std::pair{lr_chart_, lr_x_}}) {
        fitEpochTicks(chart, axis);
    }
}

void TrainingCharts::watchHover(QLineSeries* series, Quantity quantity) {
    connect(series, &QLineSeries::hovered, this,
            [this, series, quantity](const QPointF& at, bool state) {
                if (!state || series->count() == 0) {
                    QToolTip::hideText();
                    return;
                }
                // `at` lies anywhere on the line; report the nearest real data point instead.
                const QPointF nearest = nearestPoint(series->points(), at.x());
                QString what, value;
                switch (quantity) {
                    case Quantity::Loss:
                        what = tr("%1 loss").arg(series->name());
                        value = QString::number(nearest.y(), 'f', 4);
                        break;
                    case Quantity::Accuracy:
                        what = tr("%1 accuracy").arg(series->name());
                        value = QString::number(nearest.y(), 'f', 2) + QStringLiteral(" %");
                        break;
                    case Quantity::LearningRate:
                        what = tr("learning rate");
                        value = QString::number(nearest.y(), 'e', 2);
                        break;
                }
                const QString text =
                    tr("%1, epoch %2: %3").arg(what, QString::number(nearest.x(), 'f', 2), value);
                QToolTip::showText(QCursor::pos(), text);
                Q_EMIT pointHovered(text);
            });
}

QLineSeries* TrainingCharts::runningSegment(std::vector<QLineSeries*>& parts, QChart* chart,
                                            QValueAxis* x, QValueAxis* y, Quantity quantity,
                                            int epoch) {
    if (!parts.empty() && (running_epoch_ == epoch || parts.back()->count() == 0))
        return parts.back();
    QLineSeries* part = addSeries(chart, x, y, tr("train (running)"), kRunningColor, false, 1.5);
    watchHover(part, quantity);
    // One legend entry stands for all segments.
    if (!parts.empty()) chart->legend()->markers(part).first()->setVisible(false);
    parts.push_back(part);
    return part;
}

void TrainingCharts::clearRunning(std::vector<QLineSeries*>& parts) {
    // Keep the first (empty) segment so the legend entry stays; drop the others.
    for (std::size_t i = 1; i < parts.size(); ++i) {
        parts[i]->chart()->removeSeries(parts[i]);
        delete parts[i];
    }
    if (!parts.empty()) {
        parts.resize(1);
        parts.front()->clear();
    }
}

QList<QPointF> TrainingCharts::runningLossPoints() const {
    QList<QPointF> all;
    for (QLineSeries* part : running_loss_) all += part->points();
    return all;
}

QList<QPointF> TrainingCharts::runningAccuracyPoints() const {
    QList<QPointF> all;
    for (QLineSeries* part : running_acc_) all += part->points();
    return all;
}

void TrainingCharts::reset(int epochs) {
    for (QLineSeries* s : {train_loss_, val_loss_, train_acc_, val_acc_, lr_}) s->clear();
    clearRunning(running_loss_);
    clearRunning(running_acc_);
    running_epoch_ = 0;
    setEpochs(epochs);
    loss_range_ = {};
    acc_range_ = {};
    past_first_epoch_ = false;
    lr_range_ = {};
    loss_y_->setRange(0, 2.5);
    acc_y_->setRange(0, 100);
    lr_axis_->setRange(1e-4, 1e-1);
}

void TrainingCharts::setEpochs(int epochs) {
    epochs_ = std::max(1, epochs);
    for (auto [chart, x] : {std::pair{loss_chart_, loss_x_}, std::pair{acc_chart_, acc_x_},
                            std::pair{lr_chart_, lr_x_}}) {
        // A little room past the last epoch so its point marker is not cut in half.
        x->setRange(0, epochs_ + 0.15);
        fitEpochTicks(chart, x);
    }
}

void TrainingCharts::rewindTo(int epoch) {
    while (lr_->count() > 0 && lr_->at(lr_->count() - 1).x() > epoch) lr_->remove(lr_->count() - 1);
    if (running_epoch_ > epoch) {
        // The abandoned epoch's segment, emptied, is the one its retraining fills again.
        running_loss_.back()->clear();
        running_acc_.back()->clear();
        running_epoch_ = epoch;
    }
}

void TrainingCharts::addBatch(const mnist::BatchProgress& p) {
    const double x = batchX(p);
    if (p.lr > 0) {
        lr_->append(x, p.lr);
        lr_range_.add(p.lr);
        updateLrAxis();
    }
    // A running mean over the first few batches of an epoch is mostly noise: leave out the
    // first 5 % of each epoch so the curve does not spike at every epoch start.
    if (p.batch * 20 < p.batches) return;
    const bool settles = p.epoch > 1;
    past_first_epoch_ = past_first_epoch_ || settles;
    runningSegment(running_loss_, loss_chart_, loss_x_, loss_y_, Quantity::Loss, p.epoch)
        ->append(x, p.running_loss);
    runningSegment(running_acc_, acc_chart_, acc_x_, acc_y_, Quantity::Accuracy, p.epoch)
        ->append(x, p.running_acc);
    running_epoch_ = p.epoch;
    loss_range_.add(p.running_loss, settles);
    acc_range_.add(p.running_acc, settles);
    updateLossAxis();
    updateAccuracyAxis();
}

void TrainingCharts::addEpoch(const mnist::EpochMetrics& m) {
    train_loss_->append(m.epoch, m.train_loss);
    val_loss_->append(m.epoch, m.val_loss);
    train_acc_->append(m.epoch, m.train_acc);
    val_acc_->append(m.epoch, m.val_acc);
    const bool settles = m.epoch > 1;
    loss_range_.add(m.train_loss, settles);
    acc_range_.add(m.train_acc, settles);
    loss_range_.add(m.val_loss, true);
    acc_range_.add(m.val_acc, true);
    updateLossAxis();
    updateAccuracyAxis();
}

void TrainingCharts::fitEpochTicks(QChart* chart, QValueAxis* axis) {
    const qreal width = chart->plotArea().width();
    // Before the first layout there is no width to fit; the plot area's change brings us back.
    const int interval = width > 0 ? epochTickInterval(epochs_, width, axis->labelsFont())
                                   : std::max(1, epochs_ / 10);
    if (axis->tickInterval() != interval) axis->setTickInterval(interval);
    // A mark for every epoch between the labels, while there are few enough to tell apart.
    const int minor = interval <= 5 ? interval - 1 : 0;
    if (axis->minorTickCount() != minor) axis->setMinorTickCount(minor);
}

void TrainingCharts::updateLossAxis() {
    fitValueAxis(loss_y_, loss_range_.shown(past_first_epoch_), 0.01);
}

void TrainingCharts::updateAccuracyAxis() {
    fitValueAxis(acc_y_, acc_range_.shown(past_first_epoch_), 0.2, 100.0);
}

void TrainingCharts::updateLrAxis() {
    fitLogAxis(lr_axis_, lr_range_);
}

QImage TrainingCharts::renderImage() const {
    const QList<QChartView*> views = {loss_view_, acc_view_, lr_view_};
    int width = 0, height = 0;
    for (QChartView* v : views) {
        width += v->width();
        height = std::max(height, v->height());
    }
    const qreal dpr = devicePixelRatioF();
    QImage image(QSize(width, height) * dpr, QImage::Format_RGB32);
    image.setDevicePixelRatio(dpr);
    image.fill(Qt::white);
    QPainter painter(&image);
    int x = 0;
    for (QChartView* v : views) {
        painter.drawPixmap(x, 0, v->grab());
        x += v->width();
    }
    return image;
}

bool TrainingCharts::savePng(const QString& path, QString* error) const {
    if (renderImage().save(path, "PNG")) return true;
    if (error) *error = tr("Could not write the image %1.").arg(path);
    return false;
}

}  // namespace mnist::ui
