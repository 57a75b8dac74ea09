// load_mnist: the four IDX files of a split, checked against each other (sizes and counts) with a
// message naming the files, on top of what core/idx_file checks in each.
#include <QtTest>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "core/data/idx_file.h"
#include "core/data/mnist_dataset.h"
#include "core/errors.h"

namespace {

using Bytes = std::vector<std::uint8_t>;

void write_idx(const std::string& path, std::uint32_t magic, const std::vector<std::uint32_t>& dims,
               std::size_t payload) {
    Bytes out;
    auto be32 = [&](std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8)
            out.push_back(static_cast<std::uint8_t>(v >> shift));
    };
    be32(magic);
    for (auto d : dims) be32(d);
    out.resize(out.size() + payload, 1);  // label 1, or a dark grey pixel
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
}

}  // namespace

class TestMnistDataset : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir dir_;
    std::string path(const char* name) const { return (dir_.path() + "/" + name).toStdString(); }

    void write_split(std::uint32_t images, std::uint32_t side, std::uint32_t labels) {
        write_idx(path("t10k-images-idx3-ubyte"), mnist::kIdxImagesMagic, {images, side, side},
                  std::size_t{images} * side * side);
        write_idx(path("t10k-labels-idx1-ubyte"), mnist::kIdxLabelsMagic, {labels}, labels);
    }

    QString error_of_loading() {
        try {
            mnist::load_mnist(dir_.path().toStdString(), mnist::Split::Test);
        } catch (const mnist::DataError& e) {
            return e.what();
        }
        return "no DataError";
    }

  private Q_SLOTS:
    void loadsAMatchingPair() {
        write_split(3, 28, 3);
        const auto data = mnist::load_mnist(dir_.path().toStdString(), mnist::Split::Test);
        QCOMPARE(data.size(), std::int64_t{3});
        QCOMPARE(data.images.sizes(), (at::IntArrayRef{3, 28, 28}));
        QCOMPARE(data.labels[2].item<std::int64_t>(), std::int64_t{1});
    }

    void countsThatDisagreeNameBothFiles() {
        write_split(3, 28, 5);
        const QString why = error_of_loading();
        QVERIFY2(why.contains("t10k-labels-idx1-ubyte holds 5 labels"), qPrintable(why));
        QVERIFY2(why.contains("t10k-images-idx3-ubyte holds 3 images"), qPrintable(why));
    }

    void imagesThatAreNot28x28AreNamed() {
        write_split(3, 20, 3);
        const QString why = error_of_loading();
        QVERIFY2(why.contains("t10k-images-idx3-ubyte") && why.contains("20x20"), qPrintable(why));
    }

    void missingFileNamesTheFolder() {
        QTemporaryDir empty;
        try {
            mnist::load_mnist(empty.path().toStdString(), mnist::Split::Train);
            QFAIL("loaded MNIST from an empty folder");
        } catch (const mnist::DataError& e) {
            QVERIFY2(QString(e.what()).contains(empty.path() + "/train-images-idx3-ubyte"),
                     e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestMnistDataset)
#include "test_mnist_dataset.moc"
