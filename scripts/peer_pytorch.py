#!/usr/bin/python3
"""The PyTorch reference that `mnist-cli bench` is compared with: the same nets (the twins in
scripts/pytorch_twins.py) trained the way a PyTorch user writes it, timed the way bench times ours.

    /usr/bin/python3 scripts/peer_pytorch.py --model Model_1 [--threads 2] [--batches 150] [--data DIR]
    /usr/bin/python3 scripts/peer_pytorch.py --model Model_3 --augment ...

Model_1: torchvision's MNIST dataset over the same IDX files, ToTensor + Normalize(0.1307, 0.3081),
a shuffled DataLoader, batch 128, Adam 1e-3: the seed project's recipe. Model_3: the same with
RandomAffine(8 degrees, 8 % shift, zoom 0.9-1.1) before ToTensor (the fast recipe's augmentation),
batch 128, Adam under OneCycle. DataLoader workers default to 0 as in the seed; --workers N changes it.
Prints one JSON line: {"model", "threads", "workers", "train_images_per_sec"}.
"""
import argparse, json, os, shutil, sys, tempfile, time

import torch
import torch.nn.functional as F
import torchvision
from torchvision import transforms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_twins import Model1, Model3  # noqa: E402


def mnist_root(data_dir):
    """torchvision wants ROOT/MNIST/raw/*-ubyte: link the IDX files into such a tree."""
    root = tempfile.mkdtemp(prefix="peer-mnist-")
    raw = os.path.join(root, "MNIST", "raw")
    os.makedirs(raw)
    for name in os.listdir(data_dir):
        if name.endswith("-ubyte"):
            os.symlink(os.path.abspath(os.path.join(data_dir, name)), os.path.join(raw, name))
    return root


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["Model_1", "Model_3"], default="Model_1")
    ap.add_argument("--augment", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--batches", type=int, default=150)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "data", "MNIST", "raw"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)

    steps = [transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]
    if args.augment:
        steps.insert(0, transforms.RandomAffine(8, translate=(0.08, 0.08), scale=(0.9, 1.1)))
    root = mnist_root(args.data)
    try:
        data = torchvision.datasets.MNIST(root, train=True, download=False, transform=transforms.Compose(steps))
        loader = torch.utils.data.DataLoader(data, batch_size=128, shuffle=True, num_workers=args.workers)
        model = Model1() if args.model == "Model_1" else Model3()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        total = args.warmup + args.batches
        schedule = None
        if args.model == "Model_3":
            schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.02, total_steps=total)
        model.train()
        images, begin = 0, None
        for step, (x, y) in enumerate(loader):
            if step == args.warmup:
                begin = time.perf_counter()
            if step == total:
                break
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            if schedule:
                schedule.step()
            loss.item()  # as a progress display reads it
            if begin is not None:
                images += x.shape[0]
        seconds = time.perf_counter() - begin
    finally:
        shutil.rmtree(root)
    print(json.dumps({"model": args.model, "augment": args.augment, "threads": args.threads,
                      "workers": args.workers, "train_images_per_sec": images / seconds}))


if __name__ == "__main__":
    main()
