// Photographed digits: clean_photo takes ruled and margin lines and uneven light away from the ink,
// so preprocess_digit gives the same 28x28 digit as from a clean canvas; blank paper stays blank
// under any light and with any lines; and the bundled model reads a photographed digit.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/evaluation/drawn_digits.h"
#include "core/evaluation/paper_photo.h"
#include "core/inference/digit_preprocess.h"
#include "core/inference/photo_cleanup.h"
#include "core/inference/predictor.h"

using mnist::GrayImage;
using mnist::PhotoLook;
using mnist::PreprocessedDigit;

namespace {

constexpr int kWidth = 400;
constexpr int kHeight = 300;

struct Segment {
    double x0, y0, x1, y1;
};

// A "7" a bit left of centre, two round-capped strokes `radius` px thick, as ink coverage with
// anti-aliased edges.
std::vector<float> seven_coverage(double radius) {
    const std::vector<Segment> strokes = {{120, 70, 220, 70}, {220, 70, 160, 230}};
    std::vector<float> coverage(static_cast<std::size_t>(kWidth) * kHeight, 0.0f);
    for (int y = 0; y < kHeight; ++y)
        for (int x = 0; x < kWidth; ++x) {
            double nearest = 1e9;
            for (const Segment& s : strokes) {
                const double dx = s.x1 - s.x0, dy = s.y1 - s.y0;
                const double t = std::clamp(
                    ((x + 0.5 - s.x0) * dx + (y + 0.5 - s.y0) * dy) / (dx * dx + dy * dy), 0.0,
                    1.0);
                nearest =
                    std::min(nearest, std::hypot(x + 0.5 - s.x0 - t * dx, y + 0.5 - s.y0 - t * dy));
            }
            coverage[static_cast<std::size_t>(y) * kWidth + x] =
                static_cast<float>(std::clamp(radius + 0.5 - nearest, 0.0, 1.0));
        }
    return coverage;
}

// The digit's box in the frame, with room for the blur.
bool inside_digit(double x, double y) {
    return x >= 100 && x <= 240 && y >= 50 && y <= 250;
}

// White paper, black ink, nothing else: what the canvas would give.
PhotoLook clean_look() {
    PhotoLook look;
    look.paper = {1.0, 1.0, 1.0};
    look.ink = {0.0, 0.0, 0.0};
    look.jpeg_quality = 100;
    return look;
}

// Dark blue ruled lines (as dark as the listed range goes) and a red margin line through the
// digit's column, the page turned 4 degrees, noise, blur and a low JPEG quality.
PhotoLook lined_look() {
    PhotoLook look;
    look.rotation_degrees = 4.0;
    look.paper = {0.92, 0.9, 0.84};
    look.ink = {0.15, 0.15, 0.4};
    look.ruled = true;
    look.rule_spacing = 32.0;
    look.rule_phase = 7.0;
    look.rule_width = 2.5;
    look.rule_colour = {0.45, 0.6, 0.85};
    look.margin = true;
    look.margin_position = 0.45;
    look.margin_width = 3.0;
    look.margin_colour = {0.8, 0.45, 0.4};
    look.blur_sigma = 0.8;
    look.noise_sigma = 5.0;
    look.jpeg_quality = 55;
    return look;
}

// Light falling off by 60 % towards one side, from `degrees`, on plain paper.
PhotoLook shaded_look(double degrees, double curve) {
    PhotoLook look;
    look.paper = {0.95, 0.93, 0.88};
    look.ink = {0.2, 0.2, 0.2};
    look.light_direction_degrees = degrees;
    look.light_falloff = 0.6;
    look.light_curve = curve;
    look.blur_sigma = 1.0;
    look.noise_sigma = 6.0;
    look.jpeg_quality = 60;
    return look;
}

GrayImage photo(const std::vector<float>& coverage, const PhotoLook& look, std::uint64_t seed = 1) {
    mnist::SeededRandom rng(seed);
    return mnist::photograph(coverage, kWidth, kHeight, look, rng).image;
}

float mean_difference(const PreprocessedDigit& a, const PreprocessedDigit& b) {
    double sum = 0;
    for (int i = 0; i < mnist::kImagePixels; ++i) sum += std::abs(a.pixels[i] - b.pixels[i]);
    return static_cast<float>(sum / mnist::kImagePixels);
}

// Pixels the cleaning kept as ink (darker than mid-grey) outside the digit's box; the cleaned
// image may be smaller than the photo, so its coordinates are scaled back.
int ink_outside_digit(const mnist::CleanedPhoto& cleaned) {
    const double scale = static_cast<double>(kWidth) / cleaned.image.width;
    int count = 0;
    for (int y = 0; y < cleaned.image.height; ++y)
        for (int x = 0; x < cleaned.image.width; ++x)
            if (cleaned.image.at(x, y) < 128 && !inside_digit((x + 0.5) * scale, (y + 0.5) * scale))
                ++count;
    return count;
}

int ink_inside_digit(const mnist::CleanedPhoto& cleaned) {
    const double scale = static_cast<double>(kWidth) / cleaned.image.width;
    int count = 0;
    for (int y = 0; y < cleaned.image.height; ++y)
        for (int x = 0; x < cleaned.image.width; ++x)
            if (cleaned.image.at(x, y) < 64 && inside_digit((x + 0.5) * scale, (y + 0.5) * scale))
                ++count;
    return count;
}

void verify_blank(const GrayImage& image) {
    const PreprocessedDigit digit = mnist::preprocess_digit(image);
    QVERIFY(digit.blank);
    QVERIFY(std::all_of(digit.pixels.begin(), digit.pixels.end(), [](float v) { return v == 0; }));
}

std::string bundled_checkpoint() {
    if (const char* env = std::getenv("MNIST_STUDIO_MODEL"); env && *env) return env;
    return MNIST_SOURCE_DIR "/resources/best_Model_3.pth";
}

}  // namespace

Q_DECLARE_METATYPE(PhotoLook)

class TestPhotoCleanup : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void initTestCase() {
        if (!mnist::photo_cleanup_available())
            QSKIP("built without OpenCV: photos are not cleaned");
    }

    void linesAreRemoved() {
        const GrayImage lined = photo(seven_coverage(6), lined_look());
        const mnist::CleanedPhoto cleaned = mnist::clean_photo(lined);
        QVERIFY(!cleaned.blank);
        QCOMPARE(ink_outside_digit(cleaned), 0);
        QVERIFY(ink_inside_digit(cleaned) > 500);
        // What the model sees is the 7 the canvas would give.
        const PreprocessedDigit reference =
            mnist::preprocess_digit(photo(seven_coverage(6), clean_look()));
        const PreprocessedDigit digit = mnist::preprocess_digit(lined);
        QVERIFY(!digit.blank);
        const float difference = mean_difference(reference, digit);
        QVERIFY2(difference < 0.04f, qPrintable(QString::number(difference)));
    }

    void shadingIsRemoved_data() {
        QTest::addColumn<double>("degrees");
        QTest::addColumn<double>("curve");
        QTest::newRow("from the left") << 0.0 << 1.0;
        QTest::newRow("from above, steep") << 90.0 << 0.6;
        QTest::newRow("from the lower right, late") << 200.0 << 2.0;
        QTest::newRow("from the top right") << 300.0 << 1.0;
    }
    void shadingIsRemoved() {
        QFETCH(double, degrees);
        QFETCH(double, curve);
        const GrayImage shaded = photo(seven_coverage(5), shaded_look(degrees, curve));
        const mnist::CleanedPhoto cleaned = mnist::clean_photo(shaded);
        QVERIFY(!cleaned.blank);
        QCOMPARE(ink_outside_digit(cleaned), 0);
        // The shade is gone, not just thresholded: the paper is white all over.
        const auto paper =
            std::count(cleaned.image.pixels.begin(), cleaned.image.pixels.end(), std::uint8_t{255});
        QVERIFY(static_cast<std::size_t>(paper) > cleaned.image.pixels.size() * 8 / 10);
        const PreprocessedDigit reference =
            mnist::preprocess_digit(photo(seven_coverage(5), clean_look()));
        const float difference = mean_difference(reference, mnist::preprocess_digit(shaded));
        QVERIFY2(difference < 0.04f, qPrintable(QString::number(difference)));
    }

    void chalkOnDarkPaperIsReadToo() {
        GrayImage lined = photo(seven_coverage(6), lined_look());
        const PreprocessedDigit dark_ink = mnist::preprocess_digit(lined);
        for (auto& p : lined.pixels) p = static_cast<std::uint8_t>(255 - p);
        const PreprocessedDigit light_ink = mnist::preprocess_digit(lined);
        QVERIFY(!light_ink.blank);
        const float difference = mean_difference(dark_ink, light_ink);
        QVERIFY2(difference < 0.03f, qPrintable(QString::number(difference)));
    }

    void blankPaperIsBlank_data() {
        QTest::addColumn<PhotoLook>("look");
        PhotoLook even = clean_look();
        even.paper = {0.9, 0.88, 0.8};
        even.noise_sigma = 4.0;
        even.jpeg_quality = 80;
        QTest::newRow("even light, plain") << even;
        QTest::newRow("ruled and margin, turned") << lined_look();
        PhotoLook side = lined_look();
        side.light_falloff = 0.6;
        side.light_direction_degrees = 0.0;
        QTest::newRow("lines, light from the left") << side;
        PhotoLook dim = lined_look();
        dim.paper = {0.72, 0.7, 0.66};
        dim.ruled = false;
        dim.light_falloff = 0.6;
        dim.light_curve = 2.0;
        dim.light_direction_degrees = 135.0;
        dim.noise_sigma = 8.0;
        dim.jpeg_quality = 45;
        QTest::newRow("dim grey paper, margin, noisy") << dim;
        for (double degrees : {60.0, 250.0}) {
            PhotoLook shade = shaded_look(degrees, 0.6);
            QTest::newRow(qPrintable(QStringLiteral("shade from %1 degrees").arg(degrees)))
                << shade;
        }
    }
    void blankPaperIsBlank() {
        QFETCH(PhotoLook, look);
        for (std::uint64_t seed : {1, 2, 3}) verify_blank(photo({}, look, seed));
    }

    void generatedBlankPhotosAreBlank() {
        // The photo generator's blank paper: every look it draws, minus the digit.
        const std::vector<std::uint8_t> one_digit(28 * 28, 255);
        const mnist::DrawnDigitSet set(one_digit, {3},
                                       mnist::DrawnDigitOptions::photos().count(40).seed(9));
        for (int i = 0; i < set.size(); ++i) {
            const mnist::DrawnDigit blank = set.render_blank(i);
            QCOMPARE(blank.label, -1);
            const PreprocessedDigit digit = mnist::preprocess_digit(blank.image);
            QVERIFY2(digit.blank, qPrintable(QStringLiteral("blank photo %1").arg(i)));
        }
    }

    void bundledModelReadsAPhotographedSeven() {
        const std::string checkpoint = bundled_checkpoint();
        if (!std::filesystem::exists(checkpoint)) QSKIP("no bundled checkpoint");
        const mnist::Predictor predictor(checkpoint);
        for (const PhotoLook& look : {lined_look(), shaded_look(30.0, 1.0)}) {
            const mnist::Prediction p = predictor.predict(photo(seven_coverage(6), look));
            QVERIFY(!p.blank);
            QCOMPARE(p.digit, 7);
        }
    }
};

QTEST_APPLESS_MAIN(TestPhotoCleanup)
#include "test_photo_cleanup.moc"
