#include "core/inference/predictor.h"

#include <torch/torch.h>

#include "core/checkpoint/checkpoint.h"
#include "core/data/mnist_dataset.h"

namespace mnist {

struct Predictor::Impl {
    LoadedModel loaded;
    std::string path;
};

Predictor::Predictor(const std::string& checkpoint_path)
    : impl_(std::make_unique<Impl>(Impl{load_model_checkpoint(checkpoint_path), checkpoint_path})) {
}
Predictor::~Predictor() = default;
Predictor::Predictor(Predictor&&) noexcept = default;
Predictor& Predictor::operator=(Predictor&&) noexcept = default;

const std::string& Predictor::model() const {
    return impl_->loaded.model;
}
const std::string& Predictor::checkpoint_path() const {
    return impl_->path;
}

Prediction Predictor::predict(const GrayImage& image) const {
    return predict(preprocess_digit(image));
}

Prediction Predictor::predict(const PreprocessedDigit& digit) const {
    Prediction p;
    p.input = digit;
    p.blank = digit.blank;
    if (digit.blank) return p;
    torch::NoGradGuard no_grad;
    auto x = torch::from_blob(const_cast<float*>(digit.pixels.data()),
                              {1, 1, kImageSide, kImageSide}, torch::kFloat32);
    const auto probs = torch::softmax(impl_->loaded.net->forward(normalize(x)), 1)[0];
    for (int d = 0; d < 10; ++d) p.probs[d] = probs[d].item<double>();
    p.digit = static_cast<int>(probs.argmax().item<std::int64_t>());
    p.confidence = p.probs[p.digit];
    return p;
}

}  // namespace mnist
