#pragma once
// Drawing on the canvas the way a hand does, for the widget tests.
#include <QList>
#include <QPointF>
#include <QTest>

#include "ui/drawing_canvas.h"

// Presses at the first point, moves through the rest in small steps, releases at the last — so
// the canvas sees a stream of mouseMoveEvents. Points are in the canvas image's coordinates.
inline void stroke(mnist::ui::DrawingCanvas* canvas, const QList<QPointF>& image_points) {
    auto at = [&](const QPointF& p) { return canvas->toWidget(p).toPoint(); };
    QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, at(image_points.front()));
    for (int i = 1; i < image_points.size(); ++i) {
        const QPointF a = image_points[i - 1], b = image_points[i];
        for (int s = 1; s <= 10; ++s) QTest::mouseMove(canvas, at(a + (b - a) * (s / 10.0)));
    }
    QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, at(image_points.back()));
}
