#include "ui/confusion_matrix_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

#include "ui/number_format.h"

namespace mnist::ui {
namespace {

constexpr int kDigits = 10;
constexpr qreal kAccuracyColumn = 1.7;  // in cells: room for "99.9 %"
constexpr qreal kPrecisionRow = 1.0;

// White through a colour: share 0 is white, 1 the full colour.
QColor shade(const QColor& full, double share) {
    const double s = std::clamp(share, 0.0, 1.0);
    auto mix = [s](int c) { return static_cast<int>(std::lround(255 - (255 - c) * s)); };
    return QColor(mix(full.red()), mix(full.green()), mix(full.blue()));
}

QString percent(double p) {
    return QString::number(p, 'f', 1) + QStringLiteral(" %");
}

}  // namespace

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : PaintedView(parent) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(
        tr("Rows: the true digit. Columns: what the model said. Click a cell to list its "
           "images."));
}

void ConfusionMatrixView::setMatrix(const Matrix& confusion) {
    matrix_ = confusion;
    has_data_ = true;
    update();
}

void ConfusionMatrixView::clear() {
    matrix_ = {};
    has_data_ = false;
    selected_label_ = selected_predicted_ = -1;
    update();
}

void ConfusionMatrixView::setSelectedCell(int label, int predicted) {
    selected_label_ = label;
    selected_predicted_ = predicted;
    update();
}

ConfusionMatrixView::Geometry ConfusionMatrixView::geometry(const QRect& area) const {
    const QFontMetricsF fm(font());
    const qreal left = fm.height() * 2.6;
    const qreal top = fm.height() * 2.6;
    const qreal cell = std::max(
        4.0, std::min((area.width() - left - 4) / (kDigits + kAccuracyColumn),
                      (area.height() - top - 4 - fm.height()) / (kDigits + kPrecisionRow)));
    return {QRectF(area.left() + left, area.top() + top, cell * kDigits, cell * kDigits), cell};
}

QRect ConfusionMatrixView::cellRect(int label, int predicted) const {
    const Geometry g = geometry(rect());
    return QRectF(g.grid.left() + predicted * g.cell, g.grid.top() + label * g.cell, g.cell, g.cell)
        .toRect();
}

std::pair<int, int> ConfusionMatrixView::cellAt(const QPoint& pos) const {
    const Geometry g = geometry(rect());
    if (!has_data_ || !g.grid.contains(pos)) return {-1, -1};
    const int col = std::clamp(static_cast<int>((pos.x() - g.grid.left()) / g.cell), 0, 9);
    const int row = std::clamp(static_cast<int>((pos.y() - g.grid.top()) / g.cell), 0, 9);
    return {row, col};
}

void ConfusionMatrixView::paintView(QPainter& painter, const QRect& area) const {
    painter.setRenderHint(QPainter::Antialiasing);
    const Geometry g = geometry(area);
    const QColor text = palette().windowText().color();
    if (!has_data_) {
        painter.setPen(palette().mid().color());
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
                         tr("The confusion matrix appears when the test set is scored."));
        return;
    }

    std::array<std::int64_t, kDigits> row_total{}, col_total{};
    std::int64_t most_off = 1, correct = 0, total = 0;
    for (int t = 0; t < kDigits; ++t) {
        for (int p = 0; p < kDigits; ++p) {
            row_total[t] += matrix_[t][p];
            col_total[p] += matrix_[t][p];
            total += matrix_[t][p];
            if (t == p)
                correct += matrix_[t][p];
            else
                most_off = std::max(most_off, matrix_[t][p]);
        }
    }

    QFont small = font();
    small.setPointSizeF(std::clamp(g.cell * 0.28, 5.0, font().pointSizeF()));
    QFont bold = font();
    bold.setBold(true);

    // Axis titles and digit labels.
    painter.setPen(text);
    painter.setFont(bold);
    const QFontMetricsF fm(font());
    painter.drawText(QRectF(g.grid.left(), area.top(), g.grid.width(), fm.height() * 1.2),
                     Qt::AlignCenter, tr("predicted"));
    painter.save();
    painter.translate(area.left() + fm.height() * 0.1, g.grid.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-g.grid.height() / 2, 0, g.grid.height(), fm.height() * 1.2),
                     Qt::AlignCenter, tr("true digit"));
    painter.restore();
    painter.setFont(font());
    for (int d = 0; d < kDigits; ++d) {
        painter.drawText(QRectF(g.grid.left() + d * g.cell, g.grid.top() - fm.height() * 1.3,
                                g.cell, fm.height() * 1.2),
                         Qt::AlignCenter, QString::number(d));
        painter.drawText(QRectF(g.grid.left() - fm.height() * 1.3, g.grid.top() + d * g.cell,
                                fm.height() * 1.2, g.cell),
                         Qt::AlignCenter, QString::number(d));
    }

    // The cells: blue for right, orange for wrong; a square root lifts the rare mistakes.
    painter.setFont(small);
    for (int t = 0; t < kDigits; ++t) {
        for (int p = 0; p < kDigits; ++p) {
            const std::int64_t n = matrix_[t][p];
            const QRectF r(g.grid.left() + p * g.cell, g.grid.top() + t * g.cell, g.cell, g.cell);
            const double share = t == p ? (row_total[t] ? double(n) / row_total[t] : 0.0)
                                        : std::sqrt(double(n) / most_off) * 0.85;
            const QColor fill = shade(t == p ? QColor(31, 97, 170) : QColor(224, 108, 20), share);
            painter.fillRect(r, fill);
            if (n == 0) continue;
            painter.setPen(qGray(fill.rgb()) < 140 ? Qt::white : Qt::black);
            painter.drawText(r, Qt::AlignCenter, groupThousands(n));
        }
    }
    painter.setPen(QPen(palette().mid().color(), 1));
    painter.setBrush(Qt::NoBrush);
    for (int i = 0; i <= kDigits; ++i) {
        painter.drawLine(QPointF(g.grid.left() + i * g.cell, g.grid.top()),
                         QPointF(g.grid.left() + i * g.cell, g.grid.bottom()));
        painter.drawLine(QPointF(g.grid.left(), g.grid.top() + i * g.cell),
                         QPointF(g.grid.right(), g.grid.top() + i * g.cell));
    }

    // Per-digit accuracy (right) and how often each prediction is right (bottom).
    const qreal acc_x = g.grid.right() + g.cell * 0.15;
    const qreal acc_w = g.cell * (kAccuracyColumn - 0.15);
    painter.setPen(text);
    painter.drawText(QRectF(acc_x, g.grid.top() - fm.height() * 1.3, acc_w, fm.height() * 1.2),
                     Qt::AlignCenter, tr("acc."));
    for (int d = 0; d < kDigits; ++d) {
        const QRectF row_r(acc_x, g.grid.top() + d * g.cell, acc_w, g.cell);
        const QRectF col_r(g.grid.left() + d * g.cell, g.grid.bottom() + g.cell * 0.1, g.cell,
                           g.cell * (kPrecisionRow - 0.1));
        if (row_total[d]) {
            painter.drawText(row_r, Qt::AlignCenter, percent(100.0 * matrix_[d][d] / row_total[d]));
        }
        if (col_total[d]) {
            painter.save();
            painter.translate(col_r.center());
            painter.rotate(-45);  // "99.9 %" is wider than a cell
            painter.drawText(
                QRectF(-col_r.width(), -col_r.height() / 2, col_r.width() * 2, col_r.height()),
                Qt::AlignCenter, percent(100.0 * matrix_[d][d] / col_total[d]));
            painter.restore();
        }
    }
    if (total) {
        painter.setFont(bold);
        painter.drawText(QRectF(acc_x, g.grid.bottom() + g.cell * 0.1, acc_w, g.cell),
                         Qt::AlignCenter, percent(100.0 * correct / total));
    }

    if (selected_label_ >= 0 && selected_predicted_ >= 0) {
        painter.setPen(QPen(text, 2.5));
        painter.drawRect(QRectF(g.grid.left() + selected_predicted_ * g.cell,
                                g.grid.top() + selected_label_ * g.cell, g.cell, g.cell));
    }
}

void ConfusionMatrixView::mousePressEvent(QMouseEvent* event) {
    const auto [label, predicted] = cellAt(event->position().toPoint());
    if (event->button() != Qt::LeftButton || label < 0) return;
    setSelectedCell(label, predicted);
    Q_EMIT cellClicked(label, predicted);
}

void ConfusionMatrixView::mouseMoveEvent(QMouseEvent* event) {
    const auto [label, predicted] = cellAt(event->position().toPoint());
    if (label < 0) {
        QToolTip::hideText();
        return;
    }
    const std::int64_t n = matrix_[label][predicted];
    QToolTip::showText(
        event->globalPosition().toPoint(),
        label == predicted
            ? tr("%1 × %2 read correctly — click to see them").arg(groupThousands(n)).arg(label)
            : tr("%1 × a true %2 read as %3 — click to see them")
                  .arg(groupThousands(n))
                  .arg(label)
                  .arg(predicted),
        this);
}

}  // namespace mnist::ui
