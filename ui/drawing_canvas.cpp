#include "ui/drawing_canvas.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QTabletEvent>
#include <QTouchEvent>

#include <algorithm>

namespace mnist::ui {

DrawingCanvas::DrawingCanvas(QWidget* parent)
    : QWidget(parent), image_(kImageSide, kImageSide, QImage::Format_RGB32) {
    setAttribute(Qt::WA_AcceptTouchEvents);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::CrossCursor);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    image_.fill(paper_);
}

QRectF DrawingCanvas::canvasRect() const {
    const qreal side = std::min(width(), height()) - 2;  // room for the frame
    return {(width() - side) / 2.0, (height() - side) / 2.0, side, side};
}

QPointF DrawingCanvas::toImage(const QPointF& widget_pos) const {
    const QRectF r = canvasRect();
    return (widget_pos - r.topLeft()) * (kImageSide / r.width());
}

QPointF DrawingCanvas::toWidget(const QPointF& image_pos) const {
    const QRectF r = canvasRect();
    return r.topLeft() + image_pos * (r.width() / kImageSide);
}

QRectF DrawingCanvas::pictureRect(const QSize& size) {
    const QSize fitted = size.scaled(kImageSide, kImageSide, Qt::KeepAspectRatio);
    return QRect(QPoint((kImageSide - fitted.width()) / 2, (kImageSide - fitted.height()) / 2),
                 fitted);
}

void DrawingCanvas::setOverlay(const QImage& overlay) {
    if (overlay.isNull() && overlay_.isNull()) return;
    overlay_ = overlay;
    update();
}

void DrawingCanvas::clear() {
    overlay_ = QImage();
    paper_ = Qt::black;
    ink_ = Qt::white;
    image_.fill(paper_);
    empty_ = true;
    drawing_ = false;
    update();
    Q_EMIT imageChanged();
}

void DrawingCanvas::setPicture(const QImage& picture) {
    if (picture.isNull()) return;
    // The picture's corner stands for its background; padding with it keeps the ink's polarity
    // readable for the preprocessing, which looks at the whole image.
    const QImage rgb = picture.convertToFormat(QImage::Format_RGB32);
    overlay_ = QImage();  // it belonged to the previous picture
    paper_ = QColor(rgb.pixel(0, 0));
    ink_ = qGray(paper_.rgb()) < 128 ? Qt::white : Qt::black;
    image_.fill(paper_);
    QPainter painter(&image_);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(pictureRect(rgb.size()), rgb);
    painter.end();
    empty_ = false;
    update();
    Q_EMIT imageChanged();
}

void DrawingCanvas::beginStroke(const QPointF& widget_pos) {
    drawing_ = true;
    last_ = toImage(widget_pos);
    drawSegment(last_, last_);  // a click leaves a dot
}

void DrawingCanvas::continueStroke(const QPointF& widget_pos) {
    if (!drawing_) return;
    const QPointF p = toImage(widget_pos);
    drawSegment(last_, p);
    last_ = p;
}

void DrawingCanvas::endStroke() {
    drawing_ = false;
}

void DrawingCanvas::drawSegment(const QPointF& from, const QPointF& to) {
    QPainter painter(&image_);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(ink_, kPenWidth, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.drawLine(from, to);
    painter.end();
    // The first ink on an empty canvas must also wipe the hint, which spans more than the segment.
    if (empty_) update();
    empty_ = false;

    // Repaint only the segment's box, grown by the pen, mapped to the widget.
    const qreal r = kPenWidth / 2.0 + 2;
    const QRectF dirty = QRectF(from, to).normalized().adjusted(-r, -r, r, r);
    update(QRectF(toWidget(dirty.topLeft()), toWidget(dirty.bottomRight()))
               .toAlignedRect()
               .adjusted(-1, -1, 1, 1));
    Q_EMIT imageChanged();
}

void DrawingCanvas::paintEvent(QPaintEvent* event) {
    QPainter painter(this);
    painter.setClipRegion(event->region());
    painter.fillRect(rect(), palette().window());
    const QRectF r = canvasRect();
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(r, image_);
    if (!overlay_.isNull()) painter.drawImage(r, overlay_);
    painter.setPen(QPen(palette().mid().color(), 1));
    painter.drawRect(r.adjusted(-0.5, -0.5, 0.5, 0.5));
    if (empty_) {
        QFont font = painter.font();
        font.setPointSizeF(font.pointSizeF() * 1.6);
        painter.setFont(font);
        painter.setPen(QColor(150, 150, 150));
        painter.drawText(r, Qt::AlignCenter | Qt::TextWordWrap, tr("Draw a digit here\n(0 – 9)"));
    }
}

void DrawingCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    beginStroke(event->position());
}

void DrawingCanvas::mouseMoveEvent(QMouseEvent* event) {
    if (event->buttons() & Qt::LeftButton) continueStroke(event->position());
}

void DrawingCanvas::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    continueStroke(event->position());
    endStroke();
}

void DrawingCanvas::tabletEvent(QTabletEvent* event) {
    switch (event->type()) {
        case QEvent::TabletPress:
            beginStroke(event->position());
            break;
        case QEvent::TabletMove:
            continueStroke(event->position());
            break;
        case QEvent::TabletRelease:
            endStroke();
            break;
        default:
            break;
    }
    event->accept();  // no synthesized mouse events on top
}

bool DrawingCanvas::event(QEvent* event) {
    switch (event->type()) {
        case QEvent::TouchBegin:
        case QEvent::TouchUpdate:
        case QEvent::TouchEnd: {
            const auto* touch = static_cast<QTouchEvent*>(event);
            if (touch->points().isEmpty()) break;
            const QPointF pos = touch->points().first().position();
            if (event->type() == QEvent::TouchBegin)
                beginStroke(pos);
            else
                continueStroke(pos);
            if (event->type() == QEvent::TouchEnd) endStroke();
            event->accept();
            return true;
        }
        case QEvent::ShortcutOverride: {
            // Esc and Delete clear the canvas when it has focus, ahead of window shortcuts.
            const int key = static_cast<QKeyEvent*>(event)->key();
            if (key == Qt::Key_Escape || key == Qt::Key_Delete || key == Qt::Key_Backspace) {
                event->accept();
                return true;
            }
            break;
        }
        default:
            break;
    }
    return QWidget::event(event);
}

void DrawingCanvas::keyPressEvent(QKeyEvent* event) {
    const int key = event->key();
    if (key == Qt::Key_Escape || key == Qt::Key_Delete || key == Qt::Key_Backspace) {
        clear();
        return;
    }
    QWidget::keyPressEvent(event);
}

}  // namespace mnist::ui
