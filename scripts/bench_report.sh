#!/usr/bin/env bash
# The figures of README's Performance section, measured in one run on this machine:
#   1. `mnist-cli bench` for each model's default recipe (training img/s through the pipeline and
#      on a fixed batch, evaluation img/s, canvas predict latency, data loading, peak RSS);
#   2. ours against the PyTorch reference (scripts/peer_pytorch.py), alternated A B A B so the
#      machine's swings hit both alike: Model_1 with the seed's recipe, Model_3 with augmentation;
#   3. the quick demo's time to 99.4 % for seeds 1, 2 and 3 (`bench --recipe fast --to-accuracy`).
# Usage: scripts/bench_report.sh [OUT_DIR]   (needs a build and MNIST; /usr/bin/python3 with
# Debian's python3-torch and python3-torchvision for the reference)
# Environment: THREADS (default: all cores), ROUNDS (alternations, default 3), SEEDS (default 1 2 3).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/out/bench}
cli=${MNIST_BUILD_DIR:-$root/build}/app/mnist-cli
threads=${THREADS:-$(nproc)}
rounds=${ROUNDS:-3}
seeds=${SEEDS:-1 2 3}
mkdir -p "$out"
rm -f "$out"/*.json
"$root/scripts/install_packages.sh" bench python3-torch python3-torchvision jq

ours() { "$cli" bench --threads "$threads" --json "$@"; }
peer() { /usr/bin/python3 "$root/scripts/peer_pytorch.py" --threads "$threads" "$@"; }

echo "bench: each model's default recipe" >&2
for model in Model_1 Model_2 Model_3; do
    ours --model "$model" >"$out/bench_$model.json"
done
echo "bench: ours vs PyTorch, alternated $rounds times" >&2
for ((r = 1; r <= rounds; r++)); do
    ours --model Model_1 | jq -c '{side: "ours", model, ips: .train_images_per_sec}' >>"$out/peer.json"
    peer --model Model_1 | jq -c '{side: "pytorch", model, ips: .train_images_per_sec}' >>"$out/peer.json"
    ours --model Model_3 --recipe fast | jq -c '{side: "ours", model, ips: .train_images_per_sec}' >>"$out/peer.json"
    peer --model Model_3 --augment | jq -c '{side: "pytorch", model, ips: .train_images_per_sec}' >>"$out/peer.json"
done
echo "bench: the quick demo's time to 99.4 %" >&2
for seed in $seeds; do
    ours --model Model_3 --recipe fast --seed "$seed" --to-accuracy 99.4 >"$out/fast_seed$seed.json"
done
/usr/bin/python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
print("| model | batch | train img/s (pipeline) | fixed batch | pipeline share | eval img/s | predict p50 / p95 | data load | peak RSS |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for m in ("Model_1", "Model_2", "Model_3"):
    r = json.load(open(os.path.join(out, f"bench_{m}.json")))
    print(f"| {m} | {r['batch_size']} | {r['train_images_per_sec']:,.0f} | {r['fixed_batch_images_per_sec']:,.0f} | "
          f"{100 * r['pipeline_efficiency']:.0f} % | {r['eval_images_per_sec']:,.0f} | "
          f"{r['predict_p50_ms']:.2f} / {r['predict_p95_ms']:.2f} ms | {r['data_load_seconds']:.2f} s | {r['peak_rss_mb']:.0f} MB |")
rows = [json.loads(l) for l in open(os.path.join(out, "peer.json"))]
print()
print("| model | ours img/s | PyTorch img/s | ratio per round | median ratio |")
print("|---|---|---|---|---:|")
for m in ("Model_1", "Model_3"):
    a = [x["ips"] for x in rows if x["model"] == m and x["side"] == "ours"]
    b = [x["ips"] for x in rows if x["model"] == m and x["side"] == "pytorch"]
    ratios = [x / y for x, y in zip(a, b)]
    print(f"| {m} | {', '.join(f'{x:,.0f}' for x in a)} | {', '.join(f'{x:,.0f}' for x in b)} | "
          f"{', '.join(f'{x:.2f}×' for x in ratios)} | {statistics.median(ratios):.2f}× |")
print()
print("| seed | time to 99.4 % | epoch | best | final | whole run |")
print("|---:|---:|---:|---:|---:|---:|")
for path in sorted(glob.glob(os.path.join(out, "fast_seed*.json"))):
    r = json.load(open(path))["to_accuracy"]
    seed = path.split("seed")[-1].split(".")[0]
    t = f"{r['seconds']:.0f} s" if r["seconds"] is not None else "not reached"
    print(f"| {seed} | {t} | {r['epoch']} | {r['best_accuracy']:.2f} % | {r['final_accuracy']:.2f} % | {r['run_seconds']:.0f} s |")
PY
