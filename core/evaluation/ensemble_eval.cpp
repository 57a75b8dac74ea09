#include "core/evaluation/ensemble_eval.h"

#include <algorithm>

#include "core/checkpoint/checkpoint.h"
#include "core/compute_device.h"
#include "core/data/data_location.h"
#include "core/errors.h"
#include "core/training/evaluate_net.h"

namespace mnist {

EnsembleEvalResult evaluate_ensemble(const std::vector<std::string>& checkpoints,
                                     const std::string& data_dir, std::int64_t limit,
                                     const std::string& device) {
    if (checkpoints.empty()) throw InvalidArgument("an ensemble needs at least one checkpoint");
    const torch::Device dev(resolve_device(device));
    std::vector<LoadedModel> members;
    for (const auto& path : checkpoints) {
        members.push_back(load_model_checkpoint(path));
        members.back().net->to(dev);
        members.back().net->eval();
    }
    const MnistData test = load_mnist(resolve_data_dir(data_dir), Split::Test).head(limit);

    EnsembleEvalResult result;
    for (auto& m : members) result.members.push_back(evaluate(m.net, test, dev));

    torch::NoGradGuard no_grad;
    EvalResult& r = result.ensemble;
    r.count = test.size();
    double loss_sum = 0.0;
    auto confusion = torch::zeros({10, 10}, torch::kInt64);
    const std::int64_t batch_size = 1000;
    for (std::int64_t begin = 0; begin < test.size(); begin += batch_size) {
        const std::int64_t end = std::min(begin + batch_size, test.size());
        auto x = normalize(to_unit_float(test.images.slice(0, begin, end).to(dev)));
        auto y = test.labels.slice(0, begin, end).to(dev);
        torch::Tensor probs;
        for (auto& m : members) {
            auto p = torch::softmax(m.net->forward(x), 1);
            probs = probs.defined() ? probs + p : p;
        }
        probs = probs / static_cast<double>(members.size());
        // The clamp keeps a member-wide certainty of the wrong digit finite.
        loss_sum -= probs.gather(1, y.unsqueeze(1)).clamp_min(1e-12).log().sum().item<double>();
        auto predicted = probs.argmax(1);
        confusion.index_put_({y.cpu(), predicted.cpu()}, torch::ones_like(y.cpu()), true);
    }
    std::int64_t correct = 0;
    auto c = confusion.accessor<std::int64_t, 2>();
    for (int t = 0; t < 10; ++t) {
        std::int64_t row = 0;
        for (int p = 0; p < 10; ++p) {
            r.confusion[t][p] = c[t][p];
            row += c[t][p];
        }
        correct += c[t][t];
        r.class_accuracy[t] = row ? 100.0 * c[t][t] / row : 0.0;
    }
    if (r.count > 0) {
        r.loss = loss_sum / r.count;
        r.accuracy = 100.0 * correct / r.count;
    }
    return result;
}

}  // namespace mnist
