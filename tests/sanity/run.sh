#!/usr/bin/env bash
# ansible-test sanity, offline: ansible-test wants the collection at .../ansible_collections/jenkins_ha/aws (a real
# directory, not a link), and downloads a pip bootstrap script on first use, which a shim replaces here.
# Usage: tests/sanity/run.sh [ansible-test sanity args...]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
ansible_test="$(dirname "$python")/ansible-test"

# The pip version ansible-test bootstraps its sanity venvs with (ansible_test/_internal/python_requirements.py).
pip_version="$("$python" - <<'PY'
import inspect
from ansible_test._internal import python_requirements as pr
src = inspect.getsource(pr.get_venv_packages)
import re
print(re.search(r"pip='([0-9.]+)'", src).group(1))
PY
)"
shim="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -f "$shim" ]; then
  mkdir -p "$(dirname "$shim")"
  cat >"$shim" <<'PY'
# Offline stand-in for ansible-test's get-pip download: ensurepip, then install the requested packages.
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
pkgs = [a for a in args if not a.startswith("-")]
if pkgs:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-q"] + pkgs)
PY
fi

work="${SANITY_WORKDIR:-${TMPDIR:-/tmp}/jenkins_ha-sanity}"  # outside any git checkout, or ansible-test finds no targets
dest="$work/ansible_collections/jenkins_ha/aws"
rm -rf "$dest" && mkdir -p "$dest"
# Copy what git knows (tracked + untracked-not-ignored), so local clutter never reaches the sanity run.
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
  tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$dest"
# Dependencies (amazon.aws, community.aws, ...) must sit in the same ansible_collections tree for the import test.
site_collections="$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections"
for ns in amazon community ansible; do
  ln -sfn "$site_collections/$ns" "$work/ansible_collections/$ns"
done
cd "$dest"
echo "ansible-test sanity in $dest (pip bootstrap $pip_version, offline shim)"
"$ansible_test" sanity --python "$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
  --color no "$@"
