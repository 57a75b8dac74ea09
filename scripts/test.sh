#!/usr/bin/env bash
# Installs what is missing, fetches the data, builds, and runs the whole CTest suite.
# Extra arguments go to ctest, e.g. scripts/test.sh -LE headline to skip the full training run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
cd "${MNIST_BUILD_DIR:-$root/build}"
ctest --output-on-failure --timeout 4000 "$@"
