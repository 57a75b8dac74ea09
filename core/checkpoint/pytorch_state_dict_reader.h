#pragma once
// A reader for state_dicts saved from Python with torch.save(model.state_dict(), path).
// LibTorch 1.13's unpickler (torch::pickle_load) turns the top-level collections.OrderedDict of
// such a file into None and fails; newer LibTorch fixed that, Debian still ships 1.13.
#include <map>
#include <string>

#include <torch/torch.h>

namespace mnist {

// Reads the zip format torch.save has written since PyTorch 1.6 (any archive name, pickle
// protocol 2 to 5) when it holds a dict of tensors: an OrderedDict as nn.Module.state_dict()
// returns (its _metadata is ignored) or a plain dict. Tensors come back on the CPU whatever
// device they were saved from, with the dtype, shape, strides and values that were saved.
// Throws CheckpointError naming the file when it is missing, not a torch.save zip, the legacy
// (pre-1.6) format, or anything but a dict of tensors -- including any pickle opcode or global
// that a state_dict does not need, so nothing in the file is ever executed or trusted blindly.
std::map<std::string, torch::Tensor> read_pytorch_state_dict(const std::string& path);

}  // namespace mnist
