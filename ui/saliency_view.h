#pragma once
// Which pixels pushed the prediction: the 28x28 input beside the same input with the saliency
// laid over it in red to yellow (transparent where it is zero).
#include <QString>

#include "core/evaluation/inspection.h"
#include "ui/painted_view.h"

namespace mnist::ui {

class SaliencyView : public PaintedView {
    Q_OBJECT
  public:
    explicit SaliencyView(QWidget* parent = nullptr);

    // `method` names how the map was made ("gradient", "occlusion") in the caption.
    void setSaliency(const mnist::DigitPixels& input, const mnist::SaliencyMap& saliency,
                     const QString& method);
    void clear();
    void setPlaceholder(const QString& text);
    bool hasData() const { return has_data_; }
    const mnist::SaliencyMap& saliency() const { return saliency_; }

    QSize sizeHint() const override { return {460, 260}; }
    QSize minimumSizeHint() const override { return {240, 150}; }

  protected:
    void paintView(QPainter& painter, const QRect& area) const override;

  private:
    mnist::DigitPixels input_{};
    mnist::SaliencyMap saliency_;
    QString method_;
    QString placeholder_;
    bool has_data_ = false;
};

}  // namespace mnist::ui
