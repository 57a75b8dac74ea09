#pragma once
// The one list of models. The CLI, the GUI and the tests all enumerate models from here.
#include <string>
#include <vector>

namespace mnist {

struct ModelInfo {
    std::string name;         // Model_1, Model_2, Model_3
    std::string title;        // one line
    std::string description;  // one paragraph shown in CLI and GUI
};

const std::vector<ModelInfo>& model_infos();
std::vector<std::string> model_names();
// Throws InvalidArgument naming the unknown model and listing the known ones.
const ModelInfo& model_info(const std::string& name);

}  // namespace mnist
