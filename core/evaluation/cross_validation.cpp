#include "core/evaluation/cross_validation.h"

#include <filesystem>

#include "core/data/data_location.h"
#include "core/data/mnist_dataset.h"
#include "core/data/stratified_folds.h"
#include "core/errors.h"
#include "core/evaluation/evaluation.h"
#include "core/sample_statistics.h"

namespace mnist {
namespace {

// The labels of the images a cross-validation splits, as train_split() will index them.
std::vector<int> training_labels(const TrainOptions& options) {
    const MnistData train =
        load_mnist(resolve_data_dir(options.data_dir), Split::Train).head(options.limit_train);
    const auto labels = train.labels.to(torch::kInt32).contiguous();
    const int* first = labels.data_ptr<int>();
    return std::vector<int>(first, first + labels.numel());
}

void summarise(CrossValidation& cv) {
    std::vector<double> bests, finals;
    double best = -1.0;
    for (const CvFold& fold : cv.done) {
        bests.push_back(fold.result.best_val_acc);
        finals.push_back(fold.result.epochs.back().val_acc);
        if (fold.result.best_val_acc > best) {
            best = fold.result.best_val_acc;
            cv.best_fold = fold.fold;
        }
    }
    cv.best_acc = mean_and_sample_std(bests);
    cv.final_acc = mean_and_sample_std(finals);
}

}  // namespace

std::string cv_folder(const std::string& out_dir, const std::string& model, int folds) {
    return (std::filesystem::path(out_dir) / ("cv-" + model + "-k" + std::to_string(folds)))
        .string();
}

CrossValidation cross_validate(const TrainOptions& options, const CvOptions& cv,
                               CvObserver* observer, const std::atomic<bool>* stop) {
    if (options.val_split > 0) {
        throw InvalidArgument("cross-validation holds out each fold in turn; a validation split (" +
                              std::to_string(options.val_split) + ") cannot be combined with it");
    }
    validate_options(options);  // a bad recipe is refused before the labels are read
    const std::vector<int> labels = training_labels(options);
    const auto folds = stratified_folds(labels, cv.folds, options.seed);
    const auto n = static_cast<std::int64_t>(labels.size());

    CrossValidation out;
    out.model = options.model;
    out.folds = cv.folds;
    out.folder = cv_folder(options.out_dir, options.model, cv.folds);
    for (int i = 1; i <= cv.folds; ++i) {
        if (stop && stop->load()) {
            out.stopped = true;
            break;
        }
        if (observer) observer->on_fold_start(i, cv.folds);
        TrainOptions fold_options = options;
        fold_options.out_dir =
            (std::filesystem::path(out.folder) / ("fold-" + std::to_string(i))).string();
        const auto& val = folds[static_cast<std::size_t>(i - 1)];
        const auto train = complement_of(val, n);
        CvFold fold;
        fold.fold = i;
        fold.train_size = static_cast<std::int64_t>(train.size());
        fold.val_size = static_cast<std::int64_t>(val.size());
        fold.result = train_split(fold_options, train, val, observer, stop);
        if (fold.result.stopped || fold.result.epochs.empty()) {
            out.stopped = true;
            break;
        }
        if (observer) observer->on_fold_end(i, fold.result);
        out.done.push_back(std::move(fold));
    }
    summarise(out);
    if (cv.test_best && !out.stopped && out.best_fold > 0) {
        const CvFold& best = out.done[static_cast<std::size_t>(out.best_fold - 1)];
        out.test_acc = evaluate_checkpoint(best.result.checkpoint, options.data_dir,
                                           options.limit_test, options.device)
                           .accuracy;
    }
    return out;
}

}  // namespace mnist
