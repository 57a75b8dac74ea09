// Tests for core/idx_file: round trips of small hand-written IDX files (raw and gzip'd), one
// test per kind of damage the reader must name, and a check against the real MNIST files.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <array>
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "core/data/idx_file.h"
#include "core/errors.h"

namespace {

using Bytes = std::vector<std::uint8_t>;

// 3 images of 2 rows x 4 cols: not square, so a rows/cols swap shows up.
constexpr std::int64_t kCount = 3;
constexpr std::int64_t kRows = 2;
constexpr std::int64_t kCols = 4;

void append_be32(Bytes& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

Bytes idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& dims, const Bytes& payload) {
    Bytes out;
    append_be32(out, magic);
    for (std::uint32_t dim : dims) append_be32(out, dim);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

Bytes pixel_payload() {
    Bytes pixels(kCount * kRows * kCols);
    // Distinct values including 0 and 255, so byte order and sign mistakes show.
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i * 11);
    pixels.back() = 255;
    return pixels;
}

Bytes good_images() {
    return idx_bytes(mnist::kIdxImagesMagic, {kCount, kRows, kCols}, pixel_payload());
}

const Bytes kLabels{0, 9, 5, 3, 7};

Bytes good_labels() {
    return idx_bytes(mnist::kIdxLabelsMagic, {static_cast<std::uint32_t>(kLabels.size())}, kLabels);
}

bool write_raw(const QString& path, const Bytes& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return false;
    const auto size = static_cast<qint64>(bytes.size());
    return file.write(reinterpret_cast<const char*>(bytes.data()), size) == size;
}

bool write_gz(const QString& path, const Bytes& bytes) {
    gzFile file = gzopen(QFile::encodeName(path).constData(), "wb");
    if (file == nullptr) return false;
    const auto size = static_cast<unsigned>(bytes.size());
    const bool ok = bytes.empty() || gzwrite(file, bytes.data(), size) == static_cast<int>(size);
    return gzclose(file) == Z_OK && ok;
}

using Reader = std::function<void(const std::string&)>;
const Reader kReadImages = [](const std::string& path) { mnist::read_idx_images(path); };
const Reader kReadLabels = [](const std::string& path) { mnist::read_idx_labels(path); };

// Looks for `name` or `name.gz` in the MNIST data directory; empty when neither exists.
QString find_mnist_file(const QString& name) {
    const QDir dir(QStringLiteral(MNIST_DATA_DIR));
    for (const QString& candidate : {name, name + QStringLiteral(".gz")}) {
        if (dir.exists(candidate)) return dir.filePath(candidate);
    }
    return {};
}

}  // namespace

Q_DECLARE_METATYPE(Bytes)
Q_DECLARE_METATYPE(Reader)

class TestIdxFile : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir dir_;

    QString write_file(const QString& name, const Bytes& bytes, bool gz) {
        const QString path = dir_.filePath(name);
        const bool ok = gz ? write_gz(path, bytes) : write_raw(path, bytes);
        if (!ok) qFatal("cannot write test file %s", qPrintable(path));
        return path;
    }

  private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void readsImages_data() {
        QTest::addColumn<bool>("gz");
        QTest::newRow("raw") << false;
        QTest::newRow("gz") << true;
    }
    void readsImages() {
        QFETCH(bool, gz);
        const QString path =
            write_file(gz ? "images-idx3-ubyte.gz" : "images-idx3-ubyte", good_images(), gz);
        const mnist::IdxImages images = mnist::read_idx_images(path.toStdString());
        QCOMPARE(images.count, kCount);
        QCOMPARE(images.rows, kRows);
        QCOMPARE(images.cols, kCols);
        QVERIFY(images.pixels == pixel_payload());
    }

    void readsLabels_data() { readsImages_data(); }
    void readsLabels() {
        QFETCH(bool, gz);
        const QString path =
            write_file(gz ? "labels-idx1-ubyte.gz" : "labels-idx1-ubyte", good_labels(), gz);
        QVERIFY(mnist::read_idx_labels(path.toStdString()) == kLabels);
    }

    // zlib decides by content, so a compressed file without the .gz suffix still reads.
    void readsGzipWithoutSuffix() {
        const QString path = write_file("compressed-labels-idx1-ubyte", good_labels(), true);
        QVERIFY(mnist::read_idx_labels(path.toStdString()) == kLabels);
    }

    void rejectsBadFile_data() {
        QTest::addColumn<Reader>("read");
        QTest::addColumn<Bytes>("bytes");
        QTest::addColumn<bool>("gz");
        QTest::addColumn<QStringList>("phrases");

        const auto images = mnist::kIdxImagesMagic;
        const auto labels = mnist::kIdxLabelsMagic;
        Bytes header_only = good_images();
        header_only.resize(8);
        Bytes truncated_images = good_images();
        truncated_images.resize(truncated_images.size() - 4);
        Bytes trailing_images = good_images();
        trailing_images.insert(trailing_images.end(), {1, 2, 3});
        Bytes truncated_labels = good_labels();
        truncated_labels.pop_back();

        QTest::newRow("empty") << kReadImages << Bytes{} << false
                               << QStringList{"header too short", "0 of 16"};
        QTest::newRow("short header")
            << kReadImages << header_only << false << QStringList{"header too short", "8 of 16"};
        QTest::newRow("short labels header") << kReadLabels << Bytes{0, 0, 8, 1, 0} << false
                                             << QStringList{"header too short", "5 of 8"};
        QTest::newRow("wrong magic")
            << kReadImages << idx_bytes(0x12345678, {kCount, kRows, kCols}, pixel_payload())
            << false << QStringList{"magic", "expected 2051", "305419896"};
        QTest::newRow("labels given as images")
            << kReadImages << good_labels() << false
            << QStringList{"magic", "expected 2051", "looks like a labels file"};
        QTest::newRow("images given as labels")
            << kReadLabels << good_images() << false
            << QStringList{"magic", "expected 2049", "looks like an images file"};
        QTest::newRow("zero count") << kReadImages << idx_bytes(images, {0, kRows, kCols}, {})
                                    << false << QStringList{"count 0"};
        QTest::newRow("zero label count")
            << kReadLabels << idx_bytes(labels, {0}, {}) << false << QStringList{"count 0"};
        QTest::newRow("negative count")
            << kReadImages << idx_bytes(images, {0xffffffffu, kRows, kCols}, {}) << false
            << QStringList{"count 4294967295", "out of range"};
        QTest::newRow("zero rows") << kReadImages << idx_bytes(images, {kCount, 0, kCols}, {})
                                   << false << QStringList{"dimensions 0x4"};
        QTest::newRow("huge cols") << kReadImages << idx_bytes(images, {kCount, kRows, 2000}, {})
                                   << false << QStringList{"dimensions 2x2000"};
        QTest::newRow("truncated images")
            << kReadImages << truncated_images << false
            << QStringList{"truncated", "promises 24 bytes", "only 20"};
        QTest::newRow("truncated gz images")
            << kReadImages << truncated_images << true
            << QStringList{"truncated", "promises 24 bytes", "only 20"};
        QTest::newRow("truncated labels") << kReadLabels << truncated_labels << false
                                          << QStringList{"truncated", "promises 5 bytes", "only 4"};
        // Header claims beyond MNIST's training set are refused before anything is allocated or
        // inflated: the gz bomb below promises 2e9 images and holds 8 MiB of zeros (8 KiB packed).
        QTest::newRow("huge count, tiny file")
            << kReadImages << idx_bytes(images, {2000000000u, 1024, 1024}, pixel_payload()) << false
            << QStringList{"count 2000000000", "out of range", "1 to 60000"};
        QTest::newRow("gz bomb") << kReadImages
                                 << idx_bytes(images, {2000000000u, 28, 28}, Bytes(8 << 20)) << true
                                 << QStringList{"count 2000000000", "out of range"};
        QTest::newRow("60000 huge images")
            << kReadImages << idx_bytes(images, {60000, 1024, 1024}, pixel_payload()) << true
            << QStringList{"promises 60000 images of 1024x1024", "more than the 47040000 bytes"};
        QTest::newRow("too many labels") << kReadLabels << idx_bytes(labels, {60001}, Bytes(60001))
                                         << true << QStringList{"count 60001", "out of range"};
        Bytes trailing_bomb = good_images();
        trailing_bomb.resize(trailing_bomb.size() + (8 << 20));
        QTest::newRow("trailing gz bomb")
            << kReadImages << trailing_bomb << true
            << QStringList{"more than 1048576 unexpected extra bytes", "after the 24 bytes"};
        QTest::newRow("trailing bytes")
            << kReadImages << trailing_images << false
            << QStringList{"3 unexpected extra bytes", "after the 24 bytes"};
        QTest::newRow("trailing gz bytes")
            << kReadImages << trailing_images << true
            << QStringList{"3 unexpected extra bytes", "after the 24 bytes"};
        QTest::newRow("label out of range")
            << kReadLabels << idx_bytes(labels, {4}, {1, 2, 10, 3}) << false
            << QStringList{"label 10", "index 2", "outside 0-9"};
        QTest::newRow("label out of range, gz")
            << kReadLabels << idx_bytes(labels, {2}, {9, 255}) << true
            << QStringList{"label 255", "index 1", "outside 0-9"};
    }
    void rejectsBadFile() {
        QFETCH(Reader, read);
        QFETCH(Bytes, bytes);
        QFETCH(bool, gz);
        QFETCH(QStringList, phrases);
        const QString name =
            QString::fromLatin1(QTest::currentDataTag()).replace(' ', '-') + (gz ? ".gz" : "");
        expect_error(read, write_file(name, bytes, gz), phrases);
    }

    void rejectsMissingFile() {
        expect_error(kReadImages, dir_.filePath("no-such-file-idx3-ubyte"), {"file not found"});
    }

    void rejectsDirectory() { expect_error(kReadLabels, dir_.path(), {"cannot"}); }

    // A gzip stream cut off mid-way: zlib reports it only through its error state.
    void rejectsCutGzipStream() {
        // Incompressible pixels, so cutting the compressed file in half cuts the pixel data and
        // not the header.
        Bytes pixels(50 * 28 * 28);
        std::uint32_t state = 12345;
        for (auto& pixel : pixels) {
            state = state * 1664525u + 1013904223u;
            pixel = static_cast<std::uint8_t>(state >> 24);
        }
        const QString whole = write_file(
            "cut-source.gz", idx_bytes(mnist::kIdxImagesMagic, {50, 28, 28}, pixels), true);
        QFile file(whole);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray compressed = file.readAll();
        compressed.chop(compressed.size() / 2);
        const Bytes cut(compressed.begin(), compressed.end());
        expect_error(kReadImages, write_file("cut-idx3-ubyte.gz", cut, false),
                     {"truncated", "gzip stream itself ends early"});
    }

    // Bytes damaged inside a gzip file: zlib's checksum catches it, and the message says so.
    void rejectsCorruptGzip() {
        const QString whole = write_file("corrupt-source.gz", good_images(), true);
        QFile file(whole);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray compressed = file.readAll();
        compressed[compressed.size() - 8] =
            static_cast<char>(compressed[compressed.size() - 8] ^ 0x5a);  // CRC-32
        const Bytes damaged(compressed.begin(), compressed.end());
        expect_error(kReadImages, write_file("corrupt-idx3-ubyte.gz", damaged, false),
                     {"gzip data is corrupt"});
    }

    void readsRealMnist() {
        const QString train_images = find_mnist_file("train-images-idx3-ubyte");
        const QString train_labels = find_mnist_file("train-labels-idx1-ubyte");
        const QString test_images = find_mnist_file("t10k-images-idx3-ubyte");
        const QString test_labels = find_mnist_file("t10k-labels-idx1-ubyte");
        if (train_images.isEmpty() || train_labels.isEmpty() || test_images.isEmpty() ||
            test_labels.isEmpty()) {
            QSKIP("MNIST files not found in " MNIST_DATA_DIR "; run the data fetch script");
        }

        const mnist::IdxImages train = mnist::read_idx_images(train_images.toStdString());
        QCOMPARE(train.count, std::int64_t{60000});
        QCOMPARE(train.rows, std::int64_t{28});
        QCOMPARE(train.cols, std::int64_t{28});
        QCOMPARE(train.pixels.size(), std::size_t{60000 * 28 * 28});
        const auto train_y = mnist::read_idx_labels(train_labels.toStdString());
        QCOMPARE(train_y.size(), std::size_t{60000});
        QCOMPARE(int(train_y.front()), 5);  // the famous first digit

        const mnist::IdxImages test = mnist::read_idx_images(test_images.toStdString());
        QCOMPARE(test.count, std::int64_t{10000});
        QCOMPARE(test.rows, std::int64_t{28});
        QCOMPARE(test.cols, std::int64_t{28});
        const auto test_y = mnist::read_idx_labels(test_labels.toStdString());
        QCOMPARE(test_y.size(), std::size_t{10000});
        std::array<int, 10> histogram{};
        for (std::uint8_t label : test_y) ++histogram[label];
        QCOMPARE(std::accumulate(histogram.begin(), histogram.end(), 0), 10000);
        // The published class counts of the MNIST test set.
        const std::array<int, 10> expected{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
        QVERIFY(histogram == expected);
    }

  private:
    // Runs `read` on `path` and checks it throws DataError naming the file and every phrase.
    void expect_error(const Reader& read, const QString& path, const QStringList& phrases) {
        try {
            read(path.toStdString());
        } catch (const mnist::DataError& error) {
            const QString message = QString::fromStdString(error.what());
            QVERIFY2(message.contains(QFileInfo(path).fileName()), qPrintable(message));
            for (const QString& phrase : phrases) {
                QVERIFY2(message.contains(phrase),
                         qPrintable("missing '" + phrase + "' in: " + message));
            }
            return;
        }
        QFAIL(qPrintable("no DataError for " + path));
    }
};

QTEST_APPLESS_MAIN(TestIdxFile)
#include "test_idx_file.moc"
