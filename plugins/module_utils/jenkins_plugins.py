# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Plugin resolution for jenkins_plugins, modelled on Jenkins' plugin installation manager tool:

- top-level plugins are pinned (name + version); `latest` takes the update center's current version;
- required dependencies are added transitively, optional ones are skipped;
- a dependency takes the update center's latest version (the tool's default `--latest`), or with
  latest_dependencies=False the lowest version its dependents require (`--latest=false`); several dependents
  requiring different versions get the highest of them;
- a pinned plugin older than a dependent requires is a conflict: a clear error, never a silent upgrade;
- every download is checked against the update center's sha256 (base64 as in update-center.json, or hex);
- the metadata is the update center's tier for the controller's core (`update-center.json?version=<core>`, as the
  tool asks), and the resolved set is checked as Jenkins checks plugins at start: each plugin's `requiredCore` is
  at most the core, each required dependency is in the set at the version it needs or newer, and each optional
  dependency that is in the set is too.

Also the Java versions each Jenkins core line runs on (java_majors_for_core), so the role refuses a core/Java
combination at bake time instead of a controller that does not start.

Pure functions over parsed JSON: no network, no files, so the logic is unit-tested from fixture tables.
"""

import base64
import binascii
import hashlib
import json
import re
import zipfile
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

QUALIFIERS = {"alpha": -5, "a": -5, "beta": -4, "b": -4, "milestone": -3, "m": -3, "rc": -2, "cr": -2, "snapshot": -1}
TOKEN = re.compile(r"\d+|[A-Za-z]+")


class PluginResolutionError(Exception):
    """The requested plugin set cannot be resolved (missing plugin/version, conflict, bad metadata)."""


def _tokens(version):
    out = []
    for token in TOKEN.findall(str(version)):
        if token.isdigit():
            out.append((1, int(token), ""))
        else:
            lowered = token.lower()
            if lowered in QUALIFIERS:
                out.append((0, QUALIFIERS[lowered], ""))
            else:
                # Unknown words (e.g. a git hash in 1.2-123.vabc) sort after qualifiers, lexically.
                out.append((0, 0, lowered))
    return out


def compare_versions(left, right):
    """-1, 0, 1 like Jenkins' VersionNumber for the shapes plugins use: 1.2.3, 1.0-beta-2, 2.0-1, 1234.v5678_abc."""
    a, b = _tokens(left), _tokens(right)
    for x, y in zip(a, b):
        if x != y:
            return -1 if x < y else 1
    if len(a) == len(b):
        return 0
    longer, sign = (a, 1) if len(a) > len(b) else (b, -1)
    extra = longer[min(len(a), len(b))]
    # 1.0-beta < 1.0 < 1.0.1 and 1.0 < 1.0-1: a trailing qualifier makes a version older, anything else newer.
    if extra[0] == 0 and extra[1] < 0:
        return -sign
    return sign


def parse_update_center(text):
    """update-center.json is JSONP (updateCenter.post(...);); update-center.actual.json is plain JSON."""
    body = text.strip()
    if body.startswith("updateCenter.post("):
        body = body[len("updateCenter.post(") :].rstrip().rstrip(";").rstrip()
        if body.endswith(")"):
            body = body[:-1]
    try:
        data = json.loads(body)
    except ValueError as e:
        raise PluginResolutionError("the update center JSON does not parse: {0}".format(e))
    if not isinstance(data, dict) or not isinstance(data.get("plugins"), dict):
        raise PluginResolutionError("the update center JSON has no 'plugins' object")
    return data


def decode_sha256(value):
    """Hex digest from an update center checksum (base64 in update-center.json, hex accepted too)."""
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", value):
        return value.lower()
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise PluginResolutionError("invalid sha256 checksum {0!r}".format(value))
    if len(raw) != 32:
        raise PluginResolutionError("invalid sha256 checksum {0!r}".format(value))
    return binascii.hexlify(raw).decode("ascii")


def _entry(name, version, update_center, plugin_versions):
    """Metadata (url, sha256, dependencies) of one plugin version, from the update center or plugin-versions."""
    latest = update_center["plugins"].get(name)
    if latest is not None and (version == "latest" or str(latest.get("version")) == str(version)):
        return latest
    versions = ((plugin_versions or {}).get("plugins") or {}).get(name) or {}
    if version in versions:
        entry = dict(versions[version])
        entry.setdefault("version", version)
        entry.setdefault("name", name)
        return entry
    if latest is None and not versions:
        raise PluginResolutionError("plugin '{0}' is not in the update center".format(name))
    offered = sorted(set(list(versions)) | ({str(latest["version"])} if latest else set()))
    raise PluginResolutionError(
        "plugin '{0}' version {1} is not available (the update center offers {2}{3})".format(
            name,
            version,
            ", ".join(offered),
            "" if plugin_versions else "; pin the latest or give a plugin-versions.json for older versions",
        )
    )


def _required_dependencies(entry, optional=False):
    """(name, minimum) of the entry's required dependencies, or with optional=True of its optional ones."""
    deps = []
    for dep in entry.get("dependencies") or []:
        if bool(dep.get("optional")) != optional:
            continue
        deps.append((dep["name"], str(dep.get("version") or "0")))
    return deps


def resolve(requested, update_center, plugin_versions=None, latest_dependencies=True, core_version=None):
    """Resolve the pinned list to {name: {version, url, sha256, requested, required_by, dependencies}}.

    requested: list of {"name": ..., "version": ...} ("latest" allowed). Raises PluginResolutionError.
    """
    pinned = {}
    for item in requested:
        name = item["name"]
        version = str(item.get("version") or "latest")
        if name in pinned and pinned[name] != version:
            raise PluginResolutionError(
                "plugin '{0}' is listed twice with different versions ({1}, {2})".format(name, pinned[name], version)
            )
        pinned[name] = version

    chosen = {}
    required_by = {}
    for name, version in pinned.items():
        entry = _entry(name, version, update_center, plugin_versions)
        chosen[name] = entry
        required_by.setdefault(name, [])

    queue = list(chosen)
    while queue:
        name = queue.pop(0)
        for dep_name, min_version in _required_dependencies(chosen[name]):
            required_by.setdefault(dep_name, [])
            holder = "{0}:{1}".format(name, chosen[name]["version"])
            if holder not in required_by[dep_name]:
                required_by[dep_name].append(holder)
            if dep_name in pinned:
                if compare_versions(chosen[dep_name]["version"], min_version) < 0:
                    raise PluginResolutionError(
                        "version conflict: {0} requires {1} >= {2}, but {1} is pinned to {3}; "
                        "raise the pin of {1} or lower {0}".format(holder, dep_name, min_version, pinned[dep_name])
                    )
                continue
            current = chosen.get(dep_name)
            if current is not None and compare_versions(current["version"], min_version) >= 0:
                continue
            if latest_dependencies:
                entry = _entry(dep_name, "latest", update_center, plugin_versions)
                if compare_versions(entry["version"], min_version) < 0:
                    raise PluginResolutionError(
                        "{0} requires {1} >= {2}, but the update center offers only {3}".format(
                            holder, dep_name, min_version, entry["version"]
                        )
                    )
            else:
                entry = _entry(dep_name, min_version, update_center, plugin_versions)
            chosen[dep_name] = entry
            queue.append(dep_name)

    result = {}
    for name in sorted(chosen):
        entry = chosen[name]
        requires = _required_dependencies(entry)
        result[name] = {
            "name": name,
            "version": str(entry["version"]),
            "url": entry.get("url"),
            "sha256": decode_sha256(entry.get("sha256")),
            "requested": name in pinned,
            "required_by": sorted(required_by.get(name, [])),
            "dependencies": [d for d, dummy in requires],
            "requires": requires,
            "optional": _required_dependencies(entry, optional=True),
            "required_core": entry.get("requiredCore"),
        }
    errors = compatibility_errors(result, core_version)
    if errors:
        raise PluginResolutionError(
            "the plugin set would not load on Jenkins {0}: {1}".format(core_version or "(any)", "; ".join(errors))
        )
    return result


def update_center_url_for_core(url, core_version):
    """The update center URL of the tier that matches the core: `?version=<core>` as the plugin installation manager
    asks for it (updates.jenkins.io redirects to the newest tier whose plugins run on that core; without it the
    metadata is the newest one, meant for the weekly line). A URL that names a version already is kept."""
    if not core_version:
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key == "version" for key, dummy in query):
        return url
    query.append(("version", str(core_version)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def compatibility_errors(resolved, core_version=None):
    """What Jenkins would refuse at start, one message per problem, each naming the plugin (empty when none).

    Jenkins (PluginWrapper.resolvePluginDependencies) refuses to load a plugin whose core requirement is newer than
    the running core, a plugin with a required dependency that is missing, and one whose dependency is older than
    required - an optional dependency too, when it is in the set ("add the optional dependencies that exists",
    core/src/main/java/hudson/PluginWrapper.java:996-1006 at jenkins-2.568.2). `resolved` is resolve()'s result with
    each plugin's `required_core`, `requires` and `optional` (name, minimum as the update center lists them).
    """
    errors = []
    for name in sorted(resolved):
        plugin = resolved[name]
        needed = plugin.get("required_core")
        if core_version and needed and compare_versions(core_version, needed) < 0:
            errors.append(
                "{0}:{1} needs Jenkins {2} or newer, the controller runs {3}".format(
                    name, plugin["version"], needed, core_version
                )
            )
        for dep_name, min_version in plugin.get("requires", []):
            dep = resolved.get(dep_name)
            if dep is None:
                errors.append(
                    "{0}:{1} needs plugin {2} {3} or newer, which is missing".format(
                        name, plugin["version"], dep_name, min_version
                    )
                )
            elif compare_versions(dep["version"], min_version) < 0:
                errors.append(
                    "{0}:{1} needs plugin {2} {3} or newer, the set has {4}".format(
                        name, plugin["version"], dep_name, min_version, dep["version"]
                    )
                )
        for dep_name, min_version in plugin.get("optional", []):
            dep = resolved.get(dep_name)
            if dep is not None and compare_versions(dep["version"], min_version) < 0:
                errors.append(
                    "{0}:{1} needs plugin {2} {3} or newer when it is installed (an optional dependency),"
                    " the set has {4}".format(name, plugin["version"], dep_name, min_version, dep["version"])
                )
    return errors


# The Java major versions `java -jar jenkins.war` accepts, by the first core version of each change
# (SUPPORTED_JAVA_VERSIONS in jenkinsci/jenkins war/src/main/java/executable/Main.java, read at every release tag
# from jenkins-2.458 to jenkins-2.568.2: line 79 at jenkins-2.541.3 `List.of(17, 21, 25)`, line 80 at
# jenkins-2.555.1 and jenkins-2.568.2 `List.of(21, 25)`). LTS lines follow their weekly: 2.541.x as 2.534,
# 2.555.x as 2.545. Older cores are not supported by this collection.
JAVA_BY_CORE = (
    ("2.458", (11, 17, 21)),
    ("2.463", (17, 21)),
    ("2.534", (17, 21, 25)),
    ("2.545", (21, 25)),
)


def java_majors_for_core(core_version):
    """The Java majors the core starts on, newest table row at or below the version; [] when older than the table."""
    supported = []
    for first, majors in JAVA_BY_CORE:
        if compare_versions(str(core_version), first) >= 0:
            supported = list(majors)
    return supported


def java_major_of_package(package):
    """21 for openjdk-21-jre-headless, temurin-21-jre, java-21-openjdk-headless; None when the name has none."""
    match = re.search(r"(?:^|[^0-9])(?:jdk|jre|temurin|java|corretto|zulu)-?(\d{1,3})(?:[^0-9]|$)", str(package or ""))
    return int(match.group(1)) if match else None


def java_core_error(core_version, java_major):
    """None when Jenkins `core_version` starts on Java `java_major`, else the reason, naming both."""
    supported = java_majors_for_core(core_version)
    if not supported:
        return "Jenkins {0} is older than the cores this collection knows (2.458 and newer)".format(core_version)
    if java_major is None:
        return "the Java major version is unknown; Jenkins {0} runs on Java {1}".format(
            core_version, " or ".join(str(m) for m in supported)
        )
    if int(java_major) not in supported:
        return "Jenkins {0} does not start on Java {1}: it runs on Java {2}".format(
            core_version, java_major, " or ".join(str(m) for m in supported)
        )
    return None


def archive_version(path):
    """Plugin-Version from a .jpi/.hpi manifest, or None when the file is not a readable plugin archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = archive.read("META-INF/MANIFEST.MF").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    # Manifest lines wrap at 72 bytes with a leading space on continuation lines.
    unfolded = re.sub(r"\r?\n ", "", manifest)
    match = re.search(r"^Plugin-Version:\s*(\S+)\s*$", unfolded, re.MULTILINE)
    return match.group(1) if match else None


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def plan(resolved, installed):
    """Actions to reach `resolved` from `installed` ({name: version or None}): list of (name, action)."""
    actions = []
    for name, plugin in resolved.items():
        have = installed.get(name)
        if have is None:
            actions.append((name, "install"))
        elif have != plugin["version"]:
            actions.append((name, "upgrade" if compare_versions(have, plugin["version"]) < 0 else "downgrade"))
    return actions
