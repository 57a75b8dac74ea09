#include "ui/recipe_field_editors.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSpinBox>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace mnist::ui {
namespace {

QString qs(const std::string& text) {
    return QString::fromStdString(text);
}

QWidget* makeWidget(const mnist::RecipeField& field) {
    const mnist::FieldLook& look = field.look;
    switch (field.kind) {
        case mnist::FieldKind::Integer:
        case mnist::FieldKind::Unsigned: {
            auto* box = new QSpinBox;
            box->setRange(static_cast<int>(field.form_range.min),
                          static_cast<int>(field.form_range.max));
            box->setPrefix(qs(look.prefix));
            box->setSuffix(qs(look.suffix));
            box->setSpecialValueText(qs(look.special));
            return box;
        }
        case mnist::FieldKind::Real: {
            auto* box = new QDoubleSpinBox;
            box->setDecimals(look.decimals);
            box->setRange(field.form_range.min * look.scale, field.form_range.max * look.scale);
            box->setSingleStep(look.step);
            box->setPrefix(qs(look.prefix));
            box->setSuffix(qs(look.suffix));
            box->setSpecialValueText(qs(look.special));
            return box;
        }
        case mnist::FieldKind::Choice: {
            auto* combo = new QComboBox;
            for (const auto& choice : field.choices)
                combo->addItem(qs(choice.label), qs(choice.value));
            return combo;
        }
        case mnist::FieldKind::Flag:
            return new QCheckBox(qs(field.label));
        case mnist::FieldKind::Text:
            break;
    }
    throw std::logic_error("recipe field '" + field.key + "' has no widget in the form");
}

}  // namespace

QString fieldObjectName(const std::string& key) {
    QString name;
    bool upper = false;
    for (char c : key) {
        if (c == '_') {
            upper = true;
            continue;
        }
        name += upper ? QChar(c).toUpper() : QChar(c);
        upper = false;
    }
    return name;
}

QWidget* RecipeFieldEditors::add(const std::string& key) {
    const mnist::RecipeField& field = mnist::recipe_field(key);
    QWidget* widget = makeWidget(field);
    widget->setObjectName(fieldObjectName(key));
    widget->setToolTip(qs(field.tip));
    editors_.push_back({&field, widget});
    return widget;
}

const RecipeFieldEditors::Editor& RecipeFieldEditors::editor(const std::string& key) const {
    for (const auto& e : editors_) {
        if (e.field->key == key) return e;
    }
    throw std::logic_error("the form has no widget for recipe field '" + key + "'");
}

QWidget* RecipeFieldEditors::widget(const std::string& key) const {
    return editor(key).widget;
}

QLabel* RecipeFieldEditors::makeLabel(const std::string& key) const {
    const Editor& e = editor(key);
    auto* label = new QLabel(qs(e.field->label));
    label->setBuddy(e.widget);
    return label;
}

mnist::FieldValue RecipeFieldEditors::value(const std::string& key) const {
    const Editor& e = editor(key);
    switch (e.field->kind) {
        case mnist::FieldKind::Integer:
            return std::int64_t{static_cast<QSpinBox*>(e.widget)->value()};
        case mnist::FieldKind::Unsigned:
            return static_cast<std::uint64_t>(static_cast<QSpinBox*>(e.widget)->value());
        case mnist::FieldKind::Real:
            return static_cast<QDoubleSpinBox*>(e.widget)->value() / e.field->look.scale;
        case mnist::FieldKind::Choice:
            return static_cast<QComboBox*>(e.widget)->currentData().toString().toStdString();
        case mnist::FieldKind::Flag:
            return static_cast<QCheckBox*>(e.widget)->isChecked();
        case mnist::FieldKind::Text:
            break;
    }
    return {};
}

void RecipeFieldEditors::setValue(const std::string& key, const mnist::FieldValue& value) {
    const Editor& e = editor(key);
    switch (e.field->kind) {
        case mnist::FieldKind::Integer:
        case mnist::FieldKind::Unsigned:
            // A seed past the spin box's int range shows as its largest value.
            static_cast<QSpinBox*>(e.widget)->setValue(
                static_cast<int>(std::min<double>(mnist::field_number(value), INT_MAX)));
            break;
        case mnist::FieldKind::Real:
            static_cast<QDoubleSpinBox*>(e.widget)->setValue(mnist::field_number(value) *
                                                             e.field->look.scale);
            break;
        case mnist::FieldKind::Choice: {
            auto* combo = static_cast<QComboBox*>(e.widget);
            const int i = combo->findData(qs(std::get<std::string>(value)));
            if (i >= 0) combo->setCurrentIndex(i);
            break;
        }
        case mnist::FieldKind::Flag:
            static_cast<QCheckBox*>(e.widget)->setChecked(std::get<bool>(value));
            break;
        case mnist::FieldKind::Text:
            break;
    }
}

void RecipeFieldEditors::read(mnist::TrainOptions& options) const {
    for (const auto& e : editors_) e.field->set(options, value(e.field->key));
}

void RecipeFieldEditors::write(const mnist::TrainOptions& options) {
    for (const auto& e : editors_) setValue(e.field->key, e.field->get(options));
}

}  // namespace mnist::ui
