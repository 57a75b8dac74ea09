#include "ui/gray_image_conversion.h"

#include <QPainter>

#include <algorithm>
#include <cstring>

namespace mnist::ui {
namespace {

// Mean luminance of the (mostly) opaque pixels, or -1 when there are none.
int opaqueMeanGray(const QImage& argb) {
    long long sum = 0, count = 0;
    for (int y = 0; y < argb.height(); ++y) {
        const auto* row = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        for (int x = 0; x < argb.width(); ++x) {
            if (qAlpha(row[x]) < 128) continue;
            sum += qGray(row[x]);
            ++count;
        }
    }
    return count ? static_cast<int>(sum / count) : -1;
}

}  // namespace

mnist::GrayImage toGrayImage(const QImage& image) {
    QImage source = image;
    if (source.hasAlphaChannel()) {
        const QImage argb = source.convertToFormat(QImage::Format_ARGB32);
        const int ink = opaqueMeanGray(argb);
        QImage flat(argb.size(), QImage::Format_RGB32);
        flat.fill(ink >= 0 && ink < 128 ? Qt::white : Qt::black);
        QPainter(&flat).drawImage(0, 0, argb);
        source = flat;
    }
    const QImage gray = source.convertToFormat(QImage::Format_Grayscale8);
    mnist::GrayImage out;
    out.width = gray.width();
    out.height = gray.height();
    out.pixels.resize(static_cast<std::size_t>(out.width) * out.height);
    for (int y = 0; y < out.height; ++y) {
        // Scan lines are padded to 4 bytes, so copy row by row.
        std::memcpy(out.pixels.data() + static_cast<std::size_t>(y) * out.width,
                    gray.constScanLine(y), static_cast<std::size_t>(out.width));
    }
    return out;
}

QImage digitToQImage(const float* pixels) {
    QImage image(mnist::kImageSide, mnist::kImageSide, QImage::Format_Grayscale8);
    for (int y = 0; y < mnist::kImageSide; ++y) {
        uchar* row = image.scanLine(y);
        for (int x = 0; x < mnist::kImageSide; ++x) {
            const float v = pixels[static_cast<std::size_t>(y) * mnist::kImageSide + x];
            row[x] = static_cast<uchar>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f);
        }
    }
    return image;
}

QImage toQImage(const mnist::PreprocessedDigit& digit) {
    return digitToQImage(digit.pixels.data());
}

}  // namespace mnist::ui
