#include "ui/digit_preview.h"

#include <QPainter>

#include <algorithm>

namespace mnist::ui {

DigitPreview::DigitPreview(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    setToolTip(
        tr("The 28×28 image the model actually sees: your drawing cropped, scaled to 20 px "
           "and centred by its centre of mass, the way MNIST's digits were prepared."));
}

void DigitPreview::setImage(const QImage& image) {
    image_ = image;
    update();
}

void DigitPreview::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const int side = std::min(width(), height()) - 2;
    const QRect target((width() - side) / 2, (height() - side) / 2, side, side);
    painter.fillRect(target, Qt::black);
    if (!image_.isNull()) {
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);  // crisp pixels
        painter.drawImage(target, image_);
    }
    painter.setPen(palette().mid().color());
    painter.drawRect(target.adjusted(-1, -1, 0, 0));
}

}  // namespace mnist::ui
