#include "core/checkpoint/checkpoint_meta.h"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/checkpoint/atomic_file.h"
#include "core/errors.h"

namespace mnist {
namespace fs = std::filesystem;
namespace {

std::optional<WeightsStamp> stamp_of_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    return stamp_of(bytes.data(), bytes.size());
}

std::string utc_now_iso8601() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    return buffer;
}

}  // namespace

std::string checkpoint_path(const std::string& dir, const std::string& model) {
    return (fs::path(dir) / ("best_" + model + ".pth")).string();
}

std::string sidecar_path(const std::string& pth_path) {
    return fs::path(pth_path).replace_extension(".json").string();
}

WeightsStamp stamp_of(const char* data, std::size_t size) {
    WeightsStamp stamp;
    stamp.bytes = size;
    uLong crc = ::crc32(0L, Z_NULL, 0);
    for (std::size_t done = 0; done < size;) {
        const auto n = static_cast<uInt>(std::min<std::size_t>(size - done, 1u << 30));
        crc = ::crc32(crc, reinterpret_cast<const Bytef*>(data + done), n);
        done += n;
    }
    stamp.crc32 = static_cast<std::uint32_t>(crc);
    return stamp;
}

void write_checkpoint_meta(const std::string& pth_path, const CheckpointMeta& meta,
                           const WeightsStamp& stamp) {
    const nlohmann::json sidecar = {
        {"model", meta.model},
        {"epoch", meta.epoch},
        {"val_acc", meta.val_acc},
        {"normalization", {{"mean", meta.mean}, {"std", meta.std}}},
        {"params", meta.params},
        {"date", meta.date.empty() ? utc_now_iso8601() : meta.date},
        {"app_version", meta.app_version},
        {"weights",
         {{"file", fs::path(pth_path).filename().string()},
          {"bytes", stamp.bytes},
          {"crc32", stamp.crc32}}},
    };
    const std::string text = sidecar.dump(2) + "\n";
    write_atomically(sidecar_path(pth_path), text.data(), text.size());
}

std::optional<CheckpointMeta> read_checkpoint_meta(const std::string& pth_path) {
    const std::string path = sidecar_path(pth_path);
    std::ifstream in(path);
    if (!in) return std::nullopt;
    nlohmann::json j;
    CheckpointMeta meta;
    std::optional<WeightsStamp> recorded;
    try {
        j = nlohmann::json::parse(in);
        meta.model = j.at("model").get<std::string>();
        if (meta.model.empty()) throw std::invalid_argument("the model name is empty");
        meta.epoch = j.value("epoch", 0);
        meta.val_acc = j.value("val_acc", 0.0);
        if (j.contains("normalization")) {
            meta.mean = j["normalization"].value("mean", meta.mean);
            meta.std = j["normalization"].value("std", meta.std);
        }
        meta.params = j.value("params", std::int64_t{0});
        meta.date = j.value("date", std::string());
        meta.app_version = j.value("app_version", std::string());
        if (j.contains("weights")) {  // sidecars written before the stamp existed have none
            recorded = WeightsStamp{j["weights"].at("bytes").get<std::uint64_t>(),
                                    j["weights"].at("crc32").get<std::uint32_t>()};
        }
    } catch (const std::exception& e) {
        throw CheckpointError("checkpoint description " + path + " is corrupt: " + e.what());
    }
    if (recorded) {
        const auto actual = stamp_of_file(pth_path);
        if (!actual || actual->bytes != recorded->bytes || actual->crc32 != recorded->crc32) {
            throw CheckpointError(
                "checkpoint description " + path + " is stale: it describes weights of " +
                std::to_string(recorded->bytes) + " bytes with CRC-32 " +
                std::to_string(recorded->crc32) + ", but " + pth_path +
                (actual ? " has " + std::to_string(actual->bytes) + " bytes with CRC-32 " +
                              std::to_string(actual->crc32)
                        : " cannot be read") +
                " (a save was interrupted between the two files)");
        }
    }
    return meta;
}

}  // namespace mnist
