#include "core/evaluation/ensemble_eval.h"

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

    result.ensemble = score_log_probs(test, dev, 1000, [&](const torch::Tensor& x) {
        torch::Tensor probs;
        for (auto& m : members) {
            auto p = torch::softmax(m.net->forward(x), 1);
            probs = probs.defined() ? probs + p : p;
        }
        probs = probs / static_cast<double>(members.size());
        // The clamp keeps a member-wide certainty of the wrong digit finite.
        return probs.clamp_min(1e-12).log();
    });
    return result;
}

}  // namespace mnist
