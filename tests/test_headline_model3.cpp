// The product's headline: Model_3, under 8,000 parameters, trained with its registered recipe for
// 15 epochs and a fixed seed, scores at least 99.4 % on the official 10,000 test images.
// Minutes on 2 cores; labelled "headline" so `ctest -LE headline` skips it locally.
#include <QtTest>

#include <filesystem>

#include "core/training/recipes.h"
#include "core/training/trainer.h"

class TestHeadlineModel3 : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void model3ReachesTheSeedsClaim() {
        if (!std::filesystem::exists(MNIST_DATA_DIR "/train-images-idx3-ubyte")) {
            QSKIP("MNIST not fetched (scripts/fetch_data.sh)");
        }
        QTemporaryDir dir;
        mnist::TrainOptions options = mnist::recommended_options("Model_3");
        options.data_dir = MNIST_DATA_DIR;
        options.out_dir = dir.path().toStdString();
        options.seed = 1;
        options.device = "cpu";
        // One thread: CPU training is deterministic for a fixed thread count, so this is exactly
        // the run README reports for seed 1 (`mnist-cli experiment --threads 1`).
        options.threads = 1;
        const auto r = mnist::train(options);
        QVERIFY(r.start.params < 8000);
        QCOMPARE(static_cast<int>(r.epochs.size()), 15);
        for (const auto& m : r.epochs) {
            qInfo("epoch %2d  train %.4f / %.2f %%  test %.4f / %.2f %%  lr %.2e  %.1fs", m.epoch,
                  m.train_loss, m.train_acc, m.val_loss, m.val_acc, m.lr, m.seconds);
        }
        const double final_acc = r.epochs.back().val_acc;
        QVERIFY2(final_acc >= 99.4, qPrintable(QString("final test accuracy %1 %").arg(final_acc)));
    }
};

QTEST_APPLESS_MAIN(TestHeadlineModel3)
#include "test_headline_model3.moc"
