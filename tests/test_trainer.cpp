// Short training runs on slices of the real MNIST: the loss falls, accuracy beats chance by far,
// a seed fixes the metrics, the stop flag ends a run within a batch, and the files appear.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/training/recipes.h"
#include "core/checkpoint/checkpoint.h"
#include "core/errors.h"
#include "core/training/trainer.h"

namespace {

bool have_data() { return std::filesystem::exists(MNIST_DATA_DIR "/train-images-idx3-ubyte"); }

mnist::TrainOptions slice_options(const QTemporaryDir& dir) {
    mnist::TrainOptions o = mnist::recommended_options("Model_1");
    o.data_dir = MNIST_DATA_DIR;
    o.out_dir = dir.path().toStdString();
    o.epochs = 2;
    o.limit_train = 4096;
    o.limit_test = 1000;
    o.device = "cpu";
    return o;
}

// Sets the stop flag after a given number of batches and counts what it saw.
class StopAfter : public mnist::TrainObserver {
public:
    StopAfter(std::atomic<bool>& flag, int batches) : flag_(flag), stop_at_(batches) {}
    void on_batch(const mnist::BatchProgress&) override {
        if (++batches_ == stop_at_) flag_ = true;
    }
    int batches() const { return batches_; }

private:
    std::atomic<bool>& flag_;
    int stop_at_;
    int batches_ = 0;
};

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        if (!have_data()) QSKIP("MNIST not fetched (scripts/fetch_data.sh)");
    }

    void lossFallsAndAccuracyBeatsChance() {
        QTemporaryDir dir;
        const auto r = mnist::train(slice_options(dir));
        QCOMPARE(r.epochs.size(), std::size_t{2});
        QVERIFY2(r.epochs[1].train_loss < r.epochs[0].train_loss,
                 qPrintable(QString("%1 -> %2").arg(r.epochs[0].train_loss).arg(r.epochs[1].train_loss)));
        // Chance is 10 %; 64 batches of Adam on Model_1 land in the 80s.
        QVERIFY2(r.epochs[1].val_acc > 75.0, qPrintable(QString::number(r.epochs[1].val_acc)));
        QCOMPARE(r.start.train_size, std::int64_t{4096});
        QCOMPARE(r.start.val_size, std::int64_t{1000});
        QCOMPARE(r.start.batches_per_epoch, std::int64_t{32});

        // The best checkpoint loads and is the model the report says.
        QVERIFY(std::filesystem::exists(r.checkpoint));
        const auto loaded = mnist::load_model_checkpoint(r.checkpoint);
        QCOMPARE(loaded.model, std::string("Model_1"));
        QCOMPARE(loaded.meta->epoch, r.best_epoch);
        QCOMPARE(loaded.meta->val_acc, r.best_val_acc);

        // One history row per epoch, after the header.
        std::ifstream csv(r.history);
        std::string line;
        int rows = 0;
        std::getline(csv, line);
        QVERIFY(line.rfind("epoch,train_loss", 0) == 0);
        while (std::getline(csv, line)) ++rows;
        QCOMPARE(rows, 2);
    }

    void sameSeedSameMetrics() {
        QTemporaryDir a, b;
        auto options = slice_options(a);
        options.epochs = 1;
        options.limit_train = 1024;
        options.model = "Model_3";
        options.augment = true;
        const auto first = mnist::train(options);
        options.out_dir = b.path().toStdString();
        const auto second = mnist::train(options);
        QCOMPARE(first.epochs[0].train_loss, second.epochs[0].train_loss);
        QCOMPARE(first.epochs[0].val_acc, second.epochs[0].val_acc);
        options.seed = 2;
        const auto other = mnist::train(options);
        QVERIFY(other.epochs[0].train_loss != first.epochs[0].train_loss);
    }

    void stopFlagEndsTheRunWithinOneBatch() {
        QTemporaryDir dir;
        auto options = slice_options(dir);
        options.epochs = 3;
        std::atomic<bool> stop{false};
        StopAfter observer(stop, 40);  // epoch 1 has 32 batches: stop 8 batches into epoch 2
        const auto r = mnist::train(options, &observer, &stop);
        QVERIFY(r.stopped);
        QCOMPARE(observer.batches(), 40);
        QCOMPARE(r.epochs.size(), std::size_t{1});
        // The best checkpoint of the finished epoch stays and loads.
        QVERIFY(mnist::load_model_checkpoint(r.checkpoint).net);
    }

    void validationSplitScoresTheTestSetAtTheEnd() {
        QTemporaryDir dir;
        auto options = slice_options(dir);
        options.epochs = 1;
        options.val_split = 512;
        const auto r = mnist::train(options);
        QCOMPARE(r.start.train_size, std::int64_t{4096 - 512});
        QCOMPARE(r.start.val_size, std::int64_t{512});
        QVERIFY(r.test_acc.has_value());
        QVERIFY(*r.test_acc > 50.0);
    }

    void schedulesDriveTheLearningRate() {
        QTemporaryDir dir;
        auto options = slice_options(dir);
        options.epochs = 2;
        options.limit_train = 1024;
        options.scheduler = mnist::SchedulerKind::Step;
        options.step_size = 1;
        options.lr = 0.01;
        const auto step = mnist::train(options);
        QCOMPARE(step.epochs[0].lr, 0.01);
        QVERIFY(std::abs(step.epochs[1].lr - 0.001) < 1e-12);

        options.scheduler = mnist::SchedulerKind::OneCycle;
        options.max_lr = 0.01;
        options.optimizer = mnist::OptimizerKind::SGD;
        const auto cycle = mnist::train(options);
        // The last batch of a one-cycle run trains at about max_lr / 25 / 1e4.
        QVERIFY2(cycle.epochs[1].lr < 1e-6, qPrintable(QString::number(cycle.epochs[1].lr)));
    }

    // A learning rate so high the loss becomes NaN: the run stops saying so, and the good
    // checkpoint already in the folder is neither replaced nor touched.
    void divergingLossStopsAndKeepsTheBestCheckpoint() {
        QTemporaryDir dir;
        auto options = slice_options(dir);
        options.epochs = 1;
        options.limit_train = 512;
        options.limit_test = 200;
        options.threads = 1;
        const auto good = mnist::train(options);
        const std::string weights = read_all(good.checkpoint);
        const std::string sidecar = read_all(mnist::sidecar_path(good.checkpoint));

        options.optimizer = mnist::OptimizerKind::SGD;
        options.scheduler = mnist::SchedulerKind::None;
        options.lr = 1e30;
        try {
            mnist::train(options);
            QFAIL("a diverging run finished");
        } catch (const mnist::TrainingDiverged& e) {
            const QString why = e.what();
            QVERIFY2(why.contains("diverged") && why.contains("1e+30"), e.what());
            QVERIFY2(why.contains("lower learning rate"), e.what());
        }
        QCOMPARE(read_all(good.checkpoint), weights);
        QCOMPARE(read_all(mnist::sidecar_path(good.checkpoint)), sidecar);
        QVERIFY(mnist::load_model_checkpoint(good.checkpoint).meta.has_value());
    }

    // Each refused with InvalidArgument before any data loads: the data folder does not exist, so
    // a check that came later would throw DataError instead.
    void badValuesAreRefusedBeforeWork_data() {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("lr nan") << "lr nan"
                                << "learning rate";
        QTest::newRow("lr inf") << "lr inf"
                                << "learning rate";
        QTest::newRow("degrees nan") << "degrees nan"
                                     << "rotation (degrees)";
        QTest::newRow("degrees 1000") << "degrees 1000"
                                      << "rotation (degrees)";
        QTest::newRow("translate 2") << "translate 2"
                                     << "shift (translate)";
        QTest::newRow("scale inverted") << "scale inverted"
                                        << "above the max zoom";
        QTest::newRow("stroke nan") << "stroke nan"
                                    << "stroke probability";
        QTest::newRow("weight decay inf") << "weight decay inf"
                                          << "weight decay";
        QTest::newRow("negative momentum") << "negative momentum"
                                           << "momentum";
        QTest::newRow("nesterov, no momentum") << "nesterov"
                                               << "Nesterov";
        QTest::newRow("step size 0") << "step size 0"
                                     << "step_size";
        QTest::newRow("out under a file") << "out under a file"
                                          << "cannot be created";
    }
    void badValuesAreRefusedBeforeWork() {
        QFETCH(QString, change);
        QFETCH(QString, phrase);
        QTemporaryDir dir;
        auto o = slice_options(dir);
        o.data_dir = dir.path().toStdString() + "/no-mnist-here";
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        if (change == "lr nan") o.lr = nan;
        if (change == "lr inf") o.lr = inf;
        if (change == "degrees nan") o.augmentation.degrees(nan);
        if (change == "degrees 1000") o.augmentation.degrees(1000);
        if (change == "translate 2") o.augmentation.translate(2);
        if (change == "scale inverted") o.augmentation.scale(1.2, 0.8);
        if (change == "stroke nan") o.augmentation.stroke(nan);
        if (change == "weight decay inf") o.weight_decay = inf;
        if (change == "negative momentum") o.momentum = -0.5;
        if (change == "nesterov") {
            o.optimizer = mnist::OptimizerKind::SGD;
            o.nesterov = true;
            o.momentum = 0;
        }
        if (change == "step size 0") {
            o.scheduler = mnist::SchedulerKind::Step;
            o.step_size = 0;
        }
        if (change == "out under a file") {
            std::ofstream(dir.filePath("file").toStdString()) << "x";
            o.out_dir = dir.filePath("file/out").toStdString();
        }
        try {
            mnist::train(o);
            QFAIL("trained with a bad value");
        } catch (const mnist::InvalidArgument& e) {
            QVERIFY2(QString(e.what()).contains(phrase), e.what());
        }
    }

    void badOptionsAreNamed() {
        QTemporaryDir dir;
        auto options = slice_options(dir);
        options.epochs = 0;
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, mnist::train(options));
        options = slice_options(dir);
        options.data_dir = dir.path().toStdString();  // no MNIST files there
        try {
            mnist::train(options);
            QFAIL("trained without data");
        } catch (const mnist::DataError& e) {
            QVERIFY2(QString(e.what()).contains(dir.path()), e.what());
        }
        options = slice_options(dir);
        options.val_split = 5000;  // more than the 4096-image slice
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, mnist::train(options));
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "test_trainer.moc"
