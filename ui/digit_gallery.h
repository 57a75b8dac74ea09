#pragma once
// Test images as thumbnails, each with its true digit, the prediction and how sure the model was;
// sorted most confident first or in test-set order. Clicking a thumbnail announces its test-set
// index. Meant to sit in a QScrollArea: its height follows the number of rows its width allows.
#include <QImage>

#include <cstdint>
#include <vector>

#include "ui/painted_view.h"

namespace mnist::ui {

struct GalleryItem {
    std::int64_t index = 0;  // in the test set
    int label = 0;
    int predicted = 0;
    float confidence = 0.0f;  // of the prediction, 0..1
    QImage image;             // 28x28, white ink on black
};

class DigitGallery : public PaintedView {
    Q_OBJECT
  public:
    enum class Order { MostConfidentFirst, TestSetOrder };

    explicit DigitGallery(QWidget* parent = nullptr);

    void setItems(std::vector<GalleryItem> items);
    void setOrder(Order order);
    Order order() const { return order_; }
    // What the gallery says when it has no items.
    void setEmptyText(const QString& text);

    int count() const { return static_cast<int>(items_.size()); }
    // The items as shown, first to last.
    const std::vector<GalleryItem>& items() const { return items_; }
    QRect itemRect(int position) const;
    int itemAt(const QPoint& pos) const;  // position in items(), or -1

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

  Q_SIGNALS:
    void itemClicked(qint64 index);

  protected:
    void paintView(QPainter& painter, const QRect& area) const override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

  private:
    void sortItems();
    int columns(int width) const;
    QSize cellSize() const;

    std::vector<GalleryItem> items_;
    Order order_ = Order::MostConfidentFirst;
    QString empty_text_;
};

}  // namespace mnist::ui
