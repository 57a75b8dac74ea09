#include "ui/inside_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QShowEvent>
#include <QSplitter>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <exception>

#include "core/data/data_location.h"
#include "ui/confusion_matrix_view.h"
#include "ui/digit_gallery.h"
#include "ui/digit_preview.h"
#include "ui/feature_map_view.h"
#include "ui/filter_view.h"
#include "ui/gray_image_conversion.h"
#include "ui/number_format.h"
#include "ui/saliency_view.h"

namespace mnist::ui {
namespace {

std::int64_t valueCount(const std::vector<std::int64_t>& shape) {
    std::int64_t n = 1;
    for (std::int64_t d : shape) n *= d;
    return n;
}

QImage testImage(const mnist::TestSetInspection& t, std::int64_t index) {
    QImage image(mnist::kImageSide, mnist::kImageSide, QImage::Format_Grayscale8);
    const std::uint8_t* bytes = t.images.data() + index * mnist::kImagePixels;
    for (int y = 0; y < mnist::kImageSide; ++y)
        std::copy(bytes + y * mnist::kImageSide, bytes + (y + 1) * mnist::kImageSide,
                  image.scanLine(y));
    return image;
}

QLabel* hintLabel(const QString& text) {
    auto* label = new QLabel(text);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: palette(mid);"));
    return label;
}

}  // namespace

InsidePage::InsidePage(QWidget* parent) : QWidget(parent) {
    jobs_ = new InspectionJobs(this);
    connect(jobs_, &InspectionJobs::digitInspected, this, &InsidePage::onDigitInspected);
    connect(jobs_, &InspectionJobs::scoringProgress, this, &InsidePage::onScoringProgress);
    connect(jobs_, &InspectionJobs::testSetScored, this, &InsidePage::onTestSetScored);
    connect(jobs_, &InspectionJobs::testSetFailed, this, &InsidePage::onTestSetFailed);

    // The header: which model, and the digit the views explain.
    model_label_ = new QLabel;
    model_label_->setWordWrap(true);
    model_label_->setTextFormat(Qt::RichText);
    preview_ = new DigitPreview;
    preview_->setFixedSize(28 * 2 + 2, 28 * 2 + 2);
    digit_label_ = new QLabel;
    digit_label_->setWordWrap(true);
    auto* header = new QHBoxLayout;
    header->addWidget(model_label_, 3);
    header->addWidget(preview_);
    header->addWidget(digit_label_, 2);

    views_ = new QTabWidget;
    views_->setDocumentMode(true);
    views_->addTab(buildFeatureMapsTab(), tr("Feature maps"));
    views_->addTab(buildSaliencyTab(), tr("Saliency"));
    views_->addTab(buildFiltersTab(), tr("Filters"));
    views_->addTab(buildTestSetTab(), tr("Test set: confusion && mistakes"));
    const QStringList tips = {tr("What each stage of the network makes of the digit on the canvas"),
                              tr("Which pixels of the digit pushed the prediction"),
                              tr("The convolution kernels the model learned"),
                              tr("Where the model goes wrong on the 10,000 test images")};
    for (int i = 0; i < views_->count(); ++i) {
        views_->setTabToolTip(i, tips[i] + tr(" (Alt+%1)").arg(i + 1));
        // Alt+1…4 while the Inside tab is shown (a hidden page's shortcuts do not fire).
        auto* show_view = new QShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)), this);
        connect(show_view, &QShortcut::activated, this, [this, i] { views_->setCurrentIndex(i); });
    }

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(views_, 1);

    setCheckpoint({}, {});
    setDataDir({});
    updateHeader();
}

InsidePage::~InsidePage() {
    jobs_->cancelScoring();
    jobs_->waitForFinished();
}

QWidget* InsidePage::buildFeatureMapsTab() {
    feature_maps_ = new FeatureMapView;
    stage_list_ = new QListWidget;
    stage_list_->setToolTip(tr("The stages in forward order: pick one to see its output"));
    stage_details_ = new QLabel;
    stage_details_->setWordWrap(true);
    stage_details_->setTextFormat(Qt::RichText);
    stage_details_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    previous_stage_ = new QToolButton;
    previous_stage_->setText(tr("◀ Previous"));
    previous_stage_->setToolTip(tr("The stage before (PgUp)"));
    previous_stage_->setShortcut(QKeySequence(Qt::Key_PageUp));
    next_stage_ = new QToolButton;
    next_stage_->setText(tr("Next ▶"));
    next_stage_->setToolTip(tr("The stage after (PgDown)"));
    next_stage_->setShortcut(QKeySequence(Qt::Key_PageDown));
    connect(previous_stage_, &QToolButton::clicked, this,
            [this] { feature_maps_->setCurrentStage(feature_maps_->currentStage() - 1); });
    connect(next_stage_, &QToolButton::clicked, this,
            [this] { feature_maps_->setCurrentStage(feature_maps_->currentStage() + 1); });
    connect(stage_list_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0) feature_maps_->setCurrentStage(row);
    });
    connect(feature_maps_, &FeatureMapView::currentStageChanged, this,
            &InsidePage::showStageDetails);

    auto* stepper = new QHBoxLayout;
    stepper->addWidget(previous_stage_);
    stepper->addWidget(next_stage_);
    stepper->addStretch(1);
    stepper->addWidget(saveButton(feature_maps_, QStringLiteral("feature_maps")));

    auto* side = new QVBoxLayout;
    auto* heading = new QLabel(tr("<b>What stage k sees</b>"));
    heading->setWordWrap(true);  // at presentation mode's text size it may need two lines
    side->addWidget(heading);
    side->addWidget(stage_details_);
    side->addWidget(stage_list_, 1);
    auto* side_widget = side_column_ = new QWidget;
    side_widget->setLayout(side);
    fitSideColumn();
    side->setContentsMargins(0, 0, 0, 0);

    auto* left = new QVBoxLayout;
    left->addLayout(stepper);
    left->addWidget(feature_maps_, 1);

    auto* tab = new QWidget;
    auto* layout = new QHBoxLayout(tab);
    layout->addLayout(left, 1);
    layout->addWidget(side_widget);
    return tab;
}

QWidget* InsidePage::buildSaliencyTab() {
    saliency_ = new SaliencyView;
    saliency_method_ = new QComboBox;
    saliency_method_->addItem(tr("Gradient"), static_cast<int>(SaliencyMethod::Gradient));
    saliency_method_->addItem(tr("Occlusion"), static_cast<int>(SaliencyMethod::Occlusion));
    saliency_method_->setToolTip(
        tr("Gradient: how much a small change of each pixel moves the winning score.\n"
           "Occlusion: how much the winner's probability drops when a 4×4 patch around each "
           "pixel is blanked."));
    connect(saliency_method_, &QComboBox::currentIndexChanged, this, [this] { requestViews(); });

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Method:")));
    bar->addWidget(saliency_method_);
    bar->addStretch(1);
    bar->addWidget(saveButton(saliency_, QStringLiteral("saliency")));

    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    layout->addLayout(bar);
    layout->addWidget(saliency_, 1);
    layout->addWidget(hintLabel(
        tr("Bright where the pixel mattered to the answer. A well-trained model looks at the "
           "strokes that tell this digit from its look-alikes (the bar of a 7, the loop of a "
           "9).")));
    return tab;
}

QWidget* InsidePage::buildFiltersTab() {
    filters_ = new FilterView;
    filter_layer_ = new QComboBox;
    filter_layer_->setToolTip(tr("The convolution whose kernels are shown"));
    connect(filter_layer_, &QComboBox::currentIndexChanged, this, [this] { requestViews(); });
    average_inputs_ = new QCheckBox(tr("Average over input channels"));
    average_inputs_->setToolTip(
        tr("One tile per output channel instead of one per input/output pair"));
    connect(average_inputs_, &QCheckBox::toggled, filters_, &FilterView::setAveraged);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Layer:")));
    bar->addWidget(filter_layer_);
    bar->addWidget(average_inputs_);
    bar->addStretch(1);
    bar->addWidget(saveButton(filters_, QStringLiteral("filters")));

    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    layout->addLayout(bar);
    layout->addWidget(filters_, 1);
    return tab;
}

QWidget* InsidePage::buildTestSetTab() {
    score_ = new QPushButton(tr("Score test set"));
    score_->setToolTip(tr("Classify every test image with the checkpoint in use (F6)"));
    score_->setShortcut(QKeySequence(Qt::Key_F6));
    connect(score_, &QPushButton::clicked, this, &InsidePage::scoreTestSet);
    cancel_ = new QPushButton(tr("Cancel"));
    cancel_->setToolTip(tr("Stop scoring; nothing is kept"));
    connect(cancel_, &QPushButton::clicked, this, &InsidePage::cancelScoring);
    progress_ = new QProgressBar;
    progress_->setFormat(tr("%v / %m images"));
    test_status_ = new QLabel;
    test_status_->setWordWrap(true);
    data_missing_ = new QLabel;
    data_missing_->setWordWrap(true);
    data_missing_->setTextFormat(Qt::RichText);
    data_missing_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    data_missing_->setFrameShape(QFrame::StyledPanel);
    data_missing_->setMargin(8);

    confusion_ = new ConfusionMatrixView;
    connect(confusion_, &ConfusionMatrixView::cellClicked, this, &InsidePage::showCell);

    gallery_ = new DigitGallery;
    gallery_->setEmptyText(tr("The mistakes appear here once the test set is scored."));
    connect(gallery_, &DigitGallery::itemClicked, this, &InsidePage::onGalleryClicked);
    auto* scroll = new QScrollArea;
    scroll->setWidget(gallery_);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    gallery_title_ = new QLabel;
    gallery_order_ = new QComboBox;
    gallery_order_->addItem(tr("Most confident first"));
    gallery_order_->addItem(tr("Test-set order"));
    gallery_order_->setToolTip(tr("How the images are sorted"));
    connect(gallery_order_, &QComboBox::currentIndexChanged, this, [this](int i) {
        gallery_->setOrder(i == 0 ? DigitGallery::Order::MostConfidentFirst
                                  : DigitGallery::Order::TestSetOrder);
    });
    auto* all_mistakes = new QToolButton;
    all_mistakes->setText(tr("All mistakes"));
    all_mistakes->setToolTip(tr("List every misclassified test image"));
    connect(all_mistakes, &QToolButton::clicked, this, [this] { showCell(-1, -1); });

    auto* bar = new QHBoxLayout;
    bar->addWidget(score_);
    bar->addWidget(cancel_);
    bar->addWidget(progress_, 1);

    auto* matrix_bar = new QHBoxLayout;
    matrix_bar->addWidget(new QLabel(tr("<b>Confusion matrix</b>")));
    matrix_bar->addStretch(1);
    matrix_bar->addWidget(saveButton(confusion_, QStringLiteral("confusion_matrix")));
    auto* matrix_box = new QVBoxLayout;
    matrix_box->addLayout(matrix_bar);
    matrix_box->addWidget(confusion_, 1);

    auto* gallery_bar = new QHBoxLayout;
    gallery_bar->addWidget(gallery_title_, 1);
    gallery_bar->addWidget(all_mistakes);
    gallery_bar->addWidget(gallery_order_);
    gallery_bar->addWidget(saveButton(gallery_, QStringLiteral("mistakes")));
    auto* gallery_box = new QVBoxLayout;
    gallery_box->addLayout(gallery_bar);
    gallery_box->addWidget(scroll, 1);
    gallery_box->addWidget(hintLabel(tr("Click an image to put it on the canvas.")));

    auto* body = new QHBoxLayout;
    body->addLayout(matrix_box, 5);
    body->addLayout(gallery_box, 4);

    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    layout->addLayout(bar);
    layout->addWidget(test_status_);
    layout->addWidget(data_missing_);
    layout->addLayout(body, 1);
    return tab;
}

QToolButton* InsidePage::saveButton(PaintedView* view, const QString& name) {
    auto* button = new QToolButton;
    button->setText(tr("Save PNG…"));
    button->setToolTip(tr("Save this view as a PNG picture"));
    connect(button, &QToolButton::clicked, this, [this, view, name] {
        const QString suggested = QDir::home().filePath(
            QStringLiteral("%1_%2.png")
                .arg(name, model_.isEmpty() ? QStringLiteral("view") : model_));
        const QString path = QFileDialog::getSaveFileName(this, tr("Save view"), suggested,
                                                          tr("PNG images (*.png)"));
        if (path.isEmpty()) return;
        QString error;
        if (!view->savePng(path, &error)) QMessageBox::warning(this, tr("Cannot save"), error);
    });
    return button;
}

QString InsidePage::modelText() const {
    return model_label_->text();
}

bool InsidePage::isDataMissingShown() const {
    return !data_missing_->isHidden();
}

QString InsidePage::dataMissingText() const {
    return data_missing_->text();
}

void InsidePage::setCheckpoint(const QString& path, const QString& model) {
    // Even the same path: training rewrites the best checkpoint in place.
    ++generation_;
    checkpoint_ = path;
    model_ = model;
    filter_layer_->blockSignals(true);
    filter_layer_->clear();
    filter_layer_->blockSignals(false);
    filters_->clear();
    feature_maps_->clear();
    stage_list_->clear();
    saliency_->clear();
    showStageDetails(0);
    clearTestSet(
        checkpoint_.isEmpty()
            ? tr("No model loaded: load a checkpoint to score the test set.")
            : tr("Press “Score test set” to classify the test images with %1.").arg(model_));
    if (jobs_->isScoring()) jobs_->cancelScoring();
    updateHeader();
    requestViews();
}

void InsidePage::setPrediction(const mnist::Prediction& prediction) {
    prediction_ = prediction;
    updateHeader();
    requestViews();
}

void InsidePage::setDataDir(const QString& dir) {
    data_dir_ = dir;
    if (!dir.isEmpty() && mnist::has_mnist_files(dir.toStdString())) {
        data_missing_->hide();
        updateScoringControls();
        return;
    }
    // Ask the same lookup as training where it looked, so the message names those places.
    QString where;
    try {
        mnist::resolve_data_dir(dir.toStdString(),
                                QCoreApplication::applicationFilePath().toStdString());
    } catch (const std::exception& e) {
        where = QString::fromStdString(e.what());
    }
    data_missing_->setText(
        tr("<b>The confusion matrix and the mistakes need the MNIST test set</b> "
           "(<code>t10k-images-idx3-ubyte</code> and <code>t10k-labels-idx1-ubyte</code>, raw or "
           ".gz), expected in <code>data/MNIST/raw</code> of the source folder or in "
           "<code>$MNIST_DATA</code>. Run <code>scripts/fetch_data.sh</code>, or use File ▸ "
           "Choose data folder…. Feature maps, saliency and filters work without it.<br>"
           "<small>%1</small>")
            .arg(where.toHtmlEscaped()));
    data_missing_->show();
    data_dir_.clear();
    updateScoringControls();
}

void InsidePage::fitSideColumn() {
    // About 32 characters of the page's font: a fixed pixel width would cut the heading when
    // presentation mode doubles the text.
    if (side_column_) side_column_->setMaximumWidth(32 * fontMetrics().averageCharWidth());
}

void InsidePage::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) fitSideColumn();
}

void InsidePage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_) requestViews();
}

void InsidePage::requestViews() {
    // Nobody sees a hidden tab: note the change and compute when it is shown.
    if (!isVisible()) {
        stale_ = true;
        return;
    }
    stale_ = false;
    DigitRequest request;
    request.checkpoint = checkpoint_;
    request.generation = generation_;
    request.digit = prediction_.input.pixels;
    request.blank = prediction_.input.blank;
    request.method = static_cast<SaliencyMethod>(saliency_method_->currentData().toInt());
    request.filter_layer = filter_layer_->currentText();
    jobs_->requestDigit(request);
}

void InsidePage::onDigitInspected(const DigitInspection& result) {
    if (result.request.generation != generation_) return;  // an older checkpoint's answer
    if (!result.error.isEmpty()) {
        feature_maps_->clear();
        feature_maps_->setPlaceholder(result.error);
        saliency_->clear();
        saliency_->setPlaceholder(result.error);
        filters_->clear();
        return;
    }
    // The layer chooser follows the model.
    QStringList layers;
    for (const std::string& l : result.filter_layers) layers << QString::fromStdString(l);
    QStringList shown;
    for (int i = 0; i < filter_layer_->count(); ++i) shown << filter_layer_->itemText(i);
    if (layers != shown) {
        filter_layer_->blockSignals(true);
        filter_layer_->clear();
        filter_layer_->addItems(layers);
        filter_layer_->setCurrentText(QString::fromStdString(result.filters.layer));
        filter_layer_->blockSignals(false);
    }
    filters_->setFilters(result.filters);
    average_inputs_->setEnabled(result.filters.in_channels > 1);

    const QString draw_hint =
        tr("Draw a digit on the Draw & Predict tab (Ctrl+2), or score the test set and click "
           "one of its images.");
    if (result.request.blank || checkpoint_.isEmpty()) {
        feature_maps_->clear();
        feature_maps_->setPlaceholder(draw_hint);
        saliency_->clear();
        saliency_->setPlaceholder(draw_hint);
        stage_list_->clear();
        showStageDetails(0);
        return;
    }
    const bool same_stages = stage_list_->count() == static_cast<int>(result.stages.size());
    if (!same_stages) {
        stage_list_->blockSignals(true);
        stage_list_->clear();
        for (std::size_t k = 0; k < result.stages.size(); ++k) {
            const StageActivation& s = result.stages[k];
            stage_list_->addItem(
                QStringLiteral("%1  %2  %3")
                    .arg(k + 1)
                    .arg(QString::fromStdString(s.name), stageShapeText(s.output_shape)));
        }
        stage_list_->blockSignals(false);
    }
    feature_maps_->setStages(result.stages);
    showStageDetails(feature_maps_->currentStage());
    saliency_->setSaliency(
        result.request.digit, result.saliency,
        result.request.method == SaliencyMethod::Gradient ? tr("Gradient") : tr("Occlusion"));
}

void InsidePage::showStageDetails(int k) {
    const StageActivation* s = feature_maps_->stage(k);
    previous_stage_->setEnabled(s && k > 0);
    next_stage_->setEnabled(s && k + 1 < feature_maps_->stageCount());
    if (!s) {
        stage_details_->setText(
            tr("Each stage's output size, parameters and multiply-"
               "accumulates show here once a digit is drawn."));
        return;
    }
    if (stage_list_->currentRow() != k) {
        stage_list_->blockSignals(true);
        stage_list_->setCurrentRow(k);
        stage_list_->blockSignals(false);
    }
    stage_details_->setText(
        tr("Stage %1 of %2: <b>%3</b> (%4)<br>output %5 (%6 values)<br>%7 parameters<br>"
           "%8 multiply-accumulates per image")
            .arg(k + 1)
            .arg(feature_maps_->stageCount())
            .arg(QString::fromStdString(s->name).toHtmlEscaped(),
                 QString::fromStdString(s->type).toHtmlEscaped(), stageShapeText(s->output_shape),
                 groupThousands(valueCount(s->output_shape)), groupThousands(s->params),
                 groupThousands(s->macs)));
}

void InsidePage::updateHeader() {
    if (checkpoint_.isEmpty()) {
        model_label_->setText(
            tr("<b>No model loaded</b> — train one or use “Load checkpoint…” "
               "on the Draw & Predict tab; the views need a model."));
    } else {
        model_label_->setText(
            tr("<b>%1</b> — %2<br>the checkpoint the Draw & Predict tab uses")
                .arg(model_.toHtmlEscaped(), QFileInfo(checkpoint_).fileName().toHtmlEscaped()));
    }
    model_label_->setToolTip(checkpoint_);
    preview_->setImage(toQImage(prediction_.input));
    if (prediction_.input.blank) {
        digit_label_->setText(tr("The canvas is empty: draw a digit (Ctrl+2) to look inside."));
    } else if (prediction_.blank || prediction_.digit < 0) {
        digit_label_->setText(tr("The digit on the canvas"));
    } else {
        digit_label_->setText(tr("The digit on the canvas, read as <b>%1</b> (%2 % sure)")
                                  .arg(prediction_.digit)
                                  .arg(prediction_.confidence * 100.0, 0, 'f', 1));
    }
}

bool InsidePage::scoreTestSet() {
    if (checkpoint_.isEmpty() || data_dir_.isEmpty() || jobs_->isScoring()) return false;
    if (!jobs_->scoreTestSet(checkpoint_, data_dir_, test_limit_)) return false;
    scoring_generation_ = generation_;
    progress_->setRange(0, 0);  // busy until the first batch reports the total
    test_status_->setText(tr("Scoring the test set with %1…").arg(model_));
    updateScoringControls();
    return true;
}

void InsidePage::cancelScoring() {
    jobs_->cancelScoring();
    test_status_->setText(tr("Cancelling…"));
}

void InsidePage::onScoringProgress(qint64 done, qint64 total) {
    if (!jobs_->isScoring()) return;
    progress_->setRange(0, static_cast<int>(total));
    progress_->setValue(static_cast<int>(done));
}

void InsidePage::onTestSetScored(std::shared_ptr<const mnist::TestSetInspection> result,
                                 const QString& checkpoint) {
    updateScoringControls();
    if (scoring_generation_ != generation_ || checkpoint != checkpoint_)
        return;  // scored with a checkpoint no longer in use
    test_set_ = std::move(result);
    const mnist::EvalResult& eval = test_set_->eval;
    progress_->setRange(0, static_cast<int>(eval.count));
    progress_->setValue(static_cast<int>(eval.count));
    test_status_->setText(
        tr("%1 on %2 test images: %3 % right, %4 mistakes.")
            .arg(model_, groupThousands(eval.count))
            .arg(eval.accuracy, 0, 'f', 2)
            .arg(groupThousands(static_cast<std::int64_t>(test_set_->mistakes.size()))));
    confusion_->setMatrix(eval.confusion);
    showCell(-1, -1);
}

void InsidePage::onTestSetFailed(const QString& message, bool cancelled) {
    updateScoringControls();
    if (scoring_generation_ != generation_) return;  // stopped by a checkpoint change: said so
    progress_->setRange(0, 1);
    progress_->setValue(0);
    test_status_->setText(cancelled ? tr("Scoring cancelled.")
                                    : tr("Scoring failed: %1").arg(message));
}

void InsidePage::updateScoringControls() {
    const bool scoring = jobs_->isScoring();
    score_->setEnabled(!scoring && !checkpoint_.isEmpty() && !data_dir_.isEmpty());
    cancel_->setEnabled(scoring);
}

void InsidePage::clearTestSet(const QString& why) {
    test_set_.reset();
    confusion_->clear();
    gallery_->setItems({});
    gallery_title_->setText(tr("<b>Mistakes</b>"));
    test_status_->setText(why);
    progress_->setRange(0, 1);
    progress_->setValue(0);
    updateScoringControls();
}

void InsidePage::showCell(int label, int predicted) {
    if (!test_set_) return;
    confusion_->setSelectedCell(label, predicted);
    const std::vector<std::int64_t> indices =
        label < 0 ? test_set_->mistakes : test_set_->cell(label, predicted);
    std::vector<GalleryItem> items;
    items.reserve(indices.size());
    for (std::int64_t i : indices) {
        const auto at = static_cast<std::size_t>(i);
        items.push_back({i, test_set_->labels[at], test_set_->predicted[at],
                         test_set_->confidence[at], testImage(*test_set_, i)});
    }
    if (label < 0) {
        gallery_title_->setText(
            tr("<b>%1 mistakes</b>").arg(groupThousands(static_cast<std::int64_t>(items.size()))));
        gallery_->setEmptyText(tr("No mistakes: every test image was read correctly."));
    } else {
        gallery_title_->setText(
            (label == predicted ? tr("<b>%1 × %2 read correctly</b>")
                                      .arg(groupThousands(static_cast<std::int64_t>(items.size())))
                                      .arg(label)
                                : tr("<b>%1 × a true %2 read as %3</b>")
                                      .arg(groupThousands(static_cast<std::int64_t>(items.size())))
                                      .arg(label)
                                      .arg(predicted)));
        gallery_->setEmptyText(tr("No test image falls in this cell."));
    }
    gallery_->setItems(std::move(items));
}

void InsidePage::onGalleryClicked(qint64 index) {
    if (!test_set_) return;
    const auto at = static_cast<std::size_t>(index);
    Q_EMIT digitChosen(test_set_->pixels(index), tr("test image #%1 (a %2, read as %3)")
                                                     .arg(index)
                                                     .arg(test_set_->labels[at])
                                                     .arg(test_set_->predicted[at]));
}

}  // namespace mnist::ui
