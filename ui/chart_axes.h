#pragma once
// What the live training charts and the runs overlay share about their axes: the range the data
// spans, a padded y axis with nice ticks fitted to it, the data point nearest a hovered spot, and
// presentation mode's larger text and lines.
#include <QList>
#include <QPointF>

#include <limits>

class QChart;
class QLogValueAxis;
class QValueAxis;

namespace mnist::ui {

// The lowest and highest finite value seen (NaN and infinities from a diverged run are skipped).
struct ValueRange {
    double lo = 0, hi = 0;
    bool valid = false;
    void add(double v);
};

// Fits `axis` to `range` with 5 % (at least `min_pad`) to spare, never below 0 nor above
// `ceiling`, on nice tick values; leaves it alone when the range is empty.
void fitValueAxis(QValueAxis* axis, const ValueRange& range, double min_pad,
                  double ceiling = std::numeric_limits<double>::infinity());

// Fits a log `axis` to `range` (positive values) in whole decades with the data off the edges,
// so there are always labelled ticks to read it against; leaves it alone when the range is empty.
void fitLogAxis(QLogValueAxis* axis, const ValueRange& range);

// The point of `points` (not empty) nearest `x`: a hover lands anywhere on a line.
QPointF nearestPoint(const QList<QPointF>& points, double x);

// Multiplies `chart`'s title, legend and axis text sizes and its lines' widths and point markers
// by `factor` (presentation mode and back).
void scaleChart(QChart* chart, double factor);

}  // namespace mnist::ui
