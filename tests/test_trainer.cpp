// Short training runs on slices of the real MNIST: the loss falls, accuracy beats chance by far,
// a seed fixes the metrics, the stop flag ends a run within a batch, and the files appear.
#include <QProcess>
#include <QtTest>

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

#include "core/checkpoint/checkpoint.h"
#include "core/errors.h"
#include "core/training/history_csv.h"
#include "core/training/recipes.h"
#include "core/training/trainer.h"
#include "training_test_support.h"

namespace {

using test_support::have_mnist;
using test_support::StopAfter;

// Two epochs of 32 batches (4,096 images in batches of 128).
mnist::TrainOptions slice_options(const QTemporaryDir& dir) {
    mnist::TrainOptions o = test_support::mnist_slice(dir.path().toStdString(), 4096, 1000);
    o.epochs = 2;
    return o;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> temp_files_in(const std::string& dir) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().filename().string().find(".tmp") != std::string::npos)
            found.push_back(entry.path().string());
    }
    return found;
}

// This binary, run again as a child that trains one epoch into MNIST_TEST_TRAIN_INTO under the
// limits below (a file-size limit stands in for a full disk, since a test cannot fill one; uid
// "nobody" makes a read-only folder read-only for root too). Exits 0, or 3 with the message of a
// CheckpointError, 4 of an InvalidArgument.
const char* const kTrainIntoVariable = "MNIST_TEST_TRAIN_INTO";
const char* const kFileSizeVariable = "MNIST_TEST_FILE_SIZE_LIMIT";
const char* const kAsNobodyVariable = "MNIST_TEST_AS_NOBODY";

int train_as_limited_child(const char* dir) {
    if (const char* bytes = std::getenv(kFileSizeVariable)) {
        const rlim_t limit = std::strtoull(bytes, nullptr, 10);
        const rlimit fsize{limit, limit};
        signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG, as ENOSPC would
        if (setrlimit(RLIMIT_FSIZE, &fsize) != 0) return 10;
    }
    if (std::getenv(kAsNobodyVariable) && getuid() == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0) return 11;
    }
    QTemporaryDir unused;
    mnist::TrainOptions options = slice_options(unused);
    options.out_dir = dir;
    options.epochs = 1;
    options.limit_train = 512;
    options.limit_test = 200;
    options.seed = 7;
    try {
        mnist::train(options);
        return 0;
    } catch (const mnist::CheckpointError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 3;
    } catch (const mnist::InvalidArgument& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 4;
    }
}

struct ChildRun {
    int exit_code = -1;
    QString message;
};

ChildRun run_limited_child(const QString& dir, const QStringList& limits) {
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(kTrainIntoVariable, dir);
    for (const QString& limit : limits) env.insert(limit.section('=', 0, 0), limit.section('=', 1));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {});
    if (!child.waitForFinished(300000)) return {};
    return {child.exitStatus() == QProcess::NormalExit ? child.exitCode() : -1,
            QString::fromUtf8(child.readAllStandardError()).trimmed()};
}

}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void init() {
        if (!have_mnist()) QSKIP("MNIST not fetched (scripts/fetch_data.sh)");
    }

    void lossFallsAndAccuracyBeatsChance() {
        QTemporaryDir dir;
        const auto r = mnist::train(slice_options(dir));
        QCOMPARE(r.epochs.size(), std::size_t{2});
        QVERIFY2(r.epochs[1].train_loss < r.epochs[0].train_loss,
                 qPrintable(
                     QString("%1 -> %2").arg(r.epochs[0].train_loss).arg(r.epochs[1].train_loss)));
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
        QCOMPARE(r.ended, std::string("stopped"));
        QCOMPARE(observer.batches(), 40);
        QCOMPARE(r.epochs.size(), std::size_t{1});
        // The best checkpoint of the finished epoch stays and loads.
        QVERIFY(mnist::load_model_checkpoint(r.checkpoint).net);
    }

    // A learning rate too small to move Model_1's weights (it has no batch norm statistics to
    // drift) cannot improve validation accuracy after epoch 1: patience 1 ends the run at epoch 2.
    void earlyStopEndsARunThatStopsImproving() {
        QTemporaryDir dir;
        auto options = slice_options(dir);
        options.epochs = 4;
        options.limit_train = 512;
        options.lr = 1e-12;
        options.scheduler = mnist::SchedulerKind::None;
        options.augment = false;
        options.early_stop = 1;
        const auto r = mnist::train(options);
        QCOMPARE(r.ended, std::string("early-stopped"));
        QVERIFY(!r.stopped);
        QCOMPARE(r.epochs.size(), std::size_t{2});
        QCOMPARE(r.best_epoch, 1);
        QVERIFY(!r.epochs[1].improved);

        // Patience 0 is off: the same run trains every epoch.
        options.early_stop = 0;
        const auto all = mnist::train(options);
        QCOMPARE(all.ended, std::string("finished"));
        QCOMPARE(all.epochs.size(), std::size_t{4});
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

    // The loss is read back every 10 batches, but a NaN is caught on the batch it appears: with a
    // learning rate of 1e30 the first step already ruins the weights, and the run must not train
    // on (or report) any batch after the one whose loss was NaN.
    void nanLossIsCaughtOnItsOwnBatch() {
        QTemporaryDir dir;
        auto options = slice_options(dir);
        options.epochs = 1;
        options.threads = 1;
        options.optimizer = mnist::OptimizerKind::SGD;
        options.scheduler = mnist::SchedulerKind::None;
        options.lr = 1e30;
        std::atomic<bool> never{false};
        StopAfter observer(never, -1);
        try {
            mnist::train(options, &observer, &never);
            QFAIL("a diverging run finished");
        } catch (const mnist::TrainingDiverged& e) {
            const QString why = e.what();
            const QRegularExpressionMatch batch = QRegularExpression("batch (\\d+)").match(why);
            QVERIFY2(batch.hasMatch(), e.what());
            const int diverged = batch.captured(1).toInt();
            // Every batch before it was reported, none after; and not the 10th (the first
            // readback).
            QCOMPARE(observer.batches(), diverged - 1);
            QVERIFY2(diverged > 1 && diverged < 10, e.what());
        }
    }

    // Stop pressed while the data loads: the flag is read before the first batch, so nothing
    // trains and nothing is written over the folder's checkpoint.
    void stopDuringLoadingTrainsNothing() {
        QTemporaryDir dir;
        auto options = slice_options(dir);
        std::atomic<bool> stop{true};
        StopAfter observer(stop, -1);
        const auto r = mnist::train(options, &observer, &stop);
        QVERIFY(r.stopped);
        QCOMPARE(observer.batches(), 0);
        QVERIFY(r.epochs.empty());
        QVERIFY(r.checkpoint.empty());
        QVERIFY(!std::filesystem::exists(mnist::checkpoint_path(options.out_dir, options.model)));
    }

    // Stop pressed after an epoch's last batch, while it is evaluated and its checkpoint written:
    // that epoch's checkpoint is finished whole (weights and a sidecar that matches them), no
    // temporary file is left, and no batch of the next epoch runs.
    void stopDuringEvaluationAndCheckpointFinishesTheEpoch() {
        QTemporaryDir dir;
        auto options = slice_options(dir);
        options.epochs = 3;
        std::atomic<bool> stop{false};
        StopAfter observer(stop, 32);  // 4096 images in batches of 128: the last of epoch 1
        const auto r = mnist::train(options, &observer, &stop);
        QVERIFY(r.stopped);
        QCOMPARE(observer.batches(), 32);
        QCOMPARE(r.epochs.size(), std::size_t{1});
        const auto loaded = mnist::load_model_checkpoint(r.checkpoint);
        QVERIFY(loaded.net);
        QVERIFY2(loaded.meta.has_value(), loaded.meta_problem.c_str());
        QCOMPARE(loaded.meta->epoch, 1);
        QVERIFY(temp_files_in(options.out_dir).empty());
    }

    // A full disk while the checkpoint is written (a file-size limit in a child process): the run
    // stops saying which folder is full, the folder's earlier checkpoint is left byte for byte,
    // and no temporary file stays behind.
    void fullDiskStopsTrainingAndKeepsTheCheckpoint() {
        QTemporaryDir dir;
        auto options = slice_options(dir);
        options.epochs = 1;
        options.limit_train = 512;
        options.limit_test = 200;
        const auto good = mnist::train(options);
        const std::string weights = read_all(good.checkpoint);
        const std::string sidecar = read_all(mnist::sidecar_path(good.checkpoint));
        QVERIFY(weights.size() > 4096);

        const ChildRun run = run_limited_child(dir.path(), {QString(kFileSizeVariable) + "=4096"});
        QVERIFY2(run.exit_code == 3, qPrintable(run.message));
        QVERIFY2(run.message.contains("training stopped in epoch 1"), qPrintable(run.message));
        QVERIFY2(run.message.contains(dir.path()), qPrintable(run.message));
        QVERIFY2(run.message.contains(std::strerror(EFBIG)), qPrintable(run.message));
        QCOMPARE(read_all(good.checkpoint), weights);
        QCOMPARE(read_all(mnist::sidecar_path(good.checkpoint)), sidecar);
        QVERIFY(temp_files_in(options.out_dir).empty());
    }

    // A read-only output folder is refused before any data loads, naming it; its checkpoint stays.
    void readOnlyFolderIsRefusedAndKeepsTheCheckpoint() {
        QTemporaryDir dir;
        auto options = slice_options(dir);
        options.epochs = 1;
        options.limit_train = 512;
        options.limit_test = 200;
        const auto good = mnist::train(options);
        const std::string weights = read_all(good.checkpoint);
        namespace fs = std::filesystem;
        fs::permissions(dir.path().toStdString(), fs::perms::owner_all, fs::perm_options::remove);
        fs::permissions(dir.path().toStdString(),
                        fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                            fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec,
                        fs::perm_options::replace);
        const ChildRun run = run_limited_child(dir.path(), {QString(kAsNobodyVariable) + "=1"});
        fs::permissions(dir.path().toStdString(), fs::perms::owner_all, fs::perm_options::add);
        QVERIFY2(run.exit_code == 4, qPrintable(run.message));
        QVERIFY2(run.message.contains(dir.path()), qPrintable(run.message));
        // "not writable", or where the folder cannot even be looked at by the unprivileged child
        // (a clean root's /tmp), "cannot be created": refused either way, naming it.
        QVERIFY2(run.message.contains("not writable") || run.message.contains("cannot be created"),
                 qPrintable(run.message));
        QCOMPARE(read_all(good.checkpoint), weights);
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
                                     << "step size";
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

    void historyWriteFailuresAreErrors() {
        // /dev/full accepts the open and fails every write with ENOSPC, as a full disk does.
        try {
            mnist::HistoryCsv csv("/dev/full");
            QFAIL("a history that cannot be written was accepted");
        } catch (const mnist::DataError& e) {
            QVERIFY2(QString(e.what()).contains("/dev/full"), e.what());
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

int main(int argc, char** argv) {
    if (const char* dir = std::getenv(kTrainIntoVariable)) return train_as_limited_child(dir);
    QCoreApplication app(argc, argv);  // for applicationFilePath() and QProcess
    TestTrainer test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "test_trainer.moc"
