// The drawn-digit set (MNIST test digits re-drawn like canvas drawings) and the headline it
// exists for: the bundled checkpoint plus preprocessing reads such drawings nearly as well as
// MNIST itself, >= 98 %.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/errors.h"
#include "core/evaluation/drawn_digits.h"
#include "core/evaluation/paper_photo.h"
#include "core/inference/digit_preprocess.h"
#include "core/inference/image_file.h"
#include "core/inference/photo_cleanup.h"
#include "core/inference/predictor.h"

using mnist::DrawnDigit;
using mnist::DrawnDigitOptions;
using mnist::DrawnDigitSet;
using mnist::GrayImage;

namespace {

bool have_mnist() {
    return std::filesystem::exists(MNIST_DATA_DIR "/t10k-images-idx3-ubyte");
}
constexpr const char* kNoData = "MNIST not fetched (scripts/fetch_data.sh)";

// The app's own lookup: $MNIST_STUDIO_MODEL when set, else the checkpoint that ships.
std::string bundled_checkpoint() {
    if (const char* env = std::getenv("MNIST_STUDIO_MODEL"); env && *env) return env;
    return MNIST_SOURCE_DIR "/resources/best_Model_3.pth";
}

QPointF centre_of_mass(const mnist::PreprocessedDigit& digit) {
    double mass = 0, mx = 0, my = 0;
    for (int y = 0; y < mnist::kImageSide; ++y)
        for (int x = 0; x < mnist::kImageSide; ++x) {
            const double v = digit.pixels[static_cast<std::size_t>(y) * mnist::kImageSide + x];
            mass += v;
            mx += x * v;
            my += y * v;
        }
    return mass > 0 ? QPointF(mx / mass, my / mass) : QPointF(-1, -1);
}

// Share of the canvas's pixels that are clearly ink (more than half-way from paper to ink).
double ink_share(const DrawnDigit& d) {
    const std::uint8_t paper = d.image.at(0, 0);
    const auto inked = std::count_if(d.image.pixels.begin(), d.image.pixels.end(),
                                     [&](std::uint8_t v) { return std::abs(v - paper) > 128; });
    return static_cast<double>(inked) / static_cast<double>(d.image.pixels.size());
}

}  // namespace

class TestDrawnDigits : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void sameSeedSameDrawings() {
        if (!have_mnist()) QSKIP(kNoData);
        const DrawnDigitSet a(MNIST_DATA_DIR, DrawnDigitOptions().count(20).seed(7));
        const DrawnDigitSet b(MNIST_DATA_DIR, DrawnDigitOptions().count(20).seed(7));
        const DrawnDigitSet other(MNIST_DATA_DIR, DrawnDigitOptions().count(20).seed(8));
        int differ = 0;
        for (int i = 0; i < a.size(); ++i) {
            const DrawnDigit x = a.render(i), y = b.render(i);
            QCOMPARE(x.label, y.label);
            QCOMPARE(x.source_index, y.source_index);
            QCOMPARE(x.image.width, y.image.width);
            QVERIFY(x.image.pixels == y.image.pixels);
            // Rendering in another order gives the same image too.
            QVERIFY(a.render(a.size() - 1 - i).image.pixels ==
                    b.render(b.size() - 1 - i).image.pixels);
            differ += other.render(i).image.pixels != x.image.pixels;
        }
        QCOMPARE(differ, a.size());
    }

    void canvasesAreLargeWithBothPolarities() {
        if (!have_mnist()) QSKIP(kNoData);
        const DrawnDigitSet set(MNIST_DATA_DIR, DrawnDigitOptions().count(60));
        int dark_on_light = 0;
        std::array<int, 10> labels{};
        for (int i = 0; i < set.size(); ++i) {
            const DrawnDigit d = set.render(i);
            QVERIFY(d.image.width >= 200 && d.image.width <= 800);
            QVERIFY(d.image.height >= 200 && d.image.height <= 800);
            QCOMPARE(d.image.pixels.size(),
                     static_cast<std::size_t>(d.image.width) * d.image.height);
            QVERIFY(d.height >= 0.15 && d.height <= 0.9);
            // The corner is paper: light when the ink is dark, dark when it is light.
            QCOMPARE(d.image.at(0, 0) > 128, d.dark_on_light);
            dark_on_light += d.dark_on_light;
            ++labels[static_cast<std::size_t>(d.label)];
        }
        QVERIFY2(dark_on_light > 10 && dark_on_light < 50,
                 qPrintable(QString::number(dark_on_light)));
        QVERIFY(std::all_of(labels.begin(), labels.end(), [](int n) { return n > 0; }));
    }

    void preprocessedDrawingsAreCentredLikeMnist() {
        if (!have_mnist()) QSKIP(kNoData);
        const DrawnDigitSet set(MNIST_DATA_DIR, DrawnDigitOptions().count(40).seed(3));
        for (int i = 0; i < set.size(); ++i) {
            const mnist::PreprocessedDigit digit = mnist::preprocess_digit(set.render(i).image);
            QVERIFY(!digit.blank);
            const QPointF com = centre_of_mass(digit);
            QVERIFY2(std::abs(com.x() - 14.0) <= 1.0 && std::abs(com.y() - 14.0) <= 1.0,
                     qPrintable(QStringLiteral("digit %1: centre of mass (%2, %3)")
                                    .arg(i)
                                    .arg(com.x())
                                    .arg(com.y())));
        }
    }

    void paperNoiseAndBlurLeaveTheDigitReadable() {
        if (!have_mnist()) QSKIP(kNoData);
        const auto base = DrawnDigitOptions().count(20).seed(11);
        const DrawnDigitSet clean(MNIST_DATA_DIR, base);
        const DrawnDigitSet rough(MNIST_DATA_DIR, DrawnDigitOptions(base).noise(8).blur(2.0));
        for (int i = 0; i < rough.size(); ++i) {
            const DrawnDigit c = clean.render(i), r = rough.render(i);
            QVERIFY(c.image.pixels != r.image.pixels);
            const mnist::PreprocessedDigit digit = mnist::preprocess_digit(r.image);
            QVERIFY(!digit.blank);
            const QPointF com = centre_of_mass(digit);
            QVERIFY(std::abs(com.x() - 14.0) <= 1.0 && std::abs(com.y() - 14.0) <= 1.0);
        }
    }

    void penWidthFollowsTheOptions() {
        if (!have_mnist()) QSKIP(kNoData);
        // The same digits, at the same place and size, with a thin and with a fat pen.
        const auto base = DrawnDigitOptions().count(30).seed(5);
        const DrawnDigitSet thin(MNIST_DATA_DIR, DrawnDigitOptions(base).pen_width(1.0, 1.5));
        const DrawnDigitSet fat(MNIST_DATA_DIR, DrawnDigitOptions(base).pen_width(5.0, 6.0));
        double thin_width = 0, fat_width = 0, thin_ink = 0, fat_ink = 0;
        for (int i = 0; i < thin.size(); ++i) {
            const DrawnDigit t = thin.render(i), f = fat.render(i);
            QCOMPARE(t.source_index, f.source_index);
            QVERIFY(t.stroke_width <= 1.6);
            // A pen that would close a loop or join strokes is narrowed, never widened.
            QVERIFY(f.stroke_width <= 6.1);
            thin_width += t.stroke_width;
            fat_width += f.stroke_width;
            thin_ink += ink_share(t) / (t.height * t.height);
            fat_ink += ink_share(f) / (f.height * f.height);
        }
        QVERIFY2(fat_width > 3 * thin_width, qPrintable(QString::number(fat_width / thin_width)));
        QVERIFY2(fat_ink > 2 * thin_ink, qPrintable(QString::number(fat_ink / thin_ink)));
    }

    void photosAreSeededAndDeterministic() {
        // Digits in memory (a bar and a ring), so this runs without MNIST.
        std::vector<std::uint8_t> digits(2 * 28 * 28, 0);
        for (int y = 6; y < 22; ++y)
            for (int x = 12; x < 16; ++x) digits[static_cast<std::size_t>(y) * 28 + x] = 255;
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x) {
                const double r = std::hypot(x - 13.5, y - 13.5);
                if (r > 5 && r < 9) digits[28 * 28 + static_cast<std::size_t>(y) * 28 + x] = 255;
            }
        const auto options = DrawnDigitOptions::photos().count(6);
        const DrawnDigitSet a(digits, {1, 0}, DrawnDigitOptions(options).seed(4));
        const DrawnDigitSet b(digits, {1, 0}, DrawnDigitOptions(options).seed(4));
        const DrawnDigitSet other(digits, {1, 0}, DrawnDigitOptions(options).seed(5));
        for (int i = 0; i < a.size(); ++i) {
            const DrawnDigit x = a.render(i), y = b.render(a.size() - 1 - i);
            const DrawnDigit x_again = b.render(i);
            QVERIFY(!x.jpeg.empty());
            QVERIFY(x.jpeg == x_again.jpeg);
            QVERIFY(x.image.pixels == x_again.image.pixels);
            QVERIFY(y.jpeg == a.render(a.size() - 1 - i).jpeg);
            QVERIFY(other.render(i).jpeg != x.jpeg);
            // The image is what the JPEG file decodes to, so a saved photo predicts the same.
            const GrayImage decoded = mnist::decode_image(x.jpeg.data(), x.jpeg.size(), "photo");
            QVERIFY(decoded.pixels == x.image.pixels);
            // Its blank twin is the same paper and light, without the ink.
            const DrawnDigit blank = a.render_blank(i);
            QCOMPARE(blank.image.width, x.image.width);
            QCOMPARE(blank.look.jpeg_quality, x.look.jpeg_quality);
            QCOMPARE(blank.look.rotation_degrees, x.look.rotation_degrees);
            QVERIFY(blank.jpeg != x.jpeg);
            QVERIFY(x.image.width >= 240 && x.image.width <= 800);
            QVERIFY(x.height >= 0.2 - 1e-9 && x.height <= 0.7 + 1e-9);
        }
    }

    void photoLooksCoverTheListedDegradations() {
        // Ink on tinted paper, light from one side, ruled or margin lines, noise, blur, a turn,
        // JPEG 45-90: each within its range, and each range actually reached.
        mnist::SeededRandom rng(42);
        int ruled = 0, margin = 0, plain = 0;
        double min_turn = 0, max_turn = 0, min_falloff = 1, max_falloff = 0;
        int min_quality = 100, max_quality = 0;
        double max_noise = 0, max_blur = 0, min_blur = 10, max_tint = 0;
        for (int i = 0; i < 400; ++i) {
            const mnist::PhotoLook look = mnist::random_photo_look(rng, 600, 450);
            ruled += look.ruled;
            margin += look.margin;
            plain += !look.ruled && !look.margin;
            min_turn = std::min(min_turn, look.rotation_degrees);
            max_turn = std::max(max_turn, look.rotation_degrees);
            min_falloff = std::min(min_falloff, look.light_falloff);
            max_falloff = std::max(max_falloff, look.light_falloff);
            min_quality = std::min(min_quality, look.jpeg_quality);
            max_quality = std::max(max_quality, look.jpeg_quality);
            max_noise = std::max(max_noise, look.noise_sigma);
            min_blur = std::min(min_blur, look.blur_sigma);
            max_blur = std::max(max_blur, look.blur_sigma);
            const auto [lo, hi] = std::minmax({look.paper[0], look.paper[1], look.paper[2]});
            max_tint = std::max(max_tint, 1.0 - lo / hi);
            QVERIFY(look.noise_sigma >= 2.0 && look.noise_sigma <= 8.0);
            QVERIFY(look.jpeg_quality >= 45 && look.jpeg_quality <= 90);
            QVERIFY(std::abs(look.rotation_degrees) <= 10.0);
            // The ink is darker than any line: lines are lines, the digit is ink.
            const double ink = 0.299 * look.ink[0] + 0.587 * look.ink[1] + 0.114 * look.ink[2];
            QVERIFY(ink <= 0.45);
        }
        QVERIFY(ruled > 200 && margin > 150 && plain > 30);
        QVERIFY(min_turn < -8 && max_turn > 8);
        QVERIFY(min_falloff < 0.25 && max_falloff > 0.55);
        QVERIFY(min_quality <= 47 && max_quality >= 88);
        QVERIFY(max_noise > 7.5 && min_blur < 0.5 && max_blur > 1.3);
        QVERIFY(max_tint > 0.08);
    }

    void badOptionsAreRefused() {
        const std::vector<std::uint8_t> one_digit(28 * 28, 255);
        auto make = [&](const DrawnDigitOptions& o) { DrawnDigitSet set(one_digit, {3}, o); };
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, make(DrawnDigitOptions().count(0)));
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, make(DrawnDigitOptions().canvas(20, 100)));
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument,
                                 make(DrawnDigitOptions().height(0.5, 0.2)));
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, make(DrawnDigitOptions().pen_width(0, 2)));
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument,
                                 make(DrawnDigitOptions().dark_on_light(2)));
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument,
                                 DrawnDigitSet(one_digit, {3, 4}, DrawnDigitOptions()));
        const DrawnDigitSet set(one_digit, {3}, DrawnDigitOptions().count(2));
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, set.render(2));
    }

    // Photos of MNIST digits written on paper (ruled lines, shading, noise, blur, turn, JPEG):
    // the bundled checkpoint reads them as well as drawings, once photo_cleanup has separated
    // the ink. 200 photos keep this quick; README has 1,000 and 5,000.
    void bundledCheckpointReadsPhotographedDigits() {
        if (!have_mnist()) QSKIP(kNoData);
        const std::string checkpoint = bundled_checkpoint();
        if (!std::filesystem::exists(checkpoint)) QSKIP("no bundled checkpoint");
        if (!mnist::photo_cleanup_available())
            QSKIP("built without OpenCV: photos are not cleaned");
        const mnist::Predictor predictor(checkpoint);
        const DrawnDigitSet set(MNIST_DATA_DIR, DrawnDigitOptions::photos().count(200).seed(1));
        const mnist::DrawnDigitReport report = mnist::evaluate_drawn_digits(predictor, set);
        qInfo("%s: %.2f%% of 200 photographed digits, %lld called blank", checkpoint.c_str(),
              report.accuracy, static_cast<long long>(report.blanks));
        QCOMPARE(report.blanks, 0);
        QVERIFY2(report.accuracy >= 98.0, qPrintable(QString::number(report.accuracy)));
    }

    // The headline: what a user drawing on the canvas gets from the checkpoint that ships.
    void bundledCheckpointReadsDrawnDigits() {
        if (!have_mnist()) QSKIP(kNoData);
        const std::string checkpoint = bundled_checkpoint();
        if (!std::filesystem::exists(checkpoint)) {
            QSKIP(qPrintable(QStringLiteral("no bundled checkpoint at %1: train it (README) or set "
                                            "$MNIST_STUDIO_MODEL")
                                 .arg(QString::fromStdString(checkpoint))));
        }
        const mnist::Predictor predictor(checkpoint);
        const DrawnDigitSet set(MNIST_DATA_DIR, DrawnDigitOptions().count(1000).seed(1));
        const mnist::DrawnDigitReport report = mnist::evaluate_drawn_digits(predictor, set);
        QCOMPARE(report.count, 1000);
        for (const auto& b : report.buckets)
            qInfo("%-24s %5lld  %6.2f%%", b.name.c_str(), static_cast<long long>(b.count),
                  b.accuracy);
        qInfo("%s: %.2f%% of 1000 drawn digits, %lld called blank", checkpoint.c_str(),
              report.accuracy, static_cast<long long>(report.blanks));
        QCOMPARE(report.blanks, 0);
        QVERIFY2(report.accuracy >= 98.0, qPrintable(QString::number(report.accuracy)));
    }
};

QTEST_APPLESS_MAIN(TestDrawnDigits)
#include "test_drawn_digits.moc"
