#pragma once
#include <string>

namespace mnist {

bool cuda_available();
// "auto" -> "cuda" when CUDA is available, else "cpu"; "cpu"/"cuda" are checked. Throws
// InvalidArgument naming the value when it is unknown or CUDA is asked for but absent.
std::string resolve_device(const std::string& requested);
// Sets LibTorch's intra-op thread count (0 = all cores; LibTorch would otherwise use one thread
// on small machines) and returns the count in effect.
int apply_thread_count(int requested);

}  // namespace mnist
