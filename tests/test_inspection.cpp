// The Inside views' engine (core/evaluation/inspection.h): the test set's confusion and mistakes
// agree with evaluate(), feature maps follow each model's stages, gradient saliency is the logit's
// slope, occlusion points at the strokes and blanking empty paper changes nothing, MACs match a
// hand count, cancelling throws Cancelled.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "core/checkpoint/checkpoint.h"
#include "core/data/mnist_dataset.h"
#include "core/errors.h"
#include "core/evaluation/inspection.h"
#include "core/evaluation/inspection_images.h"
#include "core/models/model_factory.h"
#include "core/models/model_registry.h"
#include "core/models/model_summary.h"
#include "core/training/evaluate_net.h"

using mnist::DigitPixels;
using mnist::kImageSide;

namespace {

const std::string kBundled = MNIST_SOURCE_DIR "/resources/best_Model_3.pth";
constexpr std::int64_t kLimit = 2000;

bool have_test_set() {
    return std::filesystem::exists(MNIST_DATA_DIR "/t10k-images-idx3-ubyte");
}

// A thick vertical bar: a "1" as a child would draw it, centred like MNIST's digits.
DigitPixels drawn_one() {
    DigitPixels d{};
    for (int y = 4; y < 24; ++y)
        for (int x = 12; x < 16; ++x) d[y * kImageSide + x] = 1.0f;
    return d;
}

// Ink within one pixel of (x, y).
bool ink_near(const DigitPixels& d, int x, int y, int reach = 1) {
    for (int yy = std::max(0, y - reach); yy <= std::min(kImageSide - 1, y + reach); ++yy)
        for (int xx = std::max(0, x - reach); xx <= std::min(kImageSide - 1, x + reach); ++xx)
            if (d[yy * kImageSide + xx] > 0.0f) return true;
    return false;
}

// How many of the map's `n` largest pixels lie on or next to the digit's ink.
int top_pixels_on_ink(const DigitPixels& digit, const DigitPixels& map, int n) {
    std::vector<int> order(mnist::kImagePixels);
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + n, order.end(),
                      [&](int a, int b) { return map[a] > map[b]; });
    int on_ink = 0;
    for (int k = 0; k < n; ++k)
        on_ink += ink_near(digit, order[k] % kImageSide, order[k] / kImageSide);
    return on_ink;
}

// A freshly initialised `model` saved in `dir`: enough for anything about shapes.
std::string fresh_checkpoint(const QTemporaryDir& dir, const std::string& model) {
    auto net = mnist::make_model(model);
    mnist::CheckpointMeta meta;
    meta.model = model;
    const std::string path = mnist::checkpoint_path(dir.path().toStdString(), model);
    mnist::save_checkpoint(*net, path, meta);
    return path;
}

}  // namespace

class TestInspection : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void testSetAgreesWithEvaluate() {
        if (!have_test_set()) QSKIP("MNIST not fetched");
        const mnist::Inspector inspector(kBundled);
        const auto r = inspector.inspect_test_set(MNIST_DATA_DIR, kLimit);

        auto loaded = mnist::load_model_checkpoint(kBundled);
        const auto test = mnist::load_mnist(MNIST_DATA_DIR, mnist::Split::Test).head(kLimit);
        const mnist::EvalResult expected = mnist::evaluate(loaded.net, test, torch::kCPU);
        QCOMPARE(r.eval.count, kLimit);
        QCOMPARE(r.eval.confusion, expected.confusion);
        QCOMPARE(r.eval.accuracy, expected.accuracy);
        QCOMPARE(r.eval.class_accuracy, expected.class_accuracy);
        QVERIFY2(std::abs(r.eval.loss - expected.loss) < 1e-9,
                 qPrintable(QString("%1 vs %2").arg(r.eval.loss).arg(expected.loss)));

        std::int64_t total = 0, off_diagonal = 0;
        for (int t = 0; t < 10; ++t) {
            std::int64_t row = 0;
            for (int p = 0; p < 10; ++p) {
                row += r.eval.confusion[t][p];
                if (t != p) off_diagonal += r.eval.confusion[t][p];
                const auto cell = r.cell(t, p);
                QCOMPARE(static_cast<std::int64_t>(cell.size()), r.eval.confusion[t][p]);
                for (auto i : cell) QVERIFY(r.labels[i] == t && r.predicted[i] == p);
                QVERIFY(std::is_sorted(cell.begin(), cell.end()));
            }
            total += row;
            QCOMPARE(r.eval.class_accuracy[t], row ? 100.0 * r.eval.confusion[t][t] / row : 0.0);
        }
        QCOMPARE(total, kLimit);
        QVERIFY(off_diagonal > 0);  // else the mistake checks below check nothing

        QCOMPARE(static_cast<std::int64_t>(r.mistakes.size()), off_diagonal);
        for (std::size_t k = 0; k < r.mistakes.size(); ++k) {
            QVERIFY(r.predicted[r.mistakes[k]] != r.labels[r.mistakes[k]]);
            if (k) QVERIFY(r.confidence[r.mistakes[k - 1]] >= r.confidence[r.mistakes[k]]);
        }
        QCOMPARE(r.images.size(), static_cast<std::size_t>(kLimit * mnist::kImagePixels));
        for (std::int64_t i : {std::int64_t{0}, kLimit - 1}) {
            QCOMPARE(r.labels[i], static_cast<std::int32_t>(test.labels[i].item<std::int64_t>()));
            const DigitPixels d = r.pixels(i);
            const auto bytes = test.images[i].flatten();
            for (int p = 0; p < mnist::kImagePixels; ++p)
                QCOMPARE(d[p], bytes[p].item<std::uint8_t>() / 255.0f);
        }
        QVERIFY_EXCEPTION_THROWN(r.pixels(kLimit), mnist::InvalidArgument);
    }

    void progressReportsAndCancelThrows() {
        if (!have_test_set()) QSKIP("MNIST not fetched");
        const mnist::Inspector inspector(kBundled);
        std::vector<std::int64_t> seen;
        inspector.inspect_test_set(MNIST_DATA_DIR, 2500,
                                   [&](std::int64_t done, std::int64_t total) {
                                       seen.push_back(done);
                                       return total == 2500;
                                   });
        QCOMPARE(seen, (std::vector<std::int64_t>{0, 1000, 2000, 2500}));

        int calls = 0;
        try {
            inspector.inspect_test_set(MNIST_DATA_DIR, 2500,
                                       [&](std::int64_t, std::int64_t) { return ++calls < 2; });
            QFAIL("not cancelled");
        } catch (const mnist::Cancelled& e) {
            QCOMPARE(calls, 2);
            QVERIFY2(QString(e.what()).contains("1000 of 2500"), e.what());
        }
    }

    void missingTestSetSaysWhereItLooked() {
        QTemporaryDir empty;
        const mnist::Inspector inspector(kBundled);
        try {
            inspector.inspect_test_set(empty.path().toStdString());
            QFAIL("no exception");
        } catch (const mnist::DataError& e) {
            QVERIFY2(QString(e.what()).contains(empty.path()), e.what());
        }
    }

    void featureMapsFollowTheStages_data() {
        QTest::addColumn<QString>("model");
        for (const auto& name : mnist::model_names())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
    void featureMapsFollowTheStages() {
        QFETCH(QString, model);
        QTemporaryDir dir;
        const std::string path = fresh_checkpoint(dir, model.toStdString());
        const mnist::Inspector inspector(path);
        QCOMPARE(inspector.model(), model.toStdString());
        const auto maps = inspector.feature_maps(drawn_one());
        const auto summary = mnist::summarize_model(model.toStdString());
        QCOMPARE(maps.size(), summary.layers.size());
        for (std::size_t i = 0; i < maps.size(); ++i) {
            const auto& layer = summary.layers[i];
            QCOMPARE(maps[i].name, layer.name);
            QCOMPARE(maps[i].type, layer.type);
            QCOMPARE(maps[i].params, layer.params);
            QCOMPARE(maps[i].macs, layer.macs);
            const std::vector<std::int64_t> without_batch(layer.output_shape.begin() + 1,
                                                          layer.output_shape.end());
            QCOMPARE(maps[i].output_shape, without_batch);
            const auto n = std::accumulate(without_batch.begin(), without_batch.end(),
                                           std::int64_t{1}, std::multiplies<>());
            QCOMPARE(static_cast<std::int64_t>(maps[i].values.size()), n);
        }
        // The last stage is the network's output for the digit.
        auto loaded = mnist::load_model_checkpoint(path);
        loaded.net->eval();
        torch::NoGradGuard no_grad;
        const DigitPixels one = drawn_one();
        const auto x =
            mnist::normalize(torch::from_blob(const_cast<float*>(one.data()), {1, 1, 28, 28}));
        const auto logits = loaded.net->forward(x)[0];
        QCOMPARE(maps.back().values.size(), std::size_t{10});
        for (int d = 0; d < 10; ++d) QCOMPARE(maps.back().values[d], logits[d].item<float>());
        // And each picture has one tile per channel.
        for (const auto& stage : maps) {
            const auto grid = mnist::feature_map_grid(stage);
            QVERIFY(grid.width > 0 && grid.height > 0);
            QCOMPARE(grid.pixels.size(), static_cast<std::size_t>(grid.width) * grid.height);
        }
    }

    // conv: out_H*out_W*out_C*in_C*kH*kW; linear: in*out; the rest 0 (core/models/model_1.cpp).
    void macsMatchAHandCountForModel1() {
        const std::int64_t conv1 = 28 * 28 * 8 * 1 * 9;   // 56,448 (padding 1 keeps 28x28)
        const std::int64_t conv2 = 14 * 14 * 16 * 8 * 9;  // 225,792 (after pool1)
        const std::int64_t fc1 = 784 * 32;                // 25,088
        const std::int64_t fc2 = 32 * 10;                 // 320
        QCOMPARE(conv1, std::int64_t{56448});
        const auto s = mnist::summarize_model("Model_1");
        std::map<std::string, std::int64_t> expected{
            {"conv1", conv1}, {"conv2", conv2}, {"fc1", fc1}, {"fc2", fc2}};
        for (const auto& layer : s.layers) {
            const auto it = expected.find(layer.name);
            QCOMPARE(layer.macs, it == expected.end() ? std::int64_t{0} : it->second);
        }
        QCOMPARE(s.total_macs, conv1 + conv2 + fc1 + fc2);  // 307,648
        QVERIFY(QString::fromStdString(mnist::format_summary(s)).contains("307,648"));

        // Model_3's first convolution is unpadded and has no bias: 26*26*10*1*9.
        const auto s3 = mnist::summarize_model("Model_3");
        QCOMPARE(s3.layers.front().macs, std::int64_t{26 * 26 * 10 * 9});
        std::int64_t sum = 0;
        for (const auto& layer : s3.layers) sum += layer.macs;
        QCOMPARE(s3.total_macs, sum);
    }

    // |d winning logit / d pixel|, scaled to a peak of 1.
    void gradientSaliencyIsTheLogitsSlope() {
        const mnist::Inspector inspector(kBundled);
        const DigitPixels one = drawn_one();
        const auto s = inspector.gradient_saliency(one);
        QCOMPARE(s.digit, 1);
        QVERIFY(s.probability > 0.5 && s.probability <= 1.0);
        QCOMPARE(*std::max_element(s.map.begin(), s.map.end()), 1.0f);
        QVERIFY(*std::min_element(s.map.begin(), s.map.end()) >= 0.0f);

        // The same slope by another road: autograd on the [0, 1] pixels themselves (the
        // normalisation only scales it by 1 / std, which the peak-of-1 scaling takes out).
        auto loaded = mnist::load_model_checkpoint(kBundled);
        loaded.net->eval();
        const auto unit = torch::from_blob(const_cast<float*>(one.data()), {1, 1, 28, 28}).clone();
        unit.requires_grad_(true);
        const auto logits = loaded.net->forward(mnist::normalize(unit));
        QCOMPARE(logits.argmax(1).item<std::int64_t>(), std::int64_t{s.digit});
        logits[0][s.digit].backward();
        const auto slope = unit.grad().abs().flatten();
        const auto expected = slope / slope.max();
        for (int i = 0; i < mnist::kImagePixels; ++i)
            QVERIFY2(std::abs(s.map[i] - expected[i].item<float>()) < 1e-5f,
                     qPrintable(QString::number(i)));

        const auto blank = inspector.gradient_saliency(DigitPixels{});
        QCOMPARE(blank.digit, -1);
        QCOMPARE(*std::max_element(blank.map.begin(), blank.map.end()), 0.0f);
    }

    void occludingEmptyPaperChangesNothing() {
        const mnist::Inspector inspector(kBundled);
        const DigitPixels one = drawn_one();
        constexpr int kPatch = 4;
        const auto s = inspector.occlusion_saliency(one, kPatch);
        const auto g = inspector.gradient_saliency(one);
        QCOMPARE(s.digit, g.digit);
        QVERIFY(std::abs(s.probability - g.probability) < 1e-5);
        QCOMPARE(*std::max_element(s.map.begin(), s.map.end()), 1.0f);
        // A pixel whose every covering patch misses the ink keeps 0.
        int empty_pixels = 0;
        for (int y = 0; y < kImageSide; ++y) {
            for (int x = 0; x < kImageSide; ++x) {
                if (ink_near(one, x, y, kPatch - 1)) continue;
                ++empty_pixels;
                QCOMPARE(s.map[y * kImageSide + x], 0.0f);
            }
        }
        QVERIFY(empty_pixels > 200);
        const int on_ink = top_pixels_on_ink(one, s.map, 20);
        QVERIFY2(on_ink >= 15, qPrintable(QString::number(on_ink)));
        if (have_test_set()) {
            const auto test = inspector.inspect_test_set(MNIST_DATA_DIR, 5);
            for (std::int64_t i = 0; i < 5; ++i) {
                const DigitPixels digit = test.pixels(i);
                const auto m = inspector.occlusion_saliency(digit, 3);
                QCOMPARE(m.digit, test.predicted[i]);
                const int hits = top_pixels_on_ink(digit, m.map, 20);
                QVERIFY2(hits >= 15, qPrintable(QString("image %1: %2 of 20").arg(i).arg(hits)));
            }
        }

        QVERIFY_EXCEPTION_THROWN(inspector.occlusion_saliency(one, 0), mnist::InvalidArgument);
        QVERIFY_EXCEPTION_THROWN(inspector.occlusion_saliency(one, 29), mnist::InvalidArgument);
        QVERIFY_EXCEPTION_THROWN(inspector.occlusion_saliency(one, 4, 0), mnist::InvalidArgument);
        const auto stride3 = inspector.occlusion_saliency(one, 5, 3);
        QCOMPARE(*std::max_element(stride3.map.begin(), stride3.map.end()), 1.0f);
    }

    void filtersAreTheConvolutionWeights() {
        const mnist::Inspector inspector(kBundled);
        QCOMPARE(inspector.filter_layers(),
                 (std::vector<std::string>{"conv1", "conv2", "conv3", "trans1", "conv4", "conv5",
                                           "conv6"}));
        const auto bank = inspector.filters("conv2");
        QCOMPARE(bank.out_channels, 10);
        QCOMPARE(bank.in_channels, 10);
        QCOMPARE(bank.kernel_h, 3);
        QCOMPARE(bank.kernel_w, 3);
        QCOMPARE(bank.weights.size(), std::size_t{10 * 10 * 9});
        auto loaded = mnist::load_model_checkpoint(kBundled);
        const auto w = loaded.net->named_parameters()["conv2.weight"].flatten();
        for (int i = 0; i < 900; i += 37) QCOMPARE(bank.weights[i], w[i].item<float>());
        QCOMPARE(bank.min, *std::min_element(bank.weights.begin(), bank.weights.end()));
        QCOMPARE(bank.max, *std::max_element(bank.weights.begin(), bank.weights.end()));
        QVERIFY(bank.min < 0 && bank.max > 0);
        const auto grid = mnist::filter_grid(bank);
        QCOMPARE(grid.width, 10 * 24 + 9);
        QCOMPARE(grid.height, 10 * 24 + 9);

        try {
            inspector.filters("bn1");
            QFAIL("no exception");
        } catch (const mnist::InvalidArgument& e) {
            QVERIFY2(QString(e.what()).contains("'bn1'") && QString(e.what()).contains("conv6"),
                     e.what());
        }
    }

    void badCheckpointIsNamed() {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/nothing.pth";
        try {
            mnist::Inspector inspector(path);
            QFAIL("no exception");
        } catch (const mnist::CheckpointError& e) {
            QVERIFY2(QString(e.what()).contains("nothing.pth"), e.what());
        }
    }

    void featureMapGridTilesEachChannel() {
        mnist::StageActivation stage;
        stage.name = "conv";
        stage.output_shape = {5, 2, 3};
        for (int i = 0; i < 30; ++i) stage.values.push_back(static_cast<float>(i % 6));
        const auto grid = mnist::feature_map_grid(stage);
        // 5 maps in 3 columns, 2 rows; 2x3 maps scaled 16x (the most), 1 px gaps.
        QCOMPARE(grid.width, 3 * 3 * 16 + 2);
        QCOMPARE(grid.height, 2 * 2 * 16 + 1);
        QCOMPARE(int(grid.at(0, 0)), 0);                      // each map's minimum is black
        QCOMPARE(int(grid.at(3 * 16 - 1, 2 * 16 - 1)), 255);  // and its maximum white
        QCOMPARE(int(grid.at(3 * 16, 0)), 128);               // the gap
        stage.values.pop_back();
        QVERIFY_EXCEPTION_THROWN(mnist::feature_map_grid(stage), mnist::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestInspection)
#include "test_inspection.moc"
