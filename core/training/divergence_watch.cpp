#include "core/training/divergence_watch.h"

#include <cmath>

namespace mnist {

void DivergenceWatch::add(const torch::Tensor& loss, std::int64_t batch) {
    if (found_) return;
    if (read_each_batch_) {
        const double value = loss.item<double>();
        if (!std::isfinite(value)) found_ = NonFiniteLoss{batch, value};
        return;
    }
    const torch::Tensor value = loss.detach().to(torch::kFloat64);
    if (!batch_on_device_.defined()) {
        batch_on_device_ = torch::zeros({}, value.options().dtype(torch::kInt64));
        loss_on_device_ = torch::zeros({}, value.options());
    }
    // Only the first bad batch is kept: later ones (all of them, once a loss is NaN) leave it be.
    const torch::Tensor first_bad =
        batch_on_device_.eq(0).logical_and_(value.isfinite().logical_not_());
    batch_on_device_.masked_fill_(first_bad, batch);
    loss_on_device_ = torch::where(first_bad, value, loss_on_device_);
}

std::optional<NonFiniteLoss> DivergenceWatch::first() {
    if (found_ || read_each_batch_ || !batch_on_device_.defined()) return found_;
    const std::int64_t batch = batch_on_device_.item<std::int64_t>();
    if (batch != 0) found_ = NonFiniteLoss{batch, loss_on_device_.item<double>()};
    return found_;
}

}  // namespace mnist
