// The augmentation preview hands the GUI real test digits with one augmentation each: 28x28
// intensities in [0, 1], digit labels, the same picture for the same seed, visibly augmented,
// and without touching the global generator a training run on another thread draws from.
#include <QtTest>

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/data/augmentation_preview.h"
#include "core/errors.h"

namespace {

constexpr char kNoData[] = "MNIST not fetched (scripts/fetch_data.sh)";

bool have_mnist() {
    return std::filesystem::exists(MNIST_DATA_DIR "/t10k-images-idx3-ubyte") ||
           std::filesystem::exists(MNIST_DATA_DIR "/t10k-images-idx3-ubyte.gz");
}

float max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
    float d = 0.0f;
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
    return d;
}

}  // namespace

class TestAugmentationPreview : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void gives28x28ImagesInRangeWithDigitLabels() {
        if (!have_mnist()) QSKIP(kNoData);
        const auto samples = mnist::preview_augmentation(
            MNIST_DATA_DIR, mnist::AugmentOptions().shear(10).stroke(0.5), 16, 1);
        QCOMPARE(samples.size(), std::size_t{16});
        for (const auto& s : samples) {
            QCOMPARE(s.original.size(), std::size_t{28 * 28});
            QCOMPARE(s.augmented.size(), std::size_t{28 * 28});
            for (const auto* image : {&s.original, &s.augmented}) {
                const auto [lo, hi] = std::minmax_element(image->begin(), image->end());
                QVERIFY(*lo >= 0.0f);
                QVERIFY(*hi <= 1.0f);
                // A digit, not an empty frame (a thinner pen leaves a 1 faint, not gone).
                QVERIFY(*hi > 0.2f);
            }
            QVERIFY(s.label >= 0 && s.label <= 9);
        }
    }

    void augmentedDiffersFromOriginal() {
        if (!have_mnist()) QSKIP(kNoData);
        const auto samples =
            mnist::preview_augmentation(MNIST_DATA_DIR, mnist::AugmentOptions(), 16, 2);
        for (const auto& s : samples) QVERIFY(max_abs_difference(s.original, s.augmented) > 0.1f);
    }

    void identityOptionsShowTheOriginal() {
        if (!have_mnist()) QSKIP(kNoData);
        const auto samples = mnist::preview_augmentation(
            MNIST_DATA_DIR, mnist::AugmentOptions().degrees(0).translate(0).scale(1, 1), 8, 2);
        for (const auto& s : samples) QVERIFY(max_abs_difference(s.original, s.augmented) < 1e-5f);
    }

    void seedFixesDigitsAndAugmentation() {
        if (!have_mnist()) QSKIP(kNoData);
        const auto options = mnist::AugmentOptions().stroke(0.3);
        const auto a = mnist::preview_augmentation(MNIST_DATA_DIR, options, 16, 7);
        const auto b = mnist::preview_augmentation(MNIST_DATA_DIR, options, 16, 7);
        const auto c = mnist::preview_augmentation(MNIST_DATA_DIR, options, 16, 8);
        bool all_same_as_c = true;
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].label, b[i].label);
            QVERIFY(a[i].original == b[i].original);
            QVERIFY(a[i].augmented == b[i].augmented);
            all_same_as_c = all_same_as_c && a[i].original == c[i].original;
        }
        QVERIFY(!all_same_as_c);  // another seed, other digits
    }

    void leavesTheGlobalGeneratorAlone() {
        if (!have_mnist()) QSKIP(kNoData);
        torch::manual_seed(5);
        const auto expected = torch::rand({4});
        torch::manual_seed(5);
        mnist::preview_augmentation(MNIST_DATA_DIR, mnist::AugmentOptions().stroke(0.5), 16, 3);
        QVERIFY(torch::equal(torch::rand({4}), expected));
    }

    void countIsClampedToWhatExists() {
        if (!have_mnist()) QSKIP(kNoData);
        QVERIFY(mnist::preview_augmentation(MNIST_DATA_DIR, mnist::AugmentOptions(), 0, 1).empty());
        QCOMPARE(mnist::preview_augmentation(MNIST_DATA_DIR, mnist::AugmentOptions(), 3, 1).size(),
                 std::size_t{3});
    }

    void missingDataThrowsDataError() {
        QTemporaryDir empty;
        QVERIFY_THROWS_EXCEPTION(
            mnist::DataError,
            mnist::preview_augmentation(empty.path().toStdString(), mnist::AugmentOptions(), 4, 1));
    }
};

QTEST_APPLESS_MAIN(TestAugmentationPreview)
#include "test_augmentation_preview.moc"
