#include "core/training/evaluate_net.h"

#include <algorithm>

namespace mnist {

EvalResult score_log_probs(const MnistData& data, const torch::Device& device,
                           std::int64_t batch_size,
                           const std::function<torch::Tensor(const torch::Tensor&)>& log_probs) {
    torch::NoGradGuard no_grad;
    EvalResult result;
    result.count = data.size();
    double loss_sum = 0.0;
    auto confusion = torch::zeros({kNumClasses, kNumClasses}, torch::kInt64);
    for (std::int64_t begin = 0; begin < data.size(); begin += batch_size) {
        const std::int64_t end = std::min(begin + batch_size, data.size());
        auto x = normalize(to_unit_float(data.images.slice(0, begin, end).to(device)));
        auto y = data.labels.slice(0, begin, end).to(device);
        auto scores = log_probs(x);
        loss_sum += torch::nll_loss(scores, y, {}, at::Reduction::Sum).item<double>();
        auto predicted = scores.argmax(1);
        confusion.index_put_({y.cpu(), predicted.cpu()}, torch::ones_like(y.cpu()), true);
    }
    std::int64_t correct = 0;
    auto c = confusion.accessor<std::int64_t, 2>();
    for (int t = 0; t < kNumClasses; ++t) {
        std::int64_t row = 0;
        for (int p = 0; p < kNumClasses; ++p) {
            result.confusion[t][p] = c[t][p];
            row += c[t][p];
        }
        correct += c[t][t];
        result.class_accuracy[t] = row ? 100.0 * c[t][t] / row : 0.0;
    }
    if (result.count > 0) {
        result.loss = loss_sum / result.count;
        result.accuracy = 100.0 * correct / result.count;
    }
    return result;
}

EvalResult evaluate(SequentialNet& net, const MnistData& data, const torch::Device& device,
                    std::int64_t batch_size) {
    const bool was_training = net->is_training();
    net->eval();
    // log_softmax + NLL is what cross_entropy computes, op for op.
    EvalResult result = score_log_probs(data, device, batch_size, [&](const torch::Tensor& x) {
        return torch::log_softmax(net->forward(x), 1);
    });
    net->train(was_training);
    return result;
}

}  // namespace mnist
