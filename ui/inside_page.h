#pragma once
// The "Inside" tab: what the checkpoint in use does inside. For the digit on the canvas, every
// stage's feature maps (stepped through, with each stage's size, parameters and MACs) and which
// pixels mattered (gradient or occlusion saliency); the convolution kernels; and, on request, the
// test set's confusion matrix and mistakes, a click on which puts that image on the canvas.
// The work runs on workers (InspectionJobs) and only while the tab is shown.
#include <QString>
#include <QWidget>

#include <cstdint>
#include <memory>

#include "core/evaluation/inspection.h"
#include "core/inference/predictor.h"
#include "ui/inspection_jobs.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QToolButton;

namespace mnist::ui {

class ConfusionMatrixView;
class DigitGallery;
class DigitPreview;
class FeatureMapView;
class FilterView;
class PaintedView;
class SaliencyView;

class InsidePage : public QWidget {
    Q_OBJECT
  public:
    explicit InsidePage(QWidget* parent = nullptr);
    ~InsidePage() override;

    ConfusionMatrixView* confusionView() const { return confusion_; }
    DigitGallery* gallery() const { return gallery_; }
    FeatureMapView* featureMapView() const { return feature_maps_; }
    SaliencyView* saliencyView() const { return saliency_; }
    FilterView* filterView() const { return filters_; }
    QTabWidget* views() const { return views_; }
    InspectionJobs* jobs() const { return jobs_; }
    QPushButton* scoreButton() const { return score_; }

    // The line at the top: the model in use, or that there is none.
    QString modelText() const;
    // Whether the Test set view says that MNIST's test files are missing (and where they were
    // looked for).
    bool isDataMissingShown() const;
    QString dataMissingText() const;
    const mnist::TestSetInspection* testSet() const { return test_set_.get(); }
    // True while a digit's views are being computed or wait to be.
    bool isBusy() const { return jobs_->isDigitPending() || stale_; }

  public Q_SLOTS:
    // The checkpoint the canvas predicts with; empty for none.
    void setCheckpoint(const QString& path, const QString& model);
    // The digit on the canvas, as the model saw it, and its prediction.
    void setPrediction(const mnist::Prediction& prediction);
    // Where MNIST is; empty when it was not found (the Test set view then says so).
    void setDataDir(const QString& dir);
    // Score only the first N test images (0 = all), as `--limit-test` does.
    void setTestLimit(std::int64_t images) { test_limit_ = images; }
    // Scores the test set with the checkpoint in use; false when it cannot start.
    bool scoreTestSet();
    void cancelScoring();
    // Shows the images of one confusion cell in the gallery; (-1, -1) lists every mistake.
    void showCell(int label, int predicted);

  Q_SIGNALS:
    // A test image was clicked: put these 28x28 pixels on the canvas. `what` describes it.
    void digitChosen(const mnist::DigitPixels& pixels, const QString& what);

  protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

  private:
    void fitSideColumn();
    QWidget* buildFeatureMapsTab();
    QWidget* buildSaliencyTab();
    QWidget* buildFiltersTab();
    QWidget* buildTestSetTab();
    QToolButton* saveButton(PaintedView* view, const QString& name);

    void requestViews();
    void onDigitInspected(const DigitInspection& result);
    void onScoringProgress(qint64 done, qint64 total);
    void onTestSetScored(std::shared_ptr<const mnist::TestSetInspection> result,
                         const QString& checkpoint);
    void onTestSetFailed(const QString& message, bool cancelled);
    void onGalleryClicked(qint64 index);
    void showStageDetails(int k);
    void updateHeader();
    void updateScoringControls();
    void clearTestSet(const QString& why);

    InspectionJobs* jobs_ = nullptr;
    QString checkpoint_;
    QString model_;
    QString data_dir_;
    std::int64_t test_limit_ = 0;
    mnist::Prediction prediction_;
    bool stale_ = false;  // the views lag the canvas or checkpoint; recompute when shown
    int generation_ = 0;  // counts checkpoint loads; older answers are dropped
    int scoring_generation_ = -1;
    std::shared_ptr<const mnist::TestSetInspection> test_set_;

    QLabel* model_label_ = nullptr;
    DigitPreview* preview_ = nullptr;
    QLabel* digit_label_ = nullptr;
    QTabWidget* views_ = nullptr;

    FeatureMapView* feature_maps_ = nullptr;
    QListWidget* stage_list_ = nullptr;
    QLabel* stage_details_ = nullptr;
    QWidget* side_column_ = nullptr;  // the stage heading, details and list
    QToolButton* previous_stage_ = nullptr;
    QToolButton* next_stage_ = nullptr;

    SaliencyView* saliency_ = nullptr;
    QComboBox* saliency_method_ = nullptr;

    FilterView* filters_ = nullptr;
    QComboBox* filter_layer_ = nullptr;
    QCheckBox* average_inputs_ = nullptr;

    ConfusionMatrixView* confusion_ = nullptr;
    DigitGallery* gallery_ = nullptr;
    QLabel* gallery_title_ = nullptr;
    QComboBox* gallery_order_ = nullptr;
    QPushButton* score_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* test_status_ = nullptr;
    QLabel* data_missing_ = nullptr;
};

}  // namespace mnist::ui
