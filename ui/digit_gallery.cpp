#include "ui/digit_gallery.h"

#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>

#include <algorithm>

namespace mnist::ui {
namespace {

constexpr int kThumb = 56;  // 28 px doubled: every pixel a visible square
constexpr int kGap = 6;

}  // namespace

DigitGallery::DigitGallery(QWidget* parent) : PaintedView(parent) {
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    setCursor(Qt::PointingHandCursor);
}

void DigitGallery::setItems(std::vector<GalleryItem> items) {
    items_ = std::move(items);
    sortItems();
    setMinimumHeight(heightForWidth(width()));
    updateGeometry();
    update();
}

void DigitGallery::setOrder(Order order) {
    order_ = order;
    sortItems();
    update();
}

void DigitGallery::setEmptyText(const QString& text) {
    empty_text_ = text;
    update();
}

void DigitGallery::sortItems() {
    if (order_ == Order::MostConfidentFirst) {
        std::stable_sort(
            items_.begin(), items_.end(),
            [](const GalleryItem& a, const GalleryItem& b) { return a.confidence > b.confidence; });
    } else {
        std::stable_sort(
            items_.begin(), items_.end(),
            [](const GalleryItem& a, const GalleryItem& b) { return a.index < b.index; });
    }
}

QSize DigitGallery::cellSize() const {
    return {kThumb + 2 * kGap + 10, kThumb + fontMetrics().height() + 2 * kGap};
}

int DigitGallery::columns(int width) const {
    return std::max(1, width / cellSize().width());
}

int DigitGallery::heightForWidth(int width) const {
    if (items_.empty()) return fontMetrics().height() * 3;
    const int rows = (count() + columns(width) - 1) / columns(width);
    return rows * cellSize().height();
}

QSize DigitGallery::sizeHint() const {
    const int width = cellSize().width() * 6;
    return {width, heightForWidth(width)};
}

QRect DigitGallery::itemRect(int position) const {
    const QSize cell = cellSize();
    const int cols = columns(width() > 1 ? width() : sizeHint().width());
    return {(position % cols) * cell.width(), (position / cols) * cell.height(), cell.width(),
            cell.height()};
}

int DigitGallery::itemAt(const QPoint& pos) const {
    for (int i = 0; i < count(); ++i) {
        if (itemRect(i).contains(pos)) return i;
    }
    return -1;
}

void DigitGallery::paintView(QPainter& painter, const QRect& area) const {
    if (items_.empty()) {
        painter.setPen(palette().mid().color());
        painter.drawText(area.adjusted(4, 4, -4, -4),
                         Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, empty_text_);
        return;
    }
    // Only the rows in view: a poor checkpoint can have thousands of mistakes.
    const QRect visible = painter.hasClipping() ? painter.clipBoundingRect().toAlignedRect() : area;
    const QColor wrong(200, 70, 20);
    const QColor right(31, 97, 170);
    for (int i = 0; i < count(); ++i) {
        const QRect cell = itemRect(i);
        if (!cell.intersects(visible)) {
            if (cell.top() > visible.bottom()) break;
            continue;
        }
        const GalleryItem& item = items_[static_cast<std::size_t>(i)];
        const QRect thumb(cell.left() + (cell.width() - kThumb) / 2, cell.top() + kGap, kThumb,
                          kThumb);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter.drawImage(thumb, item.image);
        const bool correct = item.label == item.predicted;
        painter.setPen(QPen(correct ? right : wrong, 1));
        painter.drawRect(thumb.adjusted(-1, -1, 0, 0));
        const QRect caption(cell.left(), thumb.bottom() + 2, cell.width(), fontMetrics().height());
        painter.setPen(palette().windowText().color());
        painter.drawText(caption, Qt::AlignCenter,
                         QStringLiteral("%1→%2 %3%")
                             .arg(item.label)
                             .arg(item.predicted)
                             .arg(item.confidence * 100.0, 0, 'f', 0));
    }
}

void DigitGallery::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    const int i = itemAt(event->position().toPoint());
    if (i >= 0) Q_EMIT itemClicked(items_[static_cast<std::size_t>(i)].index);
}

void DigitGallery::resizeEvent(QResizeEvent* event) {
    PaintedView::resizeEvent(event);
    // A scroll area ignores height-for-width; a minimum height makes it scroll instead.
    setMinimumHeight(heightForWidth(event->size().width()));
}

}  // namespace mnist::ui
