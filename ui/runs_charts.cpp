#include "ui/runs_charts.h"

#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPainter>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <array>
#include <cmath>

#include "ui/chart_axes.h"

namespace mnist::ui {
namespace {

// Tableau's ten: told apart on a projector and by most colour-blind readers.
constexpr std::array<QRgb, 10> kPalette = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                           0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};

// "1, 2, 5, 10, 20 …": the step that puts at most about ten labels on the epoch axis.
int epochStep(int epochs) {
    for (int decade = 1;; decade *= 10) {
        for (const int step : {1, 2, 5}) {
            if (epochs / (step * decade) <= 10) return step * decade;
        }
    }
}

constexpr qreal kMarkerSize = 7;

}  // namespace

QColor RunsCharts::runColor(int i) {
    return QColor::fromRgb(kPalette[static_cast<std::size_t>(i) % kPalette.size()]);
}

RunsCharts::RunsCharts(QWidget* parent) : QWidget(parent) {
    auto* loss_y = new QValueAxis;
    loss_y->setLabelFormat(QStringLiteral("%.2f"));
    loss_ = makeChart(tr("Loss"), loss_y);
    auto* acc_y = new QValueAxis;
    acc_y->setLabelFormat(QStringLiteral("%.1f"));
    acc_ = makeChart(tr("Accuracy (%)"), acc_y);
    auto* lr_y = new QLogValueAxis;
    lr_y->setBase(10);
    lr_y->setLabelFormat(QStringLiteral("%.0e"));
    lr_y->setMinorTickCount(8);
    lr_ = makeChart(tr("Learning rate (log scale)"), lr_y);

    auto* charts = new QHBoxLayout;
    charts->setSpacing(4);
    for (const Chart* c : {&loss_, &acc_, &lr_}) charts->addWidget(c->view);
    legend_ = new QLabel;
    legend_->setWordWrap(true);
    legend_->setTextFormat(Qt::RichText);
    legend_->setContentsMargins(6, 2, 6, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(charts, 1);
    layout->addWidget(legend_);
    showRuns({});
}

RunsCharts::Chart RunsCharts::makeChart(const QString& title, QAbstractAxis* y) {
    Chart c;
    c.chart = new QChart;
    c.chart->setTitle(title);
    c.chart->setAnimationOptions(QChart::NoAnimation);
    c.chart->setMargins(QMargins(4, 4, 4, 4));
    c.chart->legend()->hide();
    QFont font = c.chart->titleFont();
    font.setBold(true);
    c.chart->setTitleFont(font);
    c.x = new QValueAxis;
    c.x->setTitleText(tr("epoch"));
    c.x->setLabelFormat(QStringLiteral("%.0f"));
    c.x->setTickType(QValueAxis::TicksDynamic);
    c.x->setTickAnchor(0);
    c.chart->addAxis(c.x, Qt::AlignBottom);
    c.y = y;
    c.chart->addAxis(c.y, Qt::AlignLeft);
    c.view = new QChartView(c.chart, this);
    c.view->setRenderHint(QPainter::Antialiasing);
    c.view->setMinimumSize(220, 180);
    return c;
}

QLineSeries* RunsCharts::addSeries(const Chart& c, const OverlayRun& run, Quantity quantity,
                                   const QString& what, Qt::PenStyle style) {
    auto* series = new QLineSeries;
    series->setName(run.name);
    QPen pen(run.color);
    pen.setWidthF((style == Qt::SolidLine ? 2.5 : 1.5) * scale_);
    pen.setStyle(style);
    series->setPen(pen);
    series->setPointsVisible(style == Qt::SolidLine && quantity != Quantity::LearningRate);
    series->setMarkerSize(kMarkerSize * scale_);
    for (const auto& m : run.history) {
        double y = 0;
        const bool validation = style == Qt::SolidLine;
        switch (quantity) {
            case Quantity::Loss:
                y = validation ? m.val_loss : m.train_loss;
                break;
            case Quantity::Accuracy:
                y = validation ? m.val_acc : m.train_acc;
                break;
            case Quantity::LearningRate:
                y = m.lr;
                break;
        }
        // A log axis cannot place 0, and a NaN from a diverged run would break the line.
        if (!std::isfinite(y) || (quantity == Quantity::LearningRate && y <= 0)) continue;
        series->append(m.epoch, y);
    }
    c.chart->addSeries(series);
    series->attachAxis(c.x);
    series->attachAxis(c.y);
    const int decimals = quantity == Quantity::Accuracy ? 2 : 4;
    connect(series, &QLineSeries::hovered, this,
            [this, series, quantity, what, decimals](const QPointF& at, bool state) {
                if (!state || series->count() == 0) {
                    QToolTip::hideText();
                    return;
                }
                const QPointF nearest = nearestPoint(series->points(), at.x());
                const QString value = quantity == Quantity::LearningRate
                                          ? QString::number(nearest.y(), 'e', 2)
                                          : QString::number(nearest.y(), 'f', decimals);
                const QString text =
                    tr("%1, %2, epoch %3: %4%5")
                        .arg(series->name(), what)
                        .arg(nearest.x())
                        .arg(value,
                             quantity == Quantity::Accuracy ? QStringLiteral(" %") : QString());
                QToolTip::showText(QCursor::pos(), text);
                Q_EMIT pointHovered(text);
            });
    return series;
}

void RunsCharts::setPresentationScale(double scale) {
    if (!(scale > 0) || scale == scale_) return;
    // Relative to the current scale, so going back to 1 gives the desktop sizes exactly.
    for (const Chart* c : {&loss_, &acc_, &lr_}) scaleChart(c->chart, scale / scale_);
    scale_ = scale;
}

void RunsCharts::clear(const Chart& c) {
    const auto all = c.chart->series();
    for (QAbstractSeries* s : all) {
        c.chart->removeSeries(s);
        delete s;
    }
}

void RunsCharts::showRuns(const std::vector<OverlayRun>& runs) {
    for (const Chart* c : {&loss_, &acc_, &lr_}) clear(*c);
    QStringList entries;
    legend_names_.clear();
    for (const OverlayRun& run : runs) {
        addSeries(loss_, run, Quantity::Loss, tr("validation loss"), Qt::SolidLine);
        addSeries(loss_, run, Quantity::Loss, tr("train loss"), Qt::DashLine);
        addSeries(acc_, run, Quantity::Accuracy, tr("validation accuracy"), Qt::SolidLine);
        addSeries(acc_, run, Quantity::Accuracy, tr("train accuracy"), Qt::DashLine);
        addSeries(lr_, run, Quantity::LearningRate, tr("learning rate"), Qt::SolidLine);
        legend_names_ << run.name;
        entries << QStringLiteral(
                       "<span style='color:%1'>&#9632;</span>&nbsp;<b>%2</b> "
                       "<span style='color:#666'>%3</span>")
                       .arg(run.color.name(), run.name.toHtmlEscaped(), run.recipe.toHtmlEscaped());
    }
    legend_->setText(runs.empty()
                         ? tr("Tick runs in the list above to lay their curves over each other.")
                         : entries.join(QStringLiteral("&nbsp;&nbsp;&nbsp; ")) +
                               tr("&nbsp;&nbsp;&nbsp; <i>validation solid, train dashed</i>"));
    fitAxes(runs);
}

void RunsCharts::fitAxes(const std::vector<OverlayRun>& runs) {
    int epochs = 1;
    bool past_first = false;
    for (const auto& run : runs) {
        for (const auto& m : run.history) {
            epochs = std::max(epochs, m.epoch);
            past_first = past_first || m.epoch > 1;
        }
    }
    // As on the Training page: the first epoch's training values start near chance level and
    // would squash the differences a comparison is about, so with later epochs they may run off
    // the chart (hovering still tells them).
    ValueRange loss, acc, lr;
    for (const auto& run : runs) {
        for (const auto& m : run.history) {
            const bool settled = !past_first || m.epoch > 1;
            loss.add(m.val_loss);
            acc.add(m.val_acc);
            if (settled) {
                loss.add(m.train_loss);
                acc.add(m.train_acc);
            }
            if (m.lr > 0) lr.add(m.lr);
        }
    }
    for (const Chart* c : {&loss_, &acc_, &lr_}) {
        c->x->setRange(0, epochs + 0.15);  // room for the last point's marker
        c->x->setTickInterval(epochStep(epochs));
    }
    // Empty charts keep the scales a first epoch starts on.
    auto* loss_y = static_cast<QValueAxis*>(loss_.y);
    if (loss.valid) {
        fitValueAxis(loss_y, loss, 0.01);
    } else {
        loss_y->setRange(0, 2.5);
    }
    auto* acc_y = static_cast<QValueAxis*>(acc_.y);
    if (acc.valid) {
        fitValueAxis(acc_y, acc, 0.2, 100.0);
    } else {
        acc_y->setRange(0, 100);
    }
    auto* lr_y = static_cast<QLogValueAxis*>(lr_.y);
    if (lr.valid) {
        fitLogAxis(lr_y, lr);
    } else {
        lr_y->setRange(1e-4, 1e-1);
    }
}

QValueAxis* RunsCharts::accuracyAxis() const {
    return static_cast<QValueAxis*>(acc_.y);
}

QImage RunsCharts::renderImage() {
    return grab().toImage();
}

bool RunsCharts::savePng(const QString& path, QString* error) {
    if (renderImage().save(path, "PNG")) return true;
    if (error) *error = tr("Could not write the image %1.").arg(path);
    return false;
}

}  // namespace mnist::ui
