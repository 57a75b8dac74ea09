#pragma once
// The left-hand panel: which model, what it is (description and a layer-by-layer summary), the
// recipe to train it with, and the augmentation ranges with a preview of what they do to real
// digits. Each model remembers its own recipe in QSettings and starts from the one registered in
// core. The recipe and augmentation forms are made from core's recipe table.
#include <QString>
#include <QWidget>

#include "core/training/train_options.h"

class QComboBox;
class QGroupBox;
class QLabel;
class QTableWidget;

namespace mnist::ui {

class AugmentationForm;
class AugmentationPreviewWidget;
class ModelSummaryView;
class RecipeForm;

class ModelPanel : public QWidget {
    Q_OBJECT
  public:
    explicit ModelPanel(QWidget* parent = nullptr);

    QString currentModel() const;
    // The model's registered recipe with the values in the widgets on top.
    mnist::TrainOptions options() const;
    // Shows `options` in the widgets (the model itself is chosen with setCurrentModel).
    void setOptions(const mnist::TrainOptions& options);

    // Reads the last chosen model and its recipe / writes every model's recipe (QSettings).
    void loadSettings();
    void saveSettings() const;

    QTableWidget* summaryTable() const;
    QComboBox* modelCombo() const { return model_; }
    AugmentationPreviewWidget* augmentationPreview() const;
    // The Augmentation section: its ranges and the preview.
    QGroupBox* augmentationSection() const;

    // Where the preview reads MNIST's test digits; empty when the data was not found.
    void setDataDir(const QString& dir);

  public Q_SLOTS:
    void setCurrentModel(const QString& model);
    void resetToRecommended();
    // The model's quick-demo recipe (mnist-cli --recipe fast): Model_3 past 99.4 % in about a
    // minute on two cores.
    void useQuickDemo();
    // The recipe cannot change under a running training.
    void setEditable(bool editable);

  Q_SIGNALS:
    void modelChanged(const QString& model);

  private:
    void onModelIndexChanged();
    void showModel(const QString& model);
    void saveRecipe(const QString& model) const;
    void loadRecipe(const QString& model);

    QString shown_model_;  // whose recipe the widgets hold
    QComboBox* model_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* description_ = nullptr;
    ModelSummaryView* summary_ = nullptr;
    RecipeForm* recipe_ = nullptr;
    AugmentationForm* augmentation_ = nullptr;
};

}  // namespace mnist::ui
