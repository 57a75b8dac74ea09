#include "ui/draw_predict_page.h"

#include <QAction>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/drawing_canvas.h"
#include "ui/gray_image_conversion.h"
#include "ui/prediction_panel.h"

namespace mnist::ui {

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
    buttons->addStretch(1);
    auto* hint = new QLabel(tr("Write large, in the middle, like on paper."));
    hint->setStyleSheet(QStringLiteral("color: palette(mid);"));
    buttons->addWidget(hint);

    auto* left = new QVBoxLayout;
    left->addWidget(canvas_, 1);
    left->addLayout(buttons);

    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left, 3);
    layout->addWidget(panel_, 2);

    connect(canvas_, &DrawingCanvas::imageChanged, this,
            [this] { panel_->setImage(canvas_->image()); });
    connect(actions.clear, &QAction::triggered, canvas_, &DrawingCanvas::clear);
}

void DrawPredictPage::showDigit(const std::array<float, mnist::kImagePixels>& pixels) {
    mnist::PreprocessedDigit digit;
    digit.pixels = pixels;
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
