#include "ui/model_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <exception>

#include "core/training/recipes.h"
#include "core/compute_device.h"
#include "core/models/model_registry.h"
#include "core/models/model_summary.h"
#include "ui/augmentation_preview_widget.h"

namespace mnist::ui {
namespace {

// Thousands separators whatever the system locale: "26,698" reads the same on every projector.
QString grouped(std::int64_t n) {
    return QLocale(QLocale::English, QLocale::UnitedStates).toString(static_cast<qlonglong>(n));
}

QString recipeKey(const QString& model, const char* field) {
    return QStringLiteral("models/%1/%2").arg(model, QLatin1String(field));
}

void selectData(QComboBox* combo, const QString& data) {
    const int i = combo->findData(data);
    if (i >= 0) combo->setCurrentIndex(i);
}

// The scroll area around the panel sizes it by preferred heights (its labels wrap), so a table
// asking for QTableWidget's default height would push the Augmentation section off a 800 px
// screen. This one asks for its minimum and takes whatever height is left over.
class LayerTable : public QTableWidget {
  public:
    using QTableWidget::QTableWidget;
    QSize sizeHint() const override { return {QTableWidget::sizeHint().width(), minimumHeight()}; }
};

QDoubleSpinBox* rangeBox(const QString& object_name, double lo, double hi, int decimals,
                         double step, const QString& prefix, const QString& suffix,
                         const QString& tool_tip) {
    auto* box = new QDoubleSpinBox;
    box->setObjectName(object_name);
    box->setRange(lo, hi);
    box->setDecimals(decimals);
    box->setSingleStep(step);
    box->setPrefix(prefix);
    box->setSuffix(suffix);
    box->setToolTip(tool_tip);
    return box;
}

}  // namespace

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
    model_ = new QComboBox;
    for (const auto& info : mnist::model_infos()) {
        model_->addItem(QString::fromStdString(info.name), QString::fromStdString(info.name));
        model_->setItemData(model_->count() - 1, QString::fromStdString(info.title),
                            Qt::ToolTipRole);
    }
    model_->setToolTip(tr("The network to inspect, train and draw with"));
    // A first start shows the final model, the one the bundled checkpoint on the canvas is.
    selectData(model_, QStringLiteral("Model_3"));
    QFont bigger = model_->font();
    bigger.setPointSizeF(bigger.pointSizeF() * 1.15);
    model_->setFont(bigger);

    title_ = new QLabel;
    title_->setWordWrap(true);
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    description_ = new QLabel;
    description_->setWordWrap(true);
    description_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    description_->setToolTip(tr("How this model is built and trained"));

    table_ = new LayerTable(0, 4);
    table_->setHorizontalHeaderLabels({tr("Layer"), tr("Type"), tr("Output shape"), tr("Params")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->setToolTip(
        tr("Every layer with the shape of its output for one 28×28 image and its "
           "number of learned parameters; the last row is the total"));
    // Header and four layers at least; the table takes whatever height the panel has left.
    table_->setMinimumHeight(table_->horizontalHeader()->sizeHint().height() +
                             4 * table_->verticalHeader()->defaultSectionSize() + 4);
    totals_ = new QLabel;
    totals_->setWordWrap(true);

    // The recipe.
    epochs_ = new QSpinBox;
    epochs_->setRange(1, 500);
    epochs_->setToolTip(tr("How many passes over the 60,000 training images"));
    batch_size_ = new QSpinBox;
    batch_size_->setRange(1, 8192);
    batch_size_->setToolTip(tr("Images per optimizer step"));
    lr_ = new QDoubleSpinBox;
    lr_->setDecimals(5);
    lr_->setRange(0.00001, 1.0);
    lr_->setSingleStep(0.0001);
    lr_->setToolTip(tr("Starting learning rate (for ReduceLROnPlateau, StepLR and no schedule)"));
    optimizer_ = new QComboBox;
    optimizer_->addItem(QStringLiteral("Adam"), QStringLiteral("adam"));
    optimizer_->addItem(QStringLiteral("AdamW"), QStringLiteral("adamw"));
    optimizer_->addItem(QStringLiteral("SGD (momentum)"), QStringLiteral("sgd"));
    optimizer_->setToolTip(tr("The optimizer that updates the weights"));
    scheduler_ = new QComboBox;
    scheduler_->addItem(QStringLiteral("ReduceLROnPlateau"), QStringLiteral("plateau"));
    scheduler_->addItem(QStringLiteral("OneCycle"), QStringLiteral("onecycle"));
    scheduler_->addItem(QStringLiteral("StepLR"), QStringLiteral("step"));
    scheduler_->addItem(tr("None (constant)"), QStringLiteral("none"));
    scheduler_->setToolTip(
        tr("How the learning rate changes: halve it when validation loss stops "
           "falling (plateau), warm up then anneal (OneCycle), decay every few "
           "epochs (step) or keep it constant"));
    max_lr_ = new QDoubleSpinBox;
    max_lr_->setDecimals(4);
    max_lr_->setRange(0.0001, 10.0);
    max_lr_->setSingleStep(0.001);
    max_lr_->setToolTip(tr("OneCycle's peak learning rate"));
    seed_ = new QSpinBox;
    seed_->setRange(0, INT_MAX);
    seed_->setToolTip(tr("Random seed: the same seed and recipe give the same run"));
    device_ = new QComboBox;
    device_->addItem(QStringLiteral("CPU"), QStringLiteral("cpu"));
    if (mnist::cuda_available()) device_->addItem(QStringLiteral("CUDA"), QStringLiteral("cuda"));
    device_->setToolTip(mnist::cuda_available()
                            ? tr("Train on the CPU or the CUDA GPU")
                            : tr("No CUDA GPU was found; training runs on the CPU"));
    threads_ = new QSpinBox;
    threads_->setRange(0, std::max(1, QThread::idealThreadCount()) * 2);
    threads_->setSpecialValueText(tr("all cores"));
    threads_->setToolTip(tr("CPU threads for training (0 = all cores)"));
    ema_ = new QDoubleSpinBox;
    ema_->setDecimals(4);
    ema_->setRange(0.0, 0.9999);
    ema_->setSingleStep(0.001);
    ema_->setSpecialValueText(tr("off"));
    ema_->setToolTip(
        tr("Validate and save a moving average of the weights, keeping this share of it per step "
           "(0.998 averages about the last 500 steps): a steadier last epoch"));
    quick_demo_ = new QPushButton(tr("Quick demo"));
    quick_demo_->setToolTip(
        tr("A short recipe for live demonstrations: Model_3 passes 99.4 % in about a minute on "
           "two cores"));
    reset_ = new QPushButton(tr("Reset to recommended"));
    reset_->setToolTip(
        tr("Put back the recipe and augmentation ranges this model is meant to be trained with"));

    // The augmentation ranges, as the CLI's --degrees, --translate, --scale-min/max, --shear
    // and --stroke; shift and stroke read better as percentages.
    const QString plus_minus = QStringLiteral("±");
    degrees_ = rangeBox(QStringLiteral("augmentDegrees"), 0, 180, 0, 1, plus_minus,
                        QStringLiteral("°"), tr("Rotate each image by up to this many degrees"));
    translate_ =
        rangeBox(QStringLiteral("augmentTranslate"), 0, 50, 0, 1, plus_minus, QStringLiteral(" %"),
                 tr("Shift each image by up to this share of its size, per axis"));
    scale_min_ = rangeBox(QStringLiteral("augmentScaleMin"), 0.3, 2.0, 2, 0.05, QString(),
                          QStringLiteral("×"), tr("Smallest zoom (below 1 shrinks the digit)"));
    scale_max_ = rangeBox(QStringLiteral("augmentScaleMax"), 0.3, 2.0, 2, 0.05, QString(),
                          QStringLiteral("×"), tr("Largest zoom (above 1 enlarges the digit)"));
    shear_ = rangeBox(QStringLiteral("augmentShear"), 0, 60, 0, 1, plus_minus, QStringLiteral("°"),
                      tr("Slant each image by up to this many degrees"));
    stroke_ =
        rangeBox(QStringLiteral("augmentStroke"), 0, 100, 0, 5, QString(), QStringLiteral(" %"),
                 tr("Share of the images drawn with a thicker or thinner pen"));
    augmentation_preview_ = new AugmentationPreviewWidget;

    // The title's check box switches augmentation on; unchecked, the ranges are locked.
    augmentation_ = new QGroupBox(tr("Augmentation (rotate, shift, zoom, stroke)"));
    augmentation_->setCheckable(true);
    augmentation_->setToolTip(
        tr("Randomly transform each training batch within these ranges so the model "
           "generalizes to hand-drawn digits"));
    auto* grid = new QGridLayout(augmentation_);
    auto label = [](const QString& text, QWidget* buddy) {
        auto* l = new QLabel(text);
        l->setBuddy(buddy);
        return l;
    };
    // Three ranges to a row; the zoom's two ends stay side by side.
    grid->addWidget(label(tr("&Rotation"), degrees_), 0, 0);
    grid->addWidget(degrees_, 0, 1);
    grid->addWidget(label(tr("Sh&ift"), translate_), 0, 2);
    grid->addWidget(translate_, 0, 3);
    grid->addWidget(label(tr("S&hear"), shear_), 0, 4);
    grid->addWidget(shear_, 0, 5);
    grid->addWidget(label(tr("&Zoom"), scale_min_), 1, 0);
    grid->addWidget(scale_min_, 1, 1);
    grid->addWidget(label(tr("to"), scale_max_), 1, 2);
    grid->addWidget(scale_max_, 1, 3);
    grid->addWidget(label(tr("Stro&ke"), stroke_), 1, 4);
    grid->addWidget(stroke_, 1, 5);
    grid->addWidget(augmentation_preview_, 2, 0, 1, 6);
    for (int column : {1, 3, 5}) grid->setColumnStretch(column, 1);

    // Two fields to a row, pairs that belong together side by side, so the recipe leaves room
    // for the Augmentation section in a 800 px high window.
    recipe_ = new QGroupBox(tr("Training recipe"));
    auto* form = new QGridLayout(recipe_);
    form->addWidget(label(tr("Epochs"), epochs_), 0, 0);
    form->addWidget(epochs_, 0, 1);
    form->addWidget(label(tr("Batch size"), batch_size_), 0, 2);
    form->addWidget(batch_size_, 0, 3);
    form->addWidget(label(tr("Optimizer"), optimizer_), 1, 0);
    form->addWidget(optimizer_, 1, 1, 1, 3);
    form->addWidget(label(tr("Scheduler"), scheduler_), 2, 0);
    form->addWidget(scheduler_, 2, 1, 1, 3);
    form->addWidget(label(tr("Learning rate"), lr_), 3, 0);
    form->addWidget(lr_, 3, 1);
    form->addWidget(label(tr("Max LR"), max_lr_), 3, 2);
    form->addWidget(max_lr_, 3, 3);
    form->addWidget(label(tr("Seed"), seed_), 4, 0);
    form->addWidget(seed_, 4, 1);
    form->addWidget(label(tr("Threads"), threads_), 4, 2);
    form->addWidget(threads_, 4, 3);
    form->addWidget(label(tr("Device"), device_), 5, 0);
    form->addWidget(device_, 5, 1);
    form->addWidget(label(tr("Weight avg."), ema_), 5, 2);
    form->addWidget(ema_, 5, 3);
    form->addWidget(quick_demo_, 6, 0, 1, 2);
    form->addWidget(reset_, 6, 2, 1, 2);
    form->setColumnStretch(1, 1);
    form->setColumnStretch(3, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    // The model's one-line title beside its name: the lines saved go to the Augmentation section.
    auto* model_row = new QHBoxLayout;
    model_row->addWidget(model_, 0, Qt::AlignTop);
    model_row->addWidget(title_, 1);
    layout->addLayout(model_row);
    layout->addWidget(description_);
    layout->addWidget(table_, 1);
    layout->addWidget(totals_);
    layout->addWidget(recipe_);
    layout->addWidget(augmentation_);

    connect(model_, &QComboBox::currentIndexChanged, this, &ModelPanel::onModelIndexChanged);
    connect(scheduler_, &QComboBox::currentIndexChanged, this, &ModelPanel::updateMaxLrEnabled);
    connect(reset_, &QPushButton::clicked, this, &ModelPanel::resetToRecommended);
    connect(quick_demo_, &QPushButton::clicked, this, &ModelPanel::useQuickDemo);
    for (QDoubleSpinBox* box : {degrees_, translate_, scale_min_, scale_max_, shear_, stroke_}) {
        connect(box, &QDoubleSpinBox::valueChanged, this, &ModelPanel::onAugmentationEdited);
    }
    // A zoom range never runs backwards: moving one end past the other drags it along.
    connect(scale_min_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (scale_max_->value() < v) scale_max_->setValue(v);
    });
    connect(scale_max_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (scale_min_->value() > v) scale_min_->setValue(v);
    });

    shown_model_ = currentModel();
    loadRecipe(shown_model_);
    showSummary(shown_model_);
}

QString ModelPanel::currentModel() const {
    return model_->currentData().toString();
}

void ModelPanel::setCurrentModel(const QString& model) {
    selectData(model_, model);
}

mnist::TrainOptions ModelPanel::options() const {
    mnist::TrainOptions o = mnist::recommended_options(currentModel().toStdString());
    o.epochs = epochs_->value();
    o.batch_size = batch_size_->value();
    o.lr = lr_->value();
    o.optimizer = mnist::parse_optimizer(optimizer_->currentData().toString().toStdString());
    o.scheduler = mnist::parse_scheduler(scheduler_->currentData().toString().toStdString());
    o.max_lr = max_lr_->value();
    o.ema_decay = ema_->value();
    o.augment = augmentation_->isChecked();
    o.augmentation = augmentOptions();
    o.seed = static_cast<std::uint64_t>(seed_->value());
    o.device = device_->currentData().toString().toStdString();
    o.threads = threads_->value();
    return o;
}

void ModelPanel::setOptions(const mnist::TrainOptions& o) {
    epochs_->setValue(o.epochs);
    batch_size_->setValue(o.batch_size);
    lr_->setValue(o.lr);
    selectData(optimizer_, QString::fromLatin1(mnist::to_string(o.optimizer)));
    selectData(scheduler_, QString::fromLatin1(mnist::to_string(o.scheduler)));
    max_lr_->setValue(o.max_lr);
    ema_->setValue(o.ema_decay);
    augmentation_->setChecked(o.augment);
    // Both zoom ends first widened, so the linking above cannot clip the new range.
    scale_min_->setValue(std::min(o.augmentation.scale_min(), scale_min_->value()));
    scale_max_->setValue(std::max(o.augmentation.scale_max(), scale_max_->value()));
    scale_min_->setValue(o.augmentation.scale_min());
    scale_max_->setValue(o.augmentation.scale_max());
    degrees_->setValue(o.augmentation.degrees());
    translate_->setValue(o.augmentation.translate() * 100.0);
    shear_->setValue(o.augmentation.shear());
    stroke_->setValue(o.augmentation.stroke() * 100.0);
    seed_->setValue(static_cast<int>(std::min<std::uint64_t>(o.seed, INT_MAX)));
    // "auto" means the GPU when there is one.
    selectData(device_, o.device == "auto" ? (mnist::cuda_available() ? QStringLiteral("cuda")
                                                                      : QStringLiteral("cpu"))
                                           : QString::fromStdString(o.device));
    threads_->setValue(o.threads);
    updateMaxLrEnabled();
    onAugmentationEdited();  // also when no range changed: the preview follows the recipe
}

void ModelPanel::resetToRecommended() {
    setOptions(mnist::recommended_options(currentModel().toStdString()));
}

void ModelPanel::useQuickDemo() {
    setOptions(mnist::recommended_options(currentModel().toStdString(), "fast"));
}

void ModelPanel::setEditable(bool editable) {
    model_->setEnabled(editable);
    recipe_->setEnabled(editable);
    // Enabled again, the group box keeps its ranges locked while its check box is off.
    augmentation_->setEnabled(editable);
}

void ModelPanel::setDataDir(const QString& dir) {
    augmentation_preview_->setDataDir(dir);
}

mnist::AugmentOptions ModelPanel::augmentOptions() const {
    return mnist::AugmentOptions()
        .degrees(degrees_->value())
        .translate(translate_->value() / 100.0)
        .scale(scale_min_->value(), scale_max_->value())
        .shear(shear_->value())
        .stroke(stroke_->value() / 100.0);
}

void ModelPanel::onAugmentationEdited() {
    augmentation_preview_->setOptions(augmentOptions());
}

void ModelPanel::onModelIndexChanged() {
    const QString model = currentModel();
    if (model == shown_model_) return;
    saveRecipe(shown_model_);
    shown_model_ = model;
    loadRecipe(model);
    showSummary(model);
    Q_EMIT modelChanged(model);
}

void ModelPanel::updateMaxLrEnabled() {
    max_lr_->setEnabled(scheduler_->currentData().toString() == QLatin1String("onecycle"));
    lr_->setEnabled(scheduler_->currentData().toString() != QLatin1String("onecycle"));
}

void ModelPanel::showSummary(const QString& model) {
    const auto& info = mnist::model_info(model.toStdString());
    title_->setText(QString::fromStdString(info.title));
    description_->setText(QString::fromStdString(info.description));

    mnist::ModelSummary summary;
    try {
        summary = mnist::summarize_model(model.toStdString());
    } catch (const std::exception& e) {
        table_->setRowCount(0);
        totals_->setText(tr("No summary: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    table_->setRowCount(static_cast<int>(summary.layers.size()) + 1);
    auto cell = [](const QString& text, bool number) {
        auto* item = new QTableWidgetItem(text);
        if (number) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        return item;
    };
    int row = 0;
    for (const auto& layer : summary.layers) {
        table_->setItem(row, 0, cell(QString::fromStdString(layer.name), false));
        table_->setItem(row, 1, cell(QString::fromStdString(layer.type), false));
        table_->setItem(
            row, 2, cell(QString::fromStdString(mnist::format_shape(layer.output_shape)), false));
        table_->setItem(row, 3, cell(grouped(layer.params), true));
        ++row;
    }
    QFont bold = table_->font();
    bold.setBold(true);
    const QStringList total_row = {tr("Total"), QString(), QString(),
                                   grouped(summary.total_params)};
    for (int c = 0; c < 4; ++c) {
        auto* item = cell(total_row[c], c == 3);
        item->setFont(bold);
        table_->setItem(row, c, item);
    }
    totals_->setText(tr("%1 parameters (%2 trainable), %3 KB as float32")
                         .arg(grouped(summary.total_params), grouped(summary.trainable_params))
                         .arg(summary.size_kb, 0, 'f', 1));
}

void ModelPanel::saveRecipe(const QString& model) const {
    QSettings settings;
    const mnist::TrainOptions o = options();
    settings.setValue(recipeKey(model, "epochs"), o.epochs);
    settings.setValue(recipeKey(model, "batch_size"), o.batch_size);
    settings.setValue(recipeKey(model, "lr"), o.lr);
    settings.setValue(recipeKey(model, "optimizer"),
                      QString::fromLatin1(mnist::to_string(o.optimizer)));
    settings.setValue(recipeKey(model, "scheduler"),
                      QString::fromLatin1(mnist::to_string(o.scheduler)));
    settings.setValue(recipeKey(model, "max_lr"), o.max_lr);
    settings.setValue(recipeKey(model, "ema_decay"), o.ema_decay);
    settings.setValue(recipeKey(model, "augment"), o.augment);
    settings.setValue(recipeKey(model, "augment_degrees"), o.augmentation.degrees());
    settings.setValue(recipeKey(model, "augment_translate"), o.augmentation.translate());
    settings.setValue(recipeKey(model, "augment_scale_min"), o.augmentation.scale_min());
    settings.setValue(recipeKey(model, "augment_scale_max"), o.augmentation.scale_max());
    settings.setValue(recipeKey(model, "augment_shear"), o.augmentation.shear());
    settings.setValue(recipeKey(model, "augment_stroke"), o.augmentation.stroke());
    settings.setValue(recipeKey(model, "seed"), static_cast<qulonglong>(o.seed));
    settings.setValue(recipeKey(model, "device"), QString::fromStdString(o.device));
    settings.setValue(recipeKey(model, "threads"), o.threads);
}

void ModelPanel::loadRecipe(const QString& model) {
    mnist::TrainOptions o = mnist::recommended_options(model.toStdString());
    QSettings settings;
    o.epochs = settings.value(recipeKey(model, "epochs"), o.epochs).toInt();
    o.batch_size = settings.value(recipeKey(model, "batch_size"), o.batch_size).toInt();
    o.lr = settings.value(recipeKey(model, "lr"), o.lr).toDouble();
    // A hand-edited settings file must not stop the app from starting: unknown names keep the
    // recipe's.
    try {
        const QString opt = settings.value(recipeKey(model, "optimizer")).toString();
        if (!opt.isEmpty()) o.optimizer = mnist::parse_optimizer(opt.toStdString());
        const QString sched = settings.value(recipeKey(model, "scheduler")).toString();
        if (!sched.isEmpty()) o.scheduler = mnist::parse_scheduler(sched.toStdString());
    } catch (const std::exception&) {
    }
    o.max_lr = settings.value(recipeKey(model, "max_lr"), o.max_lr).toDouble();
    o.ema_decay = settings.value(recipeKey(model, "ema_decay"), o.ema_decay).toDouble();
    o.augment = settings.value(recipeKey(model, "augment"), o.augment).toBool();
    const mnist::AugmentOptions a = o.augmentation;
    auto number = [&](const char* field, double fallback) {
        return settings.value(recipeKey(model, field), fallback).toDouble();
    };
    o.augmentation = mnist::AugmentOptions()
                         .degrees(number("augment_degrees", a.degrees()))
                         .translate(number("augment_translate", a.translate()))
                         .scale(number("augment_scale_min", a.scale_min()),
                                number("augment_scale_max", a.scale_max()))
                         .shear(number("augment_shear", a.shear()))
                         .stroke(number("augment_stroke", a.stroke()));
    o.seed =
        settings.value(recipeKey(model, "seed"), static_cast<qulonglong>(o.seed)).toULongLong();
    o.device = settings.value(recipeKey(model, "device"), QString::fromStdString(o.device))
                   .toString()
                   .toStdString();
    o.threads = settings.value(recipeKey(model, "threads"), o.threads).toInt();
    setOptions(o);
}

void ModelPanel::loadSettings() {
    QSettings settings;
    const QString model =
        settings.value(QStringLiteral("model/current"), currentModel()).toString();
    {
        // Load the remembered recipe even if the model does not change.
        const QSignalBlocker block(model_);
        setCurrentModel(model);
    }
    shown_model_ = currentModel();
    loadRecipe(shown_model_);
    showSummary(shown_model_);
    Q_EMIT modelChanged(shown_model_);
}

void ModelPanel::saveSettings() const {
    saveRecipe(currentModel());
    QSettings settings;
    settings.setValue(QStringLiteral("model/current"), currentModel());
}

}  // namespace mnist::ui
