// Checks that preprocess_digit builds MNIST-like 28x28 images: centred by centre of mass, longer
// side 20 px, ink high whatever the input polarity, and that blank or noise-only input is blank.
#include <QFile>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "core/inference/digit_preprocess.h"

using mnist::GrayImage;
using mnist::kImageSide;
using mnist::PreprocessedDigit;

namespace {

constexpr std::uint8_t kWhite = 255;
constexpr std::uint8_t kBlack = 0;

GrayImage filled(int width, int height, std::uint8_t value) {
    GrayImage image;
    image.width = width;
    image.height = height;
    image.pixels.assign(static_cast<std::size_t>(width) * height, value);
    return image;
}

void set(GrayImage& image, int x, int y, std::uint8_t value) {
    if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
    image.pixels[static_cast<std::size_t>(y) * image.width + x] = value;
}

void fill_rect(GrayImage& image, int x0, int y0, int w, int h, std::uint8_t value) {
    for (int y = y0; y < y0 + h; ++y)
        for (int x = x0; x < x0 + w; ++x) set(image, x, y, value);
}

// A round-capped pen stroke, like the canvas draws.
void stroke(GrayImage& image, double x0, double y0, double x1, double y1, double radius,
            std::uint8_t value) {
    const int steps = static_cast<int>(std::hypot(x1 - x0, y1 - y0)) + 1;
    for (int s = 0; s <= steps; ++s) {
        const double cx = x0 + (x1 - x0) * s / steps;
        const double cy = y0 + (y1 - y0) * s / steps;
        for (int y = static_cast<int>(cy - radius); y <= static_cast<int>(cy + radius) + 1; ++y)
            for (int x = static_cast<int>(cx - radius); x <= static_cast<int>(cx + radius) + 1; ++x)
                if (std::hypot(x - cx, y - cy) <= radius) set(image, x, y, value);
    }
}

// A "7" in the top-left corner of a 300x200 canvas: off centre, far bigger than 28x28, and
// lopsided, so its centre of mass is not its bounding box's centre.
GrayImage seven_on_canvas(std::uint8_t background, std::uint8_t ink) {
    GrayImage image = filled(300, 200, background);
    stroke(image, 20, 15, 120, 15, 6, ink);
    stroke(image, 120, 15, 55, 165, 6, ink);
    return image;
}

struct Extent {
    int width = 0;
    int height = 0;
};

Extent ink_extent(const PreprocessedDigit& digit, float threshold = 0.0f) {
    int left = kImageSide, right = -1, top = kImageSide, bottom = -1;
    for (int y = 0; y < kImageSide; ++y)
        for (int x = 0; x < kImageSide; ++x)
            if (digit.pixels[static_cast<std::size_t>(y) * kImageSide + x] > threshold) {
                left = std::min(left, x);
                right = std::max(right, x);
                top = std::min(top, y);
                bottom = std::max(bottom, y);
            }
    if (right < 0) return {};
    return {right - left + 1, bottom - top + 1};
}

// Intensity-weighted centre of mass in pixel-index coordinates, the convention under which
// MNIST's own digits average (14, 14).
QPointF centre_of_mass(const PreprocessedDigit& digit) {
    double mass = 0, mx = 0, my = 0;
    for (int y = 0; y < kImageSide; ++y)
        for (int x = 0; x < kImageSide; ++x) {
            const double v = digit.pixels[static_cast<std::size_t>(y) * kImageSide + x];
            mass += v;
            mx += x * v;
            my += y * v;
        }
    return mass > 0 ? QPointF(mx / mass, my / mass) : QPointF(-1, -1);
}

float max_pixel(const PreprocessedDigit& digit) {
    return *std::max_element(digit.pixels.begin(), digit.pixels.end());
}

float largest_difference(const PreprocessedDigit& a, const PreprocessedDigit& b) {
    float worst = 0;
    for (int i = 0; i < mnist::kImagePixels; ++i)
        worst = std::max(worst, std::abs(a.pixels[i] - b.pixels[i]));
    return worst;
}

bool all_zero(const PreprocessedDigit& digit) {
    return std::all_of(digit.pixels.begin(), digit.pixels.end(), [](float v) { return v == 0; });
}

bool in_unit_range(const PreprocessedDigit& digit) {
    return std::all_of(digit.pixels.begin(), digit.pixels.end(),
                       [](float v) { return v >= 0.0f && v <= 1.0f; });
}

void add_noise(GrayImage& image, int amplitude, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(-amplitude, amplitude);
    for (auto& p : image.pixels) p = static_cast<std::uint8_t>(std::clamp(p + noise(rng), 0, 255));
}

// A blank result must also be all zeros: nothing for a model to guess from.
void verify_blank(const GrayImage& image) {
    const PreprocessedDigit digit = mnist::preprocess_digit(image);
    QVERIFY(digit.blank);
    QVERIFY(all_zero(digit));
}

void verify_centred_digit(const PreprocessedDigit& digit) {
    QVERIFY(!digit.blank);
    QVERIFY(in_unit_range(digit));
    const QPointF com = centre_of_mass(digit);
    QVERIFY2(std::abs(com.x() - 14.0) <= 0.5 && std::abs(com.y() - 14.0) <= 0.5,
             qPrintable(QStringLiteral("centre of mass (%1, %2)").arg(com.x()).arg(com.y())));
    QVERIFY(std::abs(max_pixel(digit) - 1.0f) < 1e-3f);
    const Extent extent = ink_extent(digit);
    QCOMPARE(std::max(extent.width, extent.height), 20);
    // Background stays exactly 0: the corners are far from any ink.
    QCOMPARE(digit.pixels[0], 0.0f);
    QCOMPARE(digit.pixels[kImageSide * kImageSide - 1], 0.0f);
}

}  // namespace

class TestDigitPreprocess : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void darkOnLightCornerDrawingIsCentredAndScaled() {
        const PreprocessedDigit digit = mnist::preprocess_digit(seven_on_canvas(kWhite, kBlack));
        verify_centred_digit(digit);
        // The 7 is taller than wide: 101x161 px with its pen, so about 13x20 after scaling.
        const Extent extent = ink_extent(digit);
        QCOMPARE(extent.height, 20);
        QVERIFY2(extent.width >= 12 && extent.width <= 14,
                 qPrintable(QString::number(extent.width)));
    }

    void lightOnDarkDrawingIsCentredAndScaled() {
        verify_centred_digit(mnist::preprocess_digit(seven_on_canvas(kBlack, kWhite)));
    }

    void bothPolaritiesGiveTheSameDigit() {
        const PreprocessedDigit dark = mnist::preprocess_digit(seven_on_canvas(kWhite, kBlack));
        const PreprocessedDigit light = mnist::preprocess_digit(seven_on_canvas(kBlack, kWhite));
        const float worst = largest_difference(dark, light);
        QVERIFY2(worst < 0.02f, qPrintable(QString::number(worst)));
    }

    void grayBackgroundPolarityFollowsTheInk() {
        // On mid-gray paper neither "light border" nor "dark border" says which way the ink goes.
        const PreprocessedDigit reference =
            mnist::preprocess_digit(seven_on_canvas(kWhite, kBlack));
        for (const std::uint8_t ink : {std::uint8_t{10}, std::uint8_t{245}}) {
            const PreprocessedDigit digit = mnist::preprocess_digit(seven_on_canvas(128, ink));
            verify_centred_digit(digit);
            const float worst = largest_difference(reference, digit);
            QVERIFY2(worst < 0.02f, qPrintable(QString::number(worst)));
        }
    }

    void noisyPaperStillGivesACleanDigit() {
        GrayImage image = seven_on_canvas(230, 40);
        add_noise(image, 15, 7);
        const PreprocessedDigit digit = mnist::preprocess_digit(image);
        verify_centred_digit(digit);
    }

    void midGrayStrokeIsStretchedToFullInk() {
        // A pencil-gray stroke should look like MNIST's pen strokes, i.e. like a black one.
        const PreprocessedDigit black = mnist::preprocess_digit(seven_on_canvas(kWhite, kBlack));
        const PreprocessedDigit gray = mnist::preprocess_digit(seven_on_canvas(kWhite, 150));
        verify_centred_digit(gray);
        const float worst = largest_difference(black, gray);
        QVERIFY2(worst < 0.02f, qPrintable(QString::number(worst)));
    }

    void blankImagesAreBlank_data() {
        QTest::addColumn<int>("background");
        QTest::addColumn<int>("noise");
        QTest::newRow("white") << 255 << 0;
        QTest::newRow("black") << 0 << 0;
        QTest::newRow("mid-gray") << 128 << 0;
        QTest::newRow("faint noise on white") << 240 << 14;
        QTest::newRow("faint noise on black") << 12 << 12;
        QTest::newRow("faint noise on gray") << 128 << 16;
    }

    void blankImagesAreBlank() {
        QFETCH(int, background);
        QFETCH(int, noise);
        GrayImage image = filled(280, 280, static_cast<std::uint8_t>(background));
        add_noise(image, noise, 1);
        verify_blank(image);
    }

    void faintSmudgeIsBlank() { verify_blank(seven_on_canvas(kWhite, 232)); }

    void isolatedSpeckIsBlank() {
        GrayImage image = filled(280, 280, kWhite);
        fill_rect(image, 140, 140, 2, 2, kBlack);
        verify_blank(image);
    }

    void thinVerticalLineStaysTallAndNarrow() {
        GrayImage image = filled(100, 100, kWhite);
        fill_rect(image, 70, 10, 1, 80, kBlack);
        const PreprocessedDigit digit = mnist::preprocess_digit(image);
        QVERIFY(!digit.blank);
        const Extent extent = ink_extent(digit);
        QCOMPARE(extent.height, 20);
        QCOMPARE(extent.width, 1);
        QVERIFY(std::abs(max_pixel(digit) - 1.0f) < 1e-3f);
        const QPointF com = centre_of_mass(digit);
        QVERIFY(std::abs(com.x() - 14.0) <= 0.5 && std::abs(com.y() - 14.0) <= 0.5);
    }

    void wideShapeKeepsItsAspectRatio() {
        GrayImage image = filled(300, 200, kWhite);
        fill_rect(image, 200, 150, 80, 20, kBlack);  // 4:1, in the bottom-right corner
        const PreprocessedDigit digit = mnist::preprocess_digit(image);
        QVERIFY(!digit.blank);
        const Extent extent = ink_extent(digit);
        QCOMPARE(extent.width, 20);
        QCOMPARE(extent.height, 5);
        // Area averaging of a solid block stays solid: no ringing, no faded edges.
        QCOMPARE(ink_extent(digit, 0.99f).height, 5);
    }

    void smallInputIsUpscaledSmoothly() {
        GrayImage image = filled(12, 12, kBlack);
        fill_rect(image, 2, 2, 4, 8, 200);
        const PreprocessedDigit digit = mnist::preprocess_digit(image);
        QVERIFY(!digit.blank);
        QVERIFY(in_unit_range(digit));
        const Extent extent = ink_extent(digit);
        QCOMPARE(extent.height, 20);
        QCOMPARE(extent.width, 10);
        QVERIFY(std::abs(max_pixel(digit) - 1.0f) < 1e-3f);
    }

    void tinyImagesDoNotCrash() {
        QVERIFY(mnist::preprocess_digit(GrayImage{}).blank);
        QVERIFY(mnist::preprocess_digit(filled(1, 1, kBlack)).blank);
        QVERIFY(mnist::preprocess_digit(filled(1, 1, kWhite)).blank);
        GrayImage two = filled(2, 2, kWhite);
        set(two, 0, 0, kBlack);
        QVERIFY(in_unit_range(mnist::preprocess_digit(two)));
        GrayImage dot = filled(3, 3, kWhite);
        set(dot, 1, 1, kBlack);
        QVERIFY(mnist::preprocess_digit(dot).blank);
        GrayImage strip = filled(1, 9, kWhite);
        fill_rect(strip, 0, 2, 1, 5, kBlack);
        QVERIFY(in_unit_range(mnist::preprocess_digit(strip)));
        GrayImage row = filled(9, 1, kBlack);
        fill_rect(row, 2, 0, 5, 1, kWhite);
        QVERIFY(in_unit_range(mnist::preprocess_digit(row)));
        // A width/height that disagrees with the pixel count is treated as blank, not read past.
        GrayImage lying = filled(4, 4, kWhite);
        lying.width = 40;
        QVERIFY(mnist::preprocess_digit(lying).blank);
    }

    void mnistDigitsSurviveUnchanged() {
        // Preprocessing an MNIST digit should give back (nearly) the same digit: the same box,
        // centring and scale that built MNIST.
        QFile file(QStringLiteral(MNIST_DATA_DIR "/t10k-images-idx3-ubyte"));
        if (!file.open(QIODevice::ReadOnly)) QSKIP("MNIST test images not fetched");
        constexpr int kDigits = 200;
        QVERIFY(file.seek(16));  // past the IDX header
        const QByteArray bytes = file.read(qint64{kDigits} * mnist::kImagePixels);
        QCOMPARE(bytes.size(), kDigits * mnist::kImagePixels);
        double total_error = 0;
        for (int d = 0; d < kDigits; ++d) {
            GrayImage image = filled(kImageSide, kImageSide, 0);
            for (int i = 0; i < mnist::kImagePixels; ++i)
                image.pixels[i] = static_cast<std::uint8_t>(bytes[d * mnist::kImagePixels + i]);
            const PreprocessedDigit digit = mnist::preprocess_digit(image);
            QVERIFY(!digit.blank);
            double error = 0;
            for (int i = 0; i < mnist::kImagePixels; ++i)
                error += std::abs(digit.pixels[i] - image.pixels[i] / 255.0f);
            total_error += error / mnist::kImagePixels;
        }
        const double mean_error = total_error / kDigits;
        QVERIFY2(mean_error < 0.015, qPrintable(QString::number(mean_error)));
    }

    void largeCanvasKeepsItsShape() {
        GrayImage image = filled(1000, 1000, kWhite);
        stroke(image, 300, 200, 700, 200, 25, kBlack);
        stroke(image, 700, 200, 450, 850, 25, kBlack);
        verify_centred_digit(mnist::preprocess_digit(image));
    }
};

QTEST_APPLESS_MAIN(TestDigitPreprocess)
#include "test_digit_preprocess.moc"
