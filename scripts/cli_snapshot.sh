#!/usr/bin/env bash
# Runs mnist-cli over a fixed set of short, seeded commands and keeps each one's stdout, stderr and
# exit code, with the output folder's path and wall-clock figures blanked. Two snapshots of two
# builds diff to nothing when a change kept the CLI's output and exit codes identical:
#   scripts/cli_snapshot.sh build-before/app/mnist-cli /tmp/before
#   scripts/cli_snapshot.sh build/app/mnist-cli /tmp/after && diff -r /tmp/before /tmp/after
# Needs the MNIST files (scripts/fetch_data.sh); takes about 20 s.
set -uo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 MNIST_CLI OUT_DIR" >&2
    exit 2
fi
cli=$(realpath "$1")
out=$(realpath -m "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$cli" ] || { echo "$0: $1 is not an executable" >&2; exit 2; }
mkdir -p "$out" || exit 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
model="$repo/resources/best_Model_3.pth"

run() {
    local name=$1
    shift
    "$cli" "$@" >"$out/$name.out" 2>"$out/$name.err"
    echo $? >"$out/$name.rc"
    # Paths of this run, timings and run ids (they start with the time) are not the CLI's
    # behaviour.
    sed -i -E -e "s#$work#WORK#g" -e "s#$repo#REPO#g" \
        -e 's/"(seconds|date)": [^,}]*/"\1": X/g' -e 's/ [0-9.]+s( |$)/ Xs\1/g' \
        -e 's#/runs/[0-9]{8}-[0-9]{6}-#/runs/TIME-#g' \
        "$out/$name.out" "$out/$name.err"
}

run models models
for m in Model_1 Model_2 Model_3; do
    run "summary_$m" summary --model "$m"
    run "summary_json_$m" summary --model "$m" --json
done
run train train --model Model_3 --epochs 2 --limit-train 2000 --limit-test 500 --seed 1 --threads 1 --json --out "$work/run1"
run train_text train --model Model_3 --recipe fast --epochs 1 --limit-train 1000 --limit-test 300 --seed 2 --threads 1 --out "$work/run2"
run train_sgd train --model Model_1 --epochs 1 --limit-train 1000 --limit-test 300 --seed 3 --threads 1 --json --optimizer sgd --scheduler step --out "$work/run3"
run train_unknown_model train --model Model_9
run train_bad_lr train --lr -1
run train_nan_degrees train --degrees nan
run eval eval --checkpoint "$model" --limit-test 500 --json
run eval_text eval --checkpoint "$model" --limit-test 500
run eval_missing eval --checkpoint "$work/none.pth"
run predict predict --checkpoint "$model" --json "$repo/resources/mnist-studio.png"
run predict_text predict "$repo/resources/mnist-studio.png"
run drawn drawn-eval --count 200 --seed 1 --json
run drawn_photo drawn-eval --style photo --count 100 --seed 1 --json
run experiment experiment --model Model_1 --seeds 2 --epochs 1 --limit-train 500 --limit-test 200 --threads 1 --json --out "$work/exp"
echo "snapshot of $(ls "$out" | grep -c '\.rc$') commands in $out"
