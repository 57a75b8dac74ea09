#!/usr/bin/env bash
# On a GPU box with a pip-installed PyTorch (CUDA) and no Qt: builds core + mnist-cli against that
# LibTorch (the -DMNIST_BUILD_GUI=OFF path), runs the PyTorch interop checks, then the seed
# experiments on CUDA. Header-only dependencies and zlib come from .deps/ (copied from this
# machine's Debian packages) and gzip'd MNIST from .devdata/, both git-ignored.
# Usage: scripts/gpu_check.sh [name "train flags" ...]
set -uo pipefail
out="${OUT:-/tmp/gpu_out}"
mkdir -p "$out"
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
start=$(date +%s)
stamp() { echo "[$(($(date +%s) - start))s] $*"; }

stamp "configure + build"
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DMNIST_BUILD_GUI=OFF -DMNIST_BUILD_TESTS=OFF \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_INCLUDE_PATH="$PWD/.deps/include" \
    -DZLIB_INCLUDE_DIR="$PWD/.deps/include" -DZLIB_LIBRARY="$PWD/.deps/lib/libz.a" >"$out/build.log" 2>&1 &&
    cmake --build build-gpu -j16 --target mnist-cli >>"$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
cli=build-gpu/app/mnist-cli
stamp "built"; nvidia-smi --query-gpu=name --format=csv,noheader

stamp "interop"
python3 scripts/pytorch_interop.py "$cli" .devdata /tmp/interop 2>&1 | tee "$out/interop.log"

# Each (variant, seed) trains in its own process at once: the small nets leave the GPU mostly
# idle, so parallel runs cost little more than one. Arguments: name "flags" pairs.
sweep() {
    local pids=()
    while (($#)); do
        local name=$1 flags=$2; shift 2
        for seed in 1 2 3; do
            timeout 400 "$cli" experiment --device cuda --threads 1 --data .devdata --seeds "$seed" \
                --out "/tmp/$name" --json $flags >"/tmp/${name}_$seed.json" 2>/dev/null &
            pids+=($!)
        done
    done
    wait "${pids[@]}"
}
stamp "sweep"
# Variants from the command line (name "flags" ...), else the three models' own recipes.
if (($#)); then sweep "$@"; else sweep m3 "--model Model_3" m2 "--model Model_2" m1 "--model Model_1"; fi
for ckpt in $(ls /tmp/*/seed_1/best_Model_3.pth 2>/dev/null | head -5); do
    cp "$ckpt" "$out/$(basename "$(dirname "$(dirname "$ckpt")")")_seed1.pth"
done
stamp "sweep done"
python3 - "$out/sweep.json" /tmp/*_[123].json <<'PY'
import json, statistics, sys, collections
runs = collections.defaultdict(list)
for path in sys.argv[2:]:
    try:
        r = json.load(open(path))
    except Exception:
        print("no result in", path); continue
    name = path.split("/")[-1].rsplit("_", 1)[0]
    runs[name] += [dict(x, recipe=r["recipe"]) for x in r["runs"]]
summary = {}
for name, rs in sorted(runs.items()):
    finals = [x["final_acc"] for x in rs]
    summary[name] = {"recipe": rs[0]["recipe"], "seeds": [x["seed"] for x in rs], "final": finals,
                     "mean": statistics.mean(finals), "std": statistics.stdev(finals) if len(finals) > 1 else 0,
                     "last3_min": min(x["last3_min"] for x in rs),
                     "seconds": [round(sum(e["seconds"] for e in x["epochs"])) for x in rs]}
    s = summary[name]
    print(f"{name:12s} mean {s['mean']:.3f} ± {s['std']:.3f}  last3 min {s['last3_min']:.2f}  {[round(f, 2) for f in finals]}  {s['recipe']}")
json.dump(summary, open(sys.argv[1], "w"), indent=1)
PY
stamp "done"
