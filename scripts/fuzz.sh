#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs each for SECONDS
# (default 30), one after another, printing executions and findings. Exits 1 when any target
# found something: the inputs are kept in build-fuzz/findings/ (rerun one with
# `build-fuzz/tests/fuzz/fuzz_<name> FILE`).
#
#   scripts/fuzz.sh [SECONDS [TARGET...]]   TARGET: idx_file, checkpoint, image_file (default all)
#   env: MNIST_FUZZ_BUILD_DIR (default build-fuzz); MNIST_FUZZ_SKIP_BUILD=1 runs what is built
#
# Seeds: tests/fuzz/corpus/ (small images, the bundled checkpoint's data.pkl) plus seeds made here
# from the real data (three-item IDX files, raw and gzip'd) and the bundled checkpoint itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: SECONDS must be a positive integer, not '$seconds'" >&2; exit 2; }
build="${MNIST_FUZZ_BUILD_DIR:-$root/build-fuzz}"
targets=(fuzz_idx_file fuzz_checkpoint fuzz_image_file)
if (($# > 1)); then
    targets=()
    for name in "${@:2}"; do
        case "$name" in
            idx_file | checkpoint | image_file) targets+=("fuzz_$name") ;;
            *) echo "fuzz.sh: unknown target '$name' (idx_file, checkpoint or image_file)" >&2; exit 2 ;;
        esac
    done
fi

generator=()
[ -f "$build/CMakeCache.txt" ] || { command -v ninja >/dev/null && generator=(-G Ninja); }
if [ "${MNIST_FUZZ_SKIP_BUILD:-0}" != 1 ]; then
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
        -DMNIST_FUZZ=ON -DMNIST_BUILD_GUI=OFF -DMNIST_BUILD_TESTS=OFF >/dev/null
    cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}"
fi
# LibTorch is not instrumented: its own leaks are listed, with why, in the suppressions file.
export LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

# Seeds, rebuilt each run so they follow the data and the bundled checkpoint.
seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"/{idx_file,checkpoint,image_file}
cp "$root"/tests/fuzz/corpus/image/* "$seeds/image_file/"
cp "$root"/tests/fuzz/corpus/checkpoint/* "$root/resources/best_Model_3.pth" "$seeds/checkpoint/"
raw="$root/data/MNIST/raw"
if [ -f "$raw/t10k-images-idx3-ubyte" ] && [ -f "$raw/t10k-labels-idx1-ubyte" ]; then
    # The first three test images and labels, under a header that says three (head before tail:
    # a reader that stops early would fail the pipe under pipefail).
    { printf '\0\0\10\3\0\0\0\3\0\0\0\34\0\0\0\34'; head -c 2368 "$raw/t10k-images-idx3-ubyte" | tail -c 2352; } \
        >"$seeds/idx_file/images3"
    { printf '\0\0\10\1\0\0\0\3'; head -c 11 "$raw/t10k-labels-idx1-ubyte" | tail -c 3; } \
        >"$seeds/idx_file/labels3"
    gzip -kn "$seeds/idx_file/images3" "$seeds/idx_file/labels3"
else
    echo "fuzz.sh: no MNIST in $raw (scripts/fetch_data.sh); fuzzing IDX without seeds" >&2
fi

# libFuzzer's own limits: 2 GB RSS and allocations, 25 s per input; a finding stops a target.
status=0
for target in "${targets[@]}"; do
    name=${target#fuzz_}
    corpus="$build/corpus/$name"
    findings="$build/findings/$name"
    rm -rf "$findings"  # only this run's findings count; the corpus grows from run to run
    mkdir -p "$corpus" "$findings"
    log="$build/$target.log"
    echo "fuzz.sh: $target for ${seconds} s"
    set +e
    "$build/tests/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -timeout=25 -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" "$seeds/$name" \
        >"$log" 2>&1
    rc=$?
    set -e
    execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    found=$(find "$findings" -type f | wc -l)
    echo "fuzz.sh: $target: ${execs:-?} executions, corpus $(find "$corpus" -type f | wc -l) inputs, $found findings (exit $rc, log $log)"
    if ((rc != 0 || found > 0)); then
        status=1
        grep -m 20 -E 'ERROR|SUMMARY|#[0-9]+ 0x' "$log" || tail -n 20 "$log"
    fi
done
exit "$status"
