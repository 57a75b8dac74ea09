#include "ui/model_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <exception>
#include <variant>

#include "core/models/model_registry.h"
#include "core/training/recipe_fields.h"
#include "core/training/recipes.h"
#include "ui/augmentation_form.h"
#include "ui/augmentation_preview_widget.h"
#include "ui/model_summary_view.h"
#include "ui/recipe_form.h"

namespace mnist::ui {
namespace {

// models/<Model>/<field key>: the keys the app has always saved a recipe under.
QString recipeKey(const QString& model, const mnist::RecipeField& field) {
    return QStringLiteral("models/%1/%2").arg(model, QString::fromStdString(field.key));
}

QVariant toSetting(const mnist::FieldValue& value) {
    return std::visit(
        [](const auto& v) -> QVariant {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::int64_t>) {
                return static_cast<qlonglong>(v);
            } else if constexpr (std::is_same_v<T, std::uint64_t>) {
                return static_cast<qulonglong>(v);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return QString::fromStdString(v);
            } else {
                return v;  // double, bool
            }
        },
        value);
}

mnist::FieldValue fromSetting(const mnist::RecipeField& field, const QVariant& setting) {
    switch (field.kind) {
        case mnist::FieldKind::Integer:
            return std::int64_t{setting.toLongLong()};
        case mnist::FieldKind::Unsigned:
            return std::uint64_t{setting.toULongLong()};
        case mnist::FieldKind::Real:
            return setting.toDouble();
        case mnist::FieldKind::Flag:
            return setting.toBool();
        case mnist::FieldKind::Choice:
        case mnist::FieldKind::Text:
            return setting.toString().toStdString();
    }
    return {};
}

void selectData(QComboBox* combo, const QString& data) {
    const int i = combo->findData(data);
    if (i >= 0) combo->setCurrentIndex(i);
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

    summary_ = new ModelSummaryView;
    recipe_ = new RecipeForm;
    augmentation_ = new AugmentationForm;

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    // The model's one-line title beside its name: the lines saved go to the Augmentation section.
    auto* model_row = new QHBoxLayout;
    model_row->addWidget(model_, 0, Qt::AlignTop);
    model_row->addWidget(title_, 1);
    layout->addLayout(model_row);
    layout->addWidget(description_);
    layout->addWidget(summary_, 1);
    layout->addWidget(recipe_);
    layout->addWidget(augmentation_);

    connect(model_, &QComboBox::currentIndexChanged, this, &ModelPanel::onModelIndexChanged);
    connect(recipe_, &RecipeForm::resetRequested, this, &ModelPanel::resetToRecommended);
    connect(recipe_, &RecipeForm::quickDemoRequested, this, &ModelPanel::useQuickDemo);

    shown_model_ = currentModel();
    loadRecipe(shown_model_);
    showModel(shown_model_);
}

QString ModelPanel::currentModel() const {
    return model_->currentData().toString();
}

QTableWidget* ModelPanel::summaryTable() const {
    return summary_->table();
}

AugmentationPreviewWidget* ModelPanel::augmentationPreview() const {
    return augmentation_->preview();
}

QGroupBox* ModelPanel::augmentationSection() const {
    return augmentation_;
}

void ModelPanel::setCurrentModel(const QString& model) {
    selectData(model_, model);
}

mnist::TrainOptions ModelPanel::options() const {
    mnist::TrainOptions o = mnist::recommended_options(currentModel().toStdString());
    recipe_->readInto(o);
    augmentation_->readInto(o);
    return o;
}

void ModelPanel::setOptions(const mnist::TrainOptions& o) {
    recipe_->setOptions(o);
    augmentation_->setOptions(o);
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
    augmentation_->preview()->setDataDir(dir);
}

void ModelPanel::onModelIndexChanged() {
    const QString model = currentModel();
    if (model == shown_model_) return;
    saveRecipe(shown_model_);
    shown_model_ = model;
    loadRecipe(model);
    showModel(model);
    Q_EMIT modelChanged(model);
}

void ModelPanel::showModel(const QString& model) {
    const auto& info = mnist::model_info(model.toStdString());
    title_->setText(QString::fromStdString(info.title));
    description_->setText(QString::fromStdString(info.description));
    summary_->showModel(model);
}

// The fields the form shows, each under its key in the table.
void ModelPanel::saveRecipe(const QString& model) const {
    QSettings settings;
    const mnist::TrainOptions o = options();
    for (const auto& field : mnist::recipe_fields()) {
        if (field.in_form) settings.setValue(recipeKey(model, field), toSetting(field.get(o)));
    }
}

void ModelPanel::loadRecipe(const QString& model) {
    mnist::TrainOptions o = mnist::recommended_options(model.toStdString());
    QSettings settings;
    for (const auto& field : mnist::recipe_fields()) {
        const QString key = recipeKey(model, field);
        if (!field.in_form || !settings.contains(key)) continue;
        // A hand-edited settings file must not stop the app from starting: a value the field
        // refuses (an unknown name, a number too large) keeps the recipe's.
        try {
            field.set(o, fromSetting(field, settings.value(key)));
        } catch (const std::exception&) {
        }
    }
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
    showModel(shown_model_);
    Q_EMIT modelChanged(shown_model_);
}

void ModelPanel::saveSettings() const {
    saveRecipe(currentModel());
    QSettings settings;
    settings.setValue(QStringLiteral("model/current"), currentModel());
}

}  // namespace mnist::ui
