#include "ui/painted_view.h"

#include <QPaintEvent>
#include <QPainter>

namespace mnist::ui {

QImage PaintedView::renderImage() const {
    const QSize size = width() > 1 && height() > 1 ? this->size() : sizeHint();
    QImage image(size, QImage::Format_RGB32);
    image.fill(palette().window().color());
    QPainter painter(&image);
    painter.setFont(font());
    paintView(painter, QRect(QPoint(0, 0), size));
    return image;
}

bool PaintedView::savePng(const QString& path, QString* error) const {
    if (renderImage().save(path, "PNG")) return true;
    if (error) *error = tr("Could not write the image %1.").arg(path);
    return false;
}

void PaintedView::paintEvent(QPaintEvent* event) {
    QPainter painter(this);
    painter.setClipRegion(event->region());
    painter.fillRect(rect(), palette().window());
    paintView(painter, rect());
}

}  // namespace mnist::ui
