#pragma once
// What one stage of the network makes of the digit: an image-shaped output as a grid of its
// channel maps (one shared colour scale per stage, so channels compare), a vector output as a bar
// per value (the last stage's ten labelled by digit, the winner marked) or, when long, a strip.
// Holds every stage of one forward pass; the page steps through them.
#include <vector>

#include "core/evaluation/inspection.h"
#include "ui/painted_view.h"

namespace mnist::ui {

// A stage's output shape as the views write it: "10×26×26", "16".
QString stageShapeText(const std::vector<std::int64_t>& shape);

class FeatureMapView : public PaintedView {
    Q_OBJECT
  public:
    explicit FeatureMapView(QWidget* parent = nullptr);

    // Keeps the current stage index when the new pass has as many stages (drawing goes on).
    void setStages(std::vector<mnist::StageActivation> stages);
    void clear();
    void setPlaceholder(const QString& text);

    int stageCount() const { return static_cast<int>(stages_.size()); }
    int currentStage() const { return current_; }
    const mnist::StageActivation* stage(int k) const;
    void setCurrentStage(int k);

    QSize sizeHint() const override { return {520, 420}; }
    QSize minimumSizeHint() const override { return {240, 200}; }

  Q_SIGNALS:
    void currentStageChanged(int k);

  protected:
    void paintView(QPainter& painter, const QRect& area) const override;

  private:
    void paintMaps(QPainter& painter, const QRect& area, const mnist::StageActivation& s) const;
    void paintVector(QPainter& painter, const QRect& area, const mnist::StageActivation& s) const;

    std::vector<mnist::StageActivation> stages_;
    int current_ = 0;
    QString placeholder_;
};

}  // namespace mnist::ui
