#pragma once
// best_<Model>.pth files: a real PyTorch state_dict (torch.load gives a dict of tensors that
// load_state_dict accepts), written atomically, plus a best_<Model>.json sidecar describing it.
#include <optional>
#include <string>

#include "core/sequential_net.h"

namespace mnist {

struct CheckpointMeta {
    std::string model;
    int epoch = 0;
    double val_acc = 0.0;  // percent
    double mean = 0.1307;
    double std = 0.3081;
    std::int64_t params = 0;
    std::string date;         // ISO 8601, UTC
    std::string app_version;
};

// best_<model>.pth inside dir.
std::string checkpoint_path(const std::string& dir, const std::string& model);
// The sidecar of a .pth: same path with .json in place of .pth.
std::string sidecar_path(const std::string& pth_path);

// Writes the state_dict to a temporary file beside `path`, flushes it to disk and renames it into
// place, so a reader (or a kill, or a power cut) never sees half a checkpoint; then the sidecar,
// the same way, stamped with the size and CRC-32 of the weights it describes. Temporary files
// that killed writers left in the folder are removed first. Throws CheckpointError naming the
// path on I/O failure, or when a weight is NaN or infinite: the file at `path` is then unchanged.
void save_checkpoint(const torch::nn::Module& net, const std::string& path,
                     const CheckpointMeta& meta);

// Copies the state_dict in `path` into `net`. Throws CheckpointError naming the file when it is
// missing, a directory, not a PyTorch pickle of a dict of tensors, when a tensor's record is
// shorter or longer than its dtype and shape need or holds NaN/inf (naming the key), or when keys
// or shapes differ from the architecture (listing the missing, unexpected and mismatched keys).
// `net` is unchanged then.
void load_checkpoint_into(torch::nn::Module& net, const std::string& path);

// The sidecar's contents, or nullopt when there is none. Throws CheckpointError if it is corrupt,
// or stale: it records the size and CRC-32 of weights other than the .pth beside it (a save was
// killed between writing the two).
std::optional<CheckpointMeta> read_checkpoint_meta(const std::string& pth_path);

// Loads a checkpoint as the registered model whose keys and shapes it matches, trying the model
// its sidecar names first. A missing, corrupt or stale sidecar does not stop the weights from
// loading: meta is then empty, and meta_problem says why when there was a sidecar.
struct LoadedModel {
    std::string model;
    SequentialNet net{nullptr};
    std::optional<CheckpointMeta> meta;
    std::string meta_problem;  // the sidecar that was ignored, and why; empty otherwise
};
LoadedModel load_model_checkpoint(const std::string& path);

}  // namespace mnist
