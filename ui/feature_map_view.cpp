#include "ui/feature_map_view.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace mnist::ui {
namespace {

constexpr int kMaxBars = 64;  // longer vectors become a strip of coloured cells

// Non-negative values (after a ReLU) black to white, like MNIST's ink; signed ones blue through
// white to red, so zero stays recognisable.
QRgb valueColour(float v, float lo, float hi) {
    if (lo >= 0.0f) {
        const float t = hi > lo ? (v - lo) / (hi - lo) : 0.0f;
        const int g = static_cast<int>(std::lround(std::clamp(t, 0.0f, 1.0f) * 255.0f));
        return qRgb(g, g, g);
    }
    const float m = std::max(std::abs(lo), std::abs(hi));
    const float t = m > 0.0f ? std::clamp(v / m, -1.0f, 1.0f) : 0.0f;
    const int fade = static_cast<int>(std::lround(255.0f * (1.0f - std::abs(t))));
    return t >= 0.0f ? qRgb(255, fade, fade) : qRgb(fade, fade, 255);
}

std::pair<float, float> range(const std::vector<float>& values) {
    if (values.empty()) return {0.0f, 0.0f};
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    return {*lo, *hi};
}

// Image-shaped with more than one pixel per channel.
bool isMapStage(const StageActivation& s) {
    return s.output_shape.size() == 3 && s.output_shape[1] * s.output_shape[2] > 1;
}

}  // namespace

QString stageShapeText(const std::vector<std::int64_t>& shape) {
    QStringList parts;
    for (std::int64_t d : shape) parts << QString::number(d);
    return parts.join(QStringLiteral("×"));
}

FeatureMapView::FeatureMapView(QWidget* parent) : PaintedView(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void FeatureMapView::setStages(std::vector<mnist::StageActivation> stages) {
    const bool same_count = stages.size() == stages_.size();
    stages_ = std::move(stages);
    const int k = same_count ? current_ : 0;
    current_ = -1;
    setCurrentStage(stages_.empty() ? 0 : k);
    update();
}

void FeatureMapView::clear() {
    stages_.clear();
    current_ = 0;
    update();
}

void FeatureMapView::setPlaceholder(const QString& text) {
    placeholder_ = text;
    update();
}

const mnist::StageActivation* FeatureMapView::stage(int k) const {
    return k >= 0 && k < stageCount() ? &stages_[static_cast<std::size_t>(k)] : nullptr;
}

void FeatureMapView::setCurrentStage(int k) {
    k = std::clamp(k, 0, std::max(0, stageCount() - 1));
    if (k == current_) return;
    current_ = k;
    update();
    Q_EMIT currentStageChanged(k);
}

void FeatureMapView::paintView(QPainter& painter, const QRect& area) const {
    const StageActivation* s = stage(current_);
    if (!s) {
        painter.setPen(palette().mid().color());
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
        return;
    }
    const QFontMetrics fm(font());
    const auto [lo, hi] = range(s->values);
    painter.setPen(palette().windowText().color());
    painter.drawText(QRect(area.left(), area.top(), area.width(), fm.height()),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("Stage %1 of %2: %3 (%4), output %5 · values %6 … %7")
                         .arg(current_ + 1)
                         .arg(stageCount())
                         .arg(QString::fromStdString(s->name), QString::fromStdString(s->type),
                              stageShapeText(s->output_shape))
                         .arg(lo, 0, 'g', 3)
                         .arg(hi, 0, 'g', 3));
    const QRect body = area.adjusted(0, fm.height() + 6, 0, 0);
    if (isMapStage(*s)) {
        paintMaps(painter, body, *s);
    } else {
        paintVector(painter, body, *s);
    }
}

void FeatureMapView::paintMaps(QPainter& painter, const QRect& area,
                               const StageActivation& s) const {
    const int channels = static_cast<int>(s.output_shape[0]);
    const int h = static_cast<int>(s.output_shape[1]);
    const int w = static_cast<int>(s.output_shape[2]);
    if (channels <= 0 ||
        static_cast<std::int64_t>(s.values.size()) < static_cast<std::int64_t>(channels) * h * w)
        return;
    const auto [lo, hi] = range(s.values);

    // The column count that makes the maps largest in this area.
    int cols = 1, side = 0;
    const int gap = 4;
    for (int c = 1; c <= channels; ++c) {
        const int rows = (channels + c - 1) / c;
        const int fit =
            std::min((area.width() - gap * (c - 1)) / c, (area.height() - gap * (rows - 1)) / rows);
        if (fit > side) {
            side = fit;
            cols = c;
        }
    }
    side = std::max(side, 4);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const QFontMetrics fm(font());
    for (int c = 0; c < channels; ++c) {
        QImage map(w, h, QImage::Format_RGB32);
        const float* v = s.values.data() + static_cast<std::size_t>(c) * h * w;
        for (int y = 0; y < h; ++y) {
            auto* row = reinterpret_cast<QRgb*>(map.scanLine(y));
            for (int x = 0; x < w; ++x) row[x] = valueColour(v[y * w + x], lo, hi);
        }
        const QRect r(area.left() + (c % cols) * (side + gap),
                      area.top() + (c / cols) * (side + gap), side, side);
        painter.drawImage(r, map);
        painter.setPen(palette().mid().color());
        painter.drawRect(r.adjusted(0, 0, -1, -1));
        if (side >= fm.height() * 3) {
            painter.setPen(Qt::yellow);
            painter.drawText(r.adjusted(3, 1, 0, 0), Qt::AlignLeft | Qt::AlignTop,
                             QString::number(c));
        }
    }
}

void FeatureMapView::paintVector(QPainter& painter, const QRect& area,
                                 const StageActivation& s) const {
    const int n = static_cast<int>(s.values.size());
    if (n == 0) return;
    const auto [lo, hi] = range(s.values);
    const QFontMetrics fm(font());
    const bool digits = n == kNumClasses;  // the output layer: one bar per digit
    if (n > kMaxBars) {
        // A strip of cells, wrapped to fill the area, each value's colour on the stage's scale.
        int cols = n, side = 0;
        for (int c = 1; c <= n; ++c) {
            const int rows = (n + c - 1) / c;
            const int fit = std::min(area.width() / c, area.height() / rows);
            if (fit > side) {
                side = fit;
                cols = c;
            }
        }
        side = std::max(side, 2);
        for (int i = 0; i < n; ++i) {
            painter.fillRect(
                QRect(area.left() + (i % cols) * side, area.top() + (i / cols) * side, side, side),
                QColor(valueColour(s.values[static_cast<std::size_t>(i)], lo, hi)));
        }
        return;
    }
    const float top = std::max(hi, 0.0f), bottom = std::min(lo, 0.0f);
    const float span = top - bottom > 0.0f ? top - bottom : 1.0f;
    const QRect plot = area.adjusted(0, 0, 0, -fm.height() - 4);
    const qreal slot = qreal(plot.width()) / n;
    const qreal zero_y = plot.top() + plot.height() * (top / span);
    const int winner =
        static_cast<int>(std::max_element(s.values.begin(), s.values.end()) - s.values.begin());
    painter.setPen(Qt::NoPen);
    for (int i = 0; i < n; ++i) {
        const float v = s.values[static_cast<std::size_t>(i)];
        const qreal y = plot.top() + plot.height() * ((top - v) / span);
        const QRectF bar(plot.left() + i * slot + slot * 0.12, std::min(y, zero_y), slot * 0.76,
                         std::abs(y - zero_y));
        painter.setBrush(digits && i == winner
                             ? QColor(230, 112, 26)
                             : (v >= 0 ? QColor(122, 166, 214) : QColor(160, 160, 160)));
        painter.drawRect(bar);
    }
    painter.setPen(palette().mid().color());
    painter.drawLine(QPointF(plot.left(), zero_y), QPointF(plot.right(), zero_y));
    painter.setPen(palette().windowText().color());
    if (digits || slot >= fm.horizontalAdvance(QStringLiteral("88"))) {
        for (int i = 0; i < n; ++i) {
            painter.drawText(QRectF(plot.left() + i * slot, plot.bottom() + 2, slot, fm.height()),
                             Qt::AlignCenter, QString::number(i));
        }
    }
}

}  // namespace mnist::ui
