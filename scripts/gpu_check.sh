#!/usr/bin/env bash
# On a GPU box with a pip-installed PyTorch (CUDA) and no Qt: builds core + mnist-cli against that
# LibTorch (the -DMNIST_BUILD_GUI=OFF path), runs the PyTorch interop checks, then the seed
# experiments on CUDA. Header-only dependencies and zlib come from .deps/ (copied from this
# machine's Debian packages) and gzip'd MNIST from .devdata/, both git-ignored.
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

experiment() {  # name, args...
    local name=$1; shift
    stamp "experiment $name: $*"
    timeout 200 "$cli" experiment --device cuda --data .devdata --out "/tmp/$name" --json "$@" \
        >"$out/$name.json" 2>"/tmp/$name.err" || tail -3 "/tmp/$name.err"
    python3 - "$out/$name.json" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
    print(f"  {r['model']} final {r['final_mean']:.2f} ± {r['final_std']:.2f}  best {r['best_mean']:.2f}  last3 min {r['last3_min']:.2f}  ",
          [round(x['final_acc'], 2) for x in r['runs']], [round(sum(e['seconds'] for e in x['epochs'])) for x in r['runs']])
except Exception as e: print("  no result", e)
PY
}
experiment m3 --model Model_3
experiment m3_stroke --model Model_3 --stroke 0.3
cp /tmp/m3/seed_1/best_Model_3.pth "$out/m3_seed1.pth" 2>/dev/null
cp /tmp/m3_stroke/seed_1/best_Model_3.pth "$out/m3_stroke_seed1.pth" 2>/dev/null
experiment m2 --model Model_2
experiment m1 --model Model_1
stamp "done"
