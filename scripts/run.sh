#!/usr/bin/env bash
# Installs what is missing, fetches the data, builds, then starts MNIST Studio.
#   scripts/run.sh                      the desktop app (mnist-studio)
#   scripts/run.sh train --epochs 3     any mnist-cli subcommand and flags, passed through
# Without a display (a server, an ssh session) and without arguments it trains Model_3 headless.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
bin="${MNIST_BUILD_DIR:-$root/build}/app"
if (($#)); then
    exec "$bin/mnist-cli" "$@"
fi
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$bin/mnist-studio" ]; then
    exec "$bin/mnist-studio"
fi
echo "run.sh: no display, so training headless with mnist-cli (pass arguments to choose)" >&2
exec "$bin/mnist-cli" train
