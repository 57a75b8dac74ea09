#pragma once
// The "Draw & Predict" tab: the canvas with its buttons beside the prediction panel. It only
// connects the two — the canvas's changes go to the panel, debounced there.
#include <QString>
#include <QWidget>

#include <array>

#include "core/data/mnist_format.h"

class QAction;

namespace mnist::ui {

class DrawingCanvas;
class InspectionJobs;
class PredictionPanel;
struct DigitInspection;

struct DrawPredictActions {
    QAction* clear = nullptr;
    QAction* open_image = nullptr;
    QAction* load_checkpoint = nullptr;
};

class DrawPredictPage : public QWidget {
    Q_OBJECT
  public:
    explicit DrawPredictPage(const DrawPredictActions& actions, QWidget* parent = nullptr);

    DrawingCanvas* canvas() const { return canvas_; }
    PredictionPanel* predictionPanel() const { return panel_; }
    // Checkable, off at first: tints the drawing with the gradient saliency of the predicted
    // digit, computed off the UI thread by the Inside tab's InspectionJobs.
    QAction* saliencyAction() const { return show_saliency_; }

    // Shows a PNG/JPEG/... on the canvas and classifies the picture itself right away. On
    // failure returns false and sets *error.
    bool openImage(const QString& path, QString* error = nullptr);
    // Puts a ready 28x28 digit (a test image; intensities in [0, 1], ink 1) on the canvas,
    // enlarged, and predicts those very pixels.
    void showDigit(const std::array<float, mnist::kImagePixels>& pixels);

  private:
    void requestSaliency();
    void onSaliency(const DigitInspection& result);

    DrawingCanvas* canvas_ = nullptr;
    PredictionPanel* panel_ = nullptr;
    QAction* show_saliency_ = nullptr;
    InspectionJobs* jobs_ = nullptr;
    int generation_ = 0;  // per checkpoint load: an older model's map is dropped
};

}  // namespace mnist::ui
