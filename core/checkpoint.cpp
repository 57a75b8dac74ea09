#include "core/checkpoint.h"

#include <unistd.h>

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

void write_atomically(const std::string& path, const char* data, std::size_t size) {
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw CheckpointError("cannot write " + tmp + ": " + std::strerror(errno));
        out.write(data, static_cast<std::streamsize>(size));
        out.flush();
        if (!out) {
            std::error_code ignored;
            fs::remove(tmp, ignored);
            throw CheckpointError("writing " + path + " failed (disk full?)");
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw CheckpointError("cannot move the new checkpoint into place at " + path);
    }
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

// The checkpoint's tensors by key; throws when the file is not a pickled dict of tensors.
// torch::pickle_load reads our own files; a state_dict saved from Python needs
// read_pytorch_state_dict, because LibTorch 1.13 unpickles its OrderedDict as None.
std::map<std::string, torch::Tensor> read_state_dict(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CheckpointError("checkpoint " + path + " not found or unreadable");
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty()) throw CheckpointError("checkpoint " + path + " is empty");
    torch::IValue value;
    bool loaded = false;
    try {
        value = torch::pickle_load(bytes);
        loaded = true;
    } catch (const std::exception&) {
        // Not ours; perhaps torch.save's. The fallback's error says why not, naming the file.
    }
    if (!loaded || !value.isGenericDict()) {
        try {
            return read_pytorch_state_dict(path);
        } catch (const CheckpointError&) {
            if (!loaded) throw;
        }
        throw CheckpointError("checkpoint " + path + " holds a " + value.tagKind() +
                              ", not a state_dict (a dict of tensors)");
    }
    std::map<std::string, torch::Tensor> state;
    for (const auto& item : value.toGenericDict()) {
        if (!item.key().isString() || !item.value().isTensor()) {
            throw CheckpointError("checkpoint " + path +
                                  " is a dict but not a state_dict (keys must be names, values tensors)");
        }
        state[item.key().toStringRef()] = item.value().toTensor();
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
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& [key, tensor] : named_state(net)) {
        dict.insert(key, tensor.detach().to(torch::kCPU).contiguous());
    }
    const std::vector<char> bytes = pickle_state_dict(dict);
    if (const auto parent = fs::path(path).parent_path(); !parent.empty()) {
        std::error_code ec;
        fs::create_directories(parent, ec);
    }
    write_atomically(path, bytes.data(), bytes.size());

    nlohmann::json sidecar = {
        {"model", meta.model},
        {"epoch", meta.epoch},
        {"val_acc", meta.val_acc},
        {"normalization", {{"mean", meta.mean}, {"std", meta.std}}},
        {"params", meta.params},
        {"date", meta.date.empty() ? utc_now_iso8601() : meta.date},
        {"app_version", meta.app_version},
    };
    const std::string text = sidecar.dump(2) + "\n";
    write_atomically(sidecar_path(path), text.data(), text.size());
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
    try {
        const auto j = nlohmann::json::parse(in);
        CheckpointMeta meta;
        meta.model = j.at("model").get<std::string>();
        meta.epoch = j.value("epoch", 0);
        meta.val_acc = j.value("val_acc", 0.0);
        if (j.contains("normalization")) {
            meta.mean = j["normalization"].value("mean", meta.mean);
            meta.std = j["normalization"].value("std", meta.std);
        }
        meta.params = j.value("params", std::int64_t{0});
        meta.date = j.value("date", std::string());
        meta.app_version = j.value("app_version", std::string());
        return meta;
    } catch (const std::exception& e) {
        throw CheckpointError("checkpoint description " + path + " is corrupt: " + e.what());
    }
}

LoadedModel load_model_checkpoint(const std::string& path) {
    const auto state = read_state_dict(path);
    LoadedModel loaded;
    loaded.meta = read_checkpoint_meta(path);
    std::vector<std::string> candidates =
        loaded.meta ? std::vector<std::string>{loaded.meta->model} : model_names();
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
        return loaded;
    }
    throw CheckpointError("checkpoint " + path + " fits none of the models:" + reasons);
}

}  // namespace mnist
