#pragma once
// A square drawing surface in the manner of Qt's Scribble example: it owns a QImage, draws
// round-capped strokes into it from mouse, tablet and touch input, repaints only what changed and
// announces each change. It knows nothing about digits or models.
#include <QColor>
#include <QImage>
#include <QPointF>
#include <QWidget>

namespace mnist::ui {

class DrawingCanvas : public QWidget {
    Q_OBJECT
  public:
    // The image keeps one resolution whatever the widget's size, so strokes relate to the canvas
    // the same way on a laptop and on a projector.
    static constexpr int kImageSide = 448;
    // About a fourteenth of the side: a digit drawn across most of the canvas then has strokes
    // as thick, relative to its height, as MNIST's.
    static constexpr int kPenWidth = kImageSide / 14;

    explicit DrawingCanvas(QWidget* parent = nullptr);

    // Light ink on a dark ground (as MNIST) while drawing; a loaded picture keeps its own colours.
    const QImage& image() const { return image_; }
    bool isEmpty() const { return empty_; }
    // Maps a point in widget coordinates to the image (and back), for input and tests.
    QPointF toImage(const QPointF& widget_pos) const;
    QPointF toWidget(const QPointF& image_pos) const;
    // Where setPicture puts a picture of `size` in the image, so views can map the picture's
    // pixels onto the canvas the same way.
    static QRectF pictureRect(const QSize& size);

    // A layer drawn over the image (same size, with alpha), e.g. a saliency heat map made by the
    // page; a null image removes it. The canvas only shows it.
    void setOverlay(const QImage& overlay);
    const QImage& overlay() const { return overlay_; }

    QSize sizeHint() const override { return {480, 480}; }
    QSize minimumSizeHint() const override { return {200, 200}; }

  public Q_SLOTS:
    void clear();
    // Shows a picture (from "Open image…") fitted into the canvas on its own background; new
    // strokes are drawn over it in a colour that contrasts with that background.
    void setPicture(const QImage& picture);

  Q_SIGNALS:
    void imageChanged();

  protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void tabletEvent(QTabletEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

  private:
    QRectF canvasRect() const;  // the square the image is shown in, in widget coordinates
    void beginStroke(const QPointF& widget_pos);
    void continueStroke(const QPointF& widget_pos);
    void endStroke();
    void drawSegment(const QPointF& from, const QPointF& to);

    QImage image_;
    QImage overlay_;
    QColor paper_ = Qt::black;
    QColor ink_ = Qt::white;
    QPointF last_;  // in image coordinates
    bool drawing_ = false;
    bool empty_ = true;
};

}  // namespace mnist::ui
