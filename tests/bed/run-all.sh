#!/usr/bin/env bash
# `make test`: every suite in one go, each timed; goes on after a failure so one run shows everything, and exits
# non-zero if any failed. The closing line counts suites as `N passed, N failed`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2

read -r -a suites <<<"${TEST_SUITES:-lint sanity unit integration molecule}"
passed=()
failed=()
declare -A took
for suite in "${suites[@]}"; do
  echo
  echo "=== make $suite ==="
  start=$(date +%s)
  if make --no-print-directory "$suite"; then
    passed+=("$suite")
  else
    failed+=("$suite")
  fi
  took[$suite]=$(($(date +%s) - start))
done

echo
echo "=== summary ==="
for suite in "${suites[@]}"; do
  state=passed
  for f in "${failed[@]}"; do [ "$f" = "$suite" ] && state=FAILED; done
  printf '  %-12s %-7s %4ss\n' "$suite" "$state" "${took[$suite]}"
done
echo "suites: ${#passed[@]} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
