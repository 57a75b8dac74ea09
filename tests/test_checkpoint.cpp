// best_<Model>.pth: a PyTorch state_dict written atomically, read back exactly, and refused with a
// clear message when it does not fit: damaged records, NaN weights, a sidecar that is missing,
// corrupt or stale, temporary files of killed writers, and a writer killed mid-save.
#include <QtTest>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "checkpoint_test_support.h"
#include "core/checkpoint/checkpoint.h"
#include "core/errors.h"
#include "core/models/model_factory.h"

using namespace std::string_literals;

namespace {

// Run with this variable set to a folder, the test binary saves checkpoints into it in a loop
// (see save_forever): the writer that killDuringSaveNeverLosesTheCheckpoint kills.
const char* const kSaveLoopVariable = "MNIST_TEST_SAVE_LOOP_DIR";

// Every tensor of `net` set to `value`, so a loaded checkpoint says which save it came from.
void fill_state(torch::nn::Module& net, double value) {
    torch::NoGradGuard no_grad;
    for (auto& p : net.parameters()) p.fill_(value);
    for (auto& b : net.buffers()) b.fill_(value);
}

[[noreturn]] void save_forever(const std::string& dir, std::int64_t first) {
    auto net = mnist::make_model("Model_1");
    for (std::int64_t i = first;; ++i) {
        fill_state(*net, static_cast<double>(i));
        mnist::CheckpointMeta meta;
        meta.model = "Model_1";
        meta.epoch = static_cast<int>(i);
        mnist::save_checkpoint(*net, mnist::checkpoint_path(dir, "Model_1"), meta);
        std::printf("saved %lld\n", static_cast<long long>(i));
        std::fflush(stdout);
    }
}

// The id of a process that has exited and been reaped: no process owns it now.
pid_t dead_pid() {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);
    return child;
}

using test_support::message_of;

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

mnist::CheckpointMeta meta_for(const std::string& model) {
    mnist::CheckpointMeta meta;
    meta.model = model;
    meta.epoch = 3;
    meta.val_acc = 98.5;
    meta.params = 26698;
    meta.app_version = "test";
    return meta;
}

}  // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir dir_;
    std::string path(const char* name) const { return (dir_.path() + "/" + name).toStdString(); }

  private Q_SLOTS:
    void roundTripReproducesOutputs() {
        torch::manual_seed(7);
        auto net = mnist::make_model("Model_3");
        // Train-mode forward passes move BatchNorm's running statistics off their defaults, so the
        // round trip has buffers worth checking too.
        for (int i = 0; i < 3; ++i) net->forward(torch::randn({16, 1, 28, 28}));
        net->eval();
        const std::string file = path("best_Model_3.pth");
        mnist::save_checkpoint(*net, file, meta_for("Model_3"));

        auto fresh = mnist::make_model("Model_3");
        fresh->eval();
        const auto x = torch::randn({4, 1, 28, 28});
        QVERIFY(!torch::allclose(fresh->forward(x), net->forward(x)));
        mnist::load_checkpoint_into(*fresh, file);
        QVERIFY(torch::equal(fresh->forward(x), net->forward(x)));
    }

    void fileIsPyTorchZipWithSidecar() {
        auto net = mnist::make_model("Model_1");
        const std::string file = path("best_Model_1.pth");
        mnist::save_checkpoint(*net, file, meta_for("Model_1"));
        QCOMPARE(read_all(file).substr(0, 2), std::string("PK"));  // torch.save's zip format
        const auto meta = mnist::read_checkpoint_meta(file);
        QVERIFY(meta.has_value());
        QCOMPARE(meta->model, std::string("Model_1"));
        QCOMPARE(meta->epoch, 3);
        QCOMPARE(meta->params, std::int64_t{26698});
        QCOMPARE(meta->mean, 0.1307);
        QCOMPARE(meta->std, 0.3081);
        QVERIFY(!meta->date.empty());
        // Nothing but the checkpoint and its sidecar is left behind: no temporary files.
        int files = 0;
        for (const auto& e : std::filesystem::directory_iterator(dir_.path().toStdString())) {
            QVERIFY2(e.path().string().find(".tmp") == std::string::npos, e.path().c_str());
            ++files;
        }
        QVERIFY(files >= 2);
    }

    void modelIsIdentifiedWithoutSidecar() {
        auto net = mnist::make_model("Model_2");
        const std::string file = path("python_saved.pth");
        mnist::save_checkpoint(*net, file, meta_for("Model_2"));
        std::filesystem::remove(mnist::sidecar_path(file));
        const auto loaded = mnist::load_model_checkpoint(file);
        QCOMPARE(loaded.model, std::string("Model_2"));
        QVERIFY(!loaded.meta.has_value());
    }

    void mismatchedCheckpointIsRefusedAndModelUnchanged() {
        auto model1 = mnist::make_model("Model_1");
        const std::string file = path("m1.pth");
        mnist::save_checkpoint(*model1, file, meta_for("Model_1"));
        auto model3 = mnist::make_model("Model_3");
        const auto before = model3->named_parameters()["conv1.weight"].clone();
        try {
            mnist::load_checkpoint_into(*model3, file);
            QFAIL("a Model_1 checkpoint loaded into Model_3");
        } catch (const mnist::CheckpointError& e) {
            const QString why = e.what();
            QVERIFY2(why.contains("m1.pth"), e.what());
            QVERIFY2(why.contains("missing keys") && why.contains("bn1.weight"), e.what());
            QVERIFY2(why.contains("unexpected keys") && why.contains("fc1.weight"), e.what());
            QVERIFY2(why.contains("conv1.weight is [8, 1, 3, 3]"), e.what());
        }
        QVERIFY(torch::equal(before, model3->named_parameters()["conv1.weight"]));
    }

    void corruptFilesAreRefused_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("text") << QByteArray("this is not a checkpoint\n");
        QTest::newRow("zip header only") << QByteArray("PK\x03\x04garbage", 12);
    }
    void corruptFilesAreRefused() {
        QFETCH(QByteArray, bytes);
        const std::string file = path("corrupt.pth");
        {
            std::ofstream out(file, std::ios::binary);
            out.write(bytes.data(), bytes.size());
        }
        auto net = mnist::make_model("Model_1");
        QVERIFY_THROWS_EXCEPTION(mnist::CheckpointError, mnist::load_checkpoint_into(*net, file));
        try {
            mnist::load_model_checkpoint(file);
            QFAIL("corrupt checkpoint loaded");
        } catch (const mnist::CheckpointError& e) {
            QVERIFY2(QString(e.what()).contains("corrupt.pth"), e.what());
        }
    }

    void truncatedCheckpointIsRefused() {
        auto net = mnist::make_model("Model_1");
        const std::string good = path("good.pth");
        mnist::save_checkpoint(*net, good, meta_for("Model_1"));
        const std::string bytes = read_all(good);
        const std::string file = path("truncated.pth");
        std::ofstream(file, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
        QVERIFY_THROWS_EXCEPTION(mnist::CheckpointError, mnist::load_model_checkpoint(file));
    }

    void missingCheckpointIsNamed() {
        try {
            mnist::load_model_checkpoint(path("nope.pth"));
            QFAIL("no exception");
        } catch (const mnist::CheckpointError& e) {
            QVERIFY2(QString(e.what()).contains("nope.pth"), e.what());
        }
    }

    // Every record's size is checked against dtype x numel before anything is copied: an empty
    // record crashed the copy into the model (SIGSEGV), a short one loaded as garbage.
    void damagedTensorRecordsAreRefused_data() {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("empty record") << "empty"
                                      << "data/0 has 0 bytes where 32 (8 Float values)";
        QTest::newRow("short record") << "short"
                                      << "data/0 has 16 bytes where 32";
        QTest::newRow("long record") << "long"
                                     << "data/0 has 36 bytes where 32";
        QTest::newRow("missing record") << "missing"
                                        << "data/0 is missing";
    }
    void damagedTensorRecordsAreRefused() {
        QFETCH(QString, damage);
        QFETCH(QString, phrase);
        auto net = mnist::make_model("Model_1");
        const std::string file = path("damaged.pth");
        mnist::save_checkpoint(*net, file, meta_for("Model_1"));
        auto records = test_support::read_records(file);
        // Tensors are stored in key order: data/0 is conv1.bias, 8 floats.
        QCOMPARE(records.at("data/0").size(), std::size_t{32});
        if (damage == "empty") records["data/0"].clear();
        if (damage == "short") records["data/0"].resize(16);
        if (damage == "long") records["data/0"] += "\0\0\0\0"s;
        if (damage == "missing") records.erase("data/0");
        test_support::write_records(file, records);

        for (const QString& why :
             {QString::fromStdString(message_of([&] { mnist::load_model_checkpoint(file); })),
              QString::fromStdString(message_of([&] {
                  auto target = mnist::make_model("Model_1");
                  mnist::load_checkpoint_into(*target, file);
              }))}) {
            QVERIFY2(why.contains("damaged.pth"), qPrintable(why));
            QVERIFY2(why.contains("conv1.bias"), qPrintable(why));
            QVERIFY2(why.contains(phrase), qPrintable(why));
        }
    }

    void nonFiniteWeightsAreRefusedOnLoad_data() {
        QTest::addColumn<float>("value");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("NaN") << std::numeric_limits<float>::quiet_NaN() << "1 NaN and 0 infinite";
        QTest::newRow("inf") << -std::numeric_limits<float>::infinity() << "0 NaN and 1 infinite";
    }
    void nonFiniteWeightsAreRefusedOnLoad() {
        QFETCH(float, value);
        QFETCH(QString, phrase);
        auto net = mnist::make_model("Model_1");
        const std::string file = path("nan.pth");
        mnist::save_checkpoint(*net, file, meta_for("Model_1"));
        auto records = test_support::read_records(file);
        std::memcpy(records.at("data/1").data() + 8, &value, sizeof value);  // conv1.weight[2]
        test_support::write_records(file, records);
        std::filesystem::remove(mnist::sidecar_path(file));
        const QString why =
            QString::fromStdString(message_of([&] { mnist::load_model_checkpoint(file); }));
        QVERIFY2(why.contains("nan.pth"), qPrintable(why));
        QVERIFY2(why.contains("conv1.weight holds " + phrase), qPrintable(why));
        auto target = mnist::make_model("Model_1");
        QVERIFY_THROWS_EXCEPTION(mnist::CheckpointError,
                                 mnist::load_checkpoint_into(*target, file));
    }

    void nonFiniteWeightsAreNeverSaved() {
        auto net = mnist::make_model("Model_1");
        const std::string file = path("best_Model_1.pth");
        mnist::save_checkpoint(*net, file, meta_for("Model_1"));
        const std::string weights = read_all(file);
        const std::string sidecar = read_all(mnist::sidecar_path(file));
        {
            torch::NoGradGuard no_grad;
            net->named_parameters()["fc2.bias"][3] = std::numeric_limits<float>::quiet_NaN();
        }
        const QString why = QString::fromStdString(
            message_of([&] { mnist::save_checkpoint(*net, file, meta_for("Model_1")); }));
        QVERIFY2(why.contains("best_Model_1.pth") && why.contains("fc2.bias holds 1 NaN"),
                 qPrintable(why));
        QCOMPARE(read_all(file), weights);
        QCOMPARE(read_all(mnist::sidecar_path(file)), sidecar);
    }

    // Valid PyTorch files that hold something other than a state_dict.
    void otherPicklesAreRefused_data() {
        QTest::addColumn<QByteArray>("pickle");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("an int") << QByteArray("\x80\x02K\x01.") << "holds an int";
        QTest::newRow("a list") << QByteArray("\x80\x02]q\x00.", 6) << "EMPTY_LIST";
        QTest::newRow("dict of ints")
            << QByteArray("\x80\x02}X\x01\0\0\0aK\x01s.", 13) << "a is an int, not a tensor";
    }
    void otherPicklesAreRefused() {
        QFETCH(QByteArray, pickle);
        QFETCH(QString, phrase);
        auto net = mnist::make_model("Model_1");
        const std::string file = path("other.pth");
        mnist::save_checkpoint(*net, file, meta_for("Model_1"));
        auto records = test_support::read_records(file);
        records["data.pkl"] = pickle.toStdString();
        test_support::write_records(file, records);
        const QString why =
            QString::fromStdString(message_of([&] { mnist::load_model_checkpoint(file); }));
        QVERIFY2(why.contains("other.pth") && why.contains(phrase), qPrintable(why));
    }

    void directoryIsNamed() {
        const std::string folder = path("a_folder.pth");
        std::filesystem::create_directories(folder);
        const QString why =
            QString::fromStdString(message_of([&] { mnist::load_model_checkpoint(folder); }));
        QVERIFY2(why.contains("a_folder.pth") && why.contains("is a directory"), qPrintable(why));
    }

    // The weights decide the model; a sidecar that cannot be trusted is set aside and named.
    void badSidecarStillLoadsTheWeights_data() {
        QTest::addColumn<QByteArray>("sidecar");
        QTest::addColumn<QString>("problem");
        QTest::newRow("missing") << QByteArray() << QString();
        QTest::newRow("not JSON") << QByteArray("{\"model\": \"Mod") << "is corrupt";
        QTest::newRow("wrong types")
            << QByteArray("{\"model\": \"Model_1\", \"epoch\": \"three\"}") << "is corrupt";
        QTest::newRow("a list") << QByteArray("[1, 2]") << "is corrupt";
        QTest::newRow("unknown model") << QByteArray("{\"model\": \"Model_9\"}")
                                       << "names Model_9 but the weights are Model_1's";
        QTest::newRow("another model") << QByteArray("{\"model\": \"Model_3\"}")
                                       << "names Model_3 but the weights are Model_1's";
    }
    void badSidecarStillLoadsTheWeights() {
        QFETCH(QByteArray, sidecar);
        QFETCH(QString, problem);
        auto net = mnist::make_model("Model_1");
        const std::string file = path("sidecar.pth");
        mnist::save_checkpoint(*net, file, meta_for("Model_1"));
        if (sidecar.isEmpty()) {
            std::filesystem::remove(mnist::sidecar_path(file));
        } else {
            std::ofstream(mnist::sidecar_path(file), std::ios::binary) << sidecar.toStdString();
        }
        const auto loaded = mnist::load_model_checkpoint(file);
        QCOMPARE(loaded.model, std::string("Model_1"));
        QVERIFY(!loaded.meta.has_value());
        const QString why = QString::fromStdString(loaded.meta_problem);
        if (problem.isEmpty()) {
            QVERIFY2(why.isEmpty(), qPrintable(why));
        } else {
            QVERIFY2(why.contains("sidecar.json") && why.contains(problem), qPrintable(why));
        }
    }

    // What a kill between the two renames leaves: new weights beside the old sidecar.
    void tornPairIsRecognisedAsStale() {
        auto older = mnist::make_model("Model_1");
        fill_state(*older, 1.0);
        auto newer = mnist::make_model("Model_1");
        fill_state(*newer, 2.0);
        const std::string file = path("torn/best_Model_1.pth");
        const std::string other = path("torn_other/best_Model_1.pth");
        auto meta = meta_for("Model_1");
        meta.epoch = 1;
        mnist::save_checkpoint(*older, file, meta);
        meta.epoch = 2;
        mnist::save_checkpoint(*newer, other, meta);
        std::filesystem::copy_file(other, file, std::filesystem::copy_options::overwrite_existing);

        const QString why =
            QString::fromStdString(message_of([&] { mnist::read_checkpoint_meta(file); }));
        QVERIFY2(why.contains("best_Model_1.json") && why.contains("is stale"), qPrintable(why));
        const auto loaded = mnist::load_model_checkpoint(file);
        QVERIFY(
            !loaded.meta.has_value());  // epoch 1's accuracy is not paired with epoch 2's weights
        QVERIFY2(QString::fromStdString(loaded.meta_problem).contains("is stale"),
                 loaded.meta_problem.c_str());
        QCOMPARE(loaded.net->named_parameters()["conv1.weight"][0][0][0][0].item<float>(), 2.0f);
    }

    void staleTempFilesAreRemovedAtNextSave() {
        const std::filesystem::path folder = path("temps");
        std::filesystem::create_directories(folder);
        const std::string dead = std::to_string(dead_pid());
        const std::string alive = std::to_string(::getpid());
        const std::vector<std::string> stale = {"best_Model_1.pth.tmp" + dead,
                                                "best_Model_1.json.tmp" + dead,
                                                "best_Model_3.pth.tmp" + dead};
        const std::vector<std::string> kept = {"best_Model_2.pth.tmp" + alive,  // a live writer's
                                               "notes.txt.tmp" + dead, "best_Model_1.pth.tmpx"};
        for (const auto& name : stale) std::ofstream(folder / name) << "half a checkpoint";
        for (const auto& name : kept) std::ofstream(folder / name) << "not ours to remove";
        auto net = mnist::make_model("Model_1");
        mnist::save_checkpoint(*net, mnist::checkpoint_path(folder.string(), "Model_1"),
                               meta_for("Model_1"));
        for (const auto& name : stale)
            QVERIFY2(!std::filesystem::exists(folder / name), name.c_str());
        for (const auto& name : kept)
            QVERIFY2(std::filesystem::exists(folder / name), name.c_str());
    }

    // A writer killed with SIGKILL at random moments while it saves, again and again: whatever it
    // leaves, the checkpoint loads, and its sidecar (when trusted) describes those very weights.
    void killDuringSaveNeverLosesTheCheckpoint() {
        const QString folder = dir_.path() + "/killed";
        QDir().mkpath(folder);
        std::mt19937 random(11);
        int with_meta = 0;
        for (int round = 0; round < 12; ++round) {
            QProcess writer;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(kSaveLoopVariable, folder);
            env.insert("MNIST_TEST_SAVE_LOOP_FIRST", QString::number(1000 * (round + 1)));
            writer.setProcessEnvironment(env);
            writer.start(QCoreApplication::applicationFilePath(), {});
            QVERIFY(writer.waitForStarted());
            // Killed mid-save or between saves: the writer saves without pause once it has begun.
            QVERIFY2(writer.waitForReadyRead(60000), "the writer never saved");
            QThread::usleep(std::uniform_int_distribution<int>(0, 30000)(random));
            writer.kill();
            QVERIFY(writer.waitForFinished(60000));

            const std::string file = mnist::checkpoint_path(folder.toStdString(), "Model_1");
            mnist::LoadedModel loaded;
            try {
                loaded = mnist::load_model_checkpoint(file);
            } catch (const std::exception& e) {
                QFAIL(qPrintable(QString("round %1: %2").arg(round).arg(e.what())));
            }
            const float value = loaded.net->named_parameters()["fc2.bias"][0].item<float>();
            if (loaded.meta) {
                ++with_meta;
                QCOMPARE(value, static_cast<float>(loaded.meta->epoch));
            }
        }
        QVERIFY(with_meta > 0);
        // The next save clears whatever temporary files the kills left.
        auto net = mnist::make_model("Model_1");
        mnist::save_checkpoint(*net, mnist::checkpoint_path(folder.toStdString(), "Model_1"),
                               meta_for("Model_1"));
        for (const auto& e : std::filesystem::directory_iterator(folder.toStdString())) {
            QVERIFY2(e.path().string().find(".tmp") == std::string::npos, e.path().c_str());
        }
    }

    void unwritableDirectoryIsAnError() {
        auto net = mnist::make_model("Model_1");
        // A regular file where the directory should be: the write cannot succeed.
        const std::string blocker = path("blocker");
        std::ofstream(blocker) << "x";
        QVERIFY_THROWS_EXCEPTION(
            mnist::CheckpointError,
            mnist::save_checkpoint(*net, blocker + "/best_Model_1.pth", meta_for("Model_1")));
    }
};

int main(int argc, char** argv) {
    if (const char* dir = std::getenv(kSaveLoopVariable)) {
        const char* first = std::getenv("MNIST_TEST_SAVE_LOOP_FIRST");
        save_forever(dir, first ? std::atoll(first) : 1);
    }
    QCoreApplication app(argc, argv);  // for applicationFilePath() and QProcess
    TestCheckpoint test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "test_checkpoint.moc"
