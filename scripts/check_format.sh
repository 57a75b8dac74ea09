#!/usr/bin/env bash
# Fails, listing the files, when a tracked C++ file differs from what clang-format (the repo's
# .clang-format) would write. Fix with: scripts/check_format.sh --fix
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 2
format=${CLANG_FORMAT:-clang-format}
if ! command -v "$format" >/dev/null; then
    echo "$0: $format not found: install clang-format (scripts/setup.sh does)" >&2
    exit 2
fi
mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find app core ui tests -name '*.cpp' -o -name '*.h')
if [ ${#files[@]} -eq 0 ]; then
    echo "$0: no C++ files found under $repo" >&2
    exit 2
fi
if [ "${1:-}" = "--fix" ]; then
    "$format" -i "${files[@]}"
    echo "formatted ${#files[@]} files"
    exit 0
fi
bad=()
for f in "${files[@]}"; do
    "$format" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
    echo "${#bad[@]} of ${#files[@]} files differ from .clang-format (scripts/check_format.sh --fix):"
    printf '  %s\n' "${bad[@]}"
    exit 1
fi
echo "all ${#files[@]} C++ files match .clang-format"
