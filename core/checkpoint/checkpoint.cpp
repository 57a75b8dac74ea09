#include "core/checkpoint/checkpoint.h"

#include <torch/csrc/jit/serialization/export.h>
#include <torch/csrc/jit/serialization/pickler.h>
#include <algorithm>
#include <filesystem>
#include <map>

#include "core/checkpoint/atomic_file.h"
#include "core/checkpoint/pytorch_state_dict_reader.h"
#include "core/errors.h"
#include "core/models/model_factory.h"
#include "core/models/model_registry.h"

namespace mnist {
namespace fs = std::filesystem;
namespace {

std::map<std::string, torch::Tensor> named_state(const torch::nn::Module& net) {
    std::map<std::string, torch::Tensor> state;
    for (const auto& p : net.named_parameters()) state[p.key()] = p.value();
    for (const auto& b : net.named_buffers()) state[b.key()] = b.value();
    return state;
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
        [&](const char* data, std::size_t size) {
            pickle_bytes.insert(pickle_bytes.end(), data, data + size);
        },
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
std::string mismatch(const torch::nn::Module& net,
                     const std::map<std::string, torch::Tensor>& state) {
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

}  // namespace

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
    remove_stale_temp_files(parent.string());
    // The weights first, then the sidecar stamped with their size and CRC-32: a kill between the
    // two renames leaves new weights beside an old sidecar, which read_checkpoint_meta then
    // recognises as stale instead of pairing one epoch's weights with another's accuracy.
    write_atomically(path, bytes.data(), bytes.size());
    const WeightsStamp stamp = stamp_of(bytes.data(), bytes.size());

    write_checkpoint_meta(path, meta, stamp);
    sync_directory(parent.string());
}

void load_checkpoint_into(torch::nn::Module& net, const std::string& path) {
    const auto state = read_state_dict(path);
    if (const std::string why = mismatch(net, state); !why.empty()) {
        throw CheckpointError("checkpoint " + path + " does not fit this model: " + why);
    }
    copy_state(net, state);
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
