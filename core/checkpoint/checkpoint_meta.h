#pragma once
// The best_<Model>.json sidecar beside each best_<Model>.pth: which model, which epoch, what
// accuracy, stamped with the size and CRC-32 of the weights it describes. Plain C++: the app
// reads it to label checkpoints without loading them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/data/mnist_format.h"

namespace mnist {

struct CheckpointMeta {
    std::string model;
    int epoch = 0;
    double val_acc = 0.0;  // percent
    double mean = kMnistMean;
    double std = kMnistStd;
    std::int64_t params = 0;
    std::string date;  // ISO 8601, UTC
    std::string app_version;
};

// best_<model>.pth inside dir.
std::string checkpoint_path(const std::string& dir, const std::string& model);
// The sidecar of a .pth: same path with .json in place of .pth.
std::string sidecar_path(const std::string& pth_path);

// The size and CRC-32 of a weights file, recorded in its sidecar so that a pair torn apart by a
// kill between the two renames is recognised rather than trusted.
struct WeightsStamp {
    std::uint64_t bytes = 0;
    std::uint32_t crc32 = 0;
};
WeightsStamp stamp_of(const char* data, std::size_t size);

// Writes the sidecar of `pth_path` atomically, describing weights stamped `stamp`; a `meta` with
// no date is stamped with the current UTC time. Throws CheckpointError naming the file.
void write_checkpoint_meta(const std::string& pth_path, const CheckpointMeta& meta,
                           const WeightsStamp& stamp);

// The sidecar's contents, or nullopt when there is none. Throws CheckpointError if it is corrupt,
// or stale: it records the size and CRC-32 of weights other than the .pth beside it (a save was
// killed between writing the two).
std::optional<CheckpointMeta> read_checkpoint_meta(const std::string& pth_path);

}  // namespace mnist
