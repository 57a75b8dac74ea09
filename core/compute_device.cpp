#include "core/compute_device.h"

#include <torch/torch.h>

#include <thread>

#include "core/errors.h"

namespace mnist {

bool cuda_available() {
    return torch::cuda::is_available();
}

std::string resolve_device(const std::string& requested) {
    if (requested == "auto") return cuda_available() ? "cuda" : "cpu";
    if (requested == "cpu") return "cpu";
    if (requested == "cuda") {
        if (!cuda_available()) {
            throw InvalidArgument(
                "device 'cuda' requested but this LibTorch build sees no CUDA "
                "device (use --device cpu or auto)");
        }
        return "cuda";
    }
    throw InvalidArgument("unknown device '" + requested + "' (choose auto, cpu or cuda)");
}

int apply_thread_count(int requested) {
    if (requested < 0) {
        throw InvalidArgument("thread count " + std::to_string(requested) + " is negative");
    }
    const int threads = requested > 0
                            ? requested
                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);
    return torch::get_num_threads();
}

}  // namespace mnist
