// The batches training draws: every image once per epoch, labels kept with their images, the host
// path (CPU training, prepared on a worker thread) and the tensor path (CUDA training, run here on
// the CPU) giving the same batches for the same seed, and a stop mid-epoch never hanging.
#include <QtTest>

#include <filesystem>

#include "core/data/mnist_dataset.h"
#include "core/errors.h"
#include "core/training/training_batches.h"

namespace {

// 300 images, each image's pixels derived from its index and its label its index mod 10, so a
// batch can be traced back to the images it holds.
mnist::MnistData traceable_data() {
    const std::int64_t n = 300;
    auto images = torch::zeros({n, 28, 28}, torch::kUInt8);
    auto labels = torch::arange(n, torch::kInt64).remainder(10);
    for (std::int64_t i = 0; i < n; ++i) {
        // A bar whose position and length encode the index, so augmentation has ink to move.
        images.index_put_({i, torch::indexing::Slice(4, 4 + i % 20),
                           torch::indexing::Slice(8 + i % 12, 12 + i % 12)},
                          static_cast<std::uint8_t>(55 + i % 200));
    }
    return {images, labels};
}

std::vector<mnist::TrainingBatch> all_batches(mnist::TrainingBatches& batches) {
    std::vector<mnist::TrainingBatch> out;
    while (auto batch = batches.next()) out.push_back(*batch);
    return out;
}

}  // namespace

class TestTrainingBatches : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void everyImageOnceWithItsLabel() {
        const auto data = traceable_data();
        torch::manual_seed(1);
        const auto order = torch::randperm(data.size(), torch::kInt64);
        mnist::TrainingBatches batches(data, order, 64, nullptr, 1, mnist::BatchPath::Host);
        QCOMPARE(batches.size(), 5);
        const auto got = all_batches(batches);
        QCOMPARE(static_cast<int>(got.size()), 5);
        QCOMPARE(got.back().labels.size(0), 300 - 4 * 64);  // the last batch is the remainder
        std::vector<torch::Tensor> images, labels;
        for (const auto& b : got) {
            images.push_back(b.images);
            labels.push_back(b.labels);
        }
        const auto x = torch::cat(images), y = torch::cat(labels);
        QCOMPARE(x.sizes(), (std::vector<std::int64_t>{300, 1, 28, 28}));
        // In the shuffled order, normalised, each label beside its own image.
        const auto expected =
            mnist::normalize(mnist::to_unit_float(data.images.index_select(0, order)));
        QVERIFY(torch::allclose(x, expected, 1e-5, 1e-5));
        QVERIFY(torch::equal(y, data.labels.index_select(0, order)));
        QVERIFY(!batches.next().has_value());
    }

    void hostAndTensorPathsGiveTheSameBatches() {
        const auto data = traceable_data();
        const auto order = torch::randperm(data.size(), torch::kInt64);
        const auto options =
            mnist::AugmentOptions().degrees(15).translate(0.1).scale(0.9, 1.1).stroke(0.4);
        for (const mnist::AugmentOptions* augment :
             {static_cast<const mnist::AugmentOptions*>(nullptr), &options}) {
            mnist::TrainingBatches host(data, order, 128, augment, 7, mnist::BatchPath::Host);
            mnist::TrainingBatches tensor(data, order, 128, augment, 7, mnist::BatchPath::Tensor);
            const auto a = all_batches(host), b = all_batches(tensor);
            QCOMPARE(a.size(), b.size());
            for (std::size_t i = 0; i < a.size(); ++i) {
                QVERIFY(torch::equal(a[i].labels, b[i].labels));
                const float worst = (a[i].images - b[i].images).abs().max().item<float>();
                QVERIFY2(worst < 1e-3f,
                         qPrintable(QString("batch %1 differs by %2").arg(i).arg(worst)));
            }
        }
    }

    void seedFixesTheAugmentedBatches() {
        const auto data = traceable_data();
        const auto order = torch::arange(data.size(), torch::kInt64);
        const auto options = mnist::AugmentOptions();
        mnist::TrainingBatches a(data, order, 100, &options, 3, mnist::BatchPath::Host);
        mnist::TrainingBatches b(data, order, 100, &options, 3, mnist::BatchPath::Host);
        mnist::TrainingBatches c(data, order, 100, &options, 4, mnist::BatchPath::Host);
        const auto x = all_batches(a), y = all_batches(b), z = all_batches(c);
        QVERIFY(torch::equal(x[1].images, y[1].images));
        QVERIFY(!torch::equal(x[1].images, z[1].images));
        // Different batches of one epoch get different transforms even for the same images.
        const auto twice =
            torch::cat({torch::arange(100, torch::kInt64), torch::arange(100, torch::kInt64)});
        mnist::TrainingBatches same_images(data, twice, 100, &options, 3, mnist::BatchPath::Host);
        const auto w = all_batches(same_images);
        QVERIFY(torch::equal(w[0].labels, w[1].labels));
        QVERIFY((w[0].images - w[1].images).abs().sum().item<float>() > 10.0f);
    }

    void stoppingMidEpochReturnsPromptly() {
        // Training stops after one batch: destroying the source must join its worker, which may
        // be blocked on a full queue.
        const auto data = traceable_data();
        const auto order = torch::arange(data.size(), torch::kInt64);
        const auto options = mnist::AugmentOptions();
        for (int i = 0; i < 20; ++i) {
            mnist::TrainingBatches batches(data, order, 16, &options, i, mnist::BatchPath::Host);
            QVERIFY(batches.next().has_value());
        }
        // Or before its first batch was asked for.
        for (int i = 0; i < 20; ++i)
            mnist::TrainingBatches unused(data, order, 16, &options, i, mnist::BatchPath::Host);
    }

    void badInputIsRefusedNotMisread() {
        const auto data = traceable_data();
        const auto order = torch::arange(data.size(), torch::kInt64);
        const mnist::MnistData float_images{data.images.to(torch::kFloat32), data.labels};
        QVERIFY_THROWS_EXCEPTION(
            mnist::InvalidArgument,
            mnist::TrainingBatches(float_images, order, 16, nullptr, 1, mnist::BatchPath::Host));
        QVERIFY_THROWS_EXCEPTION(
            mnist::InvalidArgument,
            mnist::TrainingBatches(data, order, 0, nullptr, 1, mnist::BatchPath::Host));
    }
};

QTEST_APPLESS_MAIN(TestTrainingBatches)
#include "test_training_batches.moc"
