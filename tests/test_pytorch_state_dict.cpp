// state_dicts saved from Python with torch.save(model.state_dict(), path) load, and everything a
// state_dict does not need is refused with a message naming the file.
//
// PyTorch is not installed where these tests run, so tests/data/*.pth are NOT made by PyTorch:
// tests/data/make_pytorch_state_dict_fixture.py emulates torch.save with Python's own pickle
// (same globals, persistent ids, records and 64-byte alignment). Rerun it to regenerate them.
#include <QtTest>

#include <caffe2/serialize/inline_container.h>

#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "checkpoint_test_support.h"
#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/pytorch_state_dict_reader.h"
#include "core/errors.h"
#include "core/models/model_factory.h"

using namespace std::string_literals;

namespace {

const std::string kFixtures = MNIST_SOURCE_DIR "/tests/data/";
const std::string kModel1Fixture = kFixtures + "pytorch_state_dict_model_1.pth";
const std::string kViewsFixture = kFixtures + "pytorch_state_dict_views.pth";

// What make_pytorch_state_dict_fixture.py's value_at() wrote for tensor number `index`.
torch::Tensor fixture_values(std::int64_t index, at::IntArrayRef size) {
    const auto i = torch::arange(c10::multiply_integers(size), torch::kLong);
    return ((i * 7 + index * 13) % 251 - 125).to(torch::kFloat32).div(128).reshape(size);
}

using test_support::read_records;
using test_support::Records;
using test_support::write_records;

// A plain dict {'w': tensor of `size` floats viewing storage '0' of `numel` floats}, pickled by
// hand the way torch.save would pickle it.
std::string one_tensor_pickle(int size, int numel) {
    auto unicode = [](const std::string& s) {
        return "X"s + static_cast<char>(s.size()) + "\0\0\0"s + s;
    };
    return "\x80\x02}("s + unicode("w") + "ctorch._utils\n_rebuild_tensor_v2\n((" +
           unicode("storage") + "ctorch\nFloatStorage\n" + unicode("0") + unicode("cpu") + "K" +
           static_cast<char>(numel) + "tQK\x00K"s + static_cast<char>(size) + "\x85K\x01\x85\x89" +
           "ccollections\nOrderedDict\n)RtRu.";
}

using test_support::message_of;

}  // namespace

class TestPytorchStateDict : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir dir_;
    std::string path(const char* name) const { return (dir_.path() + "/" + name).toStdString(); }

  private Q_SLOTS:
    void pythonModel1StateDictLoadsWithoutSidecar() {
        auto loaded = mnist::load_model_checkpoint(kModel1Fixture);
        QCOMPARE(loaded.model, std::string("Model_1"));
        QVERIFY(!loaded.meta.has_value());
        const char* const keys[] = {"conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                                    "fc1.weight",   "fc1.bias",   "fc2.weight",   "fc2.bias"};
        const auto params = loaded.net->named_parameters();
        QCOMPARE(params.size(), std::size(keys));
        for (std::int64_t index = 0; index < static_cast<std::int64_t>(std::size(keys)); ++index) {
            const auto& actual = params[keys[index]];
            QVERIFY2(torch::equal(actual, fixture_values(index, actual.sizes())), keys[index]);
        }
        const auto logits = loaded.net->forward(torch::zeros({2, 1, 28, 28}));
        QVERIFY(logits.sizes() == at::IntArrayRef({2, 10}));
    }

    void readerKeepsKeysShapesAndDtypes() {
        const auto state = mnist::read_pytorch_state_dict(kModel1Fixture);
        QCOMPARE(state.size(), std::size_t{8});
        QVERIFY(state.at("conv1.weight").sizes() == at::IntArrayRef({8, 1, 3, 3}));
        QVERIFY(state.at("conv2.weight").sizes() == at::IntArrayRef({16, 8, 3, 3}));
        QVERIFY(state.at("fc1.weight").sizes() == at::IntArrayRef({32, 784}));
        QVERIFY(state.at("fc2.bias").sizes() == at::IntArrayRef({10}));
        for (const auto& [key, tensor] : state) {
            QVERIFY2(tensor.scalar_type() == torch::kFloat32, key.c_str());
            QVERIFY2(tensor.device().is_cpu(), key.c_str());
        }
    }

    // Protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL, SHORT_BINUNICODE), PyTorch 1.x's archive name,
    // views into one storage, a 'cuda:0' location, and the other storage types in the fixture.
    void viewsOffsetsAndDtypesAreRebuilt() {
        const auto state = mnist::read_pytorch_state_dict(kViewsFixture);
        QCOMPARE(state.size(), std::size_t{7});
        const auto matrix = torch::arange(12, torch::kFloat32).reshape({3, 4});
        QVERIFY(torch::equal(state.at("matrix"), matrix));
        QVERIFY(torch::equal(state.at("transposed"), matrix.t()));
        QVERIFY(torch::equal(state.at("window"), matrix.slice(0, 1, 3).slice(1, 1, 3)));

        const auto& steps = state.at("num_batches_tracked");
        QVERIFY(steps.scalar_type() == torch::kInt64);
        QCOMPARE(steps.dim(), std::int64_t{0});
        QVERIFY(steps.device().is_cpu());  // saved from cuda:0
        QCOMPARE(steps.item<std::int64_t>(), std::int64_t{42});

        const auto& half = state.at("half");
        QVERIFY(half.scalar_type() == torch::kFloat16);
        QVERIFY(torch::equal(half.to(torch::kFloat32), torch::tensor({0.5f, -2.0f, 1024.0f})));
        QVERIFY(torch::equal(state.at("mask"), torch::tensor({true, false, true})));
        QVERIFY(torch::equal(state.at("big"), torch::tensor({2147483647}, torch::kInt32)));
    }

    void plainDictOfTensorsLoads() {
        const std::string file = path("plain_dict.pth");
        write_records(file, {{"data.pkl", one_tensor_pickle(2, 2)},
                             {"data/0", "\0\0\x80\x3f\0\0\0\x40"s}});  // 1.0f, 2.0f
        const auto state = mnist::read_pytorch_state_dict(file);
        QCOMPARE(state.size(), std::size_t{1});
        QVERIFY(torch::equal(state.at("w"), torch::tensor({1.0f, 2.0f})));
    }

    void ownCheckpointsStillLoad() {
        torch::manual_seed(3);
        auto net = mnist::make_model("Model_2");
        const std::string file = path("best_Model_2.pth");
        mnist::CheckpointMeta meta;
        meta.model = "Model_2";
        mnist::save_checkpoint(*net, file, meta);
        const auto loaded = mnist::load_model_checkpoint(file);
        QCOMPARE(loaded.model, std::string("Model_2"));
        // Our files are torch.save's format too, so the fallback reader agrees on them.
        const auto direct = mnist::read_pytorch_state_dict(file);
        for (const auto& p : net->named_parameters()) {
            QVERIFY2(torch::equal(loaded.net->named_parameters()[p.key()], p.value()),
                     p.key().c_str());
            QVERIFY2(torch::equal(direct.at(p.key()), p.value()), p.key().c_str());
        }
    }

    void legacyFormatIsNamed() {
        // What torch.save wrote before PyTorch 1.6: the magic number pickled first.
        const std::string file = path("legacy.pth");
        std::ofstream(file, std::ios::binary)
            << "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.\x80\x02M\xe9\x03."s;
        const QString why =
            QString::fromStdString(message_of([&] { mnist::load_model_checkpoint(file); }));
        QVERIFY2(why.contains("legacy.pth"), qPrintable(why));
        QVERIFY2(why.contains("legacy (pre-1.6) format; re-save with a current PyTorch"),
                 qPrintable(why));
    }

    void unsupportedFilesAreRefused_data() {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<QString>("reason");
        auto row = [](const char* variant, const char* reason) {
            QTest::newRow(variant) << QString(variant) << QString(reason);
        };
        row("text", "not a PyTorch state_dict file");
        row("list", "unsupported pickle opcode EMPTY_LIST (0x5d)");
        row("os.system", "unsupported global os.system");
        row("int", "holds an int, not a state_dict");
        row("dict of ints", "not a state_dict (a is an int");
        row("truncated pickle", "the pickle is truncated");
        row("missing storage", "data/4 is missing");
        row("short storage", "has 16 bytes where 32");
        row("view past storage", "reaches past its storage");
        row("big-endian", "big-endian");
        row("TorchScript", "TorchScript");
    }
    void unsupportedFilesAreRefused() {
        QFETCH(QString, variant);
        QFETCH(QString, reason);
        const std::string file = path("unsupported.pth");
        Records records = read_records(kModel1Fixture);
        std::string& pickle = records["data.pkl"];
        if (variant == "text") {
            std::ofstream(file) << "this is not a checkpoint\n";
        } else {
            if (variant == "list") pickle = "\x80\x02]q\x00."s;
            // \x63 is GLOBAL ('c'), which written as c would extend the \x02 escape.
            if (variant == "os.system") pickle = "\x80\x02\x63os\nsystem\nX\x02\0\0\0ls\x85R."s;
            if (variant == "int") pickle = "\x80\x02K\x01."s;
            if (variant == "dict of ints") pickle = "\x80\x02}X\x01\0\0\0aK\x01s."s;
            if (variant == "truncated pickle") pickle.resize(pickle.size() / 2);
            if (variant == "missing storage") records.erase("data/4");
            if (variant == "short storage") records["data/1"].resize(16);
            if (variant == "view past storage") {
                records = {{"data.pkl", one_tensor_pickle(3, 2)}, {"data/0", std::string(8, '\0')}};
            }
            if (variant == "big-endian") records["byteorder"] = "big";
            if (variant == "TorchScript") records["constants.pkl"] = "\x80\x02).";
            write_records(file, records);
        }

        const QString direct =
            QString::fromStdString(message_of([&] { mnist::read_pytorch_state_dict(file); }));
        QVERIFY2(direct.contains("unsupported.pth"), qPrintable(direct));
        QVERIFY2(direct.contains(reason), qPrintable(direct));
        // The checkpoint loader reads through the same reader; its message names the file too.
        const QString loaded =
            QString::fromStdString(message_of([&] { mnist::load_model_checkpoint(file); }));
        QVERIFY2(loaded.contains("unsupported.pth"), qPrintable(loaded));
        auto net = mnist::make_model("Model_1");
        QVERIFY_THROWS_EXCEPTION(mnist::CheckpointError, mnist::load_checkpoint_into(*net, file));
    }
};

QTEST_APPLESS_MAIN(TestPytorchStateDict)
#include "test_pytorch_state_dict.moc"
