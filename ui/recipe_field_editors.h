#pragma once
// The widgets of recipe fields, made from their rows of core's recipe table
// (core/training/recipe_fields.h): a spin box for numbers (range, decimals, shown scale and
// suffix from the table), a combo box for choices, a check box for flags. A form places the
// widgets; this class reads and writes them as TrainOptions.
#include <QString>

#include <string>
#include <vector>

#include "core/training/recipe_fields.h"
#include "core/training/train_options.h"

class QLabel;
class QWidget;

namespace mnist::ui {

class RecipeFieldEditors {
  public:
    // Makes the widget of the field `key` (object name its key in camelCase: "augmentDegrees"),
    // with the table's tool tip. The caller's layout takes ownership.
    QWidget* add(const std::string& key);
    QWidget* widget(const std::string& key) const;
    // The field's label from the table, its shortcut leading to the widget.
    QLabel* makeLabel(const std::string& key) const;

    // Writes the widgets' values into `options` / shows `options` in the widgets, field by field
    // in the order they were added.
    void read(mnist::TrainOptions& options) const;
    void write(const mnist::TrainOptions& options);

    mnist::FieldValue value(const std::string& key) const;
    void setValue(const std::string& key, const mnist::FieldValue& value);

  private:
    struct Editor {
        const mnist::RecipeField* field;
        QWidget* widget;
    };
    const Editor& editor(const std::string& key) const;
    std::vector<Editor> editors_;
};

// "augment_scale_min" -> "augmentScaleMin": the object name of a field's widget.
QString fieldObjectName(const std::string& key);

}  // namespace mnist::ui
