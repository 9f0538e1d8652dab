#!/usr/bin/env bash
# `make test`: every suite in one go, each timed; goes on after a failure so one run shows everything, and exits
# non-zero if any failed. The closing line counts suites as `N passed, N failed`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2

read -r -a suites <<<"${TEST_SUITES:-lint sanity unit integration molecule}"
passed=()
failed=()
declare -A took cpu
# CPU seconds (user + sys) of everything this script has run so far: with the wall time it shows how well a suite
# uses the machine's cores, i.e. where running suites side by side could still pay off.
children_cpu() {
  local line
  line=$(times | tail -n 1)
  awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); n += p[1] * 60 + p[2] } printf "%d", n }' <<<"$line"
}
for suite in "${suites[@]}"; do
  echo
  echo "=== make $suite ==="
  start=$(date +%s)
  cpu_start=$(children_cpu)
  if make --no-print-directory "$suite"; then
    passed+=("$suite")
  else
    failed+=("$suite")
  fi
  took[$suite]=$(($(date +%s) - start))
  cpu[$suite]=$(($(children_cpu) - cpu_start))
done

echo
echo "=== summary ==="
for suite in "${suites[@]}"; do
  state=passed
  for f in "${failed[@]}"; do [ "$f" = "$suite" ] && state=FAILED; done
  printf '  %-12s %-7s %5ss wall %6ss cpu\n' "$suite" "$state" "${took[$suite]}" "${cpu[$suite]}"
done
echo "suites: ${#passed[@]} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
