"""Choose plugin releases: the newest release tag whose required core is not newer than a given core."""

from __future__ import annotations

import re
import subprocess

from sources import Pom
from version import compare


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
