#!/usr/bin/env bash
# scripts/clean_room.sh without bootstrapping anything: its options, its errors (exit 2 naming the
# value) and its clean-up (the work folder is empty after every run), all through --dry-run.
# Usage: test_clean_room.sh PATH/TO/scripts/clean_room.sh
set -uo pipefail
script=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 passes=0
check() { # check NAME CONDITION...
    local name=$1; shift
    if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}

# A throw-away checkout holding the script, so the test runs from a git archive too.
repo=$tmp/repo
mkdir -p "$repo/scripts" "$tmp/work"
cp "$script" "$repo/scripts/clean_room.sh"
git -C "$repo" init -q
git -C "$repo" add scripts/clean_room.sh
git -C "$repo" -c user.name=test -c user.email=test@example.invalid commit -qm test
cr="$repo/scripts/clean_room.sh"
workdir_empty() { [ -z "$(ls -A "$tmp/work")" ]; }

out=$("$cr" --help 2>&1); rc=$?
check "--help exits 0" [ "$rc" -eq 0 ]
check "--help shows usage" grep -q -- '--dry-run' <<<"$out"

out=$("$cr" --bogus 2>&1); rc=$?
check "unknown option exits 2" [ "$rc" -eq 2 ]
check "unknown option is named" grep -q "unknown option '--bogus'" <<<"$out"

out=$("$cr" --cache 2>&1); rc=$?
check "--cache without a value exits 2" [ "$rc" -eq 2 ]
check "--cache without a value says so" grep -q -- "--cache needs a file" <<<"$out"

out=$("$cr" --dry-run --workdir "$tmp/missing" 2>&1); rc=$?
check "missing work folder exits 2" [ "$rc" -eq 2 ]
check "missing work folder is named" grep -q "$tmp/missing" <<<"$out"

# No cache yet: bootstrap, cache it, mount proc/dev/dev/pts, run the default command.
out=$("$cr" --dry-run --workdir "$tmp/work" --cache "$tmp/base.tar" 2>&1); rc=$?
check "dry run exits 0" [ "$rc" -eq 0 ]
check "dry run bootstraps minbase bookworm" grep -q "would run: debootstrap --variant=minbase bookworm" <<<"$out"
check "dry run caches the base" grep -q "would run: mv $tmp/base.tar.part $tmp/base.tar" <<<"$out"
for m in proc dev dev/pts; do
    check "dry run mounts /$m" grep -q "would mount .* on $tmp/work/mnist-clean-room\.[^ ]*/$m\$" <<<"$out"
done
check "dry run copies a git archive of HEAD" grep -q "would copy: git archive HEAD" <<<"$out"
check "default command is the test script" grep -q "scripts/test.sh" <<<"$out"
check "dry run leaves nothing behind" workdir_empty
check "dry run writes no cache" [ ! -e "$tmp/base.tar" ]

# A cached base skips the bootstrap; a given command is what runs.
echo base >"$tmp/base.tar"
out=$("$cr" --dry-run --workdir "$tmp/work" --cache "$tmp/base.tar" -- echo "two words" 2>&1); rc=$?
check "cached dry run exits 0" [ "$rc" -eq 0 ]
check "cached base is unpacked" grep -q "would run: tar -xpf $tmp/base.tar" <<<"$out"
# tar -p restores the cached "./" mode (0700 in an older cache): / must be opened up after it.
check "root made 0755 after the base is unpacked" bash -c \
    'grep -A1000 "would run: tar -xpf" <<<"$1" | grep -q "would run: chmod 755 .*mnist-clean-room"' _ "$out"
check "cached base skips debootstrap" bash -c '! grep -q debootstrap <<<"$1"' _ "$out"
check "the given command runs, quoted" grep -q 'echo two\\ words' <<<"$out"
check "cached dry run leaves nothing behind" workdir_empty

# --no-cache bootstraps even with a cache present and leaves the cache alone.
out=$("$cr" --dry-run --no-cache --workdir "$tmp/work" --cache "$tmp/base.tar" 2>&1)
check "--no-cache bootstraps" grep -q "would run: debootstrap" <<<"$out"
check "--no-cache does not write the cache" bash -c '! grep -q "base.tar.part" <<<"$1"' _ "$out"
check "--no-cache leaves nothing behind" workdir_empty

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
