#include "core/evaluation/evaluation.h"

#include "core/checkpoint/checkpoint.h"
#include "core/compute_device.h"
#include "core/data/data_location.h"
#include "core/training/evaluate_net.h"

namespace mnist {

EvalResult evaluate_checkpoint(const std::string& checkpoint, const std::string& data_dir,
                               std::int64_t limit, const std::string& device) {
    LoadedModel loaded = load_model_checkpoint(checkpoint);
    const torch::Device dev(resolve_device(device));
    loaded.net->to(dev);
    const MnistData test = load_mnist(resolve_data_dir(data_dir), Split::Test).head(limit);
    return evaluate(loaded.net, test, dev);
}

}  // namespace mnist
