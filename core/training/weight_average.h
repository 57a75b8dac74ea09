#pragma once
// An exponential moving average of a network's weights (and BatchNorm statistics), the "EMA" of
// timm and torch.optim.swa_utils.AveragedModel: evaluated in place of the raw weights, it smooths
// the last steps' noise, so a short run's final accuracy is its best rather than a lucky epoch.
#include <torch/torch.h>

#include <vector>

namespace mnist {

class WeightAverage {
  public:
    // decay in (0, 1): each update keeps `decay` of the average and takes 1 - decay of the net.
    // The first updates use min(decay, (1 + t) / (10 + t)) so early weights fade quickly.
    WeightAverage(const torch::nn::Module& net, double decay);

    void update(const torch::nn::Module& net);
    // Swaps the average into the net (keeping the net's own weights aside), and back.
    void swap_into(torch::nn::Module& net);

    // The average and its update count, into and out of a training state (resume). load()
    // throws c10::Error when the archive's tensors do not fit the net's.
    void save(torch::serialize::OutputArchive& archive) const;
    void load(torch::serialize::InputArchive& archive);

  private:
    static std::vector<torch::Tensor> state(const torch::nn::Module& net);

    double decay_;
    std::int64_t updates_ = 0;
    std::vector<torch::Tensor> average_;
};

// Swaps a WeightAverage into a net for the lifetime of the guard (evaluation, saving).
class AveragedWeights {
  public:
    AveragedWeights(WeightAverage* average, torch::nn::Module& net) : average_(average), net_(net) {
        if (average_) average_->swap_into(net_);
    }
    ~AveragedWeights() {
        if (average_) average_->swap_into(net_);
    }
    AveragedWeights(const AveragedWeights&) = delete;
    AveragedWeights& operator=(const AveragedWeights&) = delete;

  private:
    WeightAverage* average_;
    torch::nn::Module& net_;
};

}  // namespace mnist
