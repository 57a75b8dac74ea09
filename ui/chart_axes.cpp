#include "ui/chart_axes.h"

#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace mnist::ui {

void ValueRange::add(double v) {
    if (!std::isfinite(v)) return;
    lo = valid ? std::min(lo, v) : v;
    hi = valid ? std::max(hi, v) : v;
    valid = true;
}

void fitValueAxis(QValueAxis* axis, const ValueRange& range, double min_pad, double ceiling) {
    if (!range.valid) return;
    const double pad = std::max(0.05 * (range.hi - range.lo), min_pad);
    axis->setRange(std::max(0.0, range.lo - pad), std::min(ceiling, range.hi + pad));
    axis->applyNiceNumbers();  // ticks at 0.05, 0.1, ... rather than 0.0637
}

void fitLogAxis(QLogValueAxis* axis, const ValueRange& range) {
    if (!range.valid || !(range.lo > 0)) return;
    // A round rate (1e-3) exactly on a decade edge ran along the frame and lost its label.
    const double lo = std::pow(10.0, std::floor(std::log10(range.lo) - 0.1));
    const double hi = std::pow(10.0, std::ceil(std::log10(range.hi) + 0.1));
    // A hair outside the decades: Qt's first tick is at ceil(ln(min) / ln(10)), -3 for 1e-4
    // (-3.9999999999999996), so the bottom decade was never labelled.
    axis->setRange(lo * (1 - 1e-9), hi * (1 + 1e-9));
}

QPointF nearestPoint(const QList<QPointF>& points, double x) {
    return *std::min_element(points.begin(), points.end(), [x](const QPointF& a, const QPointF& b) {
        return std::abs(a.x() - x) < std::abs(b.x() - x);
    });
}

void scaleChart(QChart* chart, double factor) {
    auto grow = [factor](QFont font) {
        font.setPointSizeF(font.pointSizeF() * factor);
        return font;
    };
    chart->setTitleFont(grow(chart->titleFont()));
    chart->legend()->setFont(grow(chart->legend()->font()));
    for (QAbstractAxis* axis : chart->axes()) {
        axis->setLabelsFont(grow(axis->labelsFont()));
        axis->setTitleFont(grow(axis->titleFont()));
    }
    for (QAbstractSeries* s : chart->series()) {
        auto* line = qobject_cast<QLineSeries*>(s);
        if (!line) continue;
        QPen pen = line->pen();
        pen.setWidthF(pen.widthF() * factor);
        line->setPen(pen);
        line->setMarkerSize(line->markerSize() * factor);
    }
}

}  // namespace mnist::ui
