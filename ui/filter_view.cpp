#include "ui/filter_view.h"

#include <QLinearGradient>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace mnist::ui {
namespace {

QRgb grey(float v, float lo, float hi) {
    const float t = hi > lo ? (v - lo) / (hi - lo) : 0.5f;
    const int g = static_cast<int>(std::lround(std::clamp(t, 0.0f, 1.0f) * 255.0f));
    return qRgb(g, g, g);
}

}  // namespace

FilterView::FilterView(QWidget* parent) : PaintedView(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void FilterView::setFilters(const mnist::FilterBank& filters) {
    filters_ = filters;
    update();
}

void FilterView::clear() {
    filters_ = {};
    update();
}

void FilterView::setAveraged(bool averaged) {
    averaged_ = averaged;
    update();
}

int FilterView::tileCount() const {
    if (filters_.weights.empty()) return 0;
    return averaged_ || filters_.in_channels == 1 ? filters_.out_channels
                                                  : filters_.out_channels * filters_.in_channels;
}

void FilterView::paintView(QPainter& painter, const QRect& area) const {
    const FilterBank& f = filters_;
    const QFontMetrics fm(font());
    if (f.weights.empty() || f.out_channels <= 0 || f.in_channels <= 0 || f.kernel_h <= 0 ||
        f.kernel_w <= 0) {
        painter.setPen(palette().mid().color());
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
                         tr("The kernels appear when a model is loaded."));
        return;
    }
    const bool one_per_output = averaged_ || f.in_channels == 1;
    const int kernel = f.kernel_h * f.kernel_w;

    // The tiles as images, each pixel one weight, on one shared scale.
    std::vector<QImage> tiles;
    float lo = f.min, hi = f.max;
    if (one_per_output) {
        std::vector<float> mean(static_cast<std::size_t>(f.out_channels) * kernel, 0.0f);
        for (int o = 0; o < f.out_channels; ++o)
            for (int i = 0; i < f.in_channels; ++i)
                for (int k = 0; k < kernel; ++k)
                    mean[static_cast<std::size_t>(o) * kernel + k] +=
                        f.weights[(static_cast<std::size_t>(o) * f.in_channels + i) * kernel + k] /
                        f.in_channels;
        if (f.in_channels > 1) {
            const auto [mn, mx] = std::minmax_element(mean.begin(), mean.end());
            lo = *mn;
            hi = *mx;
        }
        for (int o = 0; o < f.out_channels; ++o) {
            QImage tile(f.kernel_w, f.kernel_h, QImage::Format_RGB32);
            for (int k = 0; k < kernel; ++k)
                tile.setPixel(k % f.kernel_w, k / f.kernel_w,
                              grey(mean[static_cast<std::size_t>(o) * kernel + k], lo, hi));
            tiles.push_back(tile);
        }
    } else {
        for (int o = 0; o < f.out_channels; ++o)
            for (int i = 0; i < f.in_channels; ++i) {
                QImage tile(f.kernel_w, f.kernel_h, QImage::Format_RGB32);
                for (int k = 0; k < kernel; ++k)
                    tile.setPixel(
                        k % f.kernel_w, k / f.kernel_w,
                        grey(f.weights[(static_cast<std::size_t>(o) * f.in_channels + i) * kernel +
                                       k],
                             lo, hi));
                tiles.push_back(tile);
            }
    }

    // Caption, tiles, then the colour scale.
    painter.setPen(palette().windowText().color());
    const QString caption =
        one_per_output
            ? tr("%1: %2 kernels of %3×%4%5")
                  .arg(QString::fromStdString(f.layer))
                  .arg(f.out_channels)
                  .arg(f.kernel_h)
                  .arg(f.kernel_w)
                  .arg(f.in_channels > 1 ? tr(", averaged over %1 inputs").arg(f.in_channels)
                                         : QString())
            : tr("%1: %2 outputs (rows) × %3 inputs (columns), %4×%5 each")
                  .arg(QString::fromStdString(f.layer))
                  .arg(f.out_channels)
                  .arg(f.in_channels)
                  .arg(f.kernel_h)
                  .arg(f.kernel_w);
    painter.drawText(QRect(area.left(), area.top(), area.width(), fm.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, caption);
    const int scale_h = fm.height() * 3;
    const QRect tiles_area(area.left(), area.top() + fm.height() + 4, area.width(),
                           area.height() - fm.height() - 8 - scale_h);

    const int n = static_cast<int>(tiles.size());
    int cols = one_per_output ? 0 : f.in_channels;
    int tile = 0;
    if (one_per_output) {
        // The column count that makes the tiles largest in this area.
        for (int c = 1; c <= n; ++c) {
            const int rows = (n + c - 1) / c;
            const int side = std::min(tiles_area.width() / c, tiles_area.height() / rows);
            if (side > tile) {
                tile = side;
                cols = c;
            }
        }
    } else {
        tile = std::min(tiles_area.width() / cols, tiles_area.height() / f.out_channels);
    }
    tile = std::max(tile, 2);
    const int gap = tile >= 12 ? std::max(1, tile / 10) : 0;
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (int t = 0; t < n; ++t) {
        const QRect r(tiles_area.left() + (t % cols) * tile, tiles_area.top() + (t / cols) * tile,
                      tile - gap, tile - gap);
        painter.drawImage(r, tiles[static_cast<std::size_t>(t)]);
    }

    const QRect bar(area.left() + fm.horizontalAdvance(QStringLiteral("-0.000")) / 2,
                    area.bottom() - scale_h + 4, std::min(area.width() - fm.height() * 3, 320),
                    fm.height());
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    gradient.setColorAt(0, Qt::black);
    gradient.setColorAt(1, Qt::white);
    painter.fillRect(bar, gradient);
    painter.setPen(palette().mid().color());
    painter.drawRect(bar.adjusted(0, 0, -1, -1));
    painter.setPen(palette().windowText().color());
    const QRect labels(bar.left() - 40, bar.bottom() + 2, bar.width() + 80, fm.height());
    painter.drawText(QRect(labels.left(), labels.top(), 80, labels.height()), Qt::AlignCenter,
                     QString::number(lo, 'g', 3));
    painter.drawText(QRect(labels.right() - 80, labels.top(), 80, labels.height()), Qt::AlignCenter,
                     QString::number(hi, 'g', 3));
    if (lo < 0 && hi > 0) {
        const int zero = bar.left() + static_cast<int>(bar.width() * (-lo) / (hi - lo));
        painter.drawLine(zero, bar.top() - 2, zero, bar.bottom() + 2);
        painter.drawText(QRect(zero - 20, labels.top(), 40, labels.height()), Qt::AlignCenter,
                         QStringLiteral("0"));
    }
}

}  // namespace mnist::ui
