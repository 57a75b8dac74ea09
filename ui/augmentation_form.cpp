#include "ui/augmentation_form.h"

#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>

#include <algorithm>
#include <vector>

#include "core/training/recipe_fields.h"
#include "ui/augmentation_preview_widget.h"

namespace mnist::ui {
namespace {

// Three ranges to a row; the zoom's two ends stay side by side.
const std::vector<std::vector<const char*>> kRows = {
    {"augment_degrees", "augment_translate", "augment_shear"},
    {"augment_scale_min", "augment_scale_max", "augment_stroke"},
};

QDoubleSpinBox* spinBox(const RecipeFieldEditors& editors, const char* key) {
    return static_cast<QDoubleSpinBox*>(editors.widget(key));
}

}  // namespace

AugmentationForm::AugmentationForm(QWidget* parent) : QGroupBox(parent) {
    // The title's check box is the "augment" field; unchecked, the ranges are locked.
    const mnist::RecipeField& augment = mnist::recipe_field("augment");
    setTitle(QString::fromStdString(augment.label));
    setToolTip(QString::fromStdString(augment.tip));
    setCheckable(true);

    auto* grid = new QGridLayout(this);
    int row = 0;
    for (const auto& keys : kRows) {
        int column = 0;
        for (const char* key : keys) {
            QWidget* widget = editors_.add(key);
            grid->addWidget(editors_.makeLabel(key), row, column);
            grid->addWidget(widget, row, column + 1);
            connect(static_cast<QDoubleSpinBox*>(widget), &QDoubleSpinBox::valueChanged, this,
                    [this] { preview_->setOptions(ranges()); });
            column += 2;
        }
        ++row;
    }
    preview_ = new AugmentationPreviewWidget;
    grid->addWidget(preview_, row, 0, 1, 6);
    for (int column : {1, 3, 5}) grid->setColumnStretch(column, 1);
    linkZoomEnds();
}

// A zoom range never runs backwards: moving one end past the other drags it along.
void AugmentationForm::linkZoomEnds() {
    QDoubleSpinBox* min = spinBox(editors_, "augment_scale_min");
    QDoubleSpinBox* max = spinBox(editors_, "augment_scale_max");
    connect(min, &QDoubleSpinBox::valueChanged, this, [max](double v) {
        if (max->value() < v) max->setValue(v);
    });
    connect(max, &QDoubleSpinBox::valueChanged, this, [min](double v) {
        if (min->value() > v) min->setValue(v);
    });
}

mnist::AugmentOptions AugmentationForm::ranges() const {
    mnist::TrainOptions options;
    editors_.read(options);
    return options.augmentation;
}

void AugmentationForm::readInto(mnist::TrainOptions& options) const {
    options.augment = isChecked();
    editors_.read(options);
}

void AugmentationForm::setOptions(const mnist::TrainOptions& options) {
    setChecked(options.augment);
    // Both zoom ends first widened, so the linking cannot clip the new range.
    QDoubleSpinBox* min = spinBox(editors_, "augment_scale_min");
    QDoubleSpinBox* max = spinBox(editors_, "augment_scale_max");
    min->setValue(std::min(options.augmentation.scale_min(), min->value()));
    max->setValue(std::max(options.augmentation.scale_max(), max->value()));
    editors_.write(options);
    preview_->setOptions(ranges());  // also when no range changed: the preview follows the recipe
}

}  // namespace mnist::ui
