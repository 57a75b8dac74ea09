#pragma once
// The live charts of a training run, one QChart per quantity: loss, accuracy and learning rate
// (log axis). Points are appended in place as progress arrives and the axes follow the data.
#include <QColor>
#include <QImage>
#include <QList>
#include <QPointF>
#include <QString>
#include <QWidget>

#include <vector>

#include "core/training/training_metrics.h"
#include "ui/chart_axes.h"

class QAbstractAxis;
class QChart;
class QChartView;
class QGridLayout;
class QLineSeries;
class QLogValueAxis;
class QValueAxis;

namespace mnist::ui {

class TrainingCharts : public QWidget {
    Q_OBJECT
  public:
    explicit TrainingCharts(QWidget* parent = nullptr);

    // Charts fill three cells of a 2x2 grid; the fourth can hold a companion (the epoch log).
    void setCornerWidget(QWidget* widget);

    // Empties every series and sets the epoch axis for a new run.
    void reset(int epochs);
    // Keeps every series and sets the epoch axis for `epochs` (a resumed run trained longer).
    void setEpochs(int epochs);
    // Drops the running values past `epoch`: a paused run resumes from its last finished epoch,
    // and the part of the next one it had trained is trained again.
    void rewindTo(int epoch);
    // Running (per-batch, throttled) values: train loss/accuracy and the learning rate.
    void addBatch(const mnist::BatchProgress& progress);
    // The exact per-epoch points: train and validation loss and accuracy.
    void addEpoch(const mnist::EpochMetrics& metrics);

    // The three charts side by side, as shown on screen.
    QImage renderImage() const;
    // Writes the picture; on failure returns false and puts the reason in *error.
    bool savePng(const QString& path, QString* error = nullptr) const;

    // Presentation mode: chart text, line widths and point markers at `scale` times their desktop
    // size (1 is the desktop); series added later follow it.
    void setPresentationScale(double scale);
    double presentationScale() const { return scale_; }

    // The running values of every epoch so far (each epoch is its own line segment).
    QList<QPointF> runningLossPoints() const;
    QList<QPointF> runningAccuracyPoints() const;
    QLineSeries* trainLossSeries() const { return train_loss_; }
    QLineSeries* valLossSeries() const { return val_loss_; }
    QLineSeries* trainAccuracySeries() const { return train_acc_; }
    QLineSeries* valAccuracySeries() const { return val_acc_; }
    QLineSeries* learningRateSeries() const { return lr_; }
    QValueAxis* lossAxis() const { return loss_y_; }
    QValueAxis* accuracyAxis() const { return acc_y_; }
    QLogValueAxis* learningRateAxis() const { return lr_axis_; }

  Q_SIGNALS:
    // A hovered point in words ("validation loss, epoch 3: 0.0412"), for the status bar.
    void pointHovered(const QString& description);

  private:
    // Tracks a y-range. "settled" leaves out the first epoch's training values (running and
    // epoch mean), which start at chance level (loss 2.3, accuracy 10 %) and would squash the
    // part a class watches — validation creeping towards 99 % — into a flat line. Once a second
    // epoch has started the axes follow the settled range; epoch 1's curve then enters from off
    // the chart, and hovering it still tells its values.
    using Range = ValueRange;
    struct YRange {
        Range all, settled;
        void add(double v, bool settles);
        const Range& shown(bool past_first_epoch) const {
            return past_first_epoch && settled.valid ? settled : all;
        }
    };

    enum class Quantity { Loss, Accuracy, LearningRate };

    // The loss and the accuracy chart: running, train and validation curves over epochs.
    struct MetricChart {
        QChart* chart = nullptr;
        QValueAxis* x = nullptr;
        QValueAxis* y = nullptr;
        QLineSeries* train = nullptr;
        QLineSeries* validation = nullptr;
        QChartView* view = nullptr;
    };
    MetricChart makeMetricChart(const QString& title, const QString& label_format,
                                Quantity quantity, std::vector<QLineSeries*>& running);
    QChartView* makeView(QChart* chart);
    QLineSeries* addSeries(QChart* chart, QValueAxis* x, QAbstractAxis* y, const QString& name,
                           const QColor& color, bool points, qreal width);
    void watchHover(QLineSeries* series, Quantity quantity);
    // The running mean restarts every epoch, so each epoch gets its own segment instead of a
    // misleading vertical jump joining the end of one epoch to the start of the next.
    QLineSeries* runningSegment(std::vector<QLineSeries*>& parts, QChart* chart, QValueAxis* x,
                                QValueAxis* y, Quantity quantity, int epoch);
    void clearRunning(std::vector<QLineSeries*>& parts);
    // Labels every epoch when the numbers fit side by side in the plot's width, else every 2nd,
    // 5th, 10th, ... epoch (minor ticks keep a mark per epoch): Qt Charts would otherwise shorten
    // the labels that do not fit their share of the axis to "...".
    void fitEpochTicks(QChart* chart, QValueAxis* axis);
    void updateLossAxis();
    void updateAccuracyAxis();
    void updateLrAxis();

    QGridLayout* grid_ = nullptr;
    QChartView* loss_view_ = nullptr;
    QChartView* acc_view_ = nullptr;
    QChartView* lr_view_ = nullptr;
    QValueAxis* loss_x_ = nullptr;
    QValueAxis* acc_x_ = nullptr;
    QValueAxis* lr_x_ = nullptr;
    QValueAxis* loss_y_ = nullptr;
    QValueAxis* acc_y_ = nullptr;
    QLogValueAxis* lr_axis_ = nullptr;
    QChart* loss_chart_ = nullptr;
    QChart* acc_chart_ = nullptr;
    QChart* lr_chart_ = nullptr;
    int epochs_ = 1;
    std::vector<QLineSeries*> running_loss_;  // one segment per epoch
    std::vector<QLineSeries*> running_acc_;
    int running_epoch_ = 0;
    QLineSeries* train_loss_ = nullptr;
    QLineSeries* val_loss_ = nullptr;
    QLineSeries* train_acc_ = nullptr;
    QLineSeries* val_acc_ = nullptr;
    QLineSeries* lr_ = nullptr;
    YRange loss_range_, acc_range_;
    bool past_first_epoch_ = false;
    Range lr_range_;
    double scale_ = 1.0;  // setPresentationScale
};

}  // namespace mnist::ui
