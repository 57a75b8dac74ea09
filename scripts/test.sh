#!/usr/bin/env bash
# Installs what is missing, fetches the data, builds, and runs the whole CTest suite.
# Extra arguments go to ctest, e.g. scripts/test.sh -LE headline to skip the full training run.
#
# MNIST_TEST_STAGES picks what runs, in order (default "suite", what README's test command does):
#   suite      the Release build in build/ and the whole suite (plus the extra ctest arguments)
#   sanitize   the ASan + UBSan build in build-asan/ and the suite without the headline run
#   fuzz       scripts/fuzz.sh: each libFuzzer target for MNIST_FUZZ_SECONDS (default 30)
# CI runs all three: MNIST_TEST_STAGES="suite sanitize fuzz" (.ci/run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stages=${MNIST_TEST_STAGES:-suite}
for stage in $stages; do
    case "$stage" in
        suite | sanitize | fuzz) ;;
        *) echo "test.sh: unknown stage '$stage' in MNIST_TEST_STAGES (suite, sanitize, fuzz)" >&2; exit 2 ;;
    esac
done
"$root/scripts/setup.sh"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
for stage in $stages; do
    start=$(date +%s)
    case "$stage" in
        suite)
            "$root/scripts/build.sh"
            (cd "${MNIST_BUILD_DIR:-$root/build}" && ctest --output-on-failure --timeout 4000 "$@")
            ;;
        sanitize)
            # LibTorch and Qt are not instrumented: tests/CMakeLists.txt gives each test the
            # sanitizer options and the suppressions (tests/sanitizer/) that account for them.
            asan="${MNIST_ASAN_BUILD_DIR:-$root/build-asan}"
            MNIST_BUILD_DIR="$asan" "$root/scripts/build.sh" -DMNIST_SANITIZE=ON \
                -DCMAKE_BUILD_TYPE=RelWithDebInfo
            (cd "$asan" && ctest --output-on-failure --timeout 4000 -LE headline)
            ;;
        fuzz)
            "$root/scripts/fuzz.sh" "${MNIST_FUZZ_SECONDS:-30}"
            ;;
    esac
    echo "test.sh: stage $stage took $(($(date +%s) - start)) s"
done
