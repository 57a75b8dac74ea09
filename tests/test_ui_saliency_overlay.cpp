// Tests for the saliency overlay on the Draw & Predict canvas: core's placement maps each inked
// 28x28 cell back onto inked source pixels (shrunk and enlarged sources alike), and with "Show
// saliency" on, a drawn stroke gets tinted near the stroke only, and toggling off restores it.
#include <QAction>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <exception>

#include "core/checkpoint/bundled_model.h"
#include "core/inference/digit_preprocess.h"
#include "drawing_test_support.h"
#include "test_ui_environment.h"
#include "ui/draw_predict_page.h"
#include "ui/drawing_canvas.h"
#include "ui/prediction_panel.h"

using mnist::ui::DrawingCanvas;
using mnist::ui::DrawPredictPage;
using mnist::ui::PredictionPanel;

namespace {

mnist::GrayImage blackImage(int w, int h) {
    mnist::GrayImage image;
    image.width = w;
    image.height = h;
    image.pixels.assign(static_cast<std::size_t>(w) * h, 0);
    return image;
}

void fill(mnist::GrayImage& image, int left, int top, int right, int bottom) {
    for (int y = top; y < bottom; ++y)
        for (int x = left; x < right; ++x)
            image.pixels[static_cast<std::size_t>(y) * image.width + x] = 255;
}

bool inkIn(const mnist::GrayImage& image, const mnist::SourceRect& r) {
    const int x0 = std::max(0, static_cast<int>(std::floor(r.left)));
    const int y0 = std::max(0, static_cast<int>(std::floor(r.top)));
    const int x1 = std::min(image.width, static_cast<int>(std::ceil(r.left + r.width)));
    const int y1 = std::min(image.height, static_cast<int>(std::ceil(r.top + r.height)));
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
            if (image.at(x, y) > 0) return true;
    return false;
}

// Every inked cell comes from a source rectangle holding ink, and the inked cells' rectangles
// together span the ink's bounding box [left, right) x [top, bottom).
void checkPlacement(const mnist::GrayImage& image, int left, int top, int right, int bottom) {
    const mnist::PreprocessedDigit digit = mnist::preprocess_digit(image);
    QVERIFY(!digit.blank);
    QCOMPARE(digit.placement.source_width, image.width);
    QCOMPARE(digit.placement.source_height, image.height);
    double min_x = 1e9, min_y = 1e9, max_x = -1e9, max_y = -1e9;
    int inked = 0;
    for (int y = 0; y < mnist::kImageSide; ++y) {
        for (int x = 0; x < mnist::kImageSide; ++x) {
            if (digit.pixels[static_cast<std::size_t>(y) * mnist::kImageSide + x] <= 0) continue;
            ++inked;
            const mnist::SourceRect r = mnist::cell_source_rect(digit.placement, x, y);
            QVERIFY2(!r.empty() && inkIn(image, r),
                     qPrintable(QStringLiteral("cell (%1, %2) maps to (%3, %4) %5x%6 without ink")
                                    .arg(x)
                                    .arg(y)
                                    .arg(r.left)
                                    .arg(r.top)
                                    .arg(r.width)
                                    .arg(r.height)));
            min_x = std::min(min_x, r.left);
            min_y = std::min(min_y, r.top);
            max_x = std::max(max_x, r.left + r.width);
            max_y = std::max(max_y, r.top + r.height);
        }
    }
    QVERIFY(inked > 0);
    QVERIFY(std::abs(min_x - left) < 1e-6 && std::abs(min_y - top) < 1e-6);
    QVERIFY(std::abs(max_x - right) < 1e-6 && std::abs(max_y - bottom) < 1e-6);
}

}  // namespace

class SaliencyOverlayTest : public QObject {
    Q_OBJECT
    QTemporaryDir settings_dir_;

  private Q_SLOTS:
    void initTestCase() { mnist::ui::testing::isolateApplicationState(settings_dir_); }

    void placementMapsCellsBackOntoTheInk() {
        // A bar off centre in a big canvas (shrunk to 20 px) ...
        mnist::GrayImage big = blackImage(280, 280);
        fill(big, 40, 100, 70, 250);
        checkPlacement(big, 40, 100, 70, 250);
        // ... an L shape, so the centre of mass is not the box's centre ...
        mnist::GrayImage ell = blackImage(280, 200);
        fill(ell, 150, 20, 170, 180);
        fill(ell, 150, 160, 260, 180);
        checkPlacement(ell, 150, 20, 260, 180);
        // ... and a small source, enlarged to 20 px.
        mnist::GrayImage small = blackImage(16, 16);
        fill(small, 3, 2, 8, 12);
        checkPlacement(small, 3, 2, 8, 12);
    }

    void identityPlacementIsTheFrameItself() {
        const mnist::DigitPlacement p = mnist::identity_placement();
        const mnist::SourceRect r = mnist::cell_source_rect(p, 5, 7);
        QCOMPARE(r.left, 5.0);
        QCOMPARE(r.top, 7.0);
        QCOMPARE(r.width, 1.0);
        QCOMPARE(r.height, 1.0);
    }

    void overlayTintsTheStrokeOnlyAndTogglesOff() {
        std::string bundled;
        try {
            bundled = mnist::find_bundled_checkpoint(
                QCoreApplication::applicationFilePath().toStdString());
        } catch (const std::exception& e) {
            QSKIP(qPrintable(QStringLiteral("no bundled checkpoint: %1").arg(e.what())));
        }
        DrawPredictPage page({new QAction(this), new QAction(this), new QAction(this)});
        page.resize(900, 600);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(page.predictionPanel()->loadCheckpoint(QString::fromStdString(bundled)));
        QVERIFY(!page.saliencyAction()->isChecked());  // off by default

        DrawingCanvas* canvas = page.canvas();
        const double side = DrawingCanvas::kImageSide;
        QSignalSpy updated(page.predictionPanel(), &PredictionPanel::predictionUpdated);
        const QPointF a(side * 0.45, side * 0.2), b(side * 0.55, side * 0.8);
        stroke(canvas, {a, b});
        QTRY_VERIFY_WITH_TIMEOUT(updated.count() >= 1, 3000);
        QVERIFY(!page.predictionPanel()->lastPrediction().blank);
        const QImage before = canvas->grab().toImage();
        QVERIFY(canvas->overlay().isNull());

        page.saliencyAction()->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(!canvas->overlay().isNull(), 10000);
        const QImage with = canvas->grab().toImage();
        QCOMPARE(with.size(), before.size());

        // Near the stroke: its box grown by the pen and a little for rounding, in widget pixels.
        const qreal pen = DrawingCanvas::kPenWidth / 2.0 + 4;
        const QRectF near = QRectF(
            canvas->toWidget(QPointF(std::min(a.x(), b.x()) - pen, std::min(a.y(), b.y()) - pen)),
            canvas->toWidget(QPointF(std::max(a.x(), b.x()) + pen, std::max(a.y(), b.y()) + pen)));
        const qreal dpr = with.devicePixelRatio();
        int changed = 0;
        for (int y = 0; y < with.height(); ++y) {
            for (int x = 0; x < with.width(); ++x) {
                if (with.pixel(x, y) == before.pixel(x, y)) continue;
                ++changed;
                QVERIFY2(near.contains(QPointF(x / dpr, y / dpr)),
                         qPrintable(QStringLiteral("pixel (%1, %2) changed, far from the stroke")
                                        .arg(x)
                                        .arg(y)));
            }
        }
        QVERIFY2(changed > 100, qPrintable(QStringLiteral("%1 pixels tinted").arg(changed)));

        page.saliencyAction()->setChecked(false);
        QVERIFY(canvas->overlay().isNull());
        QCOMPARE(canvas->grab().toImage(), before);

        // Clear drops it too, and a blank canvas gets none.
        page.saliencyAction()->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(!canvas->overlay().isNull(), 10000);
        canvas->clear();
        QVERIFY(canvas->overlay().isNull());
    }
};

QTEST_MAIN(SaliencyOverlayTest)
#include "test_ui_saliency_overlay.moc"
