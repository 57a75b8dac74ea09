#pragma once
// The recipes each model is trained with. Plain C++: the CLI and the app start from one and let
// the user override any field.
#include <string>
#include <vector>

#include "core/training/train_options.h"

namespace mnist {

// The recipes each model is registered with; the CLI and GUI start from one and let the user
// override any field. "default" is the full recipe; "fast" the quick demo, tuned for the time to
// reach the model's accuracy rather than for the last tenth of a percent. Throws InvalidArgument
// naming an unknown model or recipe.
TrainOptions recommended_options(const std::string& model, const std::string& recipe = "default");
// The recipe names recommended_options takes, the default first.
const std::vector<std::string>& recipe_names();

}  // namespace mnist
