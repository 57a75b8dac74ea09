#pragma once
// A convolution's kernels as grey-scale tiles, black the most negative weight and white the most
// positive, with that scale drawn underneath. A first layer has one tile per kernel; a deeper one
// shows each output channel's kernel per input channel (a row per output), or their average.
#include "core/evaluation/inspection.h"
#include "ui/painted_view.h"

namespace mnist::ui {

class FilterView : public PaintedView {
    Q_OBJECT
  public:
    explicit FilterView(QWidget* parent = nullptr);

    void setFilters(const mnist::FilterBank& filters);
    void clear();
    const mnist::FilterBank& filters() const { return filters_; }
    // Average over the input channels: one tile per output channel.
    void setAveraged(bool averaged);
    bool isAveraged() const { return averaged_; }
    // The tiles drawn: out x in, or out when averaged or the layer has one input.
    int tileCount() const;

    QSize sizeHint() const override { return {420, 320}; }
    QSize minimumSizeHint() const override { return {200, 160}; }

  protected:
    void paintView(QPainter& painter, const QRect& area) const override;

  private:
    mnist::FilterBank filters_;
    bool averaged_ = false;
};

}  // namespace mnist::ui
