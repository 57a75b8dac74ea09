#pragma once
// The confusion matrix as a heat map: rows are the true digits, columns the predictions, each
// cell its count. Correct answers (the diagonal) in blue, mistakes in orange, shaded by how much
// of their row they hold; the right column gives each digit's accuracy, the bottom row how often
// each prediction is right. Clicking a cell announces it.
#include <array>
#include <cstdint>

#include "ui/painted_view.h"

namespace mnist::ui {

class ConfusionMatrixView : public PaintedView {
    Q_OBJECT
  public:
    using Matrix = std::array<std::array<std::int64_t, 10>, 10>;  // [true][predicted]

    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    void setMatrix(const Matrix& confusion);
    void clear();
    bool hasData() const { return has_data_; }
    const Matrix& matrix() const { return matrix_; }

    // The cell under `pos` in widget coordinates as (true, predicted), or (-1, -1).
    std::pair<int, int> cellAt(const QPoint& pos) const;
    QRect cellRect(int label, int predicted) const;
    // Outlines one cell (the one whose images are listed); (-1, -1) for none.
    void setSelectedCell(int label, int predicted);

    QSize sizeHint() const override { return {420, 400}; }
    QSize minimumSizeHint() const override { return {260, 250}; }

  Q_SIGNALS:
    void cellClicked(int label, int predicted);

  protected:
    void paintView(QPainter& painter, const QRect& area) const override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

  private:
    struct Geometry {
        QRectF grid;  // the 10x10 cells
        qreal cell = 0;
    };
    Geometry geometry(const QRect& area) const;

    Matrix matrix_{};
    bool has_data_ = false;
    int selected_label_ = -1;
    int selected_predicted_ = -1;
};

}  // namespace mnist::ui
