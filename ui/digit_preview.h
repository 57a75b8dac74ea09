#pragma once
// Shows the 28x28 image a model sees, enlarged with nearest-neighbour scaling so every pixel
// stays a visible square.
#include <QImage>
#include <QWidget>

namespace mnist::ui {

class DigitPreview : public QWidget {
    Q_OBJECT
  public:
    explicit DigitPreview(QWidget* parent = nullptr);

    const QImage& image() const { return image_; }
    void setImage(const QImage& image);

    QSize sizeHint() const override { return {28 * 5 + 2, 28 * 5 + 2}; }
    QSize minimumSizeHint() const override { return {28 * 3 + 2, 28 * 3 + 2}; }

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
    QImage image_;
};

}  // namespace mnist::ui
