#include "core/checkpoint/bundled_model.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "core/errors.h"

namespace mnist {
namespace fs = std::filesystem;

std::string find_bundled_checkpoint(const std::string& executable_path) {
    constexpr const char* kName = "best_Model_3.pth";
    if (const char* env = std::getenv("MNIST_STUDIO_MODEL"); env && *env) {
        if (!fs::exists(env)) {
            throw CheckpointError(std::string("$MNIST_STUDIO_MODEL is ") + env +
                                  ", which does not exist");
        }
        return env;
    }
    std::error_code ec;
    std::vector<fs::path> starts = {fs::current_path(ec)};
    if (!executable_path.empty()) {
        starts.insert(starts.begin(),
                      fs::weakly_canonical(fs::path(executable_path), ec).parent_path());
    }
    for (fs::path dir : starts) {
        for (; !dir.empty(); dir = dir.parent_path()) {
            for (const fs::path& candidate :
                 {dir / "share" / "mnist-studio" / kName, dir / "resources" / kName}) {
                if (fs::exists(candidate)) return candidate.string();
            }
            if (dir == dir.parent_path()) break;
        }
    }
    throw CheckpointError(
        "the bundled model resources/best_Model_3.pth was not found near the "
        "program or the working directory; pass --checkpoint FILE.pth");
}

}  // namespace mnist
