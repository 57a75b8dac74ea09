#include "core/training/training_state_file.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/checkpoint/atomic_file.h"
#include "core/errors.h"

namespace mnist {
namespace {

// The archive's layout; a reader refuses another one rather than misread it.
constexpr std::int64_t kFormat = 1;
constexpr int kHistoryColumns = 8;

torch::Tensor history_tensor(const std::vector<EpochMetrics>& history) {
    std::vector<double> values;
    for (const EpochMetrics& m : history) {
        values.insert(values.end(),
                      {static_cast<double>(m.epoch), m.train_loss, m.train_acc, m.val_loss,
                       m.val_acc, m.lr, m.seconds, m.improved ? 1.0 : 0.0});
    }
    return torch::tensor(values, torch::kFloat64)
        .reshape({static_cast<std::int64_t>(history.size()), kHistoryColumns});
}

std::vector<EpochMetrics> history_from(const torch::Tensor& t) {
    TORCH_CHECK(t.dim() == 2 && t.size(1) == kHistoryColumns && t.scalar_type() == torch::kFloat64,
                "the history is not an N x 8 table of doubles");
    const auto rows = t.accessor<double, 2>();
    std::vector<EpochMetrics> history;
    for (std::int64_t i = 0; i < t.size(0); ++i) {
        EpochMetrics m;
        m.epoch = static_cast<int>(i) + 1;
        TORCH_CHECK(rows[i][0] == m.epoch, "history row ", i + 1, " is of epoch ", rows[i][0]);
        m.train_loss = rows[i][1];
        m.train_acc = rows[i][2];
        m.val_loss = rows[i][3];
        m.val_acc = rows[i][4];
        m.lr = rows[i][5];
        m.seconds = rows[i][6];
        m.improved = rows[i][7] != 0.0;
        history.push_back(m);
    }
    return history;
}

// The default generator of `device`'s type (CPU, or CUDA when training there); a handle that
// shares the generator itself.
at::Generator generator(const torch::Device& device) {
    return at::globalContext().defaultGenerator(device.is_cuda() ? device : torch::kCPU);
}

torch::Tensor random_state(const torch::Device& device) {
    at::Generator g = generator(device);
    std::lock_guard<std::mutex> lock(g.mutex());
    return g.get_state();
}

void set_random_state(const torch::Device& device, const torch::Tensor& state) {
    at::Generator g = generator(device);
    std::lock_guard<std::mutex> lock(g.mutex());
    g.set_state(state);
}

// The net's parameters and buffers by position: the net is rebuilt from the same recipe, so the
// order is the same, and each shape is checked before it is copied in.
void save_net(const torch::nn::Module& net, torch::serialize::OutputArchive& archive) {
    const auto params = net.parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
        archive.write("param_" + std::to_string(i), params[i]);
    }
    const auto buffers = net.buffers();
    for (std::size_t i = 0; i < buffers.size(); ++i) {
        archive.write("buffer_" + std::to_string(i), buffers[i], /*is_buffer=*/true);
    }
}

void load_into(std::vector<torch::Tensor> targets, const char* kind, bool is_buffer,
               torch::serialize::InputArchive& archive) {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        torch::Tensor saved;
        archive.read(std::string(kind) + "_" + std::to_string(i), saved, is_buffer);
        TORCH_CHECK(saved.sizes() == targets[i].sizes(), kind, " ", i, " has shape ", saved.sizes(),
                    ", the model's has ", targets[i].sizes());
        targets[i].copy_(saved);
    }
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

}  // namespace

void save_training_state(const std::string& path, TrainingState& state, const RunProgress& progress,
                         const torch::Device& device) {
    torch::serialize::OutputArchive archive;
    archive.write("format", torch::tensor(kFormat, torch::kInt64));
    archive.write("model", c10::IValue(progress.model));
    torch::serialize::OutputArchive net, optimizer;
    save_net(*state.net, net);
    archive.write("net", net);
    state.optimizer->save(optimizer);
    archive.write("optimizer", optimizer);
    archive.write("scheduler", torch::tensor(state.scheduler->save_state(), torch::kFloat64));
    if (state.average) {
        torch::serialize::OutputArchive average;
        state.average->save(average);
        archive.write("average", average);
    }
    archive.write("progress",
                  torch::tensor({static_cast<std::int64_t>(progress.epoch),
                                 static_cast<std::int64_t>(progress.epochs_without_gain),
                                 static_cast<std::int64_t>(progress.best_epoch)},
                                torch::kInt64));
    archive.write("best_val_acc", torch::tensor(progress.best_val_acc, torch::kFloat64));
    archive.write("history", history_tensor(progress.history));
    // randperm (the epoch's order) and dropout draw from these: restoring them is what makes a
    // resumed run take the same batches as an uninterrupted one.
    archive.write("random_cpu", random_state(torch::kCPU));
    if (device.is_cuda()) archive.write("random_cuda", random_state(device));

    std::ostringstream bytes;
    archive.save_to(bytes);
    const std::string data = bytes.str();
    write_atomically(path, data.data(), data.size());
}

RunProgress load_training_state(const std::string& path, TrainingState& state,
                                const std::string& model, const torch::Device& device) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw CheckpointError("training state " + path +
                              " is missing: the run has no finished epoch to continue from");
    }
    RunProgress progress;
    try {
        std::ifstream in(path, std::ios::binary);
        torch::serialize::InputArchive archive;
        // On the training device, so the optimizer's moments land where the weights are.
        archive.load_from(in, device);
        torch::Tensor format;
        archive.read("format", format);
        if (format.item<std::int64_t>() != kFormat) {
            throw CheckpointError("training state " + path + " has format " +
                                  std::to_string(format.item<std::int64_t>()) + ", not " +
                                  std::to_string(kFormat) + " (written by another version)");
        }
        c10::IValue saved_model;
        archive.read("model", saved_model);
        progress.model = saved_model.toStringRef();
        if (progress.model != model) {
            throw CheckpointError("training state " + path + " is of " + progress.model +
                                  ", but the run trains " + model);
        }
        torch::serialize::InputArchive net, optimizer, average;
        archive.read("net", net);
        load_into(state.net->parameters(), "param", false, net);
        load_into(state.net->buffers(), "buffer", true, net);
        archive.read("optimizer", optimizer);
        state.optimizer->load(optimizer);
        torch::Tensor schedule;
        archive.read("scheduler", schedule);
        schedule = schedule.to(torch::kCPU).contiguous();
        state.scheduler->restore(std::vector<double>(
            schedule.data_ptr<double>(), schedule.data_ptr<double>() + schedule.numel()));
        if (state.average) {
            archive.read("average", average);
            state.average->load(average);
        }
        torch::Tensor counts, best, history, random;
        archive.read("progress", counts);
        archive.read("best_val_acc", best);
        archive.read("history", history);
        TORCH_CHECK(counts.numel() == 3, "the progress record has ", counts.numel(),
                    " numbers, not 3");
        progress.epoch = static_cast<int>(counts[0].item<std::int64_t>());
        progress.epochs_without_gain = static_cast<int>(counts[1].item<std::int64_t>());
        progress.best_epoch = static_cast<int>(counts[2].item<std::int64_t>());
        progress.best_val_acc = best.item<double>();
        progress.history = history_from(history.to(torch::kCPU));
        TORCH_CHECK(static_cast<int>(progress.history.size()) == progress.epoch, "it records ",
                    progress.epoch, " epochs but holds the history of ", progress.history.size());
        TORCH_CHECK(progress.best_epoch >= 0 && progress.best_epoch <= progress.epoch &&
                        progress.epochs_without_gain >= 0 &&
                        progress.epochs_without_gain <= progress.epoch &&
                        std::isfinite(progress.best_val_acc),
                    "its best epoch ", progress.best_epoch, ", early-stop count ",
                    progress.epochs_without_gain, " or best accuracy ", progress.best_val_acc,
                    " do not fit its ", progress.epoch, " epochs");
        archive.read("random_cpu", random);
        set_random_state(torch::kCPU, random.to(torch::kCPU));
        if (device.is_cuda() && archive.try_read("random_cuda", random)) {
            set_random_state(device, random.to(torch::kCPU));
        }
    } catch (const CheckpointError&) {
        throw;
    } catch (const InvalidArgument& e) {
        throw CheckpointError("training state " + path + " is corrupt: " + e.what());
    } catch (const c10::Error& e) {
        throw CheckpointError("training state " + path + " is corrupt or does not fit " + model +
                              ": " + first_line(e.what_without_backtrace()));
    }
    return progress;
}

}  // namespace mnist
