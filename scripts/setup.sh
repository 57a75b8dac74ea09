#!/usr/bin/env bash
# Installs what the build needs (Debian packages), then fetches MNIST. Idempotent: every step is
# skipped when its result is already present.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# qt6-charts-dev needs libqt6opengl6-dev for its CMake config but pulls it in only as a
# recommendation, which --no-install-recommends skips: it is named here explicitly.
# git: scripts/clean_room.sh (and its test) archive the checkout. clang with its libFuzzer runtime
# (libclang-rt-14-dev) builds scripts/fuzz.sh's targets; llvm has the symbolizer for sanitizer
# reports. clang-format checks the code's layout (test_format, scripts/check_format.sh).
packages=(build-essential cmake ninja-build pkg-config zlib1g-dev git
          libtorch-dev nlohmann-json3-dev libcli11-dev libstb-dev libopencv-imgproc-dev
          qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev
          clang libclang-rt-14-dev llvm clang-format)
# npm fetches the data; a machine may already have Node.js from elsewhere, which Debian's npm
# package would conflict with, so only the command's presence counts.
command -v npm >/dev/null || packages+=(npm)
"$here/install_packages.sh" setup "${packages[@]}"

"$here/fetch_data.sh"
