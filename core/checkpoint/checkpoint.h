#pragma once
// best_<Model>.pth files: a real PyTorch state_dict (torch.load gives a dict of tensors that
// load_state_dict accepts), written atomically, plus a best_<Model>.json sidecar describing it
// (checkpoint_meta.h, which the app reads without LibTorch).
#include <optional>
#include <string>

#include "core/checkpoint/checkpoint_meta.h"
#include "core/models/sequential_net.h"

namespace mnist {

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
