#include "core/data/data_location.h"

#include <cstdlib>
#include <filesystem>

#include "core/errors.h"

namespace mnist {
namespace fs = std::filesystem;

bool has_mnist_files(const std::string& dir) {
    for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
        const fs::path p = fs::path(dir) / name;
        if (!fs::exists(p) && !fs::exists(p.string() + ".gz")) return false;
    }
    return true;
}

std::string resolve_data_dir(const std::string& explicit_dir, const std::string& executable_path) {
    if (!explicit_dir.empty()) {
        if (!has_mnist_files(explicit_dir)) {
            throw DataError(
                "data directory " + explicit_dir +
                " does not hold the four MNIST IDX files (train-images-idx3-ubyte, ...)");
        }
        return explicit_dir;
    }
    if (const char* env = std::getenv("MNIST_DATA"); env && *env) {
        if (!has_mnist_files(env)) {
            throw DataError(std::string("$MNIST_DATA is ") + env +
                            ", which does not hold the four MNIST IDX files");
        }
        return env;
    }
    auto search_up = [&](fs::path dir) -> std::string {
        std::error_code ec;
        dir = fs::weakly_canonical(dir, ec);
        for (; !dir.empty(); dir = dir.parent_path()) {
            const fs::path candidate = dir / "data" / "MNIST" / "raw";
            if (has_mnist_files(candidate.string())) return candidate.string();
            if (dir == dir.parent_path()) break;
        }
        return {};
    };
    if (auto found = search_up(fs::current_path()); !found.empty()) return found;
    if (!executable_path.empty()) {
        if (auto found = search_up(fs::path(executable_path).parent_path()); !found.empty())
            return found;
    }
    throw DataError(
        "MNIST not found: no data/MNIST/raw in the working directory or the program's "
        "directory or their parents; run scripts/fetch_data.sh, set $MNIST_DATA or pass --data "
        "DIR");
}

}  // namespace mnist
