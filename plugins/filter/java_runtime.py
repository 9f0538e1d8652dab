# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that pick the Java runtime a host needs and read back the one it got.

Kept in Python (not Jinja) so the decision — the release's own OpenJDK when it is new enough, else a configured
package source, else an error that names the variables to set — is unit-tested in one table (tests/unit/filter/).
The release's packages come from the calling role's vars/ files; this module holds no distribution knowledge.
"""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

# One reading of Java majors in package names for the whole collection (the controller role uses it too).
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_plugins import java_major_of_package

# `java -version` (stderr): openjdk version "21.0.5" 2024-10-15 / java version "1.8.0_392" / openjdk version "25".
VERSION_LINE = re.compile(r'version "(?:1\.(\d+)|(\d+))[^"]*"')

TEMURIN_HINT = (
    "e.g. Eclipse Temurin's apt repository https://packages.adoptium.net/artifactory/deb "
    "(key https://packages.adoptium.net/artifactory/api/gpg/key/public) with package temurin-{major}-jre"
)


def _available(available):
    """{major: package} with int majors; YAML and JSON may hand the keys over as strings."""
    if available is None:
        return {}
    if not isinstance(available, dict):
        raise AnsibleFilterError(
            f"java_runtime: the release's packages must be a mapping major -> package, got {available!r}"
        )
    table = {}
    for major, package in available.items():
        try:
            table[int(major)] = str(package)
        except (TypeError, ValueError):
            raise AnsibleFilterError(f"java_runtime: {major!r} is not a Java major version") from None
    return table


def java_runtime(available, min_version, package="", repo_url="", repo_key_url="", release="this release", prefix=""):
    """Decide which Java runtime package to install.

    available: {major: package} the release ships; min_version: the lowest acceptable major (the controller's
    Jenkins core decides it); package / repo_url / repo_key_url: the role's overrides; prefix: the role's variable
    prefix, so that an error names the variables to set.

    Returns {package, source, major, error}: source is `release`, `package` (an explicit package from the
    configured sources) or `repository` (an explicit package from the given repository); major is the Java major
    the choice provides when it is known from the table or the package name, else None; error is "" or the reason
    nothing can be installed, naming the variables to set.
    """
    p = (prefix + "_") if prefix else ""
    table = _available(available)
    package = package or ""
    repo_url = repo_url or ""
    repo_key_url = repo_key_url or ""

    def result(chosen="", source="", major=None, error=""):
        return {"package": chosen, "source": source, "major": major, "error": error}

    try:
        minimum = int(min_version)
    except (TypeError, ValueError):
        return result(error=f"{p}java_min_version must be a Java major version number (e.g. 21), got {min_version!r}")
    if minimum < 8:
        return result(error=f"{p}java_min_version must be 8 or more, got {minimum}")

    if repo_key_url and not repo_url:
        return result(error=f"{p}java_repo_key_url is set but {p}java_repo_url is not: set both, or neither")
    if repo_url:
        if not package:
            return result(
                error=f"{p}java_repo_url is set: set {p}java_package to the runtime package of that repository "
                f"({TEMURIN_HINT.format(major=minimum)})"
            )
        if not repo_key_url:
            return result(
                error=f"{p}java_repo_url is set without {p}java_repo_key_url: give the URL of the repository's "
                "signing key (packages from an unsigned repository are not installed)"
            )
    if package:
        major = java_major_of_package(package)
        if major is not None and major < minimum:
            return result(
                error=f"{p}java_package {package} is Java {major}, older than {p}java_min_version {minimum}: "
                f"name a Java {minimum} (or newer) runtime package"
            )
        return result(package, "repository" if repo_url else "package", major)

    fitting = sorted(major for major in table if major >= minimum)
    if fitting:
        # The oldest fitting major: the release's long-term runtime, not whatever newer one it also carries.
        return result(table[fitting[0]], "release", fitting[0])
    if not table:
        return result(
            error=f"No Java package is known for {release}: set {p}java_package (and {p}java_repo_url and "
            f"{p}java_repo_key_url if it comes from another repository)"
        )
    shipped = ", ".join(f"Java {major} ({table[major]})" for major in sorted(table))
    return result(
        error=f"{release} ships no Java {minimum} or newer (only {shipped}), and {p}java_min_version is {minimum}: "
        f"set {p}java_repo_url, {p}java_repo_key_url and {p}java_package to a Java {minimum} source "
        f"({TEMURIN_HINT.format(major=minimum)}), or use a release that ships one"
    )


def java_major(version_output):
    """The Java major of `java -version` output (stderr): 21 for 'openjdk version "21.0.5"', 8 for "1.8.0_392"."""
    text = version_output if isinstance(version_output, str) else ""
    match = VERSION_LINE.search(text)
    if not match:
        raise AnsibleFilterError(f"cannot read a Java version from {text[:200]!r}")
    return int(match.group(1) or match.group(2))


class FilterModule:
    """jenkins_ha.aws Java runtime filters."""

    def filters(self):
        return {
            "java_runtime": java_runtime,
            "java_major": java_major,
        }
