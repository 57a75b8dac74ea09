#pragma once
#include <string>

namespace mnist {

// The trained Model_3 that ships with the app (resources/best_Model_3.pth), so drawing and
// `predict` work before anything is trained. Looks at $MNIST_STUDIO_MODEL, the install location
// (<prefix>/share/mnist-studio/), and resources/ above the executable or working directory.
// Throws CheckpointError saying where it looked when none is found.
std::string find_bundled_checkpoint(const std::string& executable_path);

}  // namespace mnist
