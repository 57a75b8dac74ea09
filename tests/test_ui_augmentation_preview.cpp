// Tests for the augmentation controls of ui/model_panel and ui/augmentation_preview_widget: the
// ranges reach the TrainOptions a run is started with, persist and reset with the recipe, are
// locked when augmentation is off, and the preview shows 16 real digit pairs (or says why not).
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QGroupBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/data/data_location.h"
#include "core/training/recipes.h"
#include "core/training/train_options.h"
#include "test_ui_environment.h"
#include "ui/augmentation_preview_widget.h"
#include "ui/model_panel.h"

using mnist::ui::AugmentationPreviewWidget;
using mnist::ui::ModelPanel;

namespace {

constexpr int kPreviewTimeoutMs = 20000;  // the first preview reads the 10,000 test digits

QDoubleSpinBox* rangeBox(const ModelPanel& panel, const char* name) {
    return panel.findChild<QDoubleSpinBox*>(QLatin1String(name));
}

bool haveMnist() {
    return mnist::has_mnist_files(MNIST_DATA_DIR);
}

}  // namespace

class AugmentationPreviewTest : public QObject {
    Q_OBJECT
    QTemporaryDir settings_dir_;

  private Q_SLOTS:
    void initTestCase() { mnist::ui::testing::isolateApplicationState(settings_dir_); }
    void init() { QSettings().clear(); }

    void rangesChangeTheTrainOptions() {
        ModelPanel panel;
        panel.setCurrentModel(QStringLiteral("Model_3"));
        const mnist::AugmentOptions recommended =
            mnist::recommended_options("Model_3").augmentation;
        QCOMPARE(panel.options().augmentation.stroke(), recommended.stroke());

        rangeBox(panel, "augmentDegrees")->setValue(25);
        rangeBox(panel, "augmentTranslate")->setValue(15);
        rangeBox(panel, "augmentScaleMin")->setValue(0.8);
        rangeBox(panel, "augmentScaleMax")->setValue(1.25);
        rangeBox(panel, "augmentShear")->setValue(12);
        rangeBox(panel, "augmentStroke")->setValue(50);
        const mnist::AugmentOptions a = panel.options().augmentation;
        QCOMPARE(a.degrees(), 25.0);
        QCOMPARE(a.translate(), 0.15);
        QCOMPARE(a.scale_min(), 0.8);
        QCOMPARE(a.scale_max(), 1.25);
        QCOMPARE(a.shear(), 12.0);
        QCOMPARE(a.stroke(), 0.5);
    }

    void zoomRangeNeverRunsBackwards() {
        ModelPanel panel;
        rangeBox(panel, "augmentScaleMin")->setValue(1.3);
        QCOMPARE(panel.options().augmentation.scale_max(), 1.3);
        rangeBox(panel, "augmentScaleMax")->setValue(0.7);
        QCOMPARE(panel.options().augmentation.scale_min(), 0.7);
        // Any valid range can be shown, whatever the widgets held before.
        mnist::TrainOptions o = panel.options();
        o.augmentation.scale(1.5, 1.8);
        panel.setOptions(o);
        QCOMPARE(panel.options().augmentation.scale_min(), 1.5);
        QCOMPARE(panel.options().augmentation.scale_max(), 1.8);
        o.augmentation.scale(0.5, 0.6);
        panel.setOptions(o);
        QCOMPARE(panel.options().augmentation.scale_min(), 0.5);
        QCOMPARE(panel.options().augmentation.scale_max(), 0.6);
    }

    void rangesPersistAndReset() {
        {
            ModelPanel panel;
            panel.setCurrentModel(QStringLiteral("Model_1"));
            rangeBox(panel, "augmentDegrees")->setValue(33);
            rangeBox(panel, "augmentStroke")->setValue(40);
            panel.setCurrentModel(QStringLiteral("Model_3"));  // Model_1's ranges are kept
            QCOMPARE(panel.options().augmentation.degrees(),
                     mnist::recommended_options("Model_3").augmentation.degrees());
            panel.setCurrentModel(QStringLiteral("Model_1"));
            QCOMPARE(panel.options().augmentation.degrees(), 33.0);
            panel.saveSettings();
        }
        ModelPanel reopened;
        reopened.loadSettings();
        QCOMPARE(reopened.currentModel(), QStringLiteral("Model_1"));
        QCOMPARE(reopened.options().augmentation.degrees(), 33.0);
        QCOMPARE(reopened.options().augmentation.stroke(), 0.4);
        reopened.resetToRecommended();
        const mnist::AugmentOptions expected = mnist::recommended_options("Model_1").augmentation;
        QCOMPARE(reopened.options().augmentation.degrees(), expected.degrees());
        QCOMPARE(reopened.options().augmentation.stroke(), expected.stroke());
        QCOMPARE(rangeBox(reopened, "augmentDegrees")->value(), expected.degrees());
    }

    void rangesLockedWhenAugmentationIsOffOrTraining() {
        ModelPanel panel;
        mnist::TrainOptions o = panel.options();
        o.augment = true;
        panel.setOptions(o);
        QVERIFY(rangeBox(panel, "augmentDegrees")->isEnabled());
        QVERIFY(panel.augmentationPreview()->isEnabled());
        o.augment = false;
        panel.setOptions(o);
        QVERIFY(!rangeBox(panel, "augmentDegrees")->isEnabled());
        QVERIFY(!panel.augmentationPreview()->isEnabled());
        o.augment = true;
        panel.setOptions(o);
        panel.setEditable(false);
        QVERIFY(!rangeBox(panel, "augmentDegrees")->isEnabled());
        panel.setEditable(true);
        QVERIFY(rangeBox(panel, "augmentDegrees")->isEnabled());
    }

    void previewShowsSixteenPairs() {
        if (!haveMnist()) QSKIP("MNIST not fetched (scripts/fetch_data.sh)");
        ModelPanel panel;
        panel.setCurrentModel(QStringLiteral("Model_3"));  // augmentation on
        panel.resize(420, 1100);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        AugmentationPreviewWidget* preview = panel.augmentationPreview();
        panel.setDataDir(QStringLiteral(MNIST_DATA_DIR));
        QTRY_COMPARE_WITH_TIMEOUT(preview->sampleCount(), 16, kPreviewTimeoutMs);
        QVERIFY(!preview->isExplanationShown());
        QVERIFY(preview->shuffleButton()->isEnabled());
        for (const auto& s : preview->samples()) QVERIFY(s.label >= 0 && s.label <= 9);

        // The digits are on screen: the grid has white ink on its black cells.
        const QImage shot = preview->grab().toImage().convertToFormat(QImage::Format_Grayscale8);
        int bright = 0;
        for (int y = 0; y < shot.height(); ++y) {
            const uchar* line = shot.constScanLine(y);
            for (int x = 0; x < shot.width(); ++x) bright += line[x] > 200 ? 1 : 0;
        }
        QVERIFY2(bright > 16 * 40, qPrintable(QString::number(bright)));
    }

    void rangeEditsRedrawTheSameDigitsOnce() {
        if (!haveMnist()) QSKIP("MNIST not fetched (scripts/fetch_data.sh)");
        ModelPanel panel;
        panel.setCurrentModel(QStringLiteral("Model_3"));  // augmentation on
        AugmentationPreviewWidget* preview = panel.augmentationPreview();
        panel.setDataDir(QStringLiteral(MNIST_DATA_DIR));
        QTRY_COMPARE_WITH_TIMEOUT(preview->sampleCount(), 16, kPreviewTimeoutMs);
        const auto before = preview->samples();

        QSignalSpy shown(preview, &AugmentationPreviewWidget::samplesShown);
        // Dragging a spin box through several values redraws once, after it settles.
        for (int degrees : {20, 30, 40, 45}) rangeBox(panel, "augmentDegrees")->setValue(degrees);
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kPreviewTimeoutMs);
        QTest::qWait(400);
        QCOMPARE(shown.count(), 1);
        QCOMPARE(preview->options().degrees(), 45.0);
        const auto after = preview->samples();
        QCOMPARE(after.size(), before.size());
        bool some_changed = false;
        for (std::size_t i = 0; i < after.size(); ++i) {
            QVERIFY(after[i].original == before[i].original);  // the same digits...
            some_changed = some_changed || after[i].augmented != before[i].augmented;
        }
        QVERIFY(some_changed);  // ...rotated further

        preview->shuffleButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 2, kPreviewTimeoutMs);
        bool other_digits = false;
        for (std::size_t i = 0; i < after.size(); ++i) {
            other_digits = other_digits || preview->samples()[i].original != after[i].original;
        }
        QVERIFY(other_digits);
    }

    void explainsAFolderWithoutData() {
        QTemporaryDir empty;
        ModelPanel panel;
        AugmentationPreviewWidget* preview = panel.augmentationPreview();
        panel.setDataDir(empty.path());
        QVERIFY(preview->isExplanationShown());
        QCOMPARE(preview->sampleCount(), 0);
        QVERIFY(preview->explanation().contains(QFileInfo(empty.path()).fileName()));
        QVERIFY(!preview->shuffleButton()->isEnabled());

        panel.setDataDir(QString());
        QVERIFY(preview->isExplanationShown());
        QVERIFY(preview->explanation().contains(QStringLiteral("fetch_data.sh")));

        // Nothing arrives later to replace the explanation.
        QTest::qWait(300);
        QVERIFY(preview->isExplanationShown());
        QCOMPARE(preview->sampleCount(), 0);
    }
};

QTEST_MAIN(AugmentationPreviewTest)
#include "test_ui_augmentation_preview.moc"
