#pragma once
// Several checkpoints answering together: each member's softmax, averaged. No LibTorch in this
// header, so the canvas can use it directly.
#include <string>
#include <vector>

#include "core/inference/predictor.h"

namespace mnist {

struct EnsemblePrediction {
    Prediction combined;              // probs: the members' mean; digit: its argmax
    std::vector<Prediction> members;  // each member's own answer (its vote), in member order
};

class Ensemble {
  public:
    // Loads every checkpoint (models may differ). Throws CheckpointError naming the first file
    // that does not load, or InvalidArgument when `checkpoint_paths` is empty.
    explicit Ensemble(const std::vector<std::string>& checkpoint_paths);

    const std::vector<Predictor>& members() const { return members_; }
    EnsemblePrediction predict(const GrayImage& image) const;
    EnsemblePrediction predict(const PreprocessedDigit& digit) const;

  private:
    std::vector<Predictor> members_;
};

}  // namespace mnist
