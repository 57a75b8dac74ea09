// Tests for core/training/recipe_fields: the one table of recipe fields covers every field of
// TrainOptions a user can set exactly once, its defaults are each model's recipes, and its ranges
// are the ones validate_options enforces, with the same messages.
#include <QtTest>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/models/model_registry.h"
#include "core/training/recipe_fields.h"
#include "core/training/recipes.h"
#include "core/training/trainer.h"

namespace {

std::string text(double v) {
    return QByteArray::number(v, 'g', 17).toStdString();
}

// Every member of TrainOptions, by name, as text. The structured binding stops compiling when a
// member is added, so a new field cannot escape this test (and with it the table).
std::map<std::string, std::string> members(const mnist::TrainOptions& o) {
    const auto& [model, epochs, batch_size, lr, seed, threads, device, optimizer, weight_decay,
                 momentum, nesterov, scheduler, max_lr, plateau_factor, plateau_patience, step_size,
                 step_gamma, ema_decay, early_stop, augment, augmentation, data_dir, val_split,
                 limit_train, limit_test, out_dir] = o;
    return {{"model", model},
            {"epochs", std::to_string(epochs)},
            {"batch_size", std::to_string(batch_size)},
            {"lr", text(lr)},
            {"seed", std::to_string(seed)},
            {"threads", std::to_string(threads)},
            {"device", device},
            {"optimizer", mnist::to_string(optimizer)},
            {"weight_decay", text(weight_decay)},
            {"momentum", text(momentum)},
            {"nesterov", nesterov ? "true" : "false"},
            {"scheduler", mnist::to_string(scheduler)},
            {"max_lr", text(max_lr)},
            {"plateau_factor", text(plateau_factor)},
            {"plateau_patience", std::to_string(plateau_patience)},
            {"step_size", std::to_string(step_size)},
            {"step_gamma", text(step_gamma)},
            {"ema_decay", text(ema_decay)},
            {"early_stop", std::to_string(early_stop)},
            {"augment", augment ? "true" : "false"},
            {"augment_degrees", text(augmentation.degrees())},
            {"augment_translate", text(augmentation.translate())},
            {"augment_scale_min", text(augmentation.scale_min())},
            {"augment_scale_max", text(augmentation.scale_max())},
            {"augment_shear", text(augmentation.shear())},
            {"augment_stroke", text(augmentation.stroke())},
            {"data_dir", data_dir},
            {"val_split", std::to_string(val_split)},
            {"limit_train", std::to_string(limit_train)},
            {"limit_test", std::to_string(limit_test)},
            {"out_dir", out_dir}};
}

// Fixed by core, not offered to the user; the model is the key the recipe is looked up by.
const std::set<std::string> kNotUserSettable = {"model", "plateau_factor", "plateau_patience",
                                                "step_gamma"};

// A valid value of `field` other than `current`.
mnist::FieldValue another_value(const mnist::RecipeField& field, const mnist::FieldValue& current) {
    switch (field.kind) {
        case mnist::FieldKind::Integer:
            return std::get<std::int64_t>(current) + 1;
        case mnist::FieldKind::Unsigned:
            return std::get<std::uint64_t>(current) + 1;
        case mnist::FieldKind::Real: {
            const double v = std::get<double>(current);
            const double up = v + 0.25 * (field.valid.bounded_above() ? 0.1 : 1.0);
            return field.valid.contains(up) ? up : v / 2;
        }
        case mnist::FieldKind::Flag:
            return !std::get<bool>(current);
        case mnist::FieldKind::Choice:
            for (const auto& choice : field.choices) {
                if (choice.value != std::get<std::string>(current)) return choice.value;
            }
            break;
        case mnist::FieldKind::Text:
            return std::get<std::string>(current) + "/elsewhere";
    }
    return current;
}

std::string problem_when_validated(const mnist::TrainOptions& o) {
    try {
        mnist::validate_options(o);
    } catch (const mnist::InvalidArgument& e) {
        return e.what();
    }
    return {};
}

}  // namespace

class RecipeFieldsTest : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void coversEveryUserSettableFieldExactlyOnce() {
        const mnist::TrainOptions start;
        const auto before = members(start);
        std::map<std::string, int> covered;
        std::set<std::string> keys, flags;
        for (const auto& field : mnist::recipe_fields()) {
            QVERIFY2(keys.insert(field.key).second, field.key.c_str());
            QVERIFY2(flags.insert(field.flag).second, field.flag.c_str());
            QVERIFY2(!field.help.empty(), field.key.c_str());
            mnist::TrainOptions o = start;
            const mnist::FieldValue value = another_value(field, field.get(o));
            field.set(o, value);
            QVERIFY2(field.get(o) == value, field.key.c_str());  // get reads what set wrote
            std::vector<std::string> changed;
            for (const auto& [name, shown] : members(o)) {
                if (shown != before.at(name)) changed.push_back(name);
            }
            QVERIFY2(changed.size() == 1, field.key.c_str());
            QCOMPARE(changed.front(), field.key);  // the key is TrainOptions' own name for it
            ++covered[changed.front()];
        }
        for (const auto& [name, shown] : before) {
            const int expected = kNotUserSettable.count(name) ? 0 : 1;
            QVERIFY2(covered[name] == expected, name.c_str());
        }
    }

    // Every model's recipes are the table's per-model defaults: a blank TrainOptions given each
    // field's default is the recipe, so no recipe sets a value the table does not describe.
    void defaultsAreEachModelsRecipes() {
        for (const auto& model : mnist::model_names()) {
            for (const auto& recipe : mnist::recipe_names()) {
                mnist::TrainOptions o;
                o.model = model;
                for (const auto& field : mnist::recipe_fields()) {
                    field.set(o, mnist::recipe_default(field, model, recipe));
                }
                QVERIFY2(members(o) == members(mnist::recommended_options(model, recipe)),
                         (model + " " + recipe).c_str());
            }
        }
        const auto& batch = mnist::recipe_field("batch_size");
        QCOMPARE(std::get<std::int64_t>(mnist::recipe_default(batch, "Model_1")),
                 std::int64_t{128});
        QCOMPARE(std::get<std::int64_t>(mnist::recipe_default(batch, "Model_3")), std::int64_t{64});
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, mnist::recipe_field("learning_rate"));
    }

    // validate_options refuses each end of each field's valid range (and NaN, inf) with the
    // table's message, and accepts the whole range the app's form offers.
    void rangesAreTheOnesTrainingEnforces() {
        const mnist::TrainOptions good = mnist::recommended_options("Model_1");
        QCOMPARE(problem_when_validated(good), std::string());
        int refused = 0;
        for (const auto& field : mnist::recipe_fields()) {
            if (field.kind != mnist::FieldKind::Integer && field.kind != mnist::FieldKind::Real)
                continue;
            std::vector<double> outside;
            if (std::isfinite(field.valid.min))
                outside.push_back(field.valid.min_open ? field.valid.min : field.valid.min - 1);
            if (field.valid.bounded_above())
                outside.push_back(field.valid.max_open ? field.valid.max : field.valid.max + 1);
            if (field.kind == mnist::FieldKind::Real) {
                outside.push_back(std::numeric_limits<double>::quiet_NaN());
                outside.push_back(std::numeric_limits<double>::infinity());
            }
            for (double v : outside) {
                mnist::TrainOptions o = good;
                const mnist::FieldValue bad = field.kind == mnist::FieldKind::Real
                                                  ? mnist::FieldValue(v)
                                                  : mnist::FieldValue(std::int64_t(v));
                field.set(o, bad);
                const std::string expected = mnist::range_problem(field, bad);
                QVERIFY2(!expected.empty(), field.key.c_str());
                QCOMPARE(problem_when_validated(o), expected);
                ++refused;
            }
            if (field.in_form) {
                QVERIFY2(field.valid.contains(field.form_range.min), field.key.c_str());
                QVERIFY2(field.valid.contains(field.form_range.max), field.key.c_str());
            }
        }
        QVERIFY(refused > 20);
        // The messages users have seen all along.
        QCOMPARE(mnist::range_problem(mnist::recipe_field("lr"), -1.0),
                 std::string("learning rate must be a finite positive number (got -1)"));
        QCOMPARE(mnist::range_problem(mnist::recipe_field("ema_decay"), 1.0),
                 std::string("weight-average decay (ema) must be at least 0 and below 1 (got 1)"));
        QCOMPARE(mnist::range_problem(mnist::recipe_field("epochs"), std::int64_t{0}),
                 std::string("epochs must be at least 1 (got 0)"));
        QCOMPARE(
            mnist::range_problem(mnist::recipe_field("augment_degrees"), 720.0),
            std::string("augmentation rotation (degrees) must be between 0 and 180 (got 720)"));
        QCOMPARE(mnist::range_problem(mnist::recipe_field("momentum"), -0.5),
                 std::string("momentum must be a finite number of at least 0 (got -0.5)"));
    }

    // The choices are core's own spellings: each parses, nothing else does.
    void choicesAreCoresSpellings() {
        for (const char* key : {"optimizer", "scheduler"}) {
            const auto& field = mnist::recipe_field(key);
            QCOMPARE(field.kind, mnist::FieldKind::Choice);
            QVERIFY(field.choices.size() >= 3);
            for (const auto& choice : field.choices) {
                mnist::TrainOptions o;
                field.set(o, choice.value);
                QCOMPARE(std::get<std::string>(field.get(o)), choice.value);
                QVERIFY(!choice.label.empty());
            }
            mnist::TrainOptions o;
            QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, field.set(o, std::string("cosine")));
        }
        mnist::TrainOptions o;
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument,
                                 mnist::recipe_field("epochs").set(o, std::int64_t{1} << 40));
    }
};

QTEST_MAIN(RecipeFieldsTest)
#include "test_recipe_fields.moc"
