#!/usr/bin/env bash
# Runs `molecule test` for the collection's scenarios (molecule/<name>/molecule.yml), side by side in
# MOLECULE_JOBS lanes (default 2):
#   tests/molecule/run.sh                 every scenario under molecule/
#   tests/molecule/run.sh efs_mount ...   only these
# Builds the local systemd container images (Debian 12 and 13) first when they are missing. Starts no new scenario
# after a failure, prints a per-scenario summary and ends with the line `N passed, N failed` (CI reads it).
# KEEP_GOING=1 runs every scenario.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export PATH="$root/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$root/.collections"
# molecule 26 finds collection scenarios under extensions/molecule/ unless a top-level molecule/ exists (then it
# warns and uses molecule/*/molecule.yml); say which one we mean instead of relying on that fallback.
export MOLECULE_GLOB="molecule/*/molecule.yml"
export PYTHONDONTWRITEBYTECODE=1

if ! command -v molecule >/dev/null; then
  echo "molecule is not installed: run 'make venv' first" >&2
  exit 2
fi
if [ ! -e "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/jenkins_ha/aws" ]; then
  echo "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/jenkins_ha/aws is missing: run 'make venv' first" >&2
  exit 2
fi

if [ "$#" -gt 0 ]; then
  scenarios=("$@")
else
  scenarios=()
  for file in molecule/*/molecule.yml; do
    [ -e "$file" ] || continue
    name="${file#molecule/}"
    scenarios+=("${name%/molecule.yml}")
  done
fi
if [ "${#scenarios[@]}" -eq 0 ]; then
  echo "no molecule scenarios found under molecule/" >&2
  exit 2
fi
for name in "${scenarios[@]}"; do
  if [ ! -f "molecule/$name/molecule.yml" ]; then
    echo "unknown scenario '$name': molecule/$name/molecule.yml does not exist" >&2
    exit 2
  fi
done

# The platforms' images (molecule/*/molecule.yml): Debian 12 (MOLECULE_DEBIAN_IMAGE, its suite MOLECULE_DEBIAN_SUITE)
# and Debian 13 (MOLECULE_DEBIAN13_IMAGE). A missing one is debootstrapped; both builds run side by side.
build_pids=()
tests/containers/build-image.sh "${MOLECULE_DEBIAN_SUITE:-bookworm}" &
build_pids+=("$!")
tests/containers/build-image.sh trixie &
build_pids+=("$!")
for pid in "${build_pids[@]}"; do
  wait "$pid"
done

# Scenarios run in MOLECULE_JOBS lanes side by side (default 2): a scenario spends much of its time waiting on
# systemd and podman, so two lanes use 2 cores better than one. Each scenario's output goes to its own log, printed
# whole when it ends, so the CI log stays readable. The longest scenarios start first.
jobs_max="${MOLECULE_JOBS:-2}"
ordered=()
for heavy in jenkins_controller instance_boot; do
  for name in "${scenarios[@]}"; do [ "$name" = "$heavy" ] && ordered+=("$name"); done
done
for name in "${scenarios[@]}"; do
  case " ${ordered[*]} " in *" $name "*) ;; *) ordered+=("$name") ;; esac
done

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

run_scenario() {
  local name="$1" start=$SECONDS rc=0
  molecule test -s "$name" >"$logs/$name.log" 2>&1 || rc=$?
  echo "$((SECONDS - start))" >"$logs/$name.seconds"
  echo "$rc" >"$logs/$name.rc"
}

declare -A reported=()
passed=0
failed=0
summary=()
report_finished() {
  local name rc
  for name in "${ordered[@]}"; do
    if [ ! -e "$logs/$name.rc" ] || [ -n "${reported[$name]:-}" ]; then
      continue
    fi
    reported[$name]=1
    rc=$(cat "$logs/$name.rc")
    echo "=== molecule test -s $name (exit $rc, $(cat "$logs/$name.seconds")s)"
    cat "$logs/$name.log"
    if [ "$rc" -eq 0 ]; then
      passed=$((passed + 1))
      summary+=("PASS  $name  $(cat "$logs/$name.seconds")s")
    else
      failed=$((failed + 1))
      summary+=("FAIL  $name  $(cat "$logs/$name.seconds")s")
      echo "molecule scenario '$name' failed (see its output above); rerun it alone: tests/molecule/run.sh $name" >&2
    fi
  done
}

for name in "${ordered[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
    wait -n || true
    report_finished
  done
  if [ "$failed" -gt 0 ] && [ "${KEEP_GOING:-0}" != 1 ]; then
    summary+=("SKIP  $name  (not started after a failure; KEEP_GOING=1 runs it)")
    continue
  fi
  echo "=== started molecule test -s $name"
  run_scenario "$name" &
done
wait || true
report_finished

echo "=== molecule summary"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
