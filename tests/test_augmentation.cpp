// Batch augmentation keeps what training relies on: same shape, intensities in [0, 1], the digit
// still on the canvas, labels untouched (it never sees them), and a seed fixes it.
#include <QtTest>

#include <filesystem>

#include "core/data/augmentation.h"
#include "core/data/mnist_dataset.h"

namespace {

torch::Tensor real_batch() {
    if (std::filesystem::exists(MNIST_DATA_DIR "/t10k-images-idx3-ubyte")) {
        return mnist::to_unit_float(
            mnist::load_mnist(MNIST_DATA_DIR, mnist::Split::Test).images.slice(0, 0, 256));
    }
    // A synthetic stand-in: a bright bar in the middle of each image.
    auto x = torch::zeros({256, 1, 28, 28});
    x.index_put_({torch::indexing::Slice(), 0, torch::indexing::Slice(6, 22),
                  torch::indexing::Slice(12, 16)},
                 1.0);
    return x;
}

}  // namespace

class TestAugmentation : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void keepsShapeAndRange() {
        const auto x = real_batch();
        const auto y =
            mnist::augment_batch(x, mnist::AugmentOptions().degrees(30).shear(15).stroke(0.5), 1);
        QCOMPARE(y.sizes(), x.sizes());
        QCOMPARE(y.scalar_type(), torch::kFloat32);
        QVERIFY(y.min().item<float>() >= 0.0f);
        QVERIFY(y.max().item<float>() <= 1.0f);
        QVERIFY(torch::isfinite(y).all().item<bool>());
    }

    void changesEveryImageButKeepsTheInk() {
        const auto x = real_batch();
        const auto y = mnist::augment_batch(x, mnist::AugmentOptions(), 3);
        const auto per_image_change = (y - x).abs().sum({1, 2, 3});
        QVERIFY((per_image_change > 0).all().item<bool>());
        // +-10 degrees, +-10 % shift and 0.9-1.1 zoom keep almost all ink on the canvas.
        const auto ink_ratio = y.sum({1, 2, 3}) / x.sum({1, 2, 3});
        QVERIFY2(ink_ratio.min().item<float>() > 0.6f,
                 qPrintable(QString::number(ink_ratio.min().item<float>())));
        QVERIFY2(ink_ratio.max().item<float>() < 1.4f,
                 qPrintable(QString::number(ink_ratio.max().item<float>())));
    }

    void identityOptionsChangeNothing() {
        const auto x = real_batch();
        const auto y =
            mnist::augment_batch(x, mnist::AugmentOptions().degrees(0).translate(0).scale(1, 1), 1);
        QVERIFY2(torch::allclose(y, x, 1e-5, 1e-5),
                 qPrintable(QString::number((y - x).abs().max().item<float>())));
    }

    void pureShiftMovesTheCentreOfMass() {
        auto x = torch::zeros({1, 1, 28, 28});
        x.index_put_({0, 0, torch::indexing::Slice(12, 16), torch::indexing::Slice(12, 16)}, 1.0);
        // translate 0.1 draws the shift from [-2.8, 2.8] px; over a batch the centre of mass
        // must move by up to that and never more.
        const auto batch = x.repeat({64, 1, 1, 1});
        const auto y = mnist::augment_batch(
            batch, mnist::AugmentOptions().degrees(0).scale(1, 1).translate(0.1), 1);
        const auto cols = torch::arange(28).to(torch::kFloat32).view({1, 1, 1, 28});
        const auto cx = (y * cols).sum({1, 2, 3}) / y.sum({1, 2, 3});
        const auto shift = (cx - 13.5).abs();
        QVERIFY(shift.max().item<float>() <= 2.8f + 1e-3f);
        QVERIFY(shift.max().item<float>() > 1.0f);
    }

    void seedFixesTheAugmentation() {
        const auto x = real_batch();
        const auto a = mnist::augment_batch(x, mnist::AugmentOptions().stroke(0.3), 11);
        const auto b = mnist::augment_batch(x, mnist::AugmentOptions().stroke(0.3), 11);
        const auto c = mnist::augment_batch(x, mnist::AugmentOptions().stroke(0.3), 12);
        QVERIFY(torch::equal(a, b));
        QVERIFY(!torch::equal(a, c));
    }

    // The CPU training path warps bytes on a worker thread; the CUDA path warps tensors. For the
    // same draws they must produce the same images, stroke changes included.
    void hostWarpMatchesTensorWarp() {
        const auto x = real_batch();
        const auto bytes = (x * 255).round().to(torch::kUInt8).contiguous();
        const auto unit = bytes.to(torch::kFloat32) / 255;
        mnist::SeededRandom random(5);
        const auto draws = mnist::draw_augmentations(
            x.size(0),
            mnist::AugmentOptions().degrees(25).shear(10).translate(0.15).scale(0.8, 1.2).stroke(
                0.6),
            random);
        int thicker = 0, thinner = 0;
        for (const auto& d : draws) {
            if (d.stroke > 0) ++thicker;
            if (d.stroke < 0) ++thinner;
        }
        QVERIFY(thicker > 0 && thinner > 0);
        std::vector<const std::uint8_t*> images;
        for (std::int64_t i = 0; i < x.size(0); ++i)
            images.push_back(bytes.data_ptr<std::uint8_t>() + i * 784);
        auto host = torch::empty_like(unit);
        mnist::augment_images(images.data(), draws, host.data_ptr<float>());
        const auto tensor = mnist::augment_batch(unit, draws);
        const float worst = (host - tensor).abs().max().item<float>();
        QVERIFY2(worst < 1e-4f, qPrintable(QString::number(worst)));
        QVERIFY((host - unit).abs().sum().item<float>() > 100.0f);  // it did transform them
    }

    void labelsAreUntouchedByTheTrainingBatchPath() {
        if (!std::filesystem::exists(MNIST_DATA_DIR "/t10k-images-idx3-ubyte"))
            QSKIP("MNIST not fetched");
        const auto data = mnist::load_mnist(MNIST_DATA_DIR, mnist::Split::Test);
        const auto labels = data.labels.clone();
        const auto idx = torch::randperm(data.size()).slice(0, 0, 128);
        const auto batch = data.select(idx);
        mnist::augment_batch(mnist::to_unit_float(batch.images), mnist::AugmentOptions(), 1);
        QVERIFY(torch::equal(labels, data.labels));
        QVERIFY(batch.labels.min().item<std::int64_t>() >= 0);
        QVERIFY(batch.labels.max().item<std::int64_t>() <= 9);
        QCOMPARE(batch.labels.size(0), batch.images.size(0));
    }
};

QTEST_APPLESS_MAIN(TestAugmentation)
#include "test_augmentation.moc"
