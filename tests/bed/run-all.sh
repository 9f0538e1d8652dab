#!/usr/bin/env bash
# `make test`: every suite in one go, each timed; goes on after a failure so one run shows everything, and exits
# non-zero if any failed. The closing line counts suites as `N passed, N failed`.
#
# Suites that leave a core idle run side by side (2 cores): lint with sanity (each mostly one process), then unit
# (pytest -n 2), then integration (pytest -n 2) with molecule (containers waiting on systemd and podman most of the
# time). A suite running beside another writes to its own log, printed whole when it ends.
# TEST_SUITES="unit lint" runs just those, one after the other, in that order.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2

if [ -n "${TEST_SUITES:-}" ]; then
  read -r -a phases <<<"$TEST_SUITES"
else
  phases=("lint+sanity" "unit" "integration+molecule")
fi

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

# Runs one suite in a subshell and records its exit code, wall seconds and CPU seconds (user + sys of everything it
# ran: with the wall time it shows how well the suite uses the cores).
# With a log file, the suite's output goes there; without, to this script's own output (not via /dev/stdout: opening
# it truncates a log file the caller redirected this script to).
run_suite() {
  local suite="$1" log="${2:-}"
  (
    start=$SECONDS
    if [ -n "$log" ]; then
      make --no-print-directory "$suite" >"$log" 2>&1
    else
      make --no-print-directory "$suite"
    fi
    echo $? >"$logs/$suite.rc"
    echo $((SECONDS - start)) >"$logs/$suite.wall"
    # `times` straight into a file: in a pipe or $(...) it would run in a fresh subshell that has no children.
    times >"$logs/$suite.times"
    tail -n 1 "$logs/$suite.times" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); n += p[1] * 60 + p[2] }
      printf "%d\n", n }' >"$logs/$suite.cpu"
  )
}

suites=()
for phase in "${phases[@]}"; do
  IFS=+ read -r -a members <<<"$phase"
  suites+=("${members[@]}")
  if [ "${#members[@]}" -eq 1 ]; then
    echo
    echo "=== make ${members[0]} ==="
    run_suite "${members[0]}"
    continue
  fi
  echo
  echo "=== make ${members[*]} (side by side; each log follows when it ends) ==="
  pids=()
  for suite in "${members[@]}"; do
    run_suite "$suite" "$logs/$suite.log" &
    pids+=($!)
  done
  wait "${pids[@]}"
  for suite in "${members[@]}"; do
    echo
    echo "=== make $suite ==="
    cat "$logs/$suite.log"
  done
done

passed=0
failed=0
echo
echo "=== summary ==="
for suite in "${suites[@]}"; do
  if [ "$(cat "$logs/$suite.rc" 2>/dev/null || echo 1)" -eq 0 ]; then
    state=passed
    passed=$((passed + 1))
  else
    state=FAILED
    failed=$((failed + 1))
  fi
  printf '  %-12s %-7s %5ss wall %6ss cpu\n' "$suite" "$state" "$(cat "$logs/$suite.wall")" "$(cat "$logs/$suite.cpu")"
done
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
