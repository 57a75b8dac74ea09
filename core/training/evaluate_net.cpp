#include "core/training/evaluate_net.h"

#include <algorithm>

namespace mnist {

EvalResult evaluate(SequentialNet& net, const MnistData& data, const torch::Device& device,
                    std::int64_t batch_size) {
    torch::NoGradGuard no_grad;
    const bool was_training = net->is_training();
    net->eval();
    EvalResult result;
    result.count = data.size();
    double loss_sum = 0.0;
    auto confusion = torch::zeros({10, 10}, torch::kInt64);
    for (std::int64_t begin = 0; begin < data.size(); begin += batch_size) {
        const std::int64_t end = std::min(begin + batch_size, data.size());
        auto x = normalize(to_unit_float(data.images.slice(0, begin, end).to(device)));
        auto y = data.labels.slice(0, begin, end).to(device);
        auto logits = net->forward(x);
        loss_sum += torch::nn::functional::cross_entropy(
                        logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                        .item<double>();
        auto predicted = logits.argmax(1);
        confusion.index_put_({y.cpu(), predicted.cpu()}, torch::ones_like(y.cpu()), true);
    }
    net->train(was_training);
    std::int64_t correct = 0;
    auto c = confusion.accessor<std::int64_t, 2>();
    for (int t = 0; t < 10; ++t) {
        std::int64_t row = 0;
        for (int p = 0; p < 10; ++p) {
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

}  // namespace mnist
