#pragma once
// Several runs' per-epoch histories laid over each other: loss, accuracy and learning rate (log
// axis), one colour per run, validation solid and training dashed, and one legend under the three
// naming each run with its recipe. Data in, pixels out: it knows nothing of where the runs live.
#include <QColor>
#include <QImage>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

#include "core/training/training_metrics.h"

class QAbstractAxis;
class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QLogValueAxis;
class QValueAxis;

namespace mnist::ui {

struct OverlayRun {
    QString name;    // what the legend and the hover text call it
    QString recipe;  // the recipe in one line, beside the name in the legend
    QColor color;
    std::vector<mnist::EpochMetrics> history;
};

class RunsCharts : public QWidget {
    Q_OBJECT
  public:
    explicit RunsCharts(QWidget* parent = nullptr);

    // Replaces what is shown; an empty list leaves three empty charts with a hint in the title.
    void showRuns(const std::vector<OverlayRun>& runs);

    QChart* lossChart() const { return loss_.chart; }
    QChart* accuracyChart() const { return acc_.chart; }
    QChart* learningRateChart() const { return lr_.chart; }
    QValueAxis* accuracyAxis() const;
    // The legend under the charts, and the run names it shows, in order.
    QLabel* legend() const { return legend_; }
    QStringList legendNames() const { return legend_names_; }

    // The three charts side by side and the legend, as on screen (grabbing is not const).
    QImage renderImage();
    bool savePng(const QString& path, QString* error = nullptr);

    // Presentation mode: chart text, line widths and point markers at `scale` times their desktop
    // size (1 is the desktop); runs shown later follow it. The legend is a widget and grows with
    // the window's font.
    void setPresentationScale(double scale);
    double presentationScale() const { return scale_; }

    // A distinct colour for the i-th run (cycles after ten).
    static QColor runColor(int i);

  Q_SIGNALS:
    // A hovered point in words ("aug, validation accuracy, epoch 3: 98.12 %").
    void pointHovered(const QString& description);

  private:
    enum class Quantity { Loss, Accuracy, LearningRate };
    struct Chart {
        QChart* chart = nullptr;
        QValueAxis* x = nullptr;
        QAbstractAxis* y = nullptr;
        QChartView* view = nullptr;
    };
    Chart makeChart(const QString& title, QAbstractAxis* y);
    // One curve of `run` on `chart`, named after the run (for the hover text).
    QLineSeries* addSeries(const Chart& chart, const OverlayRun& run, Quantity quantity,
                           const QString& what, Qt::PenStyle style);
    void clear(const Chart& chart);
    void fitAxes(const std::vector<OverlayRun>& runs);

    Chart loss_, acc_, lr_;
    // One legend for the three charts: Qt's per-chart legends cut long run names to the same
    // "20261129-06…" and repeat themselves three times.
    QLabel* legend_ = nullptr;
    QStringList legend_names_;
    double scale_ = 1.0;
};

}  // namespace mnist::ui
