#pragma once
// Runs core's Inspector for the Inside tab on worker threads and reports back as signals in the
// GUI thread, the way TrainingController does for training: the workers never touch a widget.
// Two jobs: the drawn digit's views (feature maps, saliency, filters), debounced and coalesced so
// only the latest drawing is computed; and the test set's scores, with progress and Cancel. Each
// job holds its own Inspector, as one Inspector serves one thread at a time.
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/evaluation/inspection.h"

namespace mnist::ui {

enum class SaliencyMethod { Gradient, Occlusion };

// What the digit views need: one request in, one result out.
struct DigitRequest {
    QString checkpoint;  // empty: no model
    // Changes with every checkpoint load: retraining rewrites the same file with new weights.
    int generation = 0;
    mnist::DigitPixels digit{};
    bool blank = true;  // no ink: feature maps and saliency are skipped
    SaliencyMethod method = SaliencyMethod::Gradient;
    QString filter_layer;  // empty: the first convolution
    // Only the saliency (the Draw & Predict page's overlay): no feature maps or filters.
    bool saliency_only = false;
};

struct DigitInspection {
    DigitRequest request;
    QString model;
    QString error;  // the checkpoint could not be inspected; everything else is empty
    std::vector<mnist::StageActivation> stages;
    mnist::SaliencyMap saliency;
    std::vector<std::string> filter_layers;
    mnist::FilterBank filters;
};

class InspectionJobs : public QObject {
    Q_OBJECT
  public:
    // Quiet time after the last request before the digit job starts: the prediction panel has
    // already waited for the strokes to settle, so this only merges bursts (checkpoint + digit).
    static constexpr int kDebounceMs = 40;

    explicit InspectionJobs(QObject* parent = nullptr);
    // Cancels the scoring and waits for both workers, so nothing outlives us.
    ~InspectionJobs() override;

    // True from a request until its result (or a newer one's) has been delivered.
    bool isDigitPending() const;
    bool isScoring() const { return scoring_; }

  public Q_SLOTS:
    // Computes the digit views for `request` after kDebounceMs; a newer request replaces it.
    void requestDigit(const mnist::ui::DigitRequest& request);
    // Scores the test set in `data_dir` with `checkpoint` (`limit` > 0: the first images only).
    // Returns false when a scoring is already running.
    bool scoreTestSet(const QString& checkpoint, const QString& data_dir, std::int64_t limit);
    // Asks the scoring to stop; testSetFailed(…, true) follows within a batch.
    void cancelScoring();
    void waitForFinished();

  Q_SIGNALS:
    void digitInspected(const mnist::ui::DigitInspection& result);
    void scoringProgress(qint64 done, qint64 total);
    void testSetScored(std::shared_ptr<const mnist::TestSetInspection> result,
                       const QString& checkpoint);
    void testSetFailed(const QString& message, bool cancelled);

  private:
    struct DigitOutcome {
        DigitInspection result;
        std::shared_ptr<mnist::Inspector> inspector;  // handed back for the next request
    };
    struct ScoreOutcome {
        std::shared_ptr<const mnist::TestSetInspection> result;
        QString error;
        bool cancelled = false;
    };

    void startDigitJob();
    void onDigitFinished();
    void onScoringFinished();

    QTimer debounce_;
    DigitRequest pending_;
    bool has_pending_ = false;
    std::shared_ptr<mnist::Inspector> inspector_;  // owned by the digit worker while it runs
    int inspector_generation_ = -1;                // the request generation it was loaded for
    QFutureWatcher<DigitOutcome> digit_watcher_;

    QFutureWatcher<ScoreOutcome> score_watcher_;
    QString scoring_checkpoint_;
    std::atomic<bool> cancel_{false};
    bool scoring_ = false;
};

}  // namespace mnist::ui
