#include "core/training/weight_average.h"

#include <algorithm>
#include <string>

namespace mnist {

std::vector<torch::Tensor> WeightAverage::state(const torch::nn::Module& net) {
    std::vector<torch::Tensor> tensors = net.parameters();
    for (const auto& buffer : net.buffers()) tensors.push_back(buffer);
    return tensors;
}

WeightAverage::WeightAverage(const torch::nn::Module& net, double decay) : decay_(decay) {
    torch::NoGradGuard no_grad;
    for (const auto& t : state(net)) average_.push_back(t.detach().clone());
}

void WeightAverage::save(torch::serialize::OutputArchive& archive) const {
    archive.write("updates", torch::tensor(updates_, torch::kInt64));
    for (std::size_t i = 0; i < average_.size(); ++i) {
        archive.write("average_" + std::to_string(i), average_[i], /*is_buffer=*/true);
    }
}

void WeightAverage::load(torch::serialize::InputArchive& archive) {
    torch::NoGradGuard no_grad;
    torch::Tensor updates;
    archive.read("updates", updates);
    for (std::size_t i = 0; i < average_.size(); ++i) {
        torch::Tensor saved;
        archive.read("average_" + std::to_string(i), saved, /*is_buffer=*/true);
        TORCH_CHECK(saved.sizes() == average_[i].sizes() && saved.dtype() == average_[i].dtype(),
                    "weight average tensor ", i, " has shape ", saved.sizes(), ", expected ",
                    average_[i].sizes());
        average_[i].copy_(saved);
    }
    updates_ = updates.item<std::int64_t>();
}

void WeightAverage::update(const torch::nn::Module& net) {
    torch::NoGradGuard no_grad;
    ++updates_;
    const double decay = std::min(decay_, (1.0 + updates_) / (10.0 + updates_));
    const auto current = state(net);
    for (std::size_t i = 0; i < average_.size(); ++i) {
        if (average_[i].is_floating_point()) {
            average_[i].mul_(decay).add_(current[i].detach(), 1.0 - decay);
        } else {
            average_[i].copy_(current[i]);  // counters such as num_batches_tracked
        }
    }
}

void WeightAverage::swap_into(torch::nn::Module& net) {
    // The net's tensors stay the same objects (the optimizer's state is keyed by them); only
    // their data is exchanged, so nothing is allocated and nothing can fail half-way.
    torch::NoGradGuard no_grad;
    auto current = state(net);
    for (std::size_t i = 0; i < average_.size(); ++i) {
        torch::Tensor kept = current[i].data();
        current[i].set_data(average_[i]);
        average_[i] = kept;
    }
}

}  // namespace mnist
