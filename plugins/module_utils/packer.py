# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Packer helpers for packer_build: the image input hash, the var file and a `packer build -machine-readable` run.

Nothing here talks to AWS: the EC2 calls (finding and retagging images) live in module_utils/_ec2/, the choice of
which image to reuse or build on in module_utils/_images/amis.py, the bake's manifest (tags, SSM record) in
module_utils/_images/manifest.py.
"""

import collections
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time

try:
    import yaml
except ImportError:  # pragma: no cover - PyYAML ships with ansible-core
    yaml = None

# Bump when the way the hash is computed changes, so old images are not reused under a new meaning.
HASH_SCHEME = "jenkins-ha-image-input/v2"

# Directory and file names that never influence an image: VCS data, caches, test scaffolding.
IGNORED_DIR_NAMES = frozenset((".git", "__pycache__", "molecule", ".pytest_cache", ".tox", ".mypy_cache"))
IGNORED_FILE_SUFFIXES = (".pyc", ".pyo", ".retry", ".swp", "~")
IGNORED_FILE_NAMES = frozenset((".DS_Store",))

# Defaults of the variables the template's source_ami_filter reads (playbooks/files/packer/jenkins-ha.pkr.hcl, which
# declares them without defaults: this is the one table). packer_build resolves the base AMI with them (overridden
# by the caller's variables) and hands Packer both these variables and the resolved id (`source_ami`).
BASE_AMI_FILTER_DEFAULTS = {
    "arch": "amd64",
    "source_ami_owners": ["136693071363"],
    "source_ami_name_patterns": {"debian12": "debian-12-%s-*", "debian13": "debian-13-%s-*"},
}

PACKER_COMMA = "%!(PACKER_COMMA)"
# Provisioner lines that explain a failure better than Packer's "Error executing Ansible: exit status 2".
PROVISIONER_FAILURE_MARKERS = ("fatal:", "[ERROR]", "FAILED!", "ERROR!", "UNREACHABLE!", "Origin: ")


class PackerError(Exception):
    """A Packer run that failed; message carries Packer's own error text."""

    def __init__(self, message, errors=None, log_path=None, rc=None, tail=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.tail = list(tail or [])
        self.log_path = log_path
        self.rc = rc


def _is_ignored_file(name):
    return name in IGNORED_FILE_NAMES or name.endswith(IGNORED_FILE_SUFFIXES)


def tree_files(path):
    """Files under path that count for the hash, as sorted (relative posix path, absolute path) pairs.

    A file path yields itself under its base name. Relative names keep the hash equal across checkouts.
    """
    path = os.path.abspath(path)
    if os.path.isfile(path):
        return [(os.path.basename(path), path)]
    if not os.path.isdir(path):
        raise FileNotFoundError("no such file or directory: {0}".format(path))
    found = []
    for dirpath, dirnames, filenames in os.walk(path, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIR_NAMES)
        for name in filenames:
            if _is_ignored_file(name):
                continue
            absolute = os.path.join(dirpath, name)
            if not os.path.isfile(absolute):
                continue  # broken symlinks, sockets
            relative = os.path.relpath(absolute, path).replace(os.sep, "/")
            found.append((relative, absolute))
    return sorted(found)


def _dependency_names(role_path):
    """Role names listed under `dependencies` in a role's meta/main.yml (FQCN reduced to the role name)."""
    for name in ("main.yml", "main.yaml"):
        meta = os.path.join(role_path, "meta", name)
        if os.path.isfile(meta) and yaml is not None:
            with open(meta, "r", encoding="utf-8") as handle:
                data = yaml.safe_load(handle) or {}
            names = []
            for dep in data.get("dependencies") or []:
                if isinstance(dep, dict):
                    dep = dep.get("role") or dep.get("name") or ""
                if isinstance(dep, str) and dep:
                    names.append(dep.split(".")[-1])
            return names
    return []


def with_role_dependencies(role_paths):
    """role_paths plus, transitively, the roles they depend on that sit next to them (same roles directory)."""
    result, queue = [], [os.path.abspath(p) for p in role_paths]
    while queue:
        path = queue.pop(0)
        if path in result:
            continue
        result.append(path)
        for name in _dependency_names(path):
            sibling = os.path.join(os.path.dirname(path), name)
            if os.path.isdir(sibling) and sibling not in result:
                queue.append(sibling)
    return result


# Never part of a collection build, whatever galaxy.yml says (ansible-galaxy's _build_files_manifest_walk adds these
# to build_ignore; its archive pattern is <namespace>-<name>-*.tar.gz, any archive here).
COLLECTION_BUILD_IGNORED = (
    "MANIFEST.json",
    "FILES.json",
    "galaxy.yml",
    "galaxy.yaml",
    ".git",
    "*.pyc",
    "*.retry",
    "tests/output",
    "*-*-*.tar.gz",
)


def collection_files(root, ignore_patterns):
    """Files `ansible-galaxy collection build` would put in the archive of the collection at root, as sorted
    (relative posix path, absolute path) pairs: every path relative to root that matches none of the patterns
    (fnmatch, as ansible-galaxy matches them: `*` also crosses `/`), an ignored directory with all it holds."""
    root = os.path.abspath(root)
    if not os.path.isdir(root):
        raise FileNotFoundError("no such directory: {0}".format(root))
    patterns = list(COLLECTION_BUILD_IGNORED) + list(ignore_patterns)
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = os.path.relpath(dirpath, root).replace(os.sep, "/")
        base = "" if base == "." else base + "/"
        dirnames[:] = sorted(d for d in dirnames if not any(fnmatch.fnmatch(base + d, p) for p in patterns))
        for name in filenames:
            relative = base + name
            absolute = os.path.join(dirpath, name)
            if any(fnmatch.fnmatch(relative, p) for p in patterns) or not os.path.isfile(absolute):
                continue
            found.append((relative, absolute))
    return sorted(found)


def _update_with_tree(digest, label, path):
    digest.update("{0}\0{1}\n".format(label, os.path.basename(os.path.abspath(path))).encode("utf-8"))
    for relative, absolute in tree_files(path):
        with open(absolute, "rb") as handle:
            content = handle.read()
        digest.update("file\0{0}\0{1}\n".format(relative, len(content)).encode("utf-8"))
        digest.update(content)


def canonical_json(value):
    """JSON with sorted keys and fixed separators: equal data, equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)


def base_ami_filter(base, *variable_sets):
    """The Packer variables of the source AMI filter for `base` and the (owners, name) they filter on.

    variable_sets: the caller's Packer variables, later ones winning, over BASE_AMI_FILTER_DEFAULTS. The name is
    the base's pattern with `%s` replaced by the architecture, as the template's format() does.
    Raises ValueError when no pattern names the base.
    """
    variables = dict(BASE_AMI_FILTER_DEFAULTS)
    for variable_set in variable_sets:
        variables.update({key: value for key, value in variable_set.items() if key in BASE_AMI_FILTER_DEFAULTS})
    pattern = (variables["source_ami_name_patterns"] or {}).get(base)
    if not pattern:
        raise ValueError("source_ami_name_patterns has no name pattern for base {0}".format(base))
    return variables, list(variables["source_ami_owners"]), pattern.replace("%s", variables["arch"])


def input_hash(templates, roles, variables, base_image_id, collection=None):
    """sha256 over everything that defines an image.

    templates: Packer template files or directories (the directory also holds bake.yml).
    roles: role directories the bake applies, plus the sibling roles their meta/main.yml depends on; only their
        base names and contents count, not where they sit.
    variables: the Packer variables that change the image (role, base, role variables...), order irrelevant.
    base_image_id: the base AMI the build starts from (the one the source AMI filter picks now), so a new
        upstream image rebuilds the images based on it.
    collection: optional (root, ignore patterns) of the collection the image carries (roles/instance_boot bakes its
        build: the boot playbook, the contract, the plugins the boot runs), hashed as collection_files() lists it.
    """
    digest = hashlib.sha256()
    digest.update((HASH_SCHEME + "\n").encode("utf-8"))
    for template in sorted(templates, key=lambda p: os.path.basename(os.path.abspath(p))):
        _update_with_tree(digest, "template", template)
    for role in sorted(with_role_dependencies(roles), key=lambda p: os.path.basename(os.path.abspath(p))):
        _update_with_tree(digest, "role", role)
    if collection:
        root, patterns = collection
        digest.update("collection\0\n".encode("utf-8"))
        for relative, absolute in collection_files(root, patterns):
            with open(absolute, "rb") as handle:
                content = handle.read()
            digest.update("file\0{0}\0{1}\n".format(relative, len(content)).encode("utf-8"))
            digest.update(content)
    digest.update(("variables\0" + canonical_json(variables or {}) + "\n").encode("utf-8"))
    digest.update("base-image\0{0}\n".format(base_image_id).encode("utf-8"))
    return digest.hexdigest()


def write_var_file(directory, variables):
    """Write Packer variables to a JSON var file only the owner can read; returns its path.

    Values may be secrets, so they go to a file, never onto the command line.
    """
    path = os.path.join(directory, "build.pkrvars.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(variables, handle, sort_keys=True, indent=2)
    return path


def parse_machine_line(line):
    """Split one `-machine-readable` line: (timestamp, target, type, [data...]) or None for other lines."""
    parts = line.rstrip("\r\n").split(",")
    if len(parts) < 3 or not parts[0].isdigit():
        return None
    data = [p.replace(PACKER_COMMA, ",").replace("\\n", "\n").replace("\\r", "\r") for p in parts[3:]]
    return parts[0], parts[1], parts[2], data


def parse_artifact_ids(value):
    """`us-east-1:ami-1,eu-west-1:ami-2` -> {"us-east-1": "ami-1", "eu-west-1": "ami-2"}."""
    amis = {}
    for item in value.split(","):
        item = item.strip()
        if ":" in item:
            region, ami = item.split(":", 1)
            amis[region.strip()] = ami.strip()
    return amis


class MachineReadableResult:
    """What a Packer run reported: artifacts per build, `ui,error` texts, per-build errors."""

    def __init__(self):
        self.amis = {}
        self.ui_errors = []
        self.build_errors = []
        self.error_count = 0
        self.tail = collections.deque(maxlen=40)
        self.provisioner_failures = []

    def feed(self, line):
        """Consume one output line; returns human text worth logging, or None."""
        parsed = parse_machine_line(line)
        if parsed is None:
            return line.rstrip("\n") or None
        _ts, target, kind, data = parsed
        if kind == "artifact" and len(data) >= 3 and data[1] == "id":
            self.amis.update(parse_artifact_ids(data[2]))
        elif kind == "ui" and data and data[0] in ("say", "message", "error"):
            text = ",".join(data[1:]).strip("\n")
            if data[0] == "error" and text:
                self.ui_errors.append(text.strip())
            if text:
                self.tail.extend(text.splitlines())
                self.provisioner_failures.extend(
                    line.split(": ", 1)[-1].strip()
                    for line in text.splitlines()
                    if any(marker in line for marker in PROVISIONER_FAILURE_MARKERS)
                )
            return text or None
        elif kind == "error" and target and data:
            self.build_errors.append("{0}: {1}".format(target, ",".join(data).strip()))
        elif kind == "error-count" and data and data[0].isdigit():
            self.error_count = int(data[0])
        return None

    def error_text(self):
        """Packer's own words for a failure: per-build errors first, then the ui errors."""
        texts = self.build_errors or [
            e for e in self.ui_errors if not e.startswith("==> Some builds") and not e.startswith("-->")
        ]
        text = "\n".join(texts) or "\n".join(self.ui_errors)
        if self.provisioner_failures:
            text += "\nProvisioner: " + "\n".join(self.provisioner_failures[-5:])
        return text


def packer_environment(base_env=None, extra=None):
    """Environment for Packer: the caller's plus overrides; Packer's update check disabled (no phoning home)."""
    env = dict(os.environ if base_env is None else base_env)
    env["CHECKPOINT_DISABLE"] = "1"
    env.setdefault("PACKER_NO_COLOR", "1")
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


def find_packer(packer_path="packer", search_path=None):
    """Absolute path of the packer binary, or None."""
    if os.path.sep in packer_path:
        return packer_path if os.access(packer_path, os.X_OK) else None
    return shutil.which(packer_path, path=search_path)


def run_packer_build(packer, template, variables, log_path=None, env=None, timeout=3600, only=None):
    """Run `packer build -machine-readable -var-file <tmp> <template>`; returns (MachineReadableResult, seconds).

    Progress (Packer's ui lines, unescaped) is appended to log_path while the build runs. Raises PackerError with
    Packer's error text when the build fails or times out, or reports no AMI.
    """
    started = time.monotonic()
    result = MachineReadableResult()
    workdir = tempfile.mkdtemp(prefix="jenkins-ha-packer-")
    if log_path and not os.path.isdir(os.path.dirname(os.path.abspath(log_path))):
        os.makedirs(os.path.dirname(os.path.abspath(log_path)), mode=0o700)
    log = open(log_path, "a", encoding="utf-8") if log_path else None
    try:
        os.chmod(workdir, 0o700)
        var_file = write_var_file(workdir, variables)
        cmd = [packer, "build", "-machine-readable", "-color=false", "-var-file", var_file]
        if only:
            cmd.append("-only=" + only)
        cmd.append(os.path.abspath(template))
        if log:
            log.write("### {0} packer build {1}\n".format(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), template))
            log.flush()
        proc = subprocess.Popen(
            cmd,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        timed_out = False
        for line in proc.stdout:
            text = result.feed(line)
            if log and text:
                log.write(text + "\n")
                log.flush()
            if timeout and time.monotonic() - started > timeout:
                timed_out = True
                proc.kill()
                break
        rc = proc.wait()
        if timed_out:
            raise PackerError("packer build timed out after {0} s".format(timeout), result.ui_errors, log_path, rc)
        if rc != 0 or result.error_count:
            raise PackerError(
                result.error_text() or "packer build failed with exit code {0}".format(rc),
                result.ui_errors,
                log_path,
                rc,
                result.tail,
            )
        if not result.amis:
            raise PackerError("packer build succeeded but reported no AMI artifact", result.ui_errors, log_path, rc)
        return result, time.monotonic() - started
    finally:
        if log:
            log.close()
        shutil.rmtree(workdir, ignore_errors=True)
