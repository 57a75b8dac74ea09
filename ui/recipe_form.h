#pragma once
// The "Training recipe" section of the model panel: one widget per recipe field the app offers,
// made from core's recipe table, two to a row, with the Quick demo and Reset buttons.
#include <QGroupBox>

#include "core/training/train_options.h"
#include "ui/recipe_field_editors.h"

class QPushButton;

namespace mnist::ui {

class RecipeForm : public QGroupBox {
    Q_OBJECT
  public:
    explicit RecipeForm(QWidget* parent = nullptr);

    // Writes the form's fields into `options`; shows `options` in the form.
    void readInto(mnist::TrainOptions& options) const;
    void setOptions(const mnist::TrainOptions& options);

    QWidget* fieldWidget(const std::string& key) const { return editors_.widget(key); }

  Q_SIGNALS:
    void quickDemoRequested();
    void resetRequested();

  private:
    void offerThisMachinesDevices();
    void updateLrEnabled();

    RecipeFieldEditors editors_;
};

}  // namespace mnist::ui
