#pragma once
// Classifies the canvas (or an opened picture) with the checkpoint in use and shows the answer:
// the digit large, a bar per digit's probability, and the 28x28 image the model saw. Holds the
// mnist::Predictor; a checkpoint that fails to load leaves the previous one in place. Checkpoints
// added to an ensemble answer together instead (mnist::Ensemble: their probabilities averaged),
// each member's vote shown under the bars, until "Use single checkpoint".
#include <QImage>
#include <QString>
#include <QTimer>
#include <QWidget>

#include <QStringList>

#include <array>
#include <functional>
#include <memory>
#include <vector>

#include "core/inference/ensemble.h"
#include "core/inference/predictor.h"

class QAction;
class QGridLayout;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace mnist::ui {

class DigitPreview;

class PredictionPanel : public QWidget {
    Q_OBJECT
  public:
    // Quiet time after the last stroke change before predicting: a prediction per mouse move
    // would be wasted work, and 150 ms still feels immediate.
    static constexpr int kDebounceMs = 150;

    explicit PredictionPanel(QWidget* parent = nullptr);
    ~PredictionPanel() override;

    // Presentation mode: the 28x28 preview beside the digit rather than under the bars, its
    // caption and the checkpoint's description folded away, so that at twice the text size the
    // panel fits beside the canvas on a 720 px high screen.
    void setCompact(bool compact);
    bool isCompact() const { return compact_; }

    // Puts a button for `action` ("Load checkpoint…") beside the checkpoint's description.
    void setLoadCheckpointAction(QAction* action);

    bool hasModel() const { return predictor_ != nullptr || ensemble_ != nullptr; }
    // The single checkpoint (kept while an ensemble answers, for "Use single checkpoint").
    QString checkpointPath() const;
    QString modelName() const;
    bool isEnsemble() const { return ensemble_ != nullptr; }
    QStringList ensembleCheckpoints() const { return ensemble_paths_; }
    // With an ensemble: each member's answer to the last input, in member order; else empty.
    const std::vector<mnist::Prediction>& memberVotes() const { return votes_; }
    // The votes as shown under the bars (plain text, one line per member).
    QString votesText() const;
    // The last result (blank when nothing is drawn); input holds the 28x28 image even without a
    // model, so the preview always works.
    const mnist::Prediction& lastPrediction() const { return last_; }
    const QImage& previewImage() const;
    QString shownDigit() const;
    // The line under the digit: how sure the model is, or what to do next.
    QString caption() const;
    bool isPredictionPending() const { return debounce_.isActive(); }

  public Q_SLOTS:
    // Schedules a prediction of `image` after kDebounceMs without further changes.
    void setImage(const QImage& image);
    // Predicts `image` now.
    void predictImage(const QImage& image);
    // Predicts a ready 28x28 digit (a test image) as it is, skipping the canvas's preprocessing,
    // so the answer is the one the test set got.
    void predictDigit(const mnist::PreprocessedDigit& digit);
    // Loads a checkpoint to predict with, alone (an ensemble in use is let go). On failure the
    // previous one stays, errorOccurred() says why, and false is returned.
    bool loadCheckpoint(const QString& path);
    // Adds `path` to the ensemble; the first addition starts it with the checkpoint in use. On
    // failure (a file that does not load, one already in) the ensemble stays as it was.
    bool addToEnsemble(const QString& path);
    // Answers with exactly these checkpoints (one is allowed); empty: useSingleCheckpoint().
    bool setEnsemble(const QStringList& paths);
    void removeFromEnsemble(int index);
    // Back to the single checkpoint in use before the ensemble.
    void useSingleCheckpoint();

  Q_SIGNALS:
    void predictionUpdated();
    void checkpointChanged(const QString& path);
    void ensembleChanged();
    void errorOccurred(const QString& title, const QString& message);

  private:
    void predictPending();
    void showPrediction();
    void showCheckpoint();
    void placeBars();
    QWidget* makeEnsembleControls();
    void chooseEnsembleMember();
    void showEnsemble();
    void showVotes();
    // The ensemble's answer when there is one (votes_ filled), else the single checkpoint's.
    mnist::Prediction predictWithModel(const mnist::PreprocessedDigit& digit);
    // Predicts what `input` gives with the model in use (without one, only shows it), then shows
    // the answer; an exception becomes errorOccurred().
    void answer(const std::function<mnist::PreprocessedDigit()>& input);
    // Predicts last_.input again after the model changed.
    void predictAgain();

    std::unique_ptr<mnist::Predictor> predictor_;
    std::unique_ptr<mnist::Ensemble> ensemble_;
    QStringList ensemble_paths_;
    std::vector<mnist::Prediction> votes_;
    mnist::Prediction last_;
    QImage pending_;
    QTimer debounce_;

    QLabel* digit_ = nullptr;
    QLabel* confidence_ = nullptr;
    std::array<QProgressBar*, 10> bars_{};
    std::array<QLabel*, 10> bar_labels_{};
    QGridLayout* bars_grid_ = nullptr;
    DigitPreview* preview_ = nullptr;
    QLabel* checkpoint_ = nullptr;
    QWidget* checkpoint_row_ = nullptr;
    QGroupBox* checkpoint_box_ = nullptr;
    QLabel* preview_label_ = nullptr;
    QLabel* votes_label_ = nullptr;
    QListWidget* members_ = nullptr;
    QPushButton* remove_member_ = nullptr;
    QPushButton* use_single_ = nullptr;
    QHBoxLayout* digit_row_ = nullptr;    // the digit and its confidence; compact: the preview too
    QHBoxLayout* preview_row_ = nullptr;  // the preview and its caption, under the bars
    bool compact_ = false;
};

}  // namespace mnist::ui
