#include "ui/augmentation_preview_widget.h"

#include <QDir>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QRandomGenerator>
#include <QResizeEvent>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <exception>

#include "core/data/data_location.h"
#include "ui/gray_image_conversion.h"

namespace mnist::ui {
namespace {

constexpr int kDebounceMs = 200;
constexpr int kPairGap = 4;  // between columns
constexpr int kRowGap = 8;   // between the two rows of pairs
constexpr int kMinCell = 20;
constexpr int kMaxCell = 28;  // MNIST's own pixels, one to one: crisp and compact

}  // namespace

// The pairs themselves: columns of (original above augmented), enlarged with nearest-neighbour
// scaling to whatever width the panel gives them.
class AugmentedSampleGrid : public QWidget {
  public:
    explicit AugmentedSampleGrid(QWidget* parent = nullptr) : QWidget(parent) {
        setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
        setMinimumHeight(heightForWidth(0));
    }

    void setSamples(const std::vector<mnist::AugmentedSample>& samples) {
        samples_ = samples;
        images_.clear();
        for (const auto& s : samples_) {
            constexpr auto kPixels = static_cast<std::size_t>(mnist::kImagePixels);
            if (s.original.size() != kPixels || s.augmented.size() != kPixels)
                continue;  // not a 28x28 pair: nothing sensible to draw
            images_.push_back(
                {digitToQImage(s.original.data()), digitToQImage(s.augmented.data())});
        }
        update();
    }
    const std::vector<mnist::AugmentedSample>& samples() const { return samples_; }

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override {
        const int cell = cellFor(width);
        return AugmentationPreviewWidget::kPairRows * (2 * cell + 1) +
               (AugmentationPreviewWidget::kPairRows - 1) * kRowGap + 2;
    }
    QSize sizeHint() const override {
        const int width = AugmentationPreviewWidget::kColumns * (40 + kPairGap);
        return {width, heightForWidth(width)};
    }

  protected:
    void resizeEvent(QResizeEvent* event) override {
        // Layouts inside a scroll area ignore heightForWidth; a fixed height per width does it.
        const int height = heightForWidth(event->size().width());
        if (height != minimumHeight()) setFixedHeight(height);
        QWidget::resizeEvent(event);
    }

    void paintEvent(QPaintEvent*) override {
        QPainter painter(this);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);  // crisp pixels
        if (!isEnabled()) painter.setOpacity(0.35);
        constexpr int columns = AugmentationPreviewWidget::kColumns;
        const int cell = cellFor(width());
        const int used = columns * cell + (columns - 1) * kPairGap;
        const int left = (width() - used) / 2;
        for (int i = 0; i < AugmentationPreviewWidget::kSamples; ++i) {
            const int x = left + (i % columns) * (cell + kPairGap);
            const int y = 1 + (i / columns) * (2 * cell + 1 + kRowGap);
            const QRect top(x, y, cell, cell), bottom(x, y + cell + 1, cell, cell);
            painter.fillRect(top, Qt::black);
            painter.fillRect(bottom, Qt::black);
            if (i < static_cast<int>(images_.size())) {
                painter.drawImage(top, images_[static_cast<std::size_t>(i)].first);
                painter.drawImage(bottom, images_[static_cast<std::size_t>(i)].second);
            }
            painter.setPen(palette().mid().color());
            painter.drawRect(QRect(x - 1, y - 1, cell + 1, 2 * cell + 2));
        }
    }

  private:
    static int cellFor(int width) {
        constexpr int columns = AugmentationPreviewWidget::kColumns;
        return std::clamp((width - 2 - (columns - 1) * kPairGap) / columns, kMinCell, kMaxCell);
    }

    std::vector<mnist::AugmentedSample> samples_;
    std::vector<std::pair<QImage, QImage>> images_;
};

AugmentationPreviewWidget::AugmentationPreviewWidget(QWidget* parent) : QWidget(parent) {
    grid_ = new AugmentedSampleGrid;
    grid_->setToolTip(
        tr("Each column: an MNIST test digit (top) and the same digit after one random "
           "augmentation with these ranges (bottom), as a training batch would see it"));
    explanation_ = new QLabel;
    explanation_->setWordWrap(true);
    explanation_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    caption_ = new QLabel(tr("Test digit above, augmented below"));
    caption_->setWordWrap(true);  // a narrow panel wraps it rather than scrolling sideways
    shuffle_ = new QPushButton(tr("Shuffle"));
    shuffle_->setToolTip(tr("Show other digits with other random augmentations"));

    // The caption and Shuffle sit beside the grid, in the width its 28 px cells leave free,
    // rather than below it: the panel is short of height, not of width.
    auto* side = new QVBoxLayout;
    side->addWidget(caption_);
    side->addWidget(shuffle_);
    side->addStretch(1);
    auto* samples = new QHBoxLayout;
    samples->addWidget(grid_, 1);
    samples->addLayout(side);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(samples);
    layout->addWidget(explanation_);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(kDebounceMs);
    connect(debounce_, &QTimer::timeout, this, &AugmentationPreviewWidget::startSamples);
    connect(shuffle_, &QPushButton::clicked, this, &AugmentationPreviewWidget::shuffle);
    connect(&watcher_, &QFutureWatcher<Result>::finished, this,
            &AugmentationPreviewWidget::onSamplesReady);

    setDataDir({});
}

AugmentationPreviewWidget::~AugmentationPreviewWidget() {
    // The worker only holds copies, but finishing here keeps it from outliving the application.
    watcher_.waitForFinished();
}

int AugmentationPreviewWidget::sampleCount() const {
    return isExplanationShown() ? 0 : static_cast<int>(grid_->samples().size());
}

const std::vector<mnist::AugmentedSample>& AugmentationPreviewWidget::samples() const {
    return grid_->samples();
}

bool AugmentationPreviewWidget::isExplanationShown() const {
    return !explanation_->isHidden();
}

QString AugmentationPreviewWidget::explanation() const {
    return isExplanationShown() ? explanation_->text() : QString();
}

void AugmentationPreviewWidget::setDataDir(const QString& dir) {
    data_dir_ = dir;
    debounce_->stop();
    startSamples();
}

void AugmentationPreviewWidget::setOptions(const mnist::AugmentOptions& options) {
    options_ = options;
    debounce_->start();
}

void AugmentationPreviewWidget::shuffle() {
    seed_ = QRandomGenerator::global()->generate64();
    debounce_->stop();
    startSamples();
}

void AugmentationPreviewWidget::startSamples() {
    if (data_dir_.isEmpty()) {
        showExplanation(
            tr("No MNIST data was found, so there are no digits to preview. Fetch it with "
               "scripts/fetch_data.sh or pick its folder with File → Choose data folder…"));
        return;
    }
    if (!mnist::has_mnist_files(data_dir_.toStdString())) {
        showExplanation(tr("No preview: %1 does not hold the MNIST files.")
                            .arg(QDir::toNativeSeparators(data_dir_)));
        return;
    }
    if (watcher_.isRunning()) {
        rerun_ = true;
        return;
    }
    rerun_ = false;
    const QString dir = data_dir_;
    const mnist::AugmentOptions options = options_;
    const std::uint64_t seed = seed_;
    watcher_.setFuture(QtConcurrent::run([dir, options, seed]() -> Result {
        try {
            return {
                dir, mnist::preview_augmentation(dir.toStdString(), options, kSamples, seed), {}};
        } catch (const std::exception& e) {
            return {dir, {}, QString::fromStdString(e.what())};
        }
    }));
}

void AugmentationPreviewWidget::onSamplesReady() {
    if (rerun_) {  // the ranges or the folder changed meanwhile: only the latest counts
        startSamples();
        return;
    }
    const Result result = watcher_.result();
    if (result.dir != data_dir_) return;  // that folder's explanation is already showing
    if (!result.error.isEmpty()) {
        showExplanation(tr("No preview: %1").arg(result.error));
        return;
    }
    grid_->setSamples(result.samples);
    explanation_->hide();
    explanation_->clear();
    grid_->show();
    caption_->show();
    shuffle_->setEnabled(true);
    Q_EMIT samplesShown(static_cast<int>(result.samples.size()));
}

void AugmentationPreviewWidget::showExplanation(const QString& text) {
    grid_->setSamples({});
    grid_->hide();
    caption_->hide();
    shuffle_->setEnabled(false);
    explanation_->setText(text);
    explanation_->show();
}

}  // namespace mnist::ui
