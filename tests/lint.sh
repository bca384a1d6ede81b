#!/usr/bin/env bash
# Formatting (every C++ file, clang-format, Google style from .clang-format)
# and clang-tidy on the C++ files changed against BASE (default: the last
# commit). Needs a configured build/release (compile_commands.json).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-HEAD~1}
mapfile -t all < <(git ls-files '*.cc' '*.h')
if ! clang-format --dry-run --Werror "${all[@]}" 2>/tmp/hedui-format.log; then
  grep -m 20 warning /tmp/hedui-format.log || true
  echo "lint: clang-format differences (run: clang-format -i FILES)"
  exit 1
fi
echo "lint: clang-format clean (${#all[@]} files)"
mapfile -t changed < <(git diff --name-only --diff-filter=AM "$BASE" -- '*.cc' \
  | grep -v '_test.cc$' || true)
if [ ${#changed[@]} -eq 0 ] || [ "${HEDUI_SKIP_TIDY:-0}" = 1 ]; then
  echo "lint: clang-tidy skipped (no changed sources)"
  exit 0
fi
clang-tidy -p build/release --quiet "${changed[@]}"
echo "lint: clang-tidy ran on ${#changed[@]} changed files"
