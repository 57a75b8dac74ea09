// Tests for ui/training_charts with synthetic progress (no training): points land where they
// belong, each epoch's running curve is its own segment, the axes follow the data (zooming past
// the first epoch's chance-level values), plateau steps show on the log LR axis, and reset()
// starts clean.
#include <QAction>
#include <QChart>
#include <QChartView>
#include <QFile>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>
#include <cmath>

#include "ui/training_charts.h"
#include "ui/training_page.h"

using mnist::ui::TrainingCharts;
using mnist::ui::TrainingPage;

namespace {

constexpr int kBatches = 10;

mnist::BatchProgress batch(int epoch, int b, double loss, double acc, double lr) {
    mnist::BatchProgress p;
    p.epoch = epoch;
    p.epochs = 3;
    p.batch = b;
    p.batches = kBatches;
    p.running_loss = loss;
    p.running_acc = acc;
    p.lr = lr;
    return p;
}

mnist::EpochMetrics epochMetrics(int epoch, double train_acc, double val_acc, double lr) {
    mnist::EpochMetrics m;
    m.epoch = epoch;
    m.train_loss = (100 - train_acc) / 50;
    m.train_acc = train_acc;
    m.val_loss = (100 - val_acc) / 50;
    m.val_acc = val_acc;
    m.lr = lr;
    return m;
}

}  // namespace

class TrainingChartsTest : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void pointsAxesAndSegments() {
        TrainingCharts charts;
        charts.resize(900, 500);
        charts.reset(3);

        // Epoch 1 starts at chance level: the axis must show it.
        for (int b = 1; b <= kBatches; ++b)
            charts.addBatch(batch(1, b, 2.3 - 0.2 * b, 10.0 + 8 * b, 1e-3));
        QVERIFY(charts.accuracyAxis()->min() <= 18.0);
        QVERIFY(charts.lossAxis()->max() >= 2.1);
        charts.addEpoch(epochMetrics(1, 60.0, 97.0, 1e-3));
        QCOMPARE(charts.valAccuracySeries()->count(), 1);
        QCOMPARE(charts.valAccuracySeries()->at(0), QPointF(1.0, 97.0));

        // ReduceLROnPlateau halves the LR between epochs 1 and 2.
        for (int b = 1; b <= kBatches; ++b) charts.addBatch(batch(2, b, 0.1, 97.5 + 0.1 * b, 5e-4));
        charts.addEpoch(epochMetrics(2, 98.0, 98.5, 5e-4));

        // Past epoch 1 the accuracy axis zooms to where training now is.
        QVERIFY2(charts.accuracyAxis()->min() >= 90.0,
                 qPrintable(QString::number(charts.accuracyAxis()->min())));
        QVERIFY(charts.accuracyAxis()->max() <= 100.0);
        QVERIFY(charts.accuracyAxis()->max() >= 98.5);

        // Running values: one segment per epoch, all points kept, x = fraction of epochs done.
        const QList<QPointF> running = charts.runningAccuracyPoints();
        QCOMPARE(running.size(), 2 * kBatches);
        QCOMPARE(running.first().x(), 0.1);
        QCOMPARE(running.last().x(), 2.0);
        QCOMPARE(charts.runningLossPoints().size(), 2 * kBatches);
        const int segments =
            charts.trainAccuracySeries()->chart()->series().size() - 2;  // minus train, val
        QCOMPARE(segments, 2);

        // The LR step is a drop between consecutive points on a log axis spanning both values.
        const QList<QPointF> lr = charts.learningRateSeries()->points();
        QCOMPARE(lr.size(), 2 * kBatches);
        QCOMPARE(lr[kBatches - 1], QPointF(1.0, 1e-3));
        QCOMPARE(lr[kBatches], QPointF(1.1, 5e-4));
        QVERIFY(charts.learningRateAxis()->min() <= 5e-4);
        // Off the edge: a round 1e-3 as the axis's end ran along the frame, its label dropped.
        QVERIFY(charts.learningRateAxis()->max() > 1e-3);
        // Qt puts the first labelled tick at ceil(ln(min) / ln(10)), which for min = 1e-4 is
        // -3.9999999999999996: the bottom decade went unlabelled. It must be the bottom decade.
        const double bottom = std::log(charts.learningRateAxis()->min()) / std::log(10.0);
        QCOMPARE(std::ceil(bottom), std::round(bottom));

        const QImage picture = charts.renderImage();
        QVERIFY(!picture.isNull());
        QVERIFY(picture.width() > picture.height());  // three charts side by side

        charts.reset(5);
        QCOMPARE(charts.valAccuracySeries()->count(), 0);
        QVERIFY(charts.runningAccuracyPoints().isEmpty());
        QVERIFY(charts.learningRateSeries()->points().isEmpty());
        QCOMPARE(charts.trainAccuracySeries()->chart()->series().size(), 3);
    }

    void epochLabelsFitTheWidthTheyHave() {
        // Narrower and wider than the app's default: the epoch labels thin out (every 2nd, 5th,
        // ... epoch) instead of being shortened to "...", and a wide chart labels every epoch.
        TrainingCharts charts;
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        for (const int width : {560, 900, 2400}) {
            charts.resize(width, 500);
            for (const int epochs : {3, 15, 60, 500}) {
                charts.reset(epochs);
                QCoreApplication::processEvents();
                for (QChartView* view : charts.findChildren<QChartView*>()) {
                    // The tick labels: numbers ("12", "0.63", "1e-03"), shortened or not. A
                    // narrow chart may shorten its legend; that is not what this checks.
                    static const QRegularExpression tick(QStringLiteral("^[-+0-9.e\u2026]+$"));
                    QStringList shown;
                    for (QGraphicsItem* item : view->scene()->items()) {
                        auto* text = dynamic_cast<QGraphicsTextItem*>(item);
                        if (text && text->isVisible() && tick.match(text->toPlainText()).hasMatch())
                            shown << text->toPlainText();
                    }
                    const QString all = QStringLiteral("%1 px, %2 epochs: %3")
                                            .arg(width)
                                            .arg(epochs)
                                            .arg(shown.join(QStringLiteral(" | ")));
                    QVERIFY2(!all.contains(QStringLiteral("...")) && !all.contains(QChar(0x2026)),
                             qPrintable(all));
                    if (width == 2400 && epochs == 15) {
                        for (int e = 0; e <= 15; ++e)
                            QVERIFY2(shown.contains(QString::number(e)), qPrintable(all));
                    }
                }
            }
        }
    }

    void epochStartNoiseIsLeftOutOfRunningCurves() {
        TrainingCharts charts;
        charts.reset(1);
        mnist::BatchProgress p = batch(1, 1, 2.0, 20.0, 1e-3);
        p.batches = 100;
        charts.addBatch(p);  // a running mean over one batch out of 100: noise
        QVERIFY(charts.runningLossPoints().isEmpty());
        QCOMPARE(charts.learningRateSeries()->count(), 1);  // the LR is exact, so it is kept
        p.batch = 50;
        charts.addBatch(p);
        QCOMPARE(charts.runningLossPoints().size(), 1);
        QCOMPARE(charts.runningLossPoints().first().x(), 0.5);
    }

    void hoverNamesTheNearestPoint() {
        TrainingCharts charts;
        charts.reset(3);
        charts.addEpoch(epochMetrics(1, 90.0, 95.0, 1e-3));
        charts.addEpoch(epochMetrics(2, 96.0, 97.5, 1e-3));
        QSignalSpy hovered(&charts, &TrainingCharts::pointHovered);
        // Qt reports where on the line the mouse is; the text names the closest real point.
        Q_EMIT charts.valAccuracySeries()->hovered(QPointF(1.8, 97.0), true);
        QCOMPARE(hovered.count(), 1);
        QCOMPARE(hovered.at(0).at(0).toString(),
                 QStringLiteral("validation accuracy, epoch 2.00: 97.50 %"));
        Q_EMIT charts.trainLossSeries()->hovered(QPointF(1.1, 0.1), true);
        QCOMPARE(hovered.at(1).at(0).toString(), QStringLiteral("train loss, epoch 1.00: 0.2000"));
        Q_EMIT charts.valAccuracySeries()->hovered(QPointF(1.8, 97.0), false);  // leaving: no text
        QCOMPARE(hovered.count(), 2);
    }

    void savesPng() {
        QTemporaryDir dir;
        TrainingCharts charts;
        charts.resize(900, 500);
        charts.reset(2);
        charts.addEpoch(epochMetrics(1, 90.0, 95.0, 1e-3));
        charts.addEpoch(epochMetrics(2, 96.0, 97.5, 1e-3));
        const QString png = dir.filePath(QStringLiteral("charts.png"));
        QVERIFY(charts.savePng(png));
        QVERIFY(!QImage(png).isNull());
        QString error;
        QVERIFY(!charts.savePng(dir.filePath(QStringLiteral("missing/dir/c.png")), &error));
        QVERIFY(!error.isEmpty());
    }

    void trainingPageKeepsTheRunsHistoryForCsv() {
        // The page, not the charts, holds the run's per-epoch metrics; a new run starts empty.
        QAction start, stop, save_charts, save_history, open_folder, choose_data;
        TrainingPage page({&start, &stop, &save_charts, &save_history, &open_folder, &choose_data});
        page.showStarting(QStringLiteral("Model_1"), 2);
        page.showEpoch(epochMetrics(1, 90.0, 95.0, 1e-3));
        page.showEpoch(epochMetrics(2, 96.0, 97.5, 1e-3));
        QCOMPARE(static_cast<int>(page.history().size()), 2);
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("history.csv"));
        QVERIFY(page.saveHistoryCsv(csv));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines =
            QString::fromUtf8(file.readAll()).trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].startsWith(QStringLiteral("epoch,")));
        QVERIFY(lines[2].startsWith(QStringLiteral("2,")));
        QVERIFY(lines[2].contains(QStringLiteral("97.5")));
        QString error;
        QVERIFY(!page.saveHistoryCsv(dir.filePath(QStringLiteral("no/such/dir/h.csv")), &error));
        QVERIFY(!error.isEmpty());
        page.showStarting(QStringLiteral("Model_1"), 3);
        QVERIFY(page.history().empty());
    }
};

QTEST_MAIN(TrainingChartsTest)
#include "test_ui_training_charts.moc"
