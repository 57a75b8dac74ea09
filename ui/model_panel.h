#pragma once
// The left-hand panel: which model, what it is (description and a layer-by-layer parameter
// table), the recipe to train it with, and the augmentation ranges with a preview of what they do
// to real digits. Each model remembers its own recipe in QSettings and starts from the one
// registered in core.
#include <QString>
#include <QWidget>

#include "core/training/train_options.h"

class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace mnist::ui {

class AugmentationPreviewWidget;

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

    QTableWidget* summaryTable() const { return table_; }
    QComboBox* modelCombo() const { return model_; }
    AugmentationPreviewWidget* augmentationPreview() const { return augmentation_preview_; }
    // The Augmentation section: its ranges and the preview.
    QGroupBox* augmentationSection() const { return augmentation_; }

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
    void showSummary(const QString& model);
    void saveRecipe(const QString& model) const;
    void loadRecipe(const QString& model);
    void updateMaxLrEnabled();
    mnist::AugmentOptions augmentOptions() const;
    void onAugmentationEdited();

    QPushButton* quick_demo_ = nullptr;
    QString shown_model_;  // whose recipe the widgets hold
    QComboBox* model_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* description_ = nullptr;
    QTableWidget* table_ = nullptr;
    QLabel* totals_ = nullptr;
    QWidget* recipe_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QSpinBox* batch_size_ = nullptr;
    QDoubleSpinBox* lr_ = nullptr;
    QDoubleSpinBox* ema_ = nullptr;
    QComboBox* optimizer_ = nullptr;
    QComboBox* scheduler_ = nullptr;
    QDoubleSpinBox* max_lr_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QComboBox* device_ = nullptr;
    QSpinBox* threads_ = nullptr;
    QPushButton* reset_ = nullptr;

    QGroupBox* augmentation_ = nullptr;  // checkable: its check box switches augmentation on
    QDoubleSpinBox* degrees_ = nullptr;
    QDoubleSpinBox* translate_ = nullptr;  // percent of the image size
    QDoubleSpinBox* scale_min_ = nullptr;
    QDoubleSpinBox* scale_max_ = nullptr;
    QDoubleSpinBox* shear_ = nullptr;
    QDoubleSpinBox* stroke_ = nullptr;  // percent of the samples
    AugmentationPreviewWidget* augmentation_preview_ = nullptr;
};

}  // namespace mnist::ui
