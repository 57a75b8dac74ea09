#pragma once
// The base of the Inside tab's views: data in, pixels out. A view draws itself through one
// paintView(), so the same pixels reach the screen and a PNG (at the size shown, or the view's
// preferred size when it has not been laid out yet).
#include <QImage>
#include <QString>
#include <QWidget>

class QPainter;

namespace mnist::ui {

class PaintedView : public QWidget {
    Q_OBJECT
  public:
    using QWidget::QWidget;

    // The view as shown, on the window's background colour.
    QImage renderImage() const;
    // Writes renderImage() as PNG; on failure returns false and sets *error naming the file.
    bool savePng(const QString& path, QString* error = nullptr) const;

  protected:
    virtual void paintView(QPainter& painter, const QRect& area) const = 0;
    void paintEvent(QPaintEvent* event) override;
};

}  // namespace mnist::ui
