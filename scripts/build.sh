#!/usr/bin/env bash
# Configures and builds the project (Release, parallel) into build/. Extra arguments go to CMake's
# configure step, e.g. scripts/build.sh -DMNIST_BUILD_GUI=OFF.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${MNIST_BUILD_DIR:-$root/build}"
generator=()
[ -f "$build/CMakeCache.txt" ] || { command -v ninja >/dev/null && generator=(-G Ninja); }
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
