// best_<Model>.pth: a PyTorch state_dict written atomically, read back exactly, and refused with a
// clear message when it does not fit.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "core/checkpoint.h"
#include "core/errors.h"
#include "core/model_factory.h"

namespace {

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

    void unwritableDirectoryIsAnError() {
        auto net = mnist::make_model("Model_1");
        // A regular file where the directory should be: the write cannot succeed.
        const std::string blocker = path("blocker");
        std::ofstream(blocker) << "x";
        QVERIFY_THROWS_EXCEPTION(mnist::CheckpointError,
                                 mnist::save_checkpoint(*net, blocker + "/best_Model_1.pth", meta_for("Model_1")));
    }
};

QTEST_APPLESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"
