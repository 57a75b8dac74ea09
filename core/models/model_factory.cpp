#include "core/models/model_factory.h"

#include "core/errors.h"

#include "core/models/model_1.h"
#include "core/models/model_2.h"
#include "core/models/model_3.h"
#include "core/models/model_registry.h"

namespace mnist {

SequentialNet make_model(const std::string& name) {
    const auto wrap = [](std::shared_ptr<SequentialNetImpl> impl) {
        return SequentialNet(std::move(impl));
    };
    const std::string& known = model_info(name).name;  // throws naming an unknown model
    if (known == "Model_1") return wrap(std::make_shared<Model1Impl>());
    if (known == "Model_2") return wrap(std::make_shared<Model2Impl>());
    if (known == "Model_3") return wrap(std::make_shared<Model3Impl>());
    throw InvalidArgument("model '" + name + "' is registered but has no network to build");
}

std::int64_t count_parameters(const torch::nn::Module& module, bool trainable_only) {
    std::int64_t total = 0;
    for (const auto& p : module.parameters()) {
        if (!trainable_only || p.requires_grad()) total += p.numel();
    }
    return total;
}

}  // namespace mnist
