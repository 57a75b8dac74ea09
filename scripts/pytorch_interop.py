#!/usr/bin/env python3
"""Checks that our checkpoints are real PyTorch state_dicts, both ways, against the PyTorch twins
of our models (the same layer names, so the same state_dict keys).

    python3 scripts/pytorch_interop.py build/app/mnist-cli data/MNIST/raw /tmp/interop

1. mnist-cli trains Model_1 and Model_3 briefly; torch.load() reads each best_<Model>.pth as a dict,
   the twin's load_state_dict(strict=True) accepts it, and the twin's test accuracy equals what
   `mnist-cli eval` reports for the same file.
2. PyTorch trains the Model_3 twin briefly and torch.save()s its state_dict; `mnist-cli eval`
   loads that file (no sidecar: the model is recognised by its keys and shapes) and reports the
   accuracy PyTorch measured.
3. Prints PyTorch's own OneCycleLR / ReduceLROnPlateau / StepLR sequences for the cases that
   tests/test_lr_schedulers.cpp derives by hand.
Exits non-zero when any check fails.
"""
import gzip, json, os, subprocess, sys

import torch
import torch.nn as nn
import torch.nn.functional as F


from pytorch_twins import Model1, Model3  # noqa: E402  (scripts/ is on sys.path)


def read_idx(data_dir, name):
    path = os.path.join(data_dir, name)
    raw = gzip.open(path + ".gz").read() if not os.path.exists(path) else open(path, "rb").read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return torch.frombuffer(bytearray(raw[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def accuracy(model, images, labels):
    model.eval()
    with torch.no_grad():
        x = (images.float().unsqueeze(1) / 255 - 0.1307) / 0.3081
        return 100.0 * (model(x).argmax(1) == labels.long()).float().mean().item()


def cli(*args):
    out = subprocess.run([CLI, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


CLI, DATA, WORK = sys.argv[1:4]
os.makedirs(WORK, exist_ok=True)
test_x, test_y = read_idx(DATA, "t10k-images-idx3-ubyte"), read_idx(DATA, "t10k-labels-idx1-ubyte")

# 1. C++ -> Python
for name, twin in (("Model_1", Model1), ("Model_3", Model3)):
    out = os.path.join(WORK, "cpp")
    cli("train", "--model", name, "--epochs", "1", "--limit-train", "6000", "--device", "cpu",
        "--data", DATA, "--out", out, "--json")
    path = os.path.join(out, f"best_{name}.pth")
    sd = torch.load(path, weights_only=True)
    check(isinstance(sd, dict) and all(isinstance(v, torch.Tensor) for v in sd.values()),
          f"{name}: torch.load(weights_only=True) gives a dict of tensors ({len(sd)} keys)")
    model = twin()
    model.load_state_dict(sd, strict=True)
    py_acc = accuracy(model, test_x, test_y)
    cpp_acc = cli("eval", "--checkpoint", path, "--data", DATA, "--device", "cpu", "--json")["accuracy"]
    check(abs(py_acc - cpp_acc) < 0.015, f"{name}: PyTorch twin {py_acc:.2f} % == mnist-cli eval {cpp_acc:.2f} %")

# 2. Python -> C++
torch.manual_seed(0)
model = Model3()
opt = torch.optim.Adam(model.parameters(), 1e-3)
train_x, train_y = read_idx(DATA, "train-images-idx3-ubyte"), read_idx(DATA, "train-labels-idx1-ubyte")
model.train()
for i in range(0, 12800, 128):
    x = (train_x[i:i + 128].float().unsqueeze(1) / 255 - 0.1307) / 0.3081
    loss = F.cross_entropy(model(x), train_y[i:i + 128].long())
    opt.zero_grad(); loss.backward(); opt.step()
py_path = os.path.join(WORK, "saved_by_pytorch.pth")
torch.save(model.state_dict(), py_path)
py_acc = accuracy(model, test_x, test_y)
cpp = cli("eval", "--checkpoint", py_path, "--data", DATA, "--device", "cpu", "--json")
check(abs(py_acc - cpp["accuracy"]) < 0.015,
      f"torch.save'd Model3 twin: PyTorch {py_acc:.2f} % == mnist-cli eval {cpp['accuracy']:.2f} %")

# 3. PyTorch's own schedule sequences
def one_cycle(**kw):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    s = torch.optim.lr_scheduler.OneCycleLR(opt, **kw)
    lrs, moms = [], []
    for _ in range(kw["total_steps"]):
        lrs.append(opt.param_groups[0]["lr"]); moms.append(opt.param_groups[0]["momentum"])
        opt.step(); s.step()
    return lrs, moms

def plateau(metrics, lr=1.0, **kw):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr)
    s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
    out = []
    for m in metrics:
        opt.step(); s.step(m); out.append(opt.param_groups[0]["lr"])
    return out

print("OneCycleLR(max_lr=0.1, total_steps=10) lr:", one_cycle(max_lr=0.1, total_steps=10)[0])
print("  momentum:", one_cycle(max_lr=0.1, total_steps=10)[1])
print("  linear:", one_cycle(max_lr=0.1, total_steps=10, anneal_strategy="linear")[0])
print("  three_phase:", one_cycle(max_lr=0.1, total_steps=10, three_phase=True)[0])
print("ReduceLROnPlateau(patience=2) on 10,9,9,9,9,9,9,9:", plateau([10, 9, 9, 9, 9, 9, 9, 9], patience=2))
print("  cooldown=1:", plateau([10, 9, 9, 9, 9, 9, 9, 9, 9], patience=1, cooldown=1))
print("  mode=max threshold_mode=abs threshold=0.5:",
      plateau([1, 1.4, 1.6, 2.2, 2.3, 2.4, 2.5], patience=1, mode="max", threshold_mode="abs", threshold=0.5))
print("  min_lr=0.05:", plateau([5] * 12, patience=0, min_lr=0.05))

if failures:
    print(f"{len(failures)} checks failed")
    sys.exit(1)
print("all interop checks passed")
