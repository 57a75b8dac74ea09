#!/usr/bin/env python3
"""Writes the torch.save-format fixtures that tests/test_pytorch_state_dict.cpp reads.

PyTorch is not installed where these tests run, so this script does NOT call torch.save. It
emulates it: a fake `torch` / `torch._utils` module in sys.modules makes Python's own pickle write
the same GLOBALs that torch.save writes (torch._utils._rebuild_tensor_v2, torch.FloatStorage,
collections.OrderedDict), a Pickler subclass returns the same persistent ids
('storage', <storage class>, key, location, numel), and the zip has the same records in the same
order as PyTorch 2.x's torch.save, each aligned to 64 bytes by an "FB" extra field the way
PyTorchStreamWriter pads them. The result is a faithful imitation, not a file made by PyTorch.

Output (run from anywhere; rerunning gives byte-identical files):
  tests/data/pytorch_state_dict_model_1.pth  Model_1's keys and shapes, protocol 2 (the default)
  tests/data/pytorch_state_dict_views.pth    views sharing a storage, offsets, non-contiguous
                                             strides, several dtypes, a 'cuda:0' location,
                                             protocol 4 and the archive name PyTorch 1.x used
Values follow value_at() below so the C++ test can recompute them exactly.
"""
import collections
import io
import os
import pickle
import struct
import sys
import types
import zipfile
import zlib

# --- a fake torch, just enough for pickle to name the same globals torch.save names -------------

torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
torch._utils = torch_utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks):
    raise NotImplementedError("fixture writer only")


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2

# Storage class -> struct format of one element (little-endian).
STORAGE_FORMATS = {"FloatStorage": "f", "LongStorage": "q", "HalfStorage": "e",
                   "BoolStorage": "?", "IntStorage": "i"}
for _name in STORAGE_FORMATS:
    setattr(torch, _name, type(_name, (), {"__module__": "torch"}))


class Storage:
    def __init__(self, storage_class, key, values, location="cpu"):
        self.storage_class = getattr(torch, storage_class)
        self.key = key
        self.values = values
        self.location = location
        self.data = struct.pack("<%d%s" % (len(values), STORAGE_FORMATS[storage_class]), *values)


class Tensor:
    """Reduces the way torch.Tensor.__reduce_ex__ does for a plain (detached) CPU tensor."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce_ex__(self, protocol):
        # (storage, storage_offset, size, stride, requires_grad, backward_hooks)
        return (_rebuild_tensor_v2, (self.storage, self.offset, tuple(self.size),
                                     tuple(self.stride), False, collections.OrderedDict()))


class TorchSavePickler(pickle.Pickler):
    """torch.save's persistent_id: storages leave the pickle and become zip records."""

    def __init__(self, file, protocol):
        super().__init__(file, protocol=protocol)
        self.storages = {}

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            self.storages[obj.key] = obj
            return ("storage", obj.storage_class, obj.key, obj.location, len(obj.values))
        return None


# --- torch.save's zip layout ----------------------------------------------------------------------

ALIGNMENT = 64  # caffe2::serialize::detail::kFieldAlignment


def write_record(zf, name, data):
    # PyTorchStreamWriter puts an extra field "FB" <uint16 size> "ZZZ..." in the local header so
    # that the record's bytes start on a 64-byte boundary; the central directory has no extra.
    start = zf.fp.tell() + 30 + len(name) + 4
    padding = -start % ALIGNMENT
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.extra = b"FB" + struct.pack("<H", padding) + b"Z" * padding
    zf.writestr(info, data)
    info.extra = b""
    return zlib.crc32(data)


def torch_save(state_dict, path, archive, protocol):
    buffer = io.BytesIO()
    pickler = TorchSavePickler(buffer, protocol)
    pickler.dump(state_dict)
    storages = pickler.storages

    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        crcs = [write_record(zf, archive + "/data.pkl", buffer.getvalue()),
                write_record(zf, archive + "/byteorder", b"little")]
        for key in sorted(storages):  # torch.save sorts storage keys as strings
            crcs.append(write_record(zf, archive + "/data/" + key, storages[key].data))
        crcs.append(write_record(zf, archive + "/version", b"3\n"))
        # PyTorch derives a 40-digit id from record names and CRCs; any 40 digits stand in here.
        serialization_id = "%040d" % (sum(crcs) % 10**40)
        write_record(zf, archive + "/.data/serialization_id", serialization_id.encode())


def with_metadata(items, module_names):
    """An OrderedDict carrying _metadata, as nn.Module.state_dict() returns."""
    state_dict = collections.OrderedDict(items)
    state_dict._metadata = collections.OrderedDict((name, {"version": 1}) for name in module_names)
    return state_dict


# --- the fixtures ---------------------------------------------------------------------------------


def value_at(tensor_index, i):
    # Multiples of 1/128 in [-125/128, 125/128]: exact in float32, different for every tensor.
    return ((i * 7 + tensor_index * 13) % 251 - 125) / 128.0


MODEL_1 = [("conv1.weight", (8, 1, 3, 3)), ("conv1.bias", (8,)),
           ("conv2.weight", (16, 8, 3, 3)), ("conv2.bias", (16,)),
           ("fc1.weight", (32, 784)), ("fc1.bias", (32,)),
           ("fc2.weight", (10, 32)), ("fc2.bias", (10,))]


def contiguous_strides(size):
    strides, step = [], 1
    for extent in reversed(size):
        strides.insert(0, step)
        step *= extent
    return strides


def model_1_state_dict():
    items = []
    for index, (key, size) in enumerate(MODEL_1):
        numel = 1
        for extent in size:
            numel *= extent
        storage = Storage("FloatStorage", str(index), [value_at(index, i) for i in range(numel)])
        items.append((key, Tensor(storage, 0, size, contiguous_strides(size))))
    return with_metadata(items, ["", "conv1", "relu1", "pool1", "conv2", "relu2", "pool2",
                                 "flatten", "fc1", "relu3", "fc2"])


def views_state_dict():
    base = Storage("FloatStorage", "0", [float(i) for i in range(12)])  # 0, 1, ..., 11
    return with_metadata([
        ("matrix", Tensor(base, 0, (3, 4), (4, 1))),
        ("transposed", Tensor(base, 0, (4, 3), (1, 4))),  # matrix.t()
        ("window", Tensor(base, 5, (2, 2), (4, 1))),      # matrix[1:3, 1:3] = [[5, 6], [9, 10]]
        ("num_batches_tracked", Tensor(Storage("LongStorage", "1", [42], "cuda:0"), 0, (), ())),
        ("half", Tensor(Storage("HalfStorage", "2", [0.5, -2.0, 1024.0]), 0, (3,), (1,))),
        ("mask", Tensor(Storage("BoolStorage", "3", [True, False, True]), 0, (3,), (1,))),
        ("big", Tensor(Storage("IntStorage", "4", [-7, 2**31 - 1]), 1, (1,), (1,))),
    ], ["", "bn"])


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    torch_save(model_1_state_dict(), os.path.join(here, "pytorch_state_dict_model_1.pth"),
               archive="archive", protocol=2)
    torch_save(views_state_dict(), os.path.join(here, "pytorch_state_dict_views.pth"),
               archive="pytorch_state_dict_views", protocol=4)
