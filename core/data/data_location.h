#pragma once
#include <string>

namespace mnist {

// Where MNIST lives: `explicit_dir` when given, else $MNIST_DATA, else the first data/MNIST/raw
// found walking up from the working directory, then from `executable_path`'s directory.
// Throws DataError saying where it looked when nothing holds the files.
std::string resolve_data_dir(const std::string& explicit_dir,
                             const std::string& executable_path = "");

// True when `dir` holds the four MNIST files (raw or .gz).
bool has_mnist_files(const std::string& dir);

}  // namespace mnist
