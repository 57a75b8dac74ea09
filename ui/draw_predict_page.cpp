#include "ui/draw_predict_page.h"

#include <QAction>
#include <QHBoxLayout>
#include <QImageReader>
#include <QKeySequence>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/drawing_canvas.h"
#include "ui/gray_image_conversion.h"
#include "ui/inspection_jobs.h"
#include "ui/prediction_panel.h"

namespace mnist::ui {

namespace {

// Opacity of the most salient cell; the rest scale down with their value, so the drawing stays
// visible under the tint.
constexpr int kOverlayAlpha = 170;

// The saliency map as a warm tint over the canvas: each 28x28 cell covers the part of the source
// it was resampled from (core's placement), mapped to where the canvas shows that source.
QImage saliencyOverlay(const mnist::DigitPixels& map, const mnist::DigitPlacement& placement) {
    const float peak = *std::max_element(map.begin(), map.end());
    if (peak <= 0.0f || placement.source_width <= 0 || placement.source_height <= 0) return {};
    QImage overlay(DrawingCanvas::kImageSide, DrawingCanvas::kImageSide,
                   QImage::Format_ARGB32_Premultiplied);
    overlay.fill(Qt::transparent);
    const QRectF shown =
        DrawingCanvas::pictureRect(QSize(placement.source_width, placement.source_height));
    const double sx = shown.width() / placement.source_width;
    const double sy = shown.height() / placement.source_height;
    QPainter painter(&overlay);
    painter.setCompositionMode(QPainter::CompositionMode_Source);
    for (int y = 0; y < mnist::kImageSide; ++y) {
        for (int x = 0; x < mnist::kImageSide; ++x) {
            const float v = map[static_cast<std::size_t>(y) * mnist::kImageSide + x] / peak;
            const mnist::SourceRect cell = mnist::cell_source_rect(placement, x, y);
            const int alpha = static_cast<int>(kOverlayAlpha * std::clamp(v, 0.0f, 1.0f));
            if (cell.empty() || alpha <= 0) continue;
            painter.fillRect(QRectF(shown.left() + cell.left * sx, shown.top() + cell.top * sy,
                                    cell.width * sx, cell.height * sy),
                             QColor(255, 80, 0, alpha));
        }
    }
    return overlay;
}

// Scrolls the prediction panel when it is taller than the page (an ensemble's members and votes
// under the bars), rather than growing the window past the screen; never narrower than the panel,
// so only the height scrolls.
class PanelScrollArea : public QScrollArea {
  public:
    QSize minimumSizeHint() const override {
        return {panelWidth(), QScrollArea::minimumSizeHint().height()};
    }
    QSize sizeHint() const override {
        return {panelWidth(), widget() ? widget()->sizeHint().height() : 0};
    }

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        // The panel's size needs change with its contents and presentation mode's fonts.
        if (watched == widget() && event->type() == QEvent::LayoutRequest) updateGeometry();
        return QScrollArea::eventFilter(watched, event);
    }

  private:
    int panelWidth() const {
        const int inner = widget() ? widget()->minimumSizeHint().width() : 0;
        return inner + verticalScrollBar()->sizeHint().width() + 2 * frameWidth();
    }
};

}  // namespace

DrawPredictPage::DrawPredictPage(const DrawPredictActions& actions, QWidget* parent)
    : QWidget(parent) {
    canvas_ = new DrawingCanvas;
    canvas_->setToolTip(
        tr("Draw one digit with the mouse, a pen or a finger. Esc or Delete clears."));
    panel_ = new PredictionPanel;
    panel_->setLoadCheckpointAction(actions.load_checkpoint);

    auto* buttons = new QHBoxLayout;
    for (QAction* action : {actions.clear, actions.open_image}) {
        auto* button = new QToolButton;
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        QFont f = button->font();
        f.setPointSizeF(f.pointSizeF() * 1.1);
        button->setFont(f);
        buttons->addWidget(button);
    }
    show_saliency_ = new QAction(tr("Show saliency"), this);
    show_saliency_->setCheckable(true);
    show_saliency_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));  // "heat"
    show_saliency_->setToolTip(
        tr("Tint the drawing where the prediction is most sensitive (gradient saliency, as on "
           "the Inside tab). Ctrl+H"));
    auto* saliency_button = new QToolButton;
    saliency_button->setDefaultAction(show_saliency_);
    buttons->addWidget(saliency_button);
    buttons->addStretch(1);
    auto* hint = new QLabel(tr("Write large, in the middle, like on paper."));
    hint->setStyleSheet(QStringLiteral("color: palette(mid);"));
    hint->setWordWrap(true);

    auto* left = new QVBoxLayout;
    left->addWidget(canvas_, 1);
    left->addLayout(buttons);
    // A line of its own: beside the buttons, at presentation mode's text size, it would widen
    // the page past a 1280 px screen.
    left->addWidget(hint);

    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left, 3);
    auto* panel_area = new PanelScrollArea;
    panel_area->setWidget(panel_);
    panel_area->setWidgetResizable(true);
    panel_area->setFrameShape(QFrame::NoFrame);
    panel_area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // The tab page's own background shows through, as before the panel scrolled.
    panel_area->viewport()->setAutoFillBackground(false);
    panel_->setAutoFillBackground(false);
    layout->addWidget(panel_area, 2);

    connect(canvas_, &DrawingCanvas::imageChanged, this,
            [this] { panel_->setImage(canvas_->image()); });
    connect(actions.clear, &QAction::triggered, canvas_, &DrawingCanvas::clear);

    jobs_ = new InspectionJobs(this);
    connect(jobs_, &InspectionJobs::digitInspected, this, &DrawPredictPage::onSaliency);
    connect(panel_, &PredictionPanel::checkpointChanged, this, [this] {
        ++generation_;
        requestSaliency();
    });
    connect(panel_, &PredictionPanel::predictionUpdated, this, &DrawPredictPage::requestSaliency);
    connect(show_saliency_, &QAction::toggled, this, [this](bool on) {
        if (on)
            requestSaliency();
        else
            canvas_->setOverlay(QImage());
    });
}

void DrawPredictPage::requestSaliency() {
    if (!show_saliency_->isChecked()) return;
    const mnist::Prediction& p = panel_->lastPrediction();
    if (p.input.blank || !panel_->hasModel()) {
        canvas_->setOverlay(QImage());
        return;
    }
    DigitRequest request;
    request.checkpoint = panel_->checkpointPath();
    request.generation = generation_;
    request.digit = p.input.pixels;
    request.blank = false;
    request.method = SaliencyMethod::Gradient;
    request.saliency_only = true;
    jobs_->requestDigit(request);
}

void DrawPredictPage::onSaliency(const DigitInspection& result) {
    // Only the answer for what the canvas holds now: the drawing may have moved on meanwhile.
    const mnist::PreprocessedDigit& input = panel_->lastPrediction().input;
    if (!show_saliency_->isChecked() || result.request.generation != generation_ || input.blank ||
        canvas_->isEmpty() || result.request.digit != input.pixels)
        return;
    canvas_->setOverlay(
        result.error.isEmpty() ? saliencyOverlay(result.saliency.map, input.placement) : QImage());
}

void DrawPredictPage::showDigit(const std::array<float, mnist::kImagePixels>& pixels) {
    mnist::PreprocessedDigit digit;
    digit.pixels = pixels;
    digit.placement = mnist::identity_placement();  // shown enlarged over the whole canvas
    digit.blank = std::all_of(pixels.begin(), pixels.end(), [](float v) { return v <= 0.0f; });
    canvas_->setPicture(toQImage(digit));
    // After setPicture: its change would otherwise re-read the enlarged copy a moment later.
    panel_->predictDigit(digit);
}

bool DrawPredictPage::openImage(const QString& path, QString* error) {
    QImageReader reader(path);
    reader.setAutoTransform(true);  // phone photos carry their rotation in EXIF
    const QImage picture = reader.read();
    if (picture.isNull()) {
        if (error) *error = tr("Cannot read the image %1: %2").arg(path, reader.errorString());
        return false;
    }
    canvas_->setPicture(picture);
    // The file itself, as `mnist-cli predict` reads it: the canvas holds a copy shrunk to its
    // size and padded with the corner's colour, which a photo's ruled lines and uneven light do
    // not survive (a photographed 3 was read as 1).
    panel_->predictImage(picture);
    return true;
}

}  // namespace mnist::ui
