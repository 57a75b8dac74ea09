#pragma once
// Classifies one drawn or photographed digit with a checkpoint. No LibTorch in this header, so
// the canvas can use it directly.
#include <array>
#include <memory>
#include <string>

#include "core/image/gray_image.h"
#include "core/inference/digit_preprocess.h"

namespace mnist {

struct Prediction {
    bool blank = true;  // no ink: nothing was guessed, digit is -1
    int digit = -1;
    double confidence = 0.0;         // probs[digit]
    std::array<double, 10> probs{};  // softmax over 0-9
    PreprocessedDigit input;         // the 28x28 image the model saw
};

class Predictor {
  public:
    // Loads a checkpoint (see load_model_checkpoint). Throws CheckpointError naming the file.
    explicit Predictor(const std::string& checkpoint_path);
    ~Predictor();
    Predictor(Predictor&&) noexcept;
    Predictor& operator=(Predictor&&) noexcept;

    const std::string& model() const;
    const std::string& checkpoint_path() const;
    Prediction predict(const GrayImage& image) const;
    Prediction predict(const PreprocessedDigit& digit) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mnist
