#pragma once
// The exceptions core throws. Every message names the file or value at fault and what is wrong,
// so the CLI can print it as is and the GUI can show it in a dialog.
#include <sstream>
#include <stdexcept>
#include <string>

namespace mnist {

// A data file (IDX, image) is missing, truncated or malformed.
class DataError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A checkpoint cannot be written, read, or does not fit the architecture.
class CheckpointError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Training stopped because the loss or the weights became NaN or infinite: almost always a
// learning rate (or another setting) too large for the model. Nothing of the run is saved after it.
class TrainingDiverged : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A long job (scoring the test set for the Inside views) was stopped by its caller's progress
// callback; nothing it computed is returned.
class Cancelled : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A user-supplied value (option, model name, device) is invalid.
class InvalidArgument : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

// Throws InvalidArgument("<owner>: <option> must be <requirement>, got <value>") unless ok.
template <typename T>
void require_option(bool ok, const char* owner, const char* option, const T& value,
                    const char* requirement) {
    if (ok) return;
    std::ostringstream message;
    message << owner << ": " << option << " must be " << requirement << ", got " << value;
    throw InvalidArgument(message.str());
}

}  // namespace mnist
