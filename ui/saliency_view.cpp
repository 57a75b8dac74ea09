#include "ui/saliency_view.h"

#include <QLinearGradient>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace mnist::ui {
namespace {

// Dark red through orange to yellow, opaque where the saliency is high.
QRgb heat(float s) {
    const float t = std::clamp(s, 0.0f, 1.0f);
    const int r = 255;
    const int g = static_cast<int>(std::lround(255.0f * std::clamp(t * 1.6f - 0.6f, 0.0f, 1.0f)));
    const int b = 0;
    return qRgba(r, g, b, static_cast<int>(std::lround(235.0f * std::sqrt(t))));
}

QImage inputImage(const mnist::DigitPixels& pixels, float brightness) {
    QImage image(mnist::kImageSide, mnist::kImageSide, QImage::Format_ARGB32);
    for (int i = 0; i < mnist::kImagePixels; ++i) {
        const int g = static_cast<int>(
            std::lround(std::clamp(pixels[static_cast<std::size_t>(i)], 0.0f, 1.0f) * brightness));
        image.setPixel(i % mnist::kImageSide, i / mnist::kImageSide, qRgb(g, g, g));
    }
    return image;
}

}  // namespace

SaliencyView::SaliencyView(QWidget* parent) : PaintedView(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void SaliencyView::setSaliency(const mnist::DigitPixels& input, const mnist::SaliencyMap& saliency,
                               const QString& method) {
    input_ = input;
    saliency_ = saliency;
    method_ = method;
    has_data_ = true;
    update();
}

void SaliencyView::clear() {
    has_data_ = false;
    saliency_ = {};
    update();
}

void SaliencyView::setPlaceholder(const QString& text) {
    placeholder_ = text;
    update();
}

void SaliencyView::paintView(QPainter& painter, const QRect& area) const {
    if (!has_data_) {
        painter.setPen(palette().mid().color());
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
        return;
    }
    const QFontMetrics fm(font());
    painter.setPen(palette().windowText().color());
    const QString caption = saliency_.digit < 0
                                ? tr("%1: nothing to explain").arg(method_)
                                : tr("%1 saliency of the prediction %2 (%3 %)")
                                      .arg(method_)
                                      .arg(saliency_.digit)
                                      .arg(saliency_.probability * 100.0, 0, 'f', 1);
    painter.drawText(QRect(area.left(), area.top(), area.width(), fm.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, caption);

    const int scale_w = fm.horizontalAdvance(QStringLiteral("high")) + 20;
    const int gap = 12;
    const int side = std::max(
        28, std::min((area.width() - gap * 2 - scale_w) / 2, area.height() - fm.height() * 2 - 12));
    const QRect left(area.left(), area.top() + fm.height() + 6, side, side);
    const QRect right(left.right() + 1 + gap, left.top(), side, side);

    QImage overlay(mnist::kImageSide, mnist::kImageSide, QImage::Format_ARGB32);
    for (int i = 0; i < mnist::kImagePixels; ++i)
        overlay.setPixel(i % mnist::kImageSide, i / mnist::kImageSide,
                         heat(saliency_.map[static_cast<std::size_t>(i)]));
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter.drawImage(left, inputImage(input_, 255.0f));
    // The ink dimmed under the heat, so both stay readable.
    painter.drawImage(right, inputImage(input_, 110.0f));
    painter.drawImage(right, overlay);
    painter.setPen(palette().mid().color());
    painter.drawRect(left.adjusted(-1, -1, 0, 0));
    painter.drawRect(right.adjusted(-1, -1, 0, 0));
    painter.setPen(palette().windowText().color());
    painter.drawText(QRect(left.left(), left.bottom() + 2, side, fm.height()), Qt::AlignCenter,
                     tr("input (28×28)"));
    painter.drawText(QRect(right.left(), right.bottom() + 2, side, fm.height()), Qt::AlignCenter,
                     tr("what mattered"));

    // The scale: transparent (no influence) to yellow (the most).
    const QRect bar(right.right() + gap, right.top() + fm.height(), 14, side - 2 * fm.height());
    QLinearGradient gradient(bar.bottomLeft(), bar.topLeft());
    for (int i = 0; i <= 10; ++i) gradient.setColorAt(i / 10.0, QColor::fromRgba(heat(i / 10.0f)));
    painter.fillRect(bar, Qt::black);
    painter.fillRect(bar, gradient);
    painter.drawText(QRect(bar.left() - 10, bar.top() - fm.height(), scale_w, fm.height()),
                     Qt::AlignLeft, tr("high"));
    painter.drawText(QRect(bar.left() - 10, bar.bottom() + 1, scale_w, fm.height()), Qt::AlignLeft,
                     tr("none"));
}

}  // namespace mnist::ui
