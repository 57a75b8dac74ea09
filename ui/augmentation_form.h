#pragma once
// The "Augmentation" section of the model panel: its check box switches augmentation on, its
// ranges (made from core's recipe table, three to a row) are locked while it is off, and a
// preview shows what the ranges do to real digits.
#include <QGroupBox>

#include "core/training/train_options.h"
#include "ui/recipe_field_editors.h"

namespace mnist::ui {

class AugmentationPreviewWidget;

class AugmentationForm : public QGroupBox {
    Q_OBJECT
  public:
    explicit AugmentationForm(QWidget* parent = nullptr);

    // Writes whether to augment and the ranges into `options`; shows them from `options`.
    void readInto(mnist::TrainOptions& options) const;
    void setOptions(const mnist::TrainOptions& options);

    AugmentationPreviewWidget* preview() const { return preview_; }

  private:
    mnist::AugmentOptions ranges() const;
    void linkZoomEnds();

    RecipeFieldEditors editors_;
    AugmentationPreviewWidget* preview_ = nullptr;
};

}  // namespace mnist::ui
