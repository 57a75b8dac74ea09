// Tests for the Inside tab (ui/inside_page and its views): it opens with the bundled checkpoint,
// with none and without MNIST, saying plainly what is missing; the feature maps follow each
// model's stages (Model_1's FC layers, Model_3's GAP head); a click on a confusion cell names
// that cell; a click on a mistake puts it on the canvas and the prediction follows; every view
// saves a PNG with something drawn in it.
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <numeric>
#include <tuple>

#include "core/data/data_location.h"
#include "core/models/model_summary.h"
#include "core/training/recipes.h"
#include "core/training/trainer.h"
#include "test_ui_environment.h"
#include "ui/confusion_matrix_view.h"
#include "ui/digit_gallery.h"
#include "ui/drawing_canvas.h"
#include "ui/feature_map_view.h"
#include "ui/filter_view.h"
#include "ui/inside_page.h"
#include "ui/main_window.h"
#include "ui/prediction_panel.h"
#include "ui/saliency_view.h"

using mnist::ui::ConfusionMatrixView;
using mnist::ui::InsidePage;
using mnist::ui::MainWindow;

namespace {

constexpr int kWorkMs = 60000;  // generous: two cores shared with other engineers' builds

// A thick white "7" on black, as the canvas would hold it.
QImage drawnSeven() {
    QImage image(280, 280, QImage::Format_RGB32);
    image.fill(Qt::black);
    QPainter p(&image);
    p.setPen(QPen(Qt::white, 24, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawLine(70, 50, 210, 50);
    p.drawLine(210, 50, 120, 240);
    return image;
}

// Shows the window on the Inside tab, so its views compute (a hidden tab waits).
void showInside(MainWindow& w) {
    w.resize(1280, 800);
    w.show();
    w.tabs()->setCurrentWidget(w.insidePage());
    QVERIFY(QTest::qWaitForWindowExposed(&w));
}

// True when `image` holds more than one colour: something was drawn.
bool hasContent(const QImage& image) {
    if (image.isNull()) return false;
    const QRgb first = image.pixel(0, 0);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (image.pixel(x, y) != first) return true;
    return false;
}

std::int64_t total(const ConfusionMatrixView::Matrix& m) {
    std::int64_t n = 0;
    for (const auto& row : m) n = std::accumulate(row.begin(), row.end(), n);
    return n;
}

}  // namespace

class InsideTest : public QObject {
    Q_OBJECT
    QTemporaryDir settings_dir_;
    QTemporaryDir trained_;
    QString model_1_;
    QString model_2_;

    bool hasData() const { return mnist::has_mnist_files(MNIST_DATA_DIR); }

    // A checkpoint of `model` after one short epoch: real weights, and plenty of mistakes.
    QString quickCheckpoint(const std::string& model) {
        mnist::TrainOptions o = mnist::recommended_options(model);
        o.data_dir = MNIST_DATA_DIR;
        o.out_dir = QDir(trained_.path()).filePath(QString::fromStdString(model)).toStdString();
        o.epochs = 1;
        o.limit_train = 512;
        o.limit_test = 100;
        o.augment = false;
        return QString::fromStdString(mnist::train(o).checkpoint);
    }

  private Q_SLOTS:
    void initTestCase() {
        mnist::ui::testing::isolateApplicationState(settings_dir_);
        if (!hasData()) return;
        model_1_ = quickCheckpoint("Model_1");
        model_2_ = quickCheckpoint("Model_2");
        QVERIFY(QFile::exists(model_1_));
        QVERIFY(QFile::exists(model_2_));
    }
    void init() {
        QSettings().clear();
        qunsetenv("MNIST_DATA");
        qunsetenv("MNIST_STUDIO_MODEL");
    }

    void opensWithTheBundledCheckpoint() {
        MainWindow w;
        if (!w.predictionPanel()->hasModel())
            QSKIP("resources/best_Model_3.pth was not found next to the build");
        QCOMPARE(w.tabs()->tabText(2), QStringLiteral("Inside"));
        showInside(w);
        InsidePage* page = w.insidePage();
        QVERIFY2(page->modelText().contains(QStringLiteral("Model_3")),
                 qPrintable(page->modelText()));
        // The kernels need no digit; feature maps wait for one.
        QTRY_VERIFY_WITH_TIMEOUT(page->filterView()->tileCount() > 0, kWorkMs);
        QCOMPARE(page->featureMapView()->stageCount(), 0);

        w.predictionPanel()->predictImage(drawnSeven());
        const auto summary = mnist::summarize_model("Model_3");
        QTRY_COMPARE_WITH_TIMEOUT(page->featureMapView()->stageCount(),
                                  static_cast<int>(summary.layers.size()), kWorkMs);
        QTRY_VERIFY_WITH_TIMEOUT(page->saliencyView()->hasData(), kWorkMs);
        QCOMPARE(page->saliencyView()->saliency().digit,
                 w.predictionPanel()->lastPrediction().digit);
        QCOMPARE(page->filterView()->filters().layer, std::string("conv1"));
        QCOMPARE(page->filterView()->filters().out_channels,
                 static_cast<int>(summary.layers.front().output_shape[1]));
        QVERIFY(w.close());
    }

    void opensWithoutACheckpointAndSaysSo() {
        qputenv("MNIST_STUDIO_MODEL", QByteArray("/nonexistent/best_Model_3.pth"));
        MainWindow w;
        QVERIFY(!w.predictionPanel()->hasModel());
        showInside(w);
        InsidePage* page = w.insidePage();
        QVERIFY2(page->modelText().contains(QStringLiteral("No model loaded")),
                 qPrintable(page->modelText()));
        QVERIFY(!page->scoreButton()->isEnabled());
        QVERIFY(!page->scoreTestSet());
        w.predictionPanel()->predictImage(drawnSeven());
        QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), kWorkMs);
        QCOMPARE(page->featureMapView()->stageCount(), 0);
        QVERIFY(!page->saliencyView()->hasData());
        QVERIFY(w.close());
    }

    void withoutDataSaysWhereTheTestSetIsExpected() {
        QTemporaryDir empty;
        qputenv("MNIST_DATA", empty.path().toUtf8());
        MainWindow w;
        QVERIFY(w.dataDir().isEmpty());
        showInside(w);
        InsidePage* page = w.insidePage();
        QVERIFY(page->isDataMissingShown());
        const QString text = page->dataMissingText();
        QVERIFY2(text.contains(QStringLiteral("t10k-images-idx3-ubyte")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("data/MNIST/raw")), qPrintable(text));
        QVERIFY2(text.contains(empty.path()), qPrintable(text));  // where it looked
        QVERIFY(!page->scoreButton()->isEnabled());
        QVERIFY(!page->scoreTestSet());

        // The digit views need no data.
        if (!w.predictionPanel()->hasModel()) return;
        w.predictionPanel()->predictImage(drawnSeven());
        QTRY_VERIFY_WITH_TIMEOUT(page->featureMapView()->stageCount() > 0, kWorkMs);

        // Choosing the data folder takes the message away.
        if (!hasData()) return;
        QVERIFY(w.setDataDir(QStringLiteral(MNIST_DATA_DIR)));
        QVERIFY(!page->isDataMissingShown());
        QVERIFY(page->scoreButton()->isEnabled());
    }

    void featureMapsFollowEachModelsStages() {
        if (!hasData()) QSKIP("MNIST is not in data/MNIST/raw; run scripts/fetch_data.sh");
        MainWindow w;
        showInside(w);
        InsidePage* page = w.insidePage();
        w.predictionPanel()->predictImage(drawnSeven());
        QList<std::pair<QString, std::string>> checkpoints = {{model_1_, "Model_1"},
                                                              {model_2_, "Model_2"}};
        if (w.predictionPanel()->hasModel())
            checkpoints.append({w.predictionPanel()->checkpointPath(), "Model_3"});
        for (const auto& [path, model] : checkpoints) {
            QVERIFY(w.loadCheckpoint(path));
            const auto summary = mnist::summarize_model(model);
            mnist::ui::FeatureMapView* view = page->featureMapView();
            QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && view->stageCount() > 0, kWorkMs);
            QCOMPARE(view->stageCount(), static_cast<int>(summary.layers.size()));
            for (int k = 0; k < view->stageCount(); ++k) {
                const mnist::StageActivation* stage = view->stage(k);
                const auto& layer = summary.layers[static_cast<std::size_t>(k)];
                QCOMPARE(stage->name, layer.name);
                // The summary's shape has the batch first.
                QCOMPARE(stage->output_shape,
                         std::vector<std::int64_t>(layer.output_shape.begin() + 1,
                                                   layer.output_shape.end()));
                view->setCurrentStage(k);
                QVERIFY2(hasContent(view->renderImage()), stage->name.c_str());
            }
            // The last stage is the ten digits' scores, drawn as bars.
            QCOMPARE(view->stage(view->stageCount() - 1)->values.size(), std::size_t{10});
        }
    }

    void aRetrainedCheckpointAtTheSamePathIsReread() {
        if (!hasData()) QSKIP("MNIST is not in data/MNIST/raw; run scripts/fetch_data.sh");
        // Training writes best_<model>.pth in place; the views must not keep the old weights.
        QTemporaryDir dir;
        const QString best = dir.filePath(QStringLiteral("best.pth"));
        auto sidecar = [](QString pth) { return pth.replace(QStringLiteral(".pth"), ".json"); };
        auto copyOver = [&](const QString& from) {
            QFile::remove(best);
            QFile::remove(sidecar(best));
            QVERIFY(QFile::copy(from, best));
            if (QFile::exists(sidecar(from))) QVERIFY(QFile::copy(sidecar(from), sidecar(best)));
        };
        MainWindow w;
        showInside(w);
        InsidePage* page = w.insidePage();
        w.predictionPanel()->predictImage(drawnSeven());
        copyOver(model_1_);
        QVERIFY(w.loadCheckpoint(best));
        QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->featureMapView()->stageCount() > 0,
                                 kWorkMs);
        QCOMPARE(page->featureMapView()->stageCount(),
                 static_cast<int>(mnist::summarize_model("Model_1").layers.size()));
        copyOver(model_2_);
        QVERIFY(w.loadCheckpoint(best));
        QTRY_COMPARE_WITH_TIMEOUT(page->featureMapView()->stageCount(),
                                  static_cast<int>(mnist::summarize_model("Model_2").layers.size()),
                                  kWorkMs);
        QVERIFY(page->modelText().contains(QStringLiteral("Model_2")));
    }

    void clickingAConfusionCellEmitsItsPair() {
        ConfusionMatrixView view;
        view.resize(420, 400);
        ConfusionMatrixView::Matrix m{};
        for (int d = 0; d < 10; ++d) m[d][d] = 90 + d;
        m[4][9] = 7;
        m[3][5] = 2;
        view.setMatrix(m);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy clicked(&view, &ConfusionMatrixView::cellClicked);
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.cellRect(4, 9).center());
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.cellRect(3, 5).center());
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.cellRect(0, 0).center());
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(2, 2));  // the margin: no cell
        QCOMPARE(clicked.count(), 3);
        QCOMPARE(clicked.at(0), (QList<QVariant>{4, 9}));
        QCOMPARE(clicked.at(1), (QList<QVariant>{3, 5}));
        QCOMPARE(clicked.at(2), (QList<QVariant>{0, 0}));
    }

    void scoringCountsTheTestSetAndCanBeCancelled() {
        if (!hasData()) QSKIP("MNIST is not in data/MNIST/raw; run scripts/fetch_data.sh");
        MainWindow w;
        showInside(w);
        InsidePage* page = w.insidePage();
        QVERIFY(w.loadCheckpoint(model_1_));
        QVERIFY(page->scoreTestSet());
        page->cancelScoring();
        QTRY_VERIFY_WITH_TIMEOUT(!page->jobs()->isScoring(), kWorkMs);
        QVERIFY(!page->testSet());
        QVERIFY(!page->confusionView()->hasData());

        w.setDataLimits(0, 300);
        QVERIFY(page->scoreTestSet());
        QVERIFY(!page->scoreButton()->isEnabled());  // one scoring at a time
        QTRY_VERIFY_WITH_TIMEOUT(page->testSet() != nullptr, kWorkMs);
        QCOMPARE(total(page->confusionView()->matrix()), std::int64_t{300});
        QCOMPARE(page->gallery()->count(), static_cast<int>(page->testSet()->mistakes.size()));
        QVERIFY(page->scoreButton()->isEnabled());
    }

    void clickingAMistakePutsItOnTheCanvas() {
        if (!hasData()) QSKIP("MNIST is not in data/MNIST/raw; run scripts/fetch_data.sh");
        MainWindow w;
        w.setDataLimits(0, 300);
        showInside(w);
        InsidePage* page = w.insidePage();
        QVERIFY(w.loadCheckpoint(model_1_));
        w.canvas()->clear();
        QTRY_COMPARE(w.predictionPanel()->shownDigit(), QStringLiteral("?"));
        QVERIFY(page->scoreTestSet());
        QTRY_VERIFY_WITH_TIMEOUT(page->testSet() != nullptr, kWorkMs);
        page->views()->setCurrentIndex(3);  // the test set's view: the gallery is laid out
        mnist::ui::DigitGallery* gallery = page->gallery();
        QVERIFY2(gallery->count() > 0, "one epoch on 512 images should leave mistakes");
        QTRY_VERIFY(gallery->isVisible() && gallery->width() > 0);

        // Most confident mistake first.
        const mnist::ui::GalleryItem first = gallery->items().front();
        for (const auto& item : gallery->items()) QVERIFY(item.confidence <= first.confidence);
        QVERIFY(first.label != first.predicted);

        QVERIFY(w.canvas()->isEmpty());
        QTest::mouseClick(gallery, Qt::LeftButton, {}, gallery->itemRect(0).center());
        QVERIFY(!w.canvas()->isEmpty());
        QCOMPARE(w.predictionPanel()->shownDigit(), QString::number(first.predicted));
        QCOMPARE(w.predictionPanel()->lastPrediction().digit, first.predicted);
        // The Inside views follow the new digit.
        QTRY_VERIFY_WITH_TIMEOUT(page->saliencyView()->hasData(), kWorkMs);
        QCOMPARE(page->saliencyView()->saliency().digit, first.predicted);

        // A cell's images: clicking the cell of that mistake lists it.
        QTest::mouseClick(page->confusionView(), Qt::LeftButton, {},
                          page->confusionView()->cellRect(first.label, first.predicted).center());
        QCOMPARE(gallery->count(),
                 static_cast<int>(page->testSet()->cell(first.label, first.predicted).size()));
        for (const auto& item : gallery->items()) {
            QCOMPARE(item.label, first.label);
            QCOMPARE(item.predicted, first.predicted);
        }
    }

    void everyViewSavesAPng() {
        QTemporaryDir out;
        ConfusionMatrixView confusion;
        ConfusionMatrixView::Matrix m{};
        for (int d = 0; d < 10; ++d) m[d][d] = 50;
        m[7][1] = 3;
        confusion.setMatrix(m);

        mnist::ui::DigitGallery gallery;
        QImage digit(28, 28, QImage::Format_Grayscale8);
        digit.fill(0);
        QPainter(&digit).fillRect(10, 4, 6, 20, Qt::white);
        gallery.setItems({{5, 7, 1, 0.9f, digit}, {9, 4, 9, 0.6f, digit}});

        mnist::FilterBank bank;
        bank.layer = "conv1";
        bank.out_channels = 4;
        bank.in_channels = 2;
        bank.kernel_h = bank.kernel_w = 3;
        for (int i = 0; i < 4 * 2 * 9; ++i) bank.weights.push_back(float(i % 7) - 3.0f);
        bank.min = -3.0f;
        bank.max = 3.0f;
        mnist::ui::FilterView filters;
        filters.setFilters(bank);

        mnist::StageActivation maps{"conv1", "Conv2d", {2, 4, 4}, 80, 1000, {}};
        for (int i = 0; i < 32; ++i) maps.values.push_back(float(i % 5));
        mnist::StageActivation scores{"fc", "Linear", {10}, 170, 160, {}};
        for (int i = 0; i < 10; ++i) scores.values.push_back(float(i) - 4.0f);
        mnist::ui::FeatureMapView feature_maps;
        feature_maps.setStages({maps, scores});

        mnist::DigitPixels pixels{};
        mnist::SaliencyMap saliency;
        saliency.digit = 1;
        saliency.probability = 0.9;
        for (int i = 300; i < 400; ++i) {
            pixels[static_cast<std::size_t>(i)] = 1.0f;
            saliency.map[static_cast<std::size_t>(i)] = 0.5f;
        }
        mnist::ui::SaliencyView saliency_view;
        saliency_view.setSaliency(pixels, saliency, QStringLiteral("Gradient"));

        // Each view beside an empty one of its kind: the PNG must hold the data, not the
        // placeholder.
        ConfusionMatrixView no_confusion;
        mnist::ui::DigitGallery no_gallery;
        mnist::ui::FilterView no_filters;
        mnist::ui::FeatureMapView no_maps;
        mnist::ui::SaliencyView no_saliency;
        const QList<std::tuple<mnist::ui::PaintedView*, mnist::ui::PaintedView*, QString>> views = {
            {&confusion, &no_confusion, "confusion"},
            {&gallery, &no_gallery, "gallery"},
            {&filters, &no_filters, "filters"},
            {&feature_maps, &no_maps, "maps"},
            {&saliency_view, &no_saliency, "saliency"}};
        for (const auto& [view, empty, name] : views) {
            view->resize(view->sizeHint());
            empty->resize(view->size());
            const QString path = out.filePath(name + QStringLiteral(".png"));
            QString error;
            QVERIFY2(view->savePng(path, &error), qPrintable(error));
            const QImage saved(path);
            QVERIFY2(!saved.isNull() && saved.width() > 50 && saved.height() > 50,
                     qPrintable(name));
            QVERIFY2(hasContent(saved), qPrintable(name));
            QVERIFY2(saved.convertToFormat(QImage::Format_RGB32) !=
                         empty->renderImage().convertToFormat(QImage::Format_RGB32),
                     qPrintable(name));
        }
        // The vector stage draws too.
        feature_maps.setCurrentStage(1);
        QVERIFY(hasContent(feature_maps.renderImage()));
        // A bad path is named.
        QString error;
        QVERIFY(!confusion.savePng(QStringLiteral("/nonexistent/dir/x.png"), &error));
        QVERIFY(error.contains(QStringLiteral("/nonexistent/dir/x.png")));
    }
};

QTEST_MAIN(InsideTest)
#include "test_ui_inside.moc"
