#pragma once
// A grid of MNIST test digits, each above one random augmentation of it, so the augmentation
// ranges can be judged by eye before training. Redraws shortly after the ranges stop changing
// (the same digits and draws, so only the ranges' effect shows); Shuffle picks other digits and
// draws. Core computes the samples on a worker thread; without MNIST it explains what is missing.
#include <QFutureWatcher>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <vector>

#include "core/data/augment_options.h"
#include "core/data/augmentation_preview.h"

class QLabel;
class QPushButton;
class QTimer;

namespace mnist::ui {

class AugmentedSampleGrid;

class AugmentationPreviewWidget : public QWidget {
    Q_OBJECT
  public:
    static constexpr int kColumns = 8;
    static constexpr int kPairRows = 2;  // rows of (original above augmented) pairs
    static constexpr int kSamples = kColumns * kPairRows;

    explicit AugmentationPreviewWidget(QWidget* parent = nullptr);
    ~AugmentationPreviewWidget() override;

    // The folder with the MNIST files; empty, or one without them, shows an explanation.
    void setDataDir(const QString& dir);
    QString dataDir() const { return data_dir_; }
    const mnist::AugmentOptions& options() const { return options_; }
    // How many original/augmented pairs are on screen (0 while the explanation shows).
    int sampleCount() const;
    const std::vector<mnist::AugmentedSample>& samples() const;
    bool isExplanationShown() const;
    QString explanation() const;
    QPushButton* shuffleButton() const { return shuffle_; }

  public Q_SLOTS:
    // Redraws after a short pause, so dragging a spin box does not queue a redraw per step.
    void setOptions(const mnist::AugmentOptions& options);
    void shuffle();

  Q_SIGNALS:
    // After new samples are on screen.
    void samplesShown(int count);

  private:
    struct Result {
        QString dir;
        std::vector<mnist::AugmentedSample> samples;
        QString error;
    };

    void startSamples();
    void onSamplesReady();
    void showExplanation(const QString& text);

    QString data_dir_;
    mnist::AugmentOptions options_;
    std::uint64_t seed_ = 1;
    bool rerun_ = false;  // the ranges changed while samples were being computed

    AugmentedSampleGrid* grid_ = nullptr;
    QLabel* explanation_ = nullptr;
    QLabel* caption_ = nullptr;
    QPushButton* shuffle_ = nullptr;
    QTimer* debounce_ = nullptr;
    QFutureWatcher<Result> watcher_;
};

}  // namespace mnist::ui
