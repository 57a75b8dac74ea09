#!/usr/bin/env bash
# Installs those of the named Debian packages that are not installed yet (no recommends), as root
# or through sudo; says which. Usage: scripts/install_packages.sh WHO PACKAGE...  (WHO prefixes
# the message, e.g. "setup").
set -euo pipefail
who=$1; shift
missing=()
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]})) || exit 0
echo "$who: installing ${missing[*]}"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
