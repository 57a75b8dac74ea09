// mnist-cli as a user runs it: JSON that scripts can parse, exit code 2 with a message naming the
// bad value or file, and a train -> eval -> predict round trip on a data slice.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest>

#include <cstring>
#include <filesystem>

#include <fstream>
#include <limits>
#include "core/inference/photo_cleanup.h"

#include "checkpoint_test_support.h"
#include "cli_test_support.h"
#include "core/checkpoint/checkpoint.h"
#include "core/image/image_encoding.h"
#include "core/models/model_factory.h"
#include "core/models/model_summary.h"
#include "core/training/recipe_fields.h"
#include "training_test_support.h"

namespace {

using test_support::cli;
using test_support::have_mnist;
using Run = test_support::CliRun;

std::string read_all(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// An untrained Model_1 saved as best_Model_1.pth in `dir`: a checkpoint without a training run.
QString save_untrained(const QString& dir) {
    auto net = mnist::make_model("Model_1");
    mnist::CheckpointMeta meta;
    meta.model = "Model_1";
    const std::string path = mnist::checkpoint_path(dir.toStdString(), "Model_1");
    mnist::save_checkpoint(*net, path, meta);
    return QString::fromStdString(path);
}

// A tiny single-thread training run's arguments.
QStringList tiny_train(const QString& out, const QString& epochs = "1") {
    return {"train", "--model",      "Model_1", "--epochs", epochs,         "--limit-train",
            "2000",  "--limit-test", "500",     "--data",   MNIST_DATA_DIR, "--out",
            out,     "--threads",    "1",       "--json"};
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
        QCOMPARE(first["macs"].toInt(), 28 * 28 * 8 * 9);
        QCOMPARE(o["total_macs"].toInt(), 307648);  // hand count in test_inspection
    }

    void summaryTable() {
        const Run r = cli({"summary", "--model", "Model_3"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("Total params: 7,"));
    }

    void recipeAugmentationIsKeptUnlessSwitchedOff() {
        if (!have_mnist()) QSKIP("MNIST not fetched");
        QTemporaryDir dir;
        const QStringList tiny = {
            "experiment", "--model", "Model_3",       "--seeds", "1",
            "--epochs",   "1",       "--limit-train", "128",     "--limit-test",
            "50",         "--data",  MNIST_DATA_DIR,  "--out",   dir.path(),
            "--markdown"};
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
        QTest::newRow("bad scheduler")
            << QStringList{"train", "--scheduler", "cosine", "--epochs", "1"} << "cosine";
        QTest::newRow("bad device")
            << QStringList{"train", "--device", "tpu", "--epochs", "1"} << "tpu";
        QTest::newRow("zero epochs") << QStringList{"train", "--epochs", "0"} << "epochs";
        QTest::newRow("missing data dir")
            << QStringList{"train", "--data", "/nonexistent/mnist"} << "/nonexistent/mnist";
        QTest::newRow("missing checkpoint")
            << QStringList{"eval", "--checkpoint", "/tmp/none.pth"} << "/tmp/none.pth";
        QTest::newRow("missing image")
            << QStringList{"predict", "--checkpoint", "/tmp/none.pth", "/tmp/none.png"} << "none";
        QTest::newRow("no subcommand") << QStringList{} << "subcommand";
        QTest::newRow("unknown drawn-eval style")
            << QStringList{"drawn-eval", "--style", "sketch", "--count", "1"} << "sketch";
        // NaN and inf reach no range check intact: refused by the flag, before any work.
        QTest::newRow("degrees nan") << QStringList{"train", "--degrees", "nan"} << "--degrees";
        QTest::newRow("lr nan") << QStringList{"train", "--lr", "nan"} << "--lr";
        QTest::newRow("lr inf") << QStringList{"train", "--lr", "inf"} << "--lr";
        QTest::newRow("momentum -inf")
            << QStringList{"train", "--momentum", "-inf"} << "--momentum";
        // In the recipe table's words, not CLI11's "not in range 0.000000 to 17976931348...".
        QTest::newRow("negative lr")
            << QStringList{"train", "--lr", "-0.1"}
            << "--lr: learning rate must be a finite positive number (got -0.1)";
        QTest::newRow("negative momentum")
            << QStringList{"train", "--momentum", "-0.5"}
            << "--momentum: momentum must be a finite number of at least 0 (got -0.5)";
        QTest::newRow("zero batch size")
            << QStringList{"train", "--batch-size", "0"} << "batch size must be at least 1 (got 0)";
        QTest::newRow("resume at a negative lr")
            << QStringList{"train", "--resume", "/nonexistent", "--lr", "-1"}
            << "learning rate must be a finite positive number (got -1)";
        QTest::newRow("nesterov without momentum")
            << QStringList{"train",        "--epochs", "1",           "--limit-train", "100",
                           "--limit-test", "100",      "--optimizer", "sgd",           "--nesterov",
                           "--momentum",   "0",        "--data",      MNIST_DATA_DIR}
            << "Nesterov";
        QTest::newRow("degrees out of range")
            << QStringList{"train", "--epochs",     "1",           "--limit-train",
                           "100",   "--limit-test", "100",         "--degrees",
                           "720",   "--data",       MNIST_DATA_DIR}
            << "degrees";
        QTest::newRow("out under a file")
            << QStringList{"train",         "--epochs",    "1",
                           "--limit-train", "100",         "--limit-test",
                           "100",           "--out",       MNIST_SOURCE_DIR "/README.md/runs",
                           "--data",        MNIST_DATA_DIR}
            << "README.md/runs";
        QTest::newRow("negative eval limit")
            << QStringList{"eval", "--checkpoint", "/tmp/none.pth", "--limit-test", "-5"}
            << "--limit-test";
        QTest::newRow("checkpoint is a directory")
            << QStringList{"eval", "--checkpoint", MNIST_SOURCE_DIR} << "is a directory";
    }
    void badInputExitsWithTwoAndSaysWhat() {
        QFETCH(QStringList, args);
        QFETCH(QString, needle);
        const Run r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(needle), qPrintable(r.err));
    }

    // A value outside a recipe field's range is refused before any data is read, with the message
    // of the recipe table (core/training/recipe_fields.h) and exit 2.
    void outOfRangeValueGetsTheTablesMessage() {
        if (!have_mnist()) QSKIP("MNIST not fetched");
        QTemporaryDir dir;
        for (const char* key :
             {"augment_degrees", "augment_stroke", "ema_decay", "augment_shear"}) {
            const mnist::RecipeField& field = mnist::recipe_field(key);
            const double bad = field.valid.max + 1;
            const Run r =
                cli({"train", "--" + QString::fromStdString(field.flag), QString::number(bad),
                     "--data", MNIST_DATA_DIR, "--out", dir.path()});
            QCOMPARE(r.code, 2);
            QCOMPARE(r.err, QString::fromStdString(
                                "mnist-cli: " + mnist::range_problem(field, bad) + "\n"));
        }
    }

    // A checkpoint whose tensor record is empty crashed eval and predict (SIGSEGV); one with a NaN
    // weight was used. Both now end with exit 2 naming the file and the tensor.
    void damagedCheckpointsExitWithTwo_data() {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("needle");
        QTest::newRow("empty record") << "empty"
                                      << "conv1.bias: the storage record data/0 has 0";
        QTest::newRow("NaN weight") << "nan"
                                    << "conv1.weight holds 1 NaN";
    }
    void damagedCheckpointsExitWithTwo() {
        QFETCH(QString, damage);
        QFETCH(QString, needle);
        QTemporaryDir dir;
        const QString checkpoint = save_untrained(dir.path());
        auto records = test_support::read_records(checkpoint.toStdString());
        if (damage == "empty") records["data/0"].clear();
        if (damage == "nan") {
            const float nan = std::numeric_limits<float>::quiet_NaN();
            std::memcpy(records["data/1"].data(), &nan, sizeof nan);
        }
        test_support::write_records(checkpoint.toStdString(), records);
        const QString image = dir.path() + "/ink.pgm";
        QFile file(image);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("P5\n2 2\n255\n\x00\xff\xff\xff", 15);
        file.close();
        QList<QStringList> commands = {{"predict", "--checkpoint", checkpoint, image}};
        if (have_mnist()) {
            commands.append({"eval", "--checkpoint", checkpoint, "--data", MNIST_DATA_DIR,
                             "--limit-test", "10"});
        }
        for (const auto& args : commands) {
            const Run r = cli(args);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains("best_Model_1.pth") && r.err.contains(needle),
                     qPrintable(r.err));
        }
    }

    // --lr 1e30 makes the loss NaN within a few batches: exit 2, a message saying so, and the good
    // checkpoint already in --out is left exactly as it was.
    void divergingTrainingKeepsTheGoodCheckpoint() {
        if (!have_mnist()) QSKIP("MNIST not fetched");
        QTemporaryDir dir;
        const QString checkpoint = save_untrained(dir.path());
        const std::string weights = read_all(checkpoint);
        const Run r =
            cli(tiny_train(dir.path()) + QStringList{"--optimizer", "sgd", "--lr", "1e30"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("training diverged") && r.err.contains("lower learning rate"),
                 qPrintable(r.err));
        QCOMPARE(read_all(checkpoint), weights);
    }

    // Two CPU runs on one thread with the same seed: the same metrics every epoch and the same
    // bytes in every tensor of the checkpoint.
    void sameSeedSameRunExactly() {
        if (!have_mnist()) QSKIP("MNIST not fetched");
        QTemporaryDir a, b;
        const Run first = cli(tiny_train(a.path(), "2") + QStringList{"--seed", "5"});
        const Run second = cli(tiny_train(b.path(), "2") + QStringList{"--seed", "5"});
        QCOMPARE(first.code, 0);
        QCOMPARE(second.code, 0);
        const auto epochs_a = parse(first).object()["epochs"].toArray();
        const auto epochs_b = parse(second).object()["epochs"].toArray();
        QCOMPARE(epochs_a.size(), 2);
        QCOMPARE(epochs_b.size(), 2);
        for (int e = 0; e < 2; ++e) {
            QJsonObject x = epochs_a[e].toObject(), y = epochs_b[e].toObject();
            x.remove("seconds");
            y.remove("seconds");
            QCOMPARE(x, y);
        }
        const auto records_a =
            test_support::read_records(mnist::checkpoint_path(a.path().toStdString(), "Model_1"));
        const auto records_b =
            test_support::read_records(mnist::checkpoint_path(b.path().toStdString(), "Model_1"));
        QVERIFY(records_a.count("data/0"));
        QVERIFY(records_a == records_b);
    }

    // Several --checkpoint: the ensemble is scored and each member listed; models may differ. An
    // ensemble of one checkpoint twice scores exactly as that checkpoint alone.
    void evalScoresAnEnsemble() {
        if (!have_mnist()) QSKIP("MNIST not fetched");
        QTemporaryDir dir;
        const QString bundled = MNIST_SOURCE_DIR "/resources/best_Model_3.pth";
        const QString untrained = save_untrained(dir.path());
        const QStringList common = {"--data", MNIST_DATA_DIR, "--limit-test", "300", "--json"};
        const Run mixed =
            cli(QStringList{"eval", "--checkpoint", bundled, "--checkpoint", untrained} + common);
        QCOMPARE(mixed.code, 0);
        const auto report = parse(mixed).object();
        QCOMPARE(report["count"].toInt(), 300);
        const auto members = report["members"].toArray();
        QCOMPARE(members.size(), 2);
        QCOMPARE(members[0].toObject()["checkpoint"].toString(), bundled);
        QCOMPARE(members[1].toObject()["checkpoint"].toString(), untrained);
        QVERIFY(members[0].toObject()["accuracy"].toDouble() > 90.0);
        QVERIFY(members[1].toObject()["accuracy"].toDouble() < 50.0);
        const double accuracy = report["accuracy"].toDouble();
        QVERIFY2(accuracy > 0.0 && accuracy <= 100.0, qPrintable(QString::number(accuracy)));

        const Run alone = cli(QStringList{"eval", "--checkpoint", bundled} + common);
        const Run twice =
            cli(QStringList{"eval", "--checkpoint", bundled, "--checkpoint", bundled} + common);
        QCOMPARE(twice.code, 0);
        QVERIFY(!parse(alone).object().contains("members"));
        QCOMPARE(parse(twice).object()["accuracy"].toDouble(),
                 parse(alone).object()["accuracy"].toDouble());
    }

    // A member that does not load is named, before any scoring; exit 2.
    void evalNamesAMissingMember() {
        QTemporaryDir dir;
        const QString missing = dir.path() + "/second.pth";
        const Run r = cli({"eval", "--checkpoint", MNIST_SOURCE_DIR "/resources/best_Model_3.pth",
                           "--checkpoint", missing, "--data", MNIST_DATA_DIR});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(missing), qPrintable(r.err));
    }

    // predict with two checkpoints lists each member's vote; the same checkpoint twice answers
    // exactly as it does alone, and the image after --checkpoint stays an image.
    void predictAsksAnEnsemble() {
        QTemporaryDir dir;
        const QString bundled = MNIST_SOURCE_DIR "/resources/best_Model_3.pth";
        const QString untrained = save_untrained(dir.path());
        const QString image = MNIST_SOURCE_DIR "/resources/mnist-studio.png";
        const Run mixed =
            cli({"predict", "--checkpoint", bundled, "--checkpoint", untrained, image, "--json"});
        QCOMPARE(mixed.code, 0);
        const auto items = parse(mixed).array();
        QCOMPARE(items.size(), 1);
        const auto members = items[0].toObject()["members"].toArray();
        QCOMPARE(members.size(), 2);
        QCOMPARE(members[1].toObject()["checkpoint"].toString(), untrained);
        QVERIFY(members[0].toObject().contains("digit"));

        const auto alone =
            parse(cli({"predict", "--checkpoint", bundled, image, "--json"})).array()[0].toObject();
        const auto twice = parse(cli({"predict", "--checkpoint", bundled, "--checkpoint", bundled,
                                      image, "--json"}))
                               .array()[0]
                               .toObject();
        QVERIFY(!alone.contains("members"));
        QCOMPARE(twice["digit"].toInt(), alone["digit"].toInt());
        QCOMPARE(twice["confidence"].toDouble(), alone["confidence"].toDouble());
    }

    // drawn-eval with several --checkpoint scores the ensemble and each member on the same
    // drawings: a member's score is what it gets alone, and one checkpoint twice scores exactly
    // as that checkpoint alone.
    void drawnEvalScoresAnEnsemble() {
        if (!have_mnist()) QSKIP("MNIST not fetched");
        QTemporaryDir dir;
        const QString bundled = MNIST_SOURCE_DIR "/resources/best_Model_3.pth";
        const QString untrained = save_untrained(dir.path());
        const QStringList common = {"--data", MNIST_DATA_DIR, "--count", "60", "--seed",
                                    "2",      "--json"};
        const Run mixed = cli(
            QStringList{"drawn-eval", "--checkpoint", bundled, "--checkpoint", untrained} + common);
        QCOMPARE(mixed.code, 0);
        const auto report = parse(mixed).object();
        QCOMPARE(report["count"].toInt(), 60);
        const auto members = report["members"].toArray();
        QCOMPARE(members.size(), 2);
        QCOMPARE(members[0].toObject()["checkpoint"].toString(), bundled);
        QCOMPARE(members[1].toObject()["checkpoint"].toString(), untrained);
        QCOMPARE(report["checkpoints"].toArray().size(), 2);

        const auto alone =
            parse(cli(QStringList{"drawn-eval", "--checkpoint", bundled} + common)).object();
        const auto untrained_alone =
            parse(cli(QStringList{"drawn-eval", "--checkpoint", untrained} + common)).object();
        QVERIFY(!alone.contains("members"));
        QCOMPARE(alone["checkpoint"].toString(), bundled);
        QCOMPARE(members[0].toObject()["accuracy"].toDouble(), alone["accuracy"].toDouble());
        QCOMPARE(members[1].toObject()["accuracy"].toDouble(),
                 untrained_alone["accuracy"].toDouble());
        QVERIFY(alone["accuracy"].toDouble() > untrained_alone["accuracy"].toDouble());

        const Run twice = cli(
            QStringList{"drawn-eval", "--checkpoint", bundled, "--checkpoint", bundled} + common);
        QCOMPARE(twice.code, 0);
        QCOMPARE(parse(twice).object()["accuracy"].toDouble(), alone["accuracy"].toDouble());
        QCOMPARE(parse(twice).object()["confusion"], alone["confusion"]);

        // In words: the ensemble's line, then one line per member.
        const Run text = cli({"drawn-eval", "--checkpoint", bundled, "--checkpoint", untrained,
                              "--data", MNIST_DATA_DIR, "--count", "20"});
        QCOMPARE(text.code, 0);
        const QString out = QString::fromUtf8(text.out);
        QVERIFY2(out.startsWith(QStringLiteral("Ensemble of 2 checkpoints on 20 drawn digits")),
                 qPrintable(out));
        QVERIFY(out.contains(QStringLiteral("  member ") + untrained + QStringLiteral(": ")));
    }

    // Each unreadable image is named and skipped; the readable ones are still predicted; exit 2.
    void predictGoesOnPastBadImages() {
        QTemporaryDir dir;
        const QString checkpoint = save_untrained(dir.path());
        const QString good = dir.path() + "/blank.pgm";
        QFile file(good);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("P5\n2 2\n255\n\xff\xff\xff\xff", 15);
        file.close();
        const QString garbage = dir.path() + "/garbage.png";
        QFile bad(garbage);
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not a png");
        bad.close();
        const QString missing = dir.path() + "/missing.png";
        const Run r = cli({"predict", "--checkpoint", checkpoint, garbage, good, missing});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.out.contains("blank.pgm: blank"), r.out.constData());
        QVERIFY2(r.err.contains("garbage.png") && r.err.contains("missing.png"), qPrintable(r.err));
        QVERIFY2(r.err.contains("2 of 3 images could not be read"), qPrintable(r.err));
    }

    // Photographed digits: the files drawn-eval saves are the JPEGs it scored, and predict reads
    // each one as drawn-eval did, through the same photo clean-up, to the right digit.
    void predictReadsGeneratedPhotos() {
        if (!std::filesystem::exists(MNIST_DATA_DIR "/t10k-images-idx3-ubyte"))
            QSKIP("MNIST not fetched");
        if (!mnist::photo_cleanup_available())
            QSKIP("built without OpenCV: photos are not cleaned");
        QTemporaryDir dir;
        const Run drawn = cli({"drawn-eval", "--style", "photo", "--count", "12", "--seed", "3",
                               "--data", MNIST_DATA_DIR, "--save-samples", dir.path(), "--json"});
        QCOMPARE(drawn.code, 0);
        const auto report = parse(drawn).object();
        QCOMPARE(report["style"].toString(), QString("photo"));
        QCOMPARE(report["count"].toInt(), 12);
        const QStringList files =
            QDir(dir.path()).entryList({"photo_*.jpg"}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 12);
        QStringList args = {"predict", "--json"};
        for (const QString& file : files) args << QDir(dir.path()).filePath(file);
        const Run predict = cli(args);
        QCOMPARE(predict.code, 0);
        const QRegularExpression label_in_name("_label([0-9])_");
        int correct = 0;
        for (const auto& value : parse(predict).array()) {
            const auto item = value.toObject();
            const auto match = label_in_name.match(item["file"].toString());
            QVERIFY2(match.hasMatch(), qPrintable(item["file"].toString()));
            QCOMPARE(item["blank"].toBool(), false);
            correct += item["digit"].toInt() == match.captured(1).toInt();
        }
        QCOMPARE(correct, report["correct"].toInt());
        QVERIFY2(correct >= 11, qPrintable(QString::number(correct)));

        // One photo, as the screenshot script asks for it: a single JPEG in the folder.
        QTemporaryDir one;
        const Run single = cli({"drawn-eval", "--style", "photo", "--count", "1", "--seed", "8",
                                "--data", MNIST_DATA_DIR, "--save-samples", one.path()});
        QCOMPARE(single.code, 0);
        QVERIFY2(single.out.contains("photographed digits"), single.out.constData());
        QCOMPARE(QDir(one.path()).entryList({"photo_*.jpg"}, QDir::Files).size(), 1);
    }

    // Every train is a run under --out/runs; `runs` lists it (and a broken folder beside it,
    // without failing); `train --resume` extends it in place and refuses recipe flags.
    void runsAreListedAndResumed() {
        if (!have_mnist()) QSKIP("MNIST not fetched");
        QTemporaryDir dir;
        const Run trained = cli(tiny_train(dir.path()));
        QCOMPARE(trained.code, 0);
        const QString run = parse(trained).object()["run"].toString();
        QVERIFY2(run.startsWith(dir.path() + "/runs/"), qPrintable(run));

        const Run listed = cli({"runs", "--out", dir.path(), "--json"});
        QCOMPARE(listed.code, 0);
        const auto runs = parse(listed).array();
        QCOMPARE(runs.size(), 1);
        const auto first = runs[0].toObject();
        QCOMPARE(first["folder"].toString(), run);
        QCOMPARE(first["model"].toString(), QString("Model_1"));
        QCOMPARE(first["epochs_done"].toInt(), 1);
        QCOMPARE(first["ended"].toString(), QString("finished"));
        QVERIFY(first["resumable"].toBool());
        QCOMPARE(first["recipe"].toObject()["limit_train"].toInt(), 2000);
        QCOMPARE(first["history"].toArray().size(), 1);

        const Run resumed = cli({"train", "--resume", run, "--epochs", "2", "--json"});
        QCOMPARE(resumed.code, 0);
        const auto report = parse(resumed).object();
        QCOMPARE(report["run"].toString(), run);
        QCOMPARE(report["epochs"].toArray().size(), 2);
        QCOMPARE(report["epochs"].toArray()[0].toObject()["val_acc"].toDouble(),
                 first["history"].toArray()[0].toObject()["val_acc"].toDouble());

        QVERIFY(QDir().mkpath(dir.path() + "/runs/zz-broken"));
        std::ofstream((dir.path() + "/runs/zz-broken/run.json").toStdString()) << "{";
        const Run table = cli({"runs", "--out", dir.path()});
        QCOMPARE(table.code, 0);
        QVERIFY2(table.out.contains(" 2/2 ") && table.out.contains("finished"),
                 table.out.constData());
        QVERIFY2(table.out.contains("zz-broken") && table.out.contains("broken:") &&
                     table.out.contains("run.json is corrupt"),
                 table.out.constData());

        // A run folder whose name is not UTF-8 (Latin-1) is listed in valid JSON, not exit 1.
        std::filesystem::copy(run.toStdString(), dir.path().toStdString() + "/runs/lat\xe9in",
                              std::filesystem::copy_options::recursive);
        const Run latin = cli({"runs", "--out", dir.path(), "--json"});
        QCOMPARE(latin.code, 0);
        QCOMPARE(parse(latin).array().size(), 3);
        QVERIFY(std::filesystem::remove_all(dir.path().toStdString() + "/runs/lat\xe9in") > 0);

        const Run recipe = cli({"train", "--resume", run, "--epochs", "3", "--batch-size", "8"});
        QCOMPARE(recipe.code, 2);
        QVERIFY2(recipe.err.contains("--batch-size"), qPrintable(recipe.err));
        const Run done = cli({"train", "--resume", run});
        QCOMPARE(done.code, 2);
        QVERIFY2(done.err.contains("finished all its 2 epochs"), qPrintable(done.err));

        // --scheduler switches a plateau run to a constant rate (and no further than that).
        QCOMPARE(first["recipe"].toObject()["scheduler"].toString(), QString("plateau"));
        const Run stepped = cli({"train", "--resume", run, "--epochs", "3", "--scheduler", "step"});
        QCOMPARE(stepped.code, 2);
        QVERIFY2(stepped.err.contains("constant (none) and plateau") &&
                     stepped.err.contains("not to step"),
                 qPrintable(stepped.err));
        const Run constant =
            cli({"train", "--resume", run, "--epochs", "3", "--scheduler", "none", "--json"});
        QCOMPARE(constant.code, 0);
        const auto lrs = parse(constant).object()["epochs"].toArray();
        QCOMPARE(lrs.size(), 3);
        QCOMPARE(lrs[2].toObject()["lr"].toDouble(), lrs[1].toObject()["lr"].toDouble());
        QString recorded;
        for (const auto& entry : parse(cli({"runs", "--out", dir.path(), "--json"})).array()) {
            const auto object = entry.toObject();
            if (object["folder"].toString() == run)
                recorded = object["recipe"].toObject()["scheduler"].toString();
        }
        QCOMPARE(recorded, QString("none"));
        const Run nowhere = cli({"runs", "--out", dir.path() + "/typo"});
        QCOMPARE(nowhere.code, 2);
        QVERIFY2(nowhere.err.contains("typo"), qPrintable(nowhere.err));
    }

    void trainEvalPredictRoundTrip() {
        if (!have_mnist()) QSKIP("MNIST not fetched");
        QTemporaryDir dir;
        const Run train = cli({"train", "--model", "Model_1", "--epochs", "2", "--limit-train",
                               "2048", "--limit-test", "500", "--data", MNIST_DATA_DIR, "--out",
                               dir.path(), "--threads", "2", "--json"});
        QCOMPARE(train.code, 0);
        const auto report = parse(train).object();
        QCOMPARE(report["model"].toString(), QString("Model_1"));
        QCOMPARE(report["params"].toInt(), 26698);
        QCOMPARE(report["device"].toString(), QString("cpu"));
        const auto epochs = report["epochs"].toArray();
        QCOMPARE(epochs.size(), 2);
        for (const char* key :
             {"epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"}) {
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

    // inspect without data: every stage's feature maps, both saliency maps and one layer's
    // filters as PNGs, and the report on stdout and in inspect.json (the bundled model by default).
    void inspectWritesPicturesAndReport() {
        QTemporaryDir dir;
        mnist::GrayImage digit;  // a black "1" on white paper, as a photo or scan would have it
        digit.width = digit.height = 120;
        digit.pixels.assign(120 * 120, 255);
        for (int y = 20; y < 100; ++y)
            for (int x = 52; x < 66; ++x) digit.pixels[y * 120 + x] = 0;
        const QString image = dir.path() + "/one.png";
        mnist::write_png(digit, image.toStdString());
        const QString out = dir.path() + "/inside";
        const Run r = cli({"inspect", "--feature-maps", image, "--saliency", image, "--filters",
                           "conv2", "--occlusion-patch", "3", "--out", out, "--json"});
        QCOMPARE(r.code, 0);
        const auto report = parse(r).object();
        QCOMPARE(report["model"].toString(), QString("Model_3"));
        const auto stages = report["feature_maps"].toObject()["stages"].toArray();
        const auto summary = mnist::summarize_model("Model_3");
        QCOMPARE(static_cast<std::size_t>(stages.size()), summary.layers.size());
        for (const auto& value : stages) {
            const QString file = value.toObject()["file"].toString();
            QVERIFY2(file.startsWith(out) && file.endsWith(".png") && QFile::exists(file),
                     qPrintable(file));
        }
        QCOMPARE(stages.first().toObject()["macs"].toInt(), 26 * 26 * 10 * 9);
        QCOMPARE(report["feature_maps"].toObject()["digit"].toInt(), 1);
        const auto saliency = report["saliency"].toObject();
        QCOMPARE(saliency["gradient"].toObject()["digit"].toInt(), 1);
        QCOMPARE(saliency["occlusion"].toObject()["patch"].toInt(), 3);
        for (const char* kind : {"gradient", "occlusion"}) {
            for (const char* key : {"file", "overlay"})
                QVERIFY(QFile::exists(saliency[kind].toObject()[key].toString()));
        }
        const auto filters = report["filters"].toArray();
        QCOMPARE(filters.size(), 1);
        QCOMPARE(filters[0].toObject()["layer"].toString(), QString("conv2"));
        QVERIFY(QFile::exists(out + "/filters_conv2.png"));
        QFile saved(out + "/inspect.json");
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(saved.readAll()).object(), report);
    }

    void inspectBadInputExitsWithTwo() {
        QTemporaryDir dir;
        const QString garbage = dir.path() + "/garbage.pth";
        QFile bad(garbage);
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not a checkpoint");
        bad.close();
        const Run checkpoint = cli({"inspect", "--checkpoint", garbage, "--filters"});
        QCOMPARE(checkpoint.code, 2);
        QVERIFY2(checkpoint.err.contains("garbage.pth"), qPrintable(checkpoint.err));

        const Run no_data = cli({"inspect", "--confusion", "--data", dir.path()});
        QCOMPARE(no_data.code, 2);
        QVERIFY2(no_data.err.contains(dir.path()) && no_data.err.contains("test set"),
                 qPrintable(no_data.err));

        const Run layer = cli({"inspect", "--filters", "fc"});
        QCOMPARE(layer.code, 2);
        QVERIFY2(layer.err.contains("'fc'") && layer.err.contains("conv1"), qPrintable(layer.err));

        const Run nothing = cli({"inspect"});
        QCOMPARE(nothing.code, 2);
        QVERIFY2(nothing.err.contains("nothing to do"), qPrintable(nothing.err));

        const Run image = cli({"inspect", "--saliency", dir.path() + "/missing.png"});
        QCOMPARE(image.code, 2);
        QVERIFY2(image.err.contains("missing.png"), qPrintable(image.err));
    }

    // The confusion matrix inspect reports is eval's, and its mistakes are the off-diagonal cells.
    void inspectConfusionAgreesWithEval() {
        if (!std::filesystem::exists(MNIST_DATA_DIR "/t10k-images-idx3-ubyte"))
            QSKIP("MNIST not fetched");
        const QString bundled = MNIST_SOURCE_DIR "/resources/best_Model_3.pth";
        const QStringList data = {"--data", MNIST_DATA_DIR, "--limit-test", "1500", "--json"};
        const Run eval = cli(QStringList{"eval", "--checkpoint", bundled} + data);
        const Run inspect = cli(QStringList{"inspect", "--confusion", "--mistakes", "5"} + data);
        QCOMPARE(eval.code, 0);
        QCOMPARE(inspect.code, 0);
        const auto scores = parse(eval).object();
        const auto report = parse(inspect).object();
        const auto confusion = report["confusion"].toObject();
        QCOMPARE(confusion["count"].toInt(), 1500);
        QCOMPARE(confusion["matrix"].toArray(), scores["confusion"].toArray());
        QCOMPARE(confusion["accuracy"].toDouble(), scores["accuracy"].toDouble());
        int off_diagonal = 0;
        const auto matrix = confusion["matrix"].toArray();
        for (int t = 0; t < 10; ++t)
            for (int p = 0; p < 10; ++p)
                off_diagonal += t != p ? matrix[t].toArray()[p].toInt() : 0;
        QCOMPARE(confusion["mistakes"].toInt(), off_diagonal);
        const auto mistakes = report["mistakes"].toObject();
        QCOMPARE(mistakes["total"].toInt(), off_diagonal);
        QCOMPARE(mistakes["shown"].toArray().size(), std::min(5, off_diagonal));
        QVERIFY(mistakes["file"].isNull());  // no --out, no pictures
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
