"""Choose plugin releases: the newest release tag whose required core is not newer than a given core."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess

from gitsource import Pom


def _load_version():
    """module_utils/jcasc/version.py by path, under a name no installed package can shadow."""
    path = os.path.join(
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
        "plugins",
        "module_utils",
        "jcasc",
        "version.py",
    )
    spec = importlib.util.spec_from_file_location("jcasc_schema_version", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compare = _load_version().compare


def release_tags(gitdir, artifact):
    """(version, tag) for each release tag: `<artifact>-<version>` or a bare version starting with a digit."""
    tags = subprocess.run(["git", "-C", gitdir, "tag"], check=True, capture_output=True, text=True).stdout.split()
    out = []
    for tag in tags:
        version = tag[len(artifact) + 1 :] if tag.startswith(artifact + "-") else tag
        if re.match(r"^\d+(\.\d+)*(\.v[0-9a-f_]+)?$", version):
            out.append((version, tag))
    return out


def required_core(gitdir, tag, pom_path):
    text = subprocess.run(
        ["git", "-C", gitdir, "show", "%s:%s" % (tag, pom_path)], check=True, capture_output=True, text=True
    ).stdout
    return Pom(text).jenkins_version


def choose(gitdir, artifact, pom_path, core):
    """Newest (version, tag, required core) with required core <= core."""
    tags = release_tags(gitdir, artifact)
    tags.sort(key=_SortKey, reverse=True)
    for version, tag in tags:
        needed = required_core(gitdir, tag, pom_path)
        if needed and compare(needed, core) <= 0:
            return version, tag, needed
    return None


class _SortKey:
    def __init__(self, item):
        self.version = item[0]

    def __lt__(self, other):
        return compare(self.version, other.version) < 0
