// The drawn-digit set (MNIST test digits re-drawn like canvas drawings) and the headline it
// exists for: the bundled checkpoint plus preprocessing reads such drawings nearly as well as
// MNIST itself, >= 98 %.
#include <QtTest>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/digit_preprocess.h"
#include "core/drawn_digits.h"
#include "core/errors.h"
#include "core/predictor.h"

using mnist::DrawnDigit;
using mnist::DrawnDigitOptions;
using mnist::DrawnDigitSet;

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
