// DivergenceWatch names the first batch whose loss is NaN or infinite, whether it reads each loss
// at once (the CPU) or keeps the check on the device until asked (CUDA; run here on CPU tensors).
#include <QtTest>

#include <cmath>
#include <limits>

#include "core/training/divergence_watch.h"

namespace {

torch::Tensor loss(double value) {
    return torch::tensor(value, torch::kFloat32);
}

}  // namespace

class TestDivergenceWatch : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void firstBadBatchIsNamed_data() {
        QTest::addColumn<bool>("readEachBatch");
        QTest::newRow("read each batch (CPU)") << true;
        QTest::newRow("kept on the device (CUDA)") << false;
    }
    void firstBadBatchIsNamed() {
        QFETCH(bool, readEachBatch);
        mnist::DivergenceWatch watch(readEachBatch);
        QCOMPARE(watch.reads_each_batch(), readEachBatch);
        for (int b = 1; b <= 4; ++b) watch.add(loss(2.3 / b), b);
        QVERIFY(!watch.first().has_value());
        watch.add(loss(std::numeric_limits<double>::infinity()), 5);
        watch.add(loss(std::nan("")), 6);
        watch.add(loss(0.5), 7);
        const auto bad = watch.first();
        QVERIFY(bad.has_value());
        QCOMPARE(bad->batch, std::int64_t{5});
        QVERIFY(std::isinf(bad->loss));
        // Asked again after more batches: still the first one.
        watch.add(loss(std::nan("")), 8);
        QCOMPARE(watch.first()->batch, std::int64_t{5});
    }

    void nanIsCaughtLikeInfinity() {
        mnist::DivergenceWatch watch(false);
        watch.add(loss(1.0), 1);
        watch.add(loss(std::nan("")), 2);
        QCOMPARE(watch.first()->batch, std::int64_t{2});
        QVERIFY(std::isnan(watch.first()->loss));
    }
};

QTEST_APPLESS_MAIN(TestDivergenceWatch)
#include "test_divergence_watch.moc"
