// Tests for ui/model_panel: the summary table follows the chosen model with the right totals,
// each model starts from its registered recipe, and recipes persist through QSettings.
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <set>
#include <string>

#include "core/compute_device.h"
#include "core/models/model_registry.h"
#include "core/models/model_summary.h"
#include "core/training/recipe_fields.h"
#include "core/training/recipes.h"
#include "core/training/train_options.h"
#include "test_ui_environment.h"
#include "ui/model_panel.h"

using mnist::ui::ModelPanel;

namespace {

// The number in a table cell, ignoring thousands separators ("26,698" -> 26698).
qlonglong cellNumber(const QTableWidget* table, int row, int column) {
    QString text = table->item(row, column)->text();
    text.remove(QLatin1Char(','));
    bool ok = false;
    const qlonglong n = text.toLongLong(&ok);
    return ok ? n : -1;
}

}  // namespace

class ModelPanelTest : public QObject {
    Q_OBJECT
    QTemporaryDir settings_dir_;

  private Q_SLOTS:
    void initTestCase() { mnist::ui::testing::isolateApplicationState(settings_dir_); }
    void init() { QSettings().clear(); }

    void listsEveryRegisteredModel() {
        ModelPanel panel;
        QCOMPARE(panel.modelCombo()->count(), static_cast<int>(mnist::model_names().size()));
        for (const auto& name : mnist::model_names()) {
            QVERIFY(panel.modelCombo()->findData(QString::fromStdString(name)) >= 0);
        }
    }

    void switchingModelUpdatesSummaryTotals() {
        ModelPanel panel;
        QSignalSpy changed(&panel, &ModelPanel::modelChanged);
        QTableWidget* table = panel.summaryTable();

        panel.setCurrentModel(QStringLiteral("Model_2"));
        panel.setCurrentModel(QStringLiteral("Model_1"));
        QCOMPARE(panel.currentModel(), QStringLiteral("Model_1"));
        QCOMPARE(table->item(table->rowCount() - 1, 0)->text(), QStringLiteral("Total"));
        QCOMPARE(table->item(table->rowCount() - 1, 3)->text(), QStringLiteral("26,698"));

        for (const auto& name : mnist::model_names()) {
            panel.setCurrentModel(QString::fromStdString(name));
            const mnist::ModelSummary expected = mnist::summarize_model(name);
            QCOMPARE(table->rowCount(), static_cast<int>(expected.layers.size()) + 1);
            QCOMPARE(cellNumber(table, table->rowCount() - 1, 3),
                     static_cast<qlonglong>(expected.total_params));
            // The per-layer rows add up to the total shown.
            qlonglong sum = 0;
            for (int row = 0; row + 1 < table->rowCount(); ++row) sum += cellNumber(table, row, 3);
            QCOMPARE(sum, static_cast<qlonglong>(expected.total_params));
            QCOMPARE(table->item(0, 0)->text(),
                     QString::fromStdString(expected.layers.front().name));
        }
        QVERIFY(changed.count() >= 3);
        QCOMPARE(changed.last().at(0).toString(),
                 QString::fromStdString(mnist::model_names().back()));
    }

    void eachModelStartsFromItsRecipe() {
        ModelPanel panel;
        for (const auto& name : mnist::model_names()) {
            panel.setCurrentModel(QString::fromStdString(name));
            const mnist::TrainOptions expected = mnist::recommended_options(name);
            const mnist::TrainOptions shown = panel.options();
            QCOMPARE(shown.model, name);
            QCOMPARE(shown.epochs, expected.epochs);
            QCOMPARE(shown.batch_size, expected.batch_size);
            QCOMPARE(shown.lr, expected.lr);
            QCOMPARE(shown.scheduler, expected.scheduler);
            QCOMPARE(shown.optimizer, expected.optimizer);
            QCOMPARE(shown.max_lr, expected.max_lr);
            QCOMPARE(shown.augment, expected.augment);
            QCOMPARE(shown.seed, expected.seed);
        }
    }

    void recipeEditsPersistPerModel() {
        {
            ModelPanel panel;
            panel.setCurrentModel(QStringLiteral("Model_1"));
            mnist::TrainOptions o = panel.options();
            o.epochs = 7;
            o.batch_size = 64;
            o.scheduler = mnist::SchedulerKind::Step;
            panel.setOptions(o);
            panel.setCurrentModel(QStringLiteral("Model_3"));  // Model_1's edits are kept
            QCOMPARE(panel.options().epochs, mnist::recommended_options("Model_3").epochs);
            panel.setCurrentModel(QStringLiteral("Model_1"));
            QCOMPARE(panel.options().epochs, 7);
            QCOMPARE(panel.options().scheduler, mnist::SchedulerKind::Step);
            panel.saveSettings();
        }
        ModelPanel reopened;
        reopened.loadSettings();
        QCOMPARE(reopened.currentModel(), QStringLiteral("Model_1"));
        QCOMPARE(reopened.options().epochs, 7);
        QCOMPARE(reopened.options().batch_size, 64);
        reopened.resetToRecommended();
        QCOMPARE(reopened.options().epochs, mnist::recommended_options("Model_1").epochs);
        QCOMPARE(reopened.options().scheduler, mnist::recommended_options("Model_1").scheduler);
    }

    // With no settings yet, the panel opens on Model_3: the model the canvas's bundled checkpoint
    // is.
    void firstStartShowsTheFinalModel() {
        QSettings().clear();
        ModelPanel panel;
        panel.loadSettings();
        QCOMPARE(panel.currentModel(), QStringLiteral("Model_3"));
        QCOMPARE(panel.options().epochs, mnist::recommended_options("Model_3").epochs);
    }

    // The Quick demo button puts the model's fast recipe in the form, weight average included, and
    // the form hands exactly that recipe to training; Reset puts the full recipe back.
    void quickDemoLoadsTheFastRecipe() {
        QSettings().clear();
        ModelPanel panel;
        panel.setCurrentModel(QStringLiteral("Model_3"));
        QPushButton* quick = nullptr;
        for (QPushButton* b : panel.findChildren<QPushButton*>()) {
            if (b->text() == QStringLiteral("Quick demo")) quick = b;
        }
        QVERIFY(quick);
        quick->click();
        const mnist::TrainOptions fast = mnist::recommended_options("Model_3", "fast");
        const mnist::TrainOptions got = panel.options();
        QCOMPARE(got.epochs, fast.epochs);
        QCOMPARE(got.batch_size, fast.batch_size);
        QCOMPARE(got.ema_decay, fast.ema_decay);
        QVERIFY(got.ema_decay > 0);
        QCOMPARE(got.augmentation.degrees(), fast.augmentation.degrees());
        QCOMPARE(got.augmentation.stroke(), fast.augmentation.stroke());
        QVERIFY(got.epochs < mnist::recommended_options("Model_3").epochs);
        panel.resetToRecommended();
        QCOMPARE(panel.options().epochs, mnist::recommended_options("Model_3").epochs);
        QCOMPARE(panel.options().ema_decay, mnist::recommended_options("Model_3").ema_decay);
    }

    // Every field the form shows (made from core's recipe table) is saved under the key the app
    // has always used and comes back into a new panel: each given a value other than its recipe's.
    void everyFormFieldRoundTripsThroughSettings() {
        const std::set<std::string> saved_keys_so_far = {"epochs",
                                                         "batch_size",
                                                         "lr",
                                                         "optimizer",
                                                         "scheduler",
                                                         "max_lr",
                                                         "ema_decay",
                                                         "augment",
                                                         "augment_degrees",
                                                         "augment_translate",
                                                         "augment_scale_min",
                                                         "augment_scale_max",
                                                         "augment_shear",
                                                         "augment_stroke",
                                                         "seed",
                                                         "device",
                                                         "threads",
                                                         "early_stop"};
        std::set<std::string> form_keys;
        const mnist::TrainOptions recipe = mnist::recommended_options("Model_1");
        mnist::TrainOptions edited = recipe;
        for (const auto& field : mnist::recipe_fields()) {
            if (!field.in_form) continue;
            form_keys.insert(field.key);
            const double near_min = field.form_range.min + 3 * field.look.step / field.look.scale;
            switch (field.kind) {
                case mnist::FieldKind::Integer:
                    field.set(edited, std::int64_t(field.form_range.min) + 1);
                    break;
                case mnist::FieldKind::Unsigned:
                    field.set(edited, std::uint64_t{12345});
                    break;
                case mnist::FieldKind::Real:
                    field.set(edited, near_min);
                    break;
                case mnist::FieldKind::Flag:
                    field.set(edited, !std::get<bool>(field.get(recipe)));
                    break;
                case mnist::FieldKind::Choice:
                    // The last choice: not the recipe's optimizer or scheduler; for the device,
                    // what this machine offers is checked by deviceChoiceFollowsDetection.
                    if (field.key != "device") field.set(edited, field.choices.back().value);
                    break;
                case mnist::FieldKind::Text:
                    QFAIL("the form shows no text fields");
                    break;
            }
        }
        QCOMPARE(form_keys, saved_keys_so_far);

        mnist::TrainOptions shown;
        {
            ModelPanel panel;
            panel.setCurrentModel(QStringLiteral("Model_1"));
            panel.setOptions(edited);
            shown = panel.options();
            panel.saveSettings();
        }
        QSettings settings;
        ModelPanel reopened;
        reopened.loadSettings();
        const mnist::TrainOptions loaded = reopened.options();
        for (const auto& field : mnist::recipe_fields()) {
            if (!field.in_form) continue;
            const QString key =
                QStringLiteral("models/Model_1/%1").arg(QString::fromStdString(field.key));
            QVERIFY2(settings.contains(key), qPrintable(key));
            const mnist::FieldValue want = field.get(edited), got = field.get(loaded);
            QVERIFY2(field.get(shown) == got, field.key.c_str());
            if (field.key == "device") continue;
            if (field.kind == mnist::FieldKind::Real) {
                QVERIFY2(std::abs(mnist::field_number(want) - mnist::field_number(got)) < 1e-9,
                         field.key.c_str());
                QVERIFY2(mnist::field_number(got) != mnist::field_number(field.get(recipe)),
                         field.key.c_str());
            } else {
                QVERIFY2(want == got, field.key.c_str());
                QVERIFY2(got != field.get(recipe), field.key.c_str());
            }
        }
    }

    // Settings written by earlier versions (the same keys, hand-edited values) still load; a name
    // the table does not know keeps the recipe's value.
    void earlierSettingsStillLoad() {
        QSettings settings;
        settings.setValue(QStringLiteral("model/current"), QStringLiteral("Model_2"));
        settings.setValue(QStringLiteral("models/Model_2/epochs"), 9);
        settings.setValue(QStringLiteral("models/Model_2/optimizer"), QStringLiteral("sgd"));
        settings.setValue(QStringLiteral("models/Model_2/scheduler"), QStringLiteral("cosine"));
        settings.setValue(QStringLiteral("models/Model_2/augment_translate"), 0.05);
        settings.setValue(QStringLiteral("models/Model_2/seed"), QStringLiteral("77"));
        ModelPanel panel;
        panel.loadSettings();
        QCOMPARE(panel.currentModel(), QStringLiteral("Model_2"));
        const mnist::TrainOptions o = panel.options();
        QCOMPARE(o.epochs, 9);
        QCOMPARE(o.optimizer, mnist::OptimizerKind::SGD);
        QCOMPARE(o.scheduler, mnist::recommended_options("Model_2").scheduler);
        QCOMPARE(o.augmentation.translate(), 0.05);
        QCOMPARE(o.seed, std::uint64_t{77});
    }

    // Early stopping, once CLI-only, is in the form: "off" by default, handed to training, and
    // remembered per model.
    void earlyStopIsInTheFormPerModel() {
        ModelPanel panel;
        panel.setCurrentModel(QStringLiteral("Model_1"));
        auto* patience = panel.findChild<QSpinBox*>(QStringLiteral("earlyStop"));
        QVERIFY(patience);
        QCOMPARE(patience->text(), QStringLiteral("off"));
        QCOMPARE(panel.options().early_stop, 0);
        QVERIFY(patience->toolTip().contains(QStringLiteral("without a better validation")));
        patience->setValue(3);
        QCOMPARE(patience->text(), QStringLiteral("after 3 epochs"));
        QCOMPARE(panel.options().early_stop, 3);
        panel.setCurrentModel(QStringLiteral("Model_3"));
        QCOMPARE(panel.options().early_stop, 0);
        QCOMPARE(patience->text(), QStringLiteral("off"));
        panel.setCurrentModel(QStringLiteral("Model_1"));
        QCOMPARE(panel.options().early_stop, 3);
        panel.setEditable(false);
        QVERIFY(!patience->isEnabled());
    }

    void deviceChoiceFollowsDetection() {
        ModelPanel panel;
        QComboBox* device = nullptr;
        for (QComboBox* combo : panel.findChildren<QComboBox*>()) {
            if (combo->findText(QStringLiteral("CPU")) >= 0) device = combo;
        }
        QVERIFY(device);
        QCOMPARE(device->findText(QStringLiteral("CUDA")) >= 0, mnist::cuda_available());
        const std::string expected = mnist::cuda_available() ? "cuda" : "cpu";
        QCOMPARE(panel.options().device, expected);
    }

    void recipeLocksWhileTraining() {
        ModelPanel panel;
        panel.setEditable(false);
        QVERIFY(!panel.modelCombo()->isEnabled());
        panel.setEditable(true);
        QVERIFY(panel.modelCombo()->isEnabled());
    }
};

QTEST_MAIN(ModelPanelTest)
#include "test_ui_model_panel.moc"
