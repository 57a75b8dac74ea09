#include "core/checkpoint.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <torch/csrc/jit/serialization/export.h>
#include <torch/csrc/jit/serialization/pickler.h>

#include "core/errors.h"
#include "core/model_factory.h"
#include "core/model_registry.h"
#include "core/pytorch_state_dict_reader.h"

namespace mnist {
namespace fs = std::filesystem;
namespace {

std::map<std::string, torch::Tensor> named_state(const torch::nn::Module& net) {
    std::map<std::string, torch::Tensor> state;
    for (const auto& p : net.named_parameters()) state[p.key()] = p.value();
    for (const auto& b : net.named_buffers()) state[b.key()] = b.value();
    return state;
}

// A file being written is <file>.tmp<pid of the writer> until it is renamed into place.
const char* const kTempInfix = ".tmp";

// Writes `path` through a temporary file that is flushed to disk and then renamed over it, so a
// reader, a kill or a power cut sees the old file or the new one, never half of one. On failure
// the temporary is removed and the old file left as it was.
void write_atomically(const std::string& path, const char* data, std::size_t size) {
    const std::string tmp = path + kTempInfix + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw CheckpointError("cannot write " + tmp + ": " + std::strerror(errno));
    int error = 0;
    for (std::size_t done = 0; done < size && !error;) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n >= 0) {
            done += static_cast<std::size_t>(n);
        } else if (errno != EINTR) {
            error = errno;
        }
    }
    if (!error && ::fsync(fd) != 0) error = errno;
    if (::close(fd) != 0 && !error) error = errno;
    if (!error && ::rename(tmp.c_str(), path.c_str()) != 0) error = errno;
    if (error) {
        ::unlink(tmp.c_str());
        throw CheckpointError("writing " + path + " failed: " + std::strerror(error) +
                              "; the previous file, if any, is unchanged");
    }
}

// Makes the renames in `dir` survive a power cut (best effort: not every file system allows it).
void sync_directory(const fs::path& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// The writer pid in a name of the form <something>.pth.tmp<pid> or <something>.json.tmp<pid>; 0
// for any other name.
pid_t temp_file_writer(const std::string& name) {
    const auto infix = name.rfind(kTempInfix);
    if (infix == std::string::npos) return 0;
    const std::string stem = name.substr(0, infix);
    const std::string digits = name.substr(infix + std::strlen(kTempInfix));
    const auto ends_with = [&](const char* suffix) {
        const std::size_t n = std::strlen(suffix);
        return stem.size() > n && stem.compare(stem.size() - n, n, suffix) == 0;
    };
    if (!(ends_with(".pth") || ends_with(".json")) || digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
        return 0;
    }
    return static_cast<pid_t>(std::stol(digits));
}

// Temporary files of ours that a killed writer left in `dir`. A writer that is still alive (this
// process or another one saving into the same folder) keeps its file.
void remove_stale_temp_files(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir.empty() ? fs::path(".") : dir, ec)) {
        const pid_t writer = temp_file_writer(entry.path().filename().string());
        if (writer <= 0 || writer == ::getpid()) continue;
        if (::kill(writer, 0) == 0 || errno == EPERM) continue;
        std::error_code ignored;
        fs::remove(entry.path(), ignored);
    }
}

// What the sidecar records about the .pth it describes, so a pair torn apart by a kill between
// the two renames is recognised rather than trusted.
struct WeightsStamp {
    std::uint64_t bytes = 0;
    std::uint32_t crc32 = 0;
};

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

std::optional<WeightsStamp> stamp_of_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    return stamp_of(bytes.data(), bytes.size());
}

// The first tensor holding NaN or an infinity, in words ("conv1.weight holds 3 NaN and 0
// infinite values"); empty when every value is finite.
std::string non_finite(const std::map<std::string, torch::Tensor>& state) {
    for (const auto& [key, tensor] : state) {
        if (!tensor.is_floating_point() || tensor.numel() == 0) continue;
        if (torch::isfinite(tensor).all().item<bool>()) continue;
        const auto nans = torch::isnan(tensor).sum().item<std::int64_t>();
        const auto infs = torch::isinf(tensor).sum().item<std::int64_t>();
        return key + " holds " + std::to_string(nans) + " NaN and " + std::to_string(infs) +
               " infinite values";
    }
    return {};
}

// torch::pickle_save tags dicts with torch.jit._pickle.restore_type_tag, a global that PyTorch
// >= 2.6's torch.load(weights_only=True) -- its default -- refuses. The same archive without
// that tag is exactly what torch.save writes for a dict of tensors.
std::vector<char> pickle_state_dict(const c10::Dict<std::string, torch::Tensor>& dict) {
    std::vector<char> pickle_bytes;
    torch::jit::Pickler pickler(
        [&](const char* data, std::size_t size) { pickle_bytes.insert(pickle_bytes.end(), data, data + size); },
        /*tensor_table=*/nullptr, /*type_renamer=*/nullptr, /*memoized_class_types=*/nullptr,
        /*get_tensor_id=*/nullptr, /*tag_aggregates=*/false);
    pickler.protocol();
    pickler.pushIValue(dict);
    pickler.stop();
    std::vector<char> archive;
    caffe2::serialize::PyTorchStreamWriter writer([&](const void* data, std::size_t size) {
        const char* bytes = static_cast<const char*>(data);
        archive.insert(archive.end(), bytes, bytes + size);
        return size;
    });
    torch::jit::writeArchiveAndTensors("data", pickle_bytes.data(), pickle_bytes.size(),
                                       pickler.tensorData(), writer);
    writer.writeEndOfFile();
    return archive;
}

std::string shape_string(const torch::Tensor& t) {
    std::string s = "[";
    for (std::int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
    return s + "]";
}

// The checkpoint's tensors by key. Our own files and torch.save's share one format, read by
// read_pytorch_state_dict, which checks every record's size against its tensor before copying
// (LibTorch's torch::pickle_load does not: an empty record crashed the copy into the model).
// Throws CheckpointError naming the file: missing, a directory, empty, not a state_dict, or a
// tensor holding NaN or an infinity (such weights only ever predict nonsense).
std::map<std::string, torch::Tensor> read_state_dict(const std::string& path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (!fs::exists(status)) throw CheckpointError("checkpoint " + path + " not found");
    if (fs::is_directory(status)) {
        throw CheckpointError("checkpoint " + path + " is a directory, not a .pth file");
    }
    if (fs::file_size(path, ec) == 0 && !ec) {
        throw CheckpointError("checkpoint " + path + " is empty");
    }
    auto state = read_pytorch_state_dict(path);
    if (const std::string bad = non_finite(state); !bad.empty()) {
        throw CheckpointError("checkpoint " + path + " is unusable: " + bad);
    }
    return state;
}

// Empty when `state` fits `net`; otherwise what differs, in words.
std::string mismatch(const torch::nn::Module& net, const std::map<std::string, torch::Tensor>& state) {
    std::string missing, unexpected, shapes;
    const auto expected = named_state(net);
    for (const auto& [key, tensor] : expected) {
        auto it = state.find(key);
        if (it == state.end()) {
            missing += (missing.empty() ? "" : ", ") + key;
        } else if (it->second.sizes() != tensor.sizes()) {
            shapes += (shapes.empty() ? "" : ", ") + key + " is " + shape_string(it->second) +
                      " but the model needs " + shape_string(tensor);
        }
    }
    for (const auto& [key, tensor] : state) {
        if (!expected.count(key)) unexpected += (unexpected.empty() ? "" : ", ") + key;
    }
    std::string why;
    if (!missing.empty()) why += "missing keys: " + missing + "; ";
    if (!unexpected.empty()) why += "unexpected keys: " + unexpected + "; ";
    if (!shapes.empty()) why += "shape mismatch: " + shapes + "; ";
    if (!why.empty()) why.resize(why.size() - 2);
    return why;
}

void copy_state(torch::nn::Module& net, const std::map<std::string, torch::Tensor>& state) {
    torch::NoGradGuard no_grad;
    for (auto& [key, tensor] : named_state(net)) {
        const auto& source = state.at(key);
        tensor.copy_(source.to(tensor.device(), tensor.scalar_type()));
    }
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

void save_checkpoint(const torch::nn::Module& net, const std::string& path,
                     const CheckpointMeta& meta) {
    const auto state = named_state(net);
    if (const std::string bad = non_finite(state); !bad.empty()) {
        throw CheckpointError("refusing to save " + path + ": " + bad +
                              "; the checkpoint there, if any, is unchanged");
    }
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& [key, tensor] : state) {
        dict.insert(key, tensor.detach().to(torch::kCPU).contiguous());
    }
    const std::vector<char> bytes = pickle_state_dict(dict);
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        fs::create_directories(parent, ec);
        if (ec) {
            throw CheckpointError("cannot create the folder " + parent.string() + " for " + path +
                                  ": " + ec.message());
        }
    }
    remove_stale_temp_files(parent);
    // The weights first, then the sidecar stamped with their size and CRC-32: a kill between the
    // two renames leaves new weights beside an old sidecar, which read_checkpoint_meta then
    // recognises as stale instead of pairing one epoch's weights with another's accuracy.
    write_atomically(path, bytes.data(), bytes.size());
    const WeightsStamp stamp = stamp_of(bytes.data(), bytes.size());

    nlohmann::json sidecar = {
        {"model", meta.model},
        {"epoch", meta.epoch},
        {"val_acc", meta.val_acc},
        {"normalization", {{"mean", meta.mean}, {"std", meta.std}}},
        {"params", meta.params},
        {"date", meta.date.empty() ? utc_now_iso8601() : meta.date},
        {"app_version", meta.app_version},
        {"weights",
         {{"file", fs::path(path).filename().string()},
          {"bytes", stamp.bytes},
          {"crc32", stamp.crc32}}},
    };
    const std::string text = sidecar.dump(2) + "\n";
    write_atomically(sidecar_path(path), text.data(), text.size());
    sync_directory(parent);
}

void load_checkpoint_into(torch::nn::Module& net, const std::string& path) {
    const auto state = read_state_dict(path);
    if (const std::string why = mismatch(net, state); !why.empty()) {
        throw CheckpointError("checkpoint " + path + " does not fit this model: " + why);
    }
    copy_state(net, state);
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

LoadedModel load_model_checkpoint(const std::string& path) {
    const auto state = read_state_dict(path);
    LoadedModel loaded;
    try {
        loaded.meta = read_checkpoint_meta(path);
    } catch (const CheckpointError& e) {
        loaded.meta_problem = std::string(e.what()) + "; the model is identified by its keys";
    }
    // The sidecar's model first; the weights decide, whatever the sidecar says.
    std::vector<std::string> candidates = model_names();
    if (loaded.meta) {
        const auto named = std::find(candidates.begin(), candidates.end(), loaded.meta->model);
        if (named != candidates.end()) std::rotate(candidates.begin(), named, named + 1);
    }
    std::string reasons;
    for (const auto& name : candidates) {
        SequentialNet net = make_model(name);
        if (const std::string why = mismatch(*net, state); !why.empty()) {
            reasons += "\n  " + name + ": " + why;
            continue;
        }
        copy_state(*net, state);
        net->eval();
        loaded.model = name;
        loaded.net = net;
        if (loaded.meta && loaded.meta->model != name) {
            loaded.meta_problem = "checkpoint description " + sidecar_path(path) + " names " +
                                  loaded.meta->model + " but the weights are " + name +
                                  "'s; ignoring it";
            loaded.meta.reset();
        }
        return loaded;
    }
    throw CheckpointError("checkpoint " + path + " fits none of the models:" + reasons);
}

}  // namespace mnist
