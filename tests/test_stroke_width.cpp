// StrokeShape measures the width of strokes of known width, re-draws them wider or narrower by
// the asked amount, and never breaks a stroke, closes a loop or spills outside the old ink when
// narrowing.
#include <QtTest>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/image/stroke_width.h"

using mnist::StrokeShape;

namespace {

struct Mask {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> ink;

    Mask(int w, int h) : width(w), height(h), ink(static_cast<std::size_t>(w) * h, 0) {}
    std::uint8_t& at(int x, int y) { return ink[static_cast<std::size_t>(y) * width + x]; }
};

// A round-capped pen stroke of diameter `width` from (x0, y0) to (x1, y1).
void line(Mask& m, double x0, double y0, double x1, double y1, double width) {
    for (int y = 0; y < m.height; ++y)
        for (int x = 0; x < m.width; ++x) {
            const double dx = x1 - x0, dy = y1 - y0;
            const double t =
                std::clamp(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
            if (std::hypot(x - (x0 + t * dx), y - (y0 + t * dy)) <= width / 2.0) m.at(x, y) = 1;
        }
}

// A ring of outer radius r, `width` wide, centred at (cx, cy).
void ring(Mask& m, double cx, double cy, double r, double width) {
    for (int y = 0; y < m.height; ++y)
        for (int x = 0; x < m.width; ++x) {
            const double d = std::hypot(x - cx, y - cy);
            if (d <= r && d >= r - width) m.at(x, y) = 1;
        }
}

// Ink pixels of a re-drawn field down one column.
int column_ink(const std::vector<float>& distance, int width, int height, int x) {
    int n = 0;
    for (int y = 0; y < height; ++y) n += distance[static_cast<std::size_t>(y) * width + x] < 0.0f;
    return n;
}

// Counts 8-connected ink parts and 4-connected paper regions (the outside included).
std::pair<int, int> parts_and_regions(const std::vector<float>& distance, int w, int h) {
    std::vector<int> label(distance.size(), 0);
    int parts = 0, regions = 0;
    for (int start = 0; start < w * h; ++start) {
        if (label[static_cast<std::size_t>(start)]) continue;
        const bool ink = distance[static_cast<std::size_t>(start)] < 0.0f;
        (ink ? parts : regions) += 1;
        std::vector<int> stack{start};
        label[static_cast<std::size_t>(start)] = 1;
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    if (!ink && dx != 0 && dy != 0) continue;
                    const int x = i % w + dx, y = i / w + dy;
                    if (x < 0 || y < 0 || x >= w || y >= h) continue;
                    const auto n = static_cast<std::size_t>(y * w + x);
                    if (label[n] || (distance[n] < 0.0f) != ink) continue;
                    label[n] = 1;
                    stack.push_back(static_cast<int>(n));
                }
        }
    }
    return {parts, regions};
}

}  // namespace

class TestStrokeWidth : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void measuresAPenStrokesWidth_data() {
        QTest::addColumn<double>("width");
        QTest::addColumn<double>("angle");
        for (double width : {3.0, 8.0, 15.0})
            for (double angle : {0.0, 30.0, 45.0, 80.0})
                QTest::addRow("%g px at %g deg", width, angle) << width << angle;
    }
    void measuresAPenStrokesWidth() {
        QFETCH(double, width);
        QFETCH(double, angle);
        Mask m(160, 160);
        const double c = std::cos(angle * M_PI / 180), s = std::sin(angle * M_PI / 180);
        line(m, 80 - 55 * c, 80 - 55 * s, 80 + 55 * c, 80 + 55 * s, width);
        const StrokeShape shape(m.ink, m.width, m.height);
        QVERIFY(!shape.empty());
        QVERIFY2(std::abs(shape.stroke_width() - width) <= 1.0,
                 qPrintable(QString::number(shape.stroke_width())));
    }

    void redrawsWiderAndNarrower() {
        Mask m(120, 60);
        line(m, 20, 30, 100, 30, 9);  // a horizontal bar, 9 px thick
        const StrokeShape shape(m.ink, m.width, m.height);
        QCOMPARE(column_ink(shape.redrawn(shape.stroke_width()), m.width, m.height, 60), 9);
        QCOMPARE(column_ink(shape.redrawn(15), m.width, m.height, 60), 15);
        QCOMPARE(column_ink(shape.redrawn(3), m.width, m.height, 60), 3);
    }

    void narrowingKeepsStrokesWholeAndInsideTheOldInk() {
        // A ring whose left half is twice as thick as its right: narrowing the pen to 2 px must
        // neither break the thin half nor close the hole, and must stay on the old ink.
        Mask m(100, 100);
        ring(m, 50, 50, 40, 6);
        for (int y = 0; y < m.height; ++y)
            for (int x = 0; x < 50; ++x)
                if (std::hypot(x - 50.0, y - 50.0) <= 40 && std::hypot(x - 50.0, y - 50.0) >= 28)
                    m.at(x, y) = 1;
        const StrokeShape shape(m.ink, m.width, m.height);
        const std::vector<float> thin = shape.redrawn(2);
        const auto [parts, regions] = parts_and_regions(thin, m.width, m.height);
        QCOMPARE(parts, 1);
        QCOMPARE(regions, 2);  // outside and the hole
        for (std::size_t i = 0; i < thin.size(); ++i)
            if (thin[i] < 0.0f) QVERIFY(m.ink[i]);
        // Across row 50: both halves lose the same (the median 6 px stroke goes to 2 px, the
        // 12 px one to about 8), and the floor keeps the thin half at 2 px.
        int left = 0, right = 0;
        for (int x = 0; x < m.width; ++x) (x < 50 ? left : right) += thin[50 * 100 + x] < 0.0f;
        QVERIFY2(right >= 2 && right <= 3, qPrintable(QString::number(right)));
        QVERIFY2(left >= 7 && left <= 9, qPrintable(QString::number(left)));
    }

    void inkAtTheImageEdgeIsMeasuredLikeInkInside() {
        Mask m(40, 40);
        line(m, 0, 0, 0, 39, 7);  // a bar half off the left edge: 4 px on the image
        const StrokeShape shape(m.ink, m.width, m.height);
        QVERIFY(std::abs(shape.stroke_width() - 4.0) <= 1.0);
    }

    void emptyAndMalformedInputAreEmpty() {
        QVERIFY(StrokeShape(std::vector<std::uint8_t>(100, 0), 10, 10).empty());
        QCOMPARE(StrokeShape(std::vector<std::uint8_t>(100, 0), 10, 10).stroke_width(), 0.0);
        QVERIFY(StrokeShape({}, 0, 0).empty());
        QVERIFY(StrokeShape(std::vector<std::uint8_t>(10, 1), 10, 10).empty());  // too few pixels
        QCOMPARE(StrokeShape(std::vector<std::uint8_t>(100, 0), 10, 10).redrawn(3).size(), 100u);
    }
};

QTEST_APPLESS_MAIN(TestStrokeWidth)
#include "test_stroke_width.moc"
