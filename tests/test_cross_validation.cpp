// Cross-validation: stratified folds (disjoint, covering, each class in proportion, fixed by a
// seed) and a tiny k-fold run on a slice of MNIST (per-fold results, mean ± std from them, the same
// numbers twice, the test set read only when asked, the stop flag).
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "cli_test_support.h"
#include "core/data/mnist_dataset.h"
#include "core/data/stratified_folds.h"
#include "core/errors.h"
#include "core/evaluation/cross_validation.h"
#include "core/evaluation/evaluation.h"
#include "core/training/recipes.h"
#include "training_test_support.h"

namespace {

using test_support::cli;
using test_support::CliRun;
using test_support::have_mnist;

std::vector<int> mnist_train_labels() {
    const auto labels =
        mnist::load_mnist(MNIST_DATA_DIR, mnist::Split::Train).labels.to(torch::kInt32);
    return std::vector<int>(labels.data_ptr<int>(), labels.data_ptr<int>() + labels.numel());
}

// Every index once, no fold shares one, and per class the fold counts differ by at most one.
void check_folds(const std::vector<int>& labels,
                 const std::vector<std::vector<std::int64_t>>& folds, int k) {
    QCOMPARE(folds.size(), std::size_t(k));
    std::vector<int> seen(labels.size(), 0);
    std::map<int, std::vector<int>> per_class;  // class -> count in each fold
    for (std::size_t f = 0; f < folds.size(); ++f) {
        QVERIFY(std::is_sorted(folds[f].begin(), folds[f].end()));
        for (const std::int64_t i : folds[f]) {
            QVERIFY(i >= 0 && i < std::int64_t(labels.size()));
            ++seen[std::size_t(i)];
            auto& counts = per_class[labels[std::size_t(i)]];
            counts.resize(std::size_t(k), 0);
            ++counts[f];
        }
    }
    QVERIFY(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
    for (const auto& [label, counts] : per_class) {
        const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
        QVERIFY2(*hi - *lo <= 1,
                 qPrintable(QString("class %1: %2 to %3 per fold").arg(label).arg(*lo).arg(*hi)));
    }
    std::size_t smallest = labels.size(), largest = 0;
    for (const auto& fold : folds) {
        smallest = std::min(smallest, fold.size());
        largest = std::max(largest, fold.size());
    }
    QVERIFY(largest - smallest <= 1);
}

mnist::TrainOptions tiny_options(const QTemporaryDir& dir) {
    mnist::TrainOptions o = test_support::mnist_slice(dir.path().toStdString(), 1500, 500);
    o.epochs = 1;
    o.batch_size = 32;
    o.threads = 1;  // one thread: each fold's numbers are exactly reproducible
    o.seed = 3;
    return o;
}

// Records the folds it is told about; sets the stop flag after `stop_at` batches (0: never).
class FoldRecorder : public mnist::CvObserver {
  public:
    explicit FoldRecorder(std::atomic<bool>* stop = nullptr, int stop_at = 0)
        : stop_(stop), stop_at_(stop_at) {}
    void on_fold_start(int fold, int folds) override { starts.emplace_back(fold, folds); }
    void on_fold_end(int fold, const mnist::TrainResult&) override { ends.push_back(fold); }
    void on_batch(const mnist::BatchProgress&) override {
        if (stop_ && ++batches_ == stop_at_) *stop_ = true;
    }
    std::vector<std::pair<int, int>> starts;
    std::vector<int> ends;

  private:
    std::atomic<bool>* stop_;
    int stop_at_;
    int batches_ = 0;
};

}  // namespace

class TestCrossValidation : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void foldsOfUnevenClassesAreStratifiedDisjointAndCovering() {
        // Class c has 11 + 7c images, interleaved (a step coprime to the size visits each once).
        std::vector<int> ordered;
        for (int c = 0; c < 4; ++c) ordered.insert(ordered.end(), std::size_t(11 + 7 * c), c);
        std::vector<int> labels(ordered.size());
        for (std::size_t i = 0; i < ordered.size(); ++i) {
            labels[(i * 37) % labels.size()] = ordered[i];
        }
        for (const int k : {2, 3, 5, 11}) {
            check_folds(labels, mnist::stratified_folds(labels, k, 1), k);
        }
    }

    void foldsOfMnistTrainingSetAreStratified() {
        if (!have_mnist()) QSKIP("MNIST not found");
        const auto labels = mnist_train_labels();
        QCOMPARE(labels.size(), std::size_t(60000));
        const auto folds = mnist::stratified_folds(labels, 5, 1);
        check_folds(labels, folds, 5);
        QCOMPARE(folds[0].size(), std::size_t(12000));
    }

    void seedFixesTheFolds() {
        std::vector<int> labels;
        for (int i = 0; i < 500; ++i) labels.push_back(i % 10);
        const auto a = mnist::stratified_folds(labels, 4, 7);
        QCOMPARE(mnist::stratified_folds(labels, 4, 7), a);
        QVERIFY(mnist::stratified_folds(labels, 4, 8) != a);
    }

    void badFoldCountsAreRefusedByValue() {
        std::vector<int> labels;
        for (int i = 0; i < 50; ++i) labels.push_back(i < 3 ? 9 : i % 3);  // class 9 has 3 images
        for (const int k : {1, 0, -2, 4}) {
            try {
                mnist::stratified_folds(labels, k, 1);
                QFAIL(qPrintable(QString("k = %1 was accepted").arg(k)));
            } catch (const mnist::InvalidArgument& e) {
                QVERIFY2(QString(e.what()).contains(QString::number(k)), e.what());
            }
        }
        try {
            mnist::stratified_folds(labels, 4, 1);
        } catch (const mnist::InvalidArgument& e) {
            QVERIFY2(QString(e.what()).contains("class 9"), e.what());
        }
        QCOMPARE(mnist::stratified_folds(labels, 3, 1).size(), std::size_t(3));
    }

    void complementIsTheRest() {
        QCOMPARE(mnist::complement_of({1, 3}, 5), (std::vector<std::int64_t>{0, 2, 4}));
    }

    void trainSplitRefusesOverlapAndValSplit() {
        if (!have_mnist()) QSKIP("MNIST not found");
        QTemporaryDir dir;
        auto options = tiny_options(dir);
        try {
            mnist::train_split(options, {0, 1, 2}, {2, 3});
            QFAIL("an image in both parts was accepted");
        } catch (const mnist::InvalidArgument& e) {
            QVERIFY2(QString(e.what()).contains("image 2"), e.what());
        }
        try {
            mnist::train_split(options, {0, 1}, {1500});
            QFAIL("an index past limit_train was accepted");
        } catch (const mnist::InvalidArgument& e) {
            QVERIFY2(QString(e.what()).contains("1500"), e.what());
        }
        options.val_split = 100;
        QVERIFY_EXCEPTION_THROWN(mnist::train_split(options, {0, 1}, {2}), mnist::InvalidArgument);
        QVERIFY_EXCEPTION_THROWN(mnist::cross_validate(options, {3, false}),
                                 mnist::InvalidArgument);
    }

    void tinyCrossValidationGivesPerFoldResultsAndTheirMeanAndStd() {
        if (!have_mnist()) QSKIP("MNIST not found");
        QTemporaryDir dir, again;
        FoldRecorder observer;
        const auto cv = mnist::cross_validate(tiny_options(dir), {3, false}, &observer);
        QVERIFY(!cv.stopped);
        QCOMPARE(cv.done.size(), std::size_t(3));
        QCOMPARE(observer.starts, (std::vector<std::pair<int, int>>{{1, 3}, {2, 3}, {3, 3}}));
        QCOMPARE(observer.ends, (std::vector<int>{1, 2, 3}));
        std::vector<double> bests;
        std::set<std::string> checkpoints;
        std::int64_t held_out = 0;
        for (std::size_t i = 0; i < cv.done.size(); ++i) {
            const auto& fold = cv.done[i];
            QCOMPARE(fold.fold, int(i) + 1);
            QCOMPARE(fold.train_size + fold.val_size, std::int64_t(1500));
            QCOMPARE(fold.result.start.val_size, fold.val_size);
            QCOMPARE(fold.result.epochs.size(), std::size_t(1));
            QVERIFY(fold.result.best_val_acc > 30.0);  // far above chance (10 %) after one epoch
            QVERIFY(!fold.result.test_acc);
            const std::filesystem::path expected = std::filesystem::path(cv.folder) /
                                                   ("fold-" + std::to_string(i + 1)) /
                                                   "best_Model_1.pth";
            QCOMPARE(fold.result.checkpoint, expected.string());
            QVERIFY(std::filesystem::exists(expected));
            checkpoints.insert(fold.result.checkpoint);
            bests.push_back(fold.result.best_val_acc);
            held_out += fold.val_size;
        }
        QCOMPARE(held_out, std::int64_t(1500));
        QCOMPARE(checkpoints.size(), std::size_t(3));
        QCOMPARE(cv.folder,
                 (std::filesystem::path(dir.path().toStdString()) / "cv-Model_1-k3").string());
        // The user's own best checkpoint is left alone.
        QVERIFY(!std::filesystem::exists(dir.path().toStdString() + "/best_Model_1.pth"));

        const double mean = (bests[0] + bests[1] + bests[2]) / 3;
        double squares = 0;
        for (const double b : bests) squares += (b - mean) * (b - mean);
        QVERIFY(std::abs(cv.best_acc.mean - mean) < 1e-9);
        QVERIFY(std::abs(cv.best_acc.std - std::sqrt(squares / 2)) < 1e-9);
        QCOMPARE(cv.best_fold,
                 int(std::max_element(bests.begin(), bests.end()) - bests.begin()) + 1);
        QVERIFY(!cv.test_acc);

        const auto second = mnist::cross_validate(tiny_options(again), {3, false});
        QCOMPARE(second.done.size(), std::size_t(3));
        for (std::size_t i = 0; i < 3; ++i) {
            QCOMPARE(second.done[i].result.epochs[0].train_loss,
                     cv.done[i].result.epochs[0].train_loss);
            QCOMPARE(second.done[i].result.best_val_acc, cv.done[i].result.best_val_acc);
        }
        QCOMPARE(second.best_acc.mean, cv.best_acc.mean);
        QCOMPARE(second.best_acc.std, cv.best_acc.std);
    }

    // The test files are garbage in this data folder: a cross-validation that never reads them
    // succeeds; one asked for the final test names the test file.
    void testSetIsReadOnlyWhenAsked() {
        if (!have_mnist()) QSKIP("MNIST not found");
        QTemporaryDir dir, data;
        namespace fs = std::filesystem;
        for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"}) {
            fs::create_symlink(fs::path(MNIST_DATA_DIR) / name,
                               fs::path(data.path().toStdString()) / name);
        }
        for (const char* name : {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            std::ofstream(data.path().toStdString() + "/" + name) << "not an IDX file";
        }
        auto options = tiny_options(dir);
        options.data_dir = data.path().toStdString();
        options.limit_train = 600;
        const auto cv = mnist::cross_validate(options, {2, false});
        QCOMPARE(cv.done.size(), std::size_t(2));
        QVERIFY(!cv.test_acc);
        try {
            mnist::cross_validate(options, {2, true});
            QFAIL("the garbage test set was scored");
        } catch (const mnist::DataError& e) {
            QVERIFY2(QString(e.what()).contains("t10k"), e.what());
        }

        // With the real test set the best fold's checkpoint is scored.
        options.data_dir = MNIST_DATA_DIR;
        const auto tested = mnist::cross_validate(options, {2, true});
        QVERIFY(tested.test_acc);
        const auto& best = tested.done[std::size_t(tested.best_fold - 1)].result;
        QCOMPARE(*tested.test_acc,
                 mnist::evaluate_checkpoint(best.checkpoint, MNIST_DATA_DIR, 500, "cpu").accuracy);
    }

    void stopFlagEndsWithTheFoldsDone() {
        if (!have_mnist()) QSKIP("MNIST not found");
        QTemporaryDir dir;
        auto options = tiny_options(dir);
        options.batch_size = 100;  // 10 batches per fold
        std::atomic<bool> stop{false};
        FoldRecorder observer(&stop, 13);  // 3 batches into fold 2
        const auto cv = mnist::cross_validate(options, {3, true}, &observer, &stop);
        QVERIFY(cv.stopped);
        QCOMPARE(cv.done.size(), std::size_t(1));
        QCOMPARE(observer.starts.size(), std::size_t(2));
        QCOMPARE(cv.best_fold, 1);
        QCOMPARE(cv.best_acc.mean, cv.done[0].result.best_val_acc);
        QVERIFY(!cv.test_acc);  // a stopped cross-validation does not go on to the test set
    }

    void cliRefusesBadFoldCountsWithTwo_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("needle");
        QTest::newRow("one fold") << QStringList{"--folds", "1"} << "(got 1)";
        QTest::newRow("more folds than a class has")
            << QStringList{"--folds", "700", "--limit-train", "6000"} << "700 folds";
        QTest::newRow("not a number") << QStringList{"--folds", "many"} << "many";
        QTest::newRow("with a validation split")
            << QStringList{"--folds", "3", "--val-split", "100"} << "validation split (100)";
    }
    void cliRefusesBadFoldCountsWithTwo() {
        if (!have_mnist()) QSKIP("MNIST not found");
        QFETCH(QStringList, args);
        QFETCH(QString, needle);
        const CliRun r =
            cli(QStringList{"cv", "--model", "Model_1", "--epochs", "1", "--data", MNIST_DATA_DIR} +
                args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(needle), qPrintable(r.err));
    }

    void cliReportsEachFoldAndTheirMean() {
        if (!have_mnist()) QSKIP("MNIST not found");
        QTemporaryDir dir;
        const QStringList tiny{
            "cv", "--model",       "Model_1",      "--folds",      "2",        "--epochs",
            "1",  "--limit-train", "600",          "--limit-test", "300",      "--threads",
            "1",  "--data",        MNIST_DATA_DIR, "--out",        dir.path(), "--json"};
        const CliRun r = cli(tiny);
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.contains("Fold 2/2"), qPrintable(r.err));  // progress, off stdout
        const QJsonObject report = QJsonDocument::fromJson(r.out).object();
        const QJsonArray folds = report["fold_results"].toArray();
        QCOMPARE(folds.size(), 2);
        const double a = folds[0].toObject()["best_val_acc"].toDouble();
        const double b = folds[1].toObject()["best_val_acc"].toDouble();
        QVERIFY(std::abs(report["best_mean"].toDouble() - (a + b) / 2) < 1e-9);
        QVERIFY(std::abs(report["best_std"].toDouble() - std::abs(a - b) / std::sqrt(2.0)) < 1e-9);
        QCOMPARE(folds[0].toObject()["epochs"].toArray().size(), 1);
        QVERIFY(!report.contains("test_acc"));

        const CliRun tested = cli(tiny + QStringList{"--test"});
        QCOMPARE(tested.code, 0);
        const QJsonObject with_test = QJsonDocument::fromJson(tested.out).object();
        QVERIFY(with_test.contains("test_acc"));
        QCOMPARE(with_test["best_mean"].toDouble(), report["best_mean"].toDouble());
    }
};

QTEST_GUILESS_MAIN(TestCrossValidation)
#include "test_cross_validation.moc"
