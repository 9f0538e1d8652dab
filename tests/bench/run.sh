#!/usr/bin/env bash
# `make bench`: runs every tests/bench/bench_*.py (or those named: tests/bench/run.sh inventory images).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
python="${PYTHON:-.venv/bin/python}"
if [ $# -gt 0 ]; then
  scripts=()
  for name in "$@"; do scripts+=("tests/bench/bench_${name}.py"); done
else
  scripts=(tests/bench/bench_*.py)
fi
for script in "${scripts[@]}"; do
  [ -e "$script" ] || { echo "no benchmark $script" >&2; exit 2; }
  echo "=== $script ==="
  "$python" "$script"
done
