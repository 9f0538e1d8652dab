#!/usr/bin/env bash
# Runs `molecule test` for the collection's scenarios (molecule/<name>/molecule.yml), one after the other:
#   tests/molecule/run.sh                 every scenario under molecule/
#   tests/molecule/run.sh efs_mount ...   only these
# Builds the local systemd container image first when it is missing. Stops at the first failing scenario, prints a
# per-scenario summary and ends with the line `N passed, N failed` (CI reads it). KEEP_GOING=1 runs every scenario.
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

tests/containers/build-image.sh "${MOLECULE_DEBIAN_SUITE:-bookworm}"

passed=0
failed=0
summary=()
stopped=0
for name in "${scenarios[@]}"; do
  if [ "$stopped" = 1 ]; then
    summary+=("SKIP  $name  (not run after the first failure; KEEP_GOING=1 runs it)")
    continue
  fi
  echo "=== molecule test -s $name"
  start=$SECONDS
  if molecule test -s "$name"; then
    passed=$((passed + 1))
    summary+=("PASS  $name  $((SECONDS - start))s")
  else
    failed=$((failed + 1))
    summary+=("FAIL  $name  $((SECONDS - start))s")
    echo "molecule scenario '$name' failed (see its output above); rerun it alone: tests/molecule/run.sh $name" >&2
    if [ "${KEEP_GOING:-0}" != 1 ]; then
      stopped=1
    fi
  fi
done

echo "=== molecule summary"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
