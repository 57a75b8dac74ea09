#pragma once
// The base of our models: named layers run in the order they were added. A model's constructor
// reads like its PyTorch twin's __init__, and because each layer is registered under its PyTorch
// name (conv1, bn1, fc1...) the state_dict keys match the Python module's. The ordered list also
// lets the summary walk the layers the way torchsummary's hooks do.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace mnist {

class SequentialNetImpl : public torch::nn::Module {
  public:
    struct Stage {
        std::string name;
        torch::nn::AnyModule module;
    };

    torch::Tensor forward(torch::Tensor x) {
        for (auto& stage : stages_) x = stage.module.forward(x);
        return x;
    }
    const std::vector<Stage>& stages() const { return stages_; }
    std::vector<Stage>& stages() { return stages_; }

  protected:
    template <typename ModuleType>
    ModuleType add(const std::string& name, ModuleType module) {
        register_module(name, module);
        stages_.push_back({name, torch::nn::AnyModule(module)});
        return module;
    }

  private:
    std::vector<Stage> stages_;
};
TORCH_MODULE(SequentialNet);

}  // namespace mnist
