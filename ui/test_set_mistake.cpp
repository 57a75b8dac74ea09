#include "ui/test_set_mistake.h"

#include <QDir>
#include <QFile>

#include <algorithm>
#include <cstring>

#include "core/data/idx_file.h"
#include "core/data/mnist_format.h"
#include "core/inference/predictor.h"
#include "ui/gray_image_conversion.h"

namespace mnist::ui {
namespace {

// t10k-images-idx3-ubyte or its .gz, as the data folder holds it.
std::string testFile(const QString& dir, const char* name) {
    const QString raw = QDir(dir).filePath(QLatin1String(name));
    return (QFile::exists(raw) ? raw : raw + QStringLiteral(".gz")).toStdString();
}

}  // namespace

TestSetMistake findTestSetMistake(const QString& data_dir, const QString& checkpoint, qint64 limit,
                                  const std::atomic_bool* cancel) {
    const mnist::IdxImages images =
        mnist::read_idx_images(testFile(data_dir, "t10k-images-idx3-ubyte"));
    const std::vector<std::uint8_t> labels =
        mnist::read_idx_labels(testFile(data_dir, "t10k-labels-idx1-ubyte"));
    const mnist::Predictor predictor(checkpoint.toStdString());

    const qint64 count = std::min<qint64>(std::min<qint64>(images.count, labels.size()),
                                          limit > 0 ? limit : images.count);
    TestSetMistake best;
    QImage digit(mnist::kImageSide, mnist::kImageSide, QImage::Format_Grayscale8);
    for (qint64 i = 0; i < count; ++i) {
        if (cancel && cancel->load()) break;
        for (int y = 0; y < mnist::kImageSide; ++y) {
            std::memcpy(digit.scanLine(y),
                        images.pixels.data() + i * mnist::kImagePixels + y * mnist::kImageSide,
                        mnist::kImageSide);
        }
        const mnist::Prediction p = predictor.predict(toGrayImage(digit));
        best.scanned = i + 1;
        if (p.blank || p.digit == labels[i] || p.confidence <= best.confidence) continue;
        best.found = true;
        best.index = i;
        best.label = labels[i];
        best.predicted = p.digit;
        best.confidence = p.confidence;
        best.image = digit.copy();
    }
    return best;
}

}  // namespace mnist::ui
