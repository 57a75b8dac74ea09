#pragma once
// k-fold cross-validation over the training images: each fold trained with the same recipe and
// validated on its held-out part, then mean ± std over the folds. The test set stays untouched
// unless a final test of the best fold is asked for. Plain C++: the CLI and the app's job use it.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sample_statistics.h"
#include "core/training/trainer.h"

namespace mnist {

// A TrainObserver that is also told which fold is training (and when one is done), so a progress
// line or bar can say "fold 2 of 5". Called on the training thread, as TrainObserver is.
class CvObserver : public TrainObserver {
  public:
    virtual void on_fold_start(int /*fold*/, int /*folds*/) {}  // fold is 1-based
    virtual void on_fold_end(int /*fold*/, const TrainResult&) {}
};

struct CvOptions {
    int folds = 5;
    bool test_best = false;  // score the best fold's checkpoint on the test set at the end
};

struct CvFold {
    int fold = 0;  // 1-based
    std::int64_t train_size = 0;
    std::int64_t val_size = 0;
    TrainResult result;  // per-epoch history, best validation accuracy, checkpoint in fold-<i>/
};

struct CrossValidation {
    std::string model;
    int folds = 0;             // asked for
    std::string folder;        // <out>/cv-<model>-k<folds>
    std::vector<CvFold> done;  // the folds that finished (all of them unless stopped)
    // Over the finished folds' best validation accuracies (the checkpoints' scores), and their
    // last epochs'.
    MeanStd best_acc;
    MeanStd final_acc;
    int best_fold = 0;               // 1-based; 0 when no fold finished
    std::optional<double> test_acc;  // the best fold's checkpoint on the test set, when asked
    bool stopped = false;            // the stop flag ended it before every fold finished
};

// <out_dir>/cv-<model>-k<folds>: fold i writes its best_<model>.pth and history into fold-<i>/
// below it, so folds never overwrite each other nor the user's <out_dir>/best_<model>.pth.
std::string cv_folder(const std::string& out_dir, const std::string& model, int folds);

// Splits the training images (the first options.limit_train when set) into stratified folds by
// options.seed and trains once per fold with `options`. Throws InvalidArgument naming the value
// for a bad recipe, options.val_split > 0, or a fold count below 2 or above the smallest class;
// DataError / CheckpointError as train() does. Setting *stop returns within one batch with the
// folds finished so far.
CrossValidation cross_validate(const TrainOptions& options, const CvOptions& cv,
                               CvObserver* observer = nullptr,
                               const std::atomic<bool>* stop = nullptr);

}  // namespace mnist
