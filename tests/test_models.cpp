// The three registered models: parameter counts the README promises, output shapes, PyTorch-style
// state_dict names, and the torchsummary-style summary.
#include <QtTest>

#include "core/errors.h"
#include "core/models/model_factory.h"
#include "core/models/model_registry.h"
#include "core/models/model_summary.h"

class TestModels : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void registryListsThreeModels() {
        QCOMPARE(mnist::model_names(), (std::vector<std::string>{"Model_1", "Model_2", "Model_3"}));
        for (const auto& info : mnist::model_infos()) QVERIFY(info.description.size() > 100);
    }

    void unknownModelIsNamed() {
        try {
            mnist::make_model("Model_9");
            QFAIL("no exception");
        } catch (const mnist::InvalidArgument& e) {
            QVERIFY(QString(e.what()).contains("Model_9"));
            QVERIFY(QString(e.what()).contains("Model_1"));
        }
    }

    void parameterCounts() {
        const auto p1 = mnist::count_parameters(*mnist::make_model("Model_1"));
        const auto p2 = mnist::count_parameters(*mnist::make_model("Model_2"));
        const auto p3 = mnist::count_parameters(*mnist::make_model("Model_3"));
        QCOMPARE(p1, std::int64_t{26698});
        QVERIFY2(p2 < p1, qPrintable(QString::number(p2)));
        QVERIFY2(p3 < 8000, qPrintable(QString::number(p3)));
    }

    void forwardShapes_data() {
        QTest::addColumn<QString>("model");
        for (const auto& name : mnist::model_names())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
    void forwardShapes() {
        QFETCH(QString, model);
        auto net = mnist::make_model(model.toStdString());
        net->eval();
        for (std::int64_t batch : {1, 7}) {
            const auto out = net->forward(torch::randn({batch, 1, 28, 28}));
            QCOMPARE(out.sizes().vec(), (std::vector<std::int64_t>{batch, 10}));
            QVERIFY(torch::isfinite(out).all().item<bool>());
        }
    }

    void model1StateDictKeysMatchPyTorch() {
        std::vector<std::string> keys;
        for (const auto& p : mnist::make_model("Model_1")->named_parameters())
            keys.push_back(p.key());
        QCOMPARE(keys, (std::vector<std::string>{"conv1.weight", "conv1.bias", "conv2.weight",
                                                 "conv2.bias", "fc1.weight", "fc1.bias",
                                                 "fc2.weight", "fc2.bias"}));
    }

    void batchNormBuffersAreSaved() {
        std::vector<std::string> keys;
        for (const auto& b : mnist::make_model("Model_3")->named_buffers()) keys.push_back(b.key());
        QVERIFY(std::find(keys.begin(), keys.end(), "bn1.running_mean") != keys.end());
        QVERIFY(std::find(keys.begin(), keys.end(), "bn1.num_batches_tracked") != keys.end());
    }

    void summaryOfModel1() {
        const auto s = mnist::summarize_model("Model_1");
        QCOMPARE(s.total_params, std::int64_t{26698});
        QCOMPARE(s.trainable_params, std::int64_t{26698});
        QCOMPARE(s.layers.front().name, std::string("conv1"));
        QCOMPARE(s.layers.front().type, std::string("Conv2d"));
        QCOMPARE(s.layers.front().output_shape, (std::vector<std::int64_t>{1, 8, 28, 28}));
        QCOMPARE(s.layers.front().params, std::int64_t{80});
        std::int64_t sum = 0;
        for (const auto& l : s.layers) sum += l.params;
        QCOMPARE(sum, s.total_params);
        const auto fc1 =
            std::find_if(s.layers.begin(), s.layers.end(), [](auto& l) { return l.name == "fc1"; });
        QVERIFY(fc1 != s.layers.end());
        QCOMPARE(fc1->params, std::int64_t{25120});
        QCOMPARE(s.layers.back().output_shape, (std::vector<std::int64_t>{1, 10}));
        QVERIFY(std::abs(s.size_kb - 26698 * 4 / 1024.0) < 1e-9);

        const QString table = QString::fromStdString(mnist::format_summary(s));
        QVERIFY(table.contains("Total params: 26,698"));
        QVERIFY(table.contains("fc1 (Linear)"));
    }

    void summaryOfModel3EndsInGlobalPooling() {
        const auto s = mnist::summarize_model("Model_3");
        QVERIFY(s.total_params < 8000);
        const auto gap =
            std::find_if(s.layers.begin(), s.layers.end(), [](auto& l) { return l.name == "gap"; });
        QVERIFY(gap != s.layers.end());
        QCOMPARE(gap->output_shape, (std::vector<std::int64_t>{1, 16, 1, 1}));
    }
};

QTEST_APPLESS_MAIN(TestModels)
#include "test_models.moc"
