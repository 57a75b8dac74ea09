// mnist-cli as a user runs it: JSON that scripts can parse, exit code 2 with a message naming the
// bad value or file, and a train -> eval -> predict round trip on a data slice.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <filesystem>

namespace {

struct Run {
    int code = -1;
    QByteArray out;
    QString err;
};

Run cli(const QStringList& args) {
    QProcess p;
    p.start(MNIST_BINARY_DIR "/app/mnist-cli", args);
    if (!p.waitForFinished(300000)) return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            QString::fromUtf8(p.readAllStandardError())};
}

QJsonDocument parse(const Run& r) {
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(r.out, &error);
    if (error.error != QJsonParseError::NoError) qWarning() << "not JSON:" << r.out.left(400);
    return doc;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void summaryJson() {
        const Run r = cli({"summary", "--model", "Model_1", "--json"});
        QCOMPARE(r.code, 0);
        const auto o = parse(r).object();
        QCOMPARE(o["model"].toString(), QString("Model_1"));
        QCOMPARE(o["total_params"].toInt(), 26698);
        QCOMPARE(o["trainable_params"].toInt(), 26698);
        const auto first = o["layers"].toArray().first().toObject();
        QCOMPARE(first["name"].toString(), QString("conv1"));
        QCOMPARE(first["type"].toString(), QString("Conv2d"));
        QCOMPARE(first["params"].toInt(), 80);
        QCOMPARE(first["output_shape"].toArray().size(), 4);
    }

    void summaryTable() {
        const Run r = cli({"summary", "--model", "Model_3"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("Total params: 7,"));
    }

    void recipeAugmentationIsKeptUnlessSwitchedOff() {
        if (!std::filesystem::exists(MNIST_DATA_DIR "/train-images-idx3-ubyte")) QSKIP("MNIST not fetched");
        QTemporaryDir dir;
        const QStringList tiny = {"experiment", "--model", "Model_3", "--seeds", "1", "--epochs", "1",
                                  "--limit-train", "128", "--limit-test", "50", "--data", MNIST_DATA_DIR,
                                  "--out", dir.path(), "--markdown"};
        const Run recipe = cli(tiny);
        QCOMPARE(recipe.code, 0);
        QVERIFY2(recipe.out.contains("augmentation (rotate"), recipe.out.constData());
        QVERIFY2(recipe.out.contains("batch 64"), recipe.out.constData());
        const Run off = cli(tiny + QStringList{"--no-augment"});
        QCOMPARE(off.code, 0);
        QVERIFY2(off.out.contains("no augmentation"), off.out.constData());
    }

    void badInputExitsWithTwoAndSaysWhat_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("needle");
        QTest::newRow("unknown model") << QStringList{"summary", "--model", "Model_7"} << "Model_7";
        QTest::newRow("unknown flag") << QStringList{"train", "--epoks", "3"} << "--epoks";
        QTest::newRow("bad scheduler") << QStringList{"train", "--scheduler", "cosine", "--epochs", "1"} << "cosine";
        QTest::newRow("bad device") << QStringList{"train", "--device", "tpu", "--epochs", "1"} << "tpu";
        QTest::newRow("zero epochs") << QStringList{"train", "--epochs", "0"} << "epochs";
        QTest::newRow("missing data dir") << QStringList{"train", "--data", "/nonexistent/mnist"} << "/nonexistent/mnist";
        QTest::newRow("missing checkpoint") << QStringList{"eval", "--checkpoint", "/tmp/none.pth"} << "/tmp/none.pth";
        QTest::newRow("missing image")
            << QStringList{"predict", "--checkpoint", "/tmp/none.pth", "/tmp/none.png"} << "none";
        QTest::newRow("no subcommand") << QStringList{} << "subcommand";
    }
    void badInputExitsWithTwoAndSaysWhat() {
        QFETCH(QStringList, args);
        QFETCH(QString, needle);
        const Run r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(needle), qPrintable(r.err));
    }

    void trainEvalPredictRoundTrip() {
        if (!std::filesystem::exists(MNIST_DATA_DIR "/train-images-idx3-ubyte")) QSKIP("MNIST not fetched");
        QTemporaryDir dir;
        const Run train = cli({"train", "--model", "Model_1", "--epochs", "2", "--limit-train", "2048",
                               "--limit-test", "500", "--data", MNIST_DATA_DIR, "--out", dir.path(),
                               "--threads", "2", "--json"});
        QCOMPARE(train.code, 0);
        const auto report = parse(train).object();
        QCOMPARE(report["model"].toString(), QString("Model_1"));
        QCOMPARE(report["params"].toInt(), 26698);
        QCOMPARE(report["device"].toString(), QString("cpu"));
        const auto epochs = report["epochs"].toArray();
        QCOMPARE(epochs.size(), 2);
        for (const char* key : {"epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"}) {
            QVERIFY2(epochs[0].toObject().contains(key), key);
        }
        QVERIFY(report["best_val_acc"].toDouble() > 50.0);
        const QString checkpoint = report["checkpoint"].toString();
        QCOMPARE(checkpoint, dir.path() + "/best_Model_1.pth");
        QVERIFY(QFile::exists(checkpoint));
        QVERIFY(QFile::exists(dir.path() + "/best_Model_1.json"));
        QVERIFY(QFile::exists(dir.path() + "/history_Model_1.csv"));

        const Run eval = cli({"eval", "--checkpoint", checkpoint, "--data", MNIST_DATA_DIR,
                              "--limit-test", "500", "--json"});
        QCOMPARE(eval.code, 0);
        const auto scores = parse(eval).object();
        QCOMPARE(scores["count"].toInt(), 500);
        QCOMPARE(scores["accuracy"].toDouble(), report["best_val_acc"].toDouble());
        const auto confusion = scores["confusion"].toArray();
        QCOMPARE(confusion.size(), 10);
        int total = 0;
        for (const auto& row : confusion) {
            for (const auto& v : row.toArray()) total += v.toInt();
        }
        QCOMPARE(total, 500);

        // A blank image is reported as blank, not guessed; a garbage image is bad input.
        const QString blank_path = dir.path() + "/blank.pgm";
        QFile blank(blank_path);
        QVERIFY(blank.open(QIODevice::WriteOnly));
        blank.write("P5\n200 200\n255\n");
        blank.write(QByteArray(200 * 200, char(255)));
        blank.close();
        const Run predict = cli({"predict", "--checkpoint", checkpoint, "--json", blank_path});
        QCOMPARE(predict.code, 0);
        const auto item = parse(predict).array().first().toObject();
        QCOMPARE(item["file"].toString(), blank_path);
        QCOMPARE(item["blank"].toBool(), true);
        QVERIFY(item["digit"].isNull());

        QFile garbage(dir.path() + "/garbage.png");
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("not a png");
        garbage.close();
        const Run bad = cli({"predict", "--checkpoint", checkpoint, garbage.fileName()});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains("garbage.png"), qPrintable(bad.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
