# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Writes a fake Jenkins update center into a directory (test-only: real plugins cannot be downloaded here).

    python3 make_fake_update_center.py DIR BASE_URL [SCHEMAS_DIR]

DIR gets update-center.json (JSONP, as updates.jenkins.io serves it), plugin-versions.json and the dummy plugin
archives under download/plugins/<name>/<version>/<name>.hpi, each a zip with a real plugin manifest, listed with
base64 sha256 checksums like the real metadata. BASE_URL is where DIR will be served (entries' download URLs).
The names and top-level versions are the role's default pins; dependency versions and archives are invented,
unless SCHEMAS_DIR (plugins/module_utils/jcasc/schemas/ of the collection) has a schema file for a pinned
<name>/<version>.json: then that plugin's required dependencies and required core are its schema's `requires`
(taken from the plugin's pom at that version), and each dependency named there is offered at the version required
(the schema leaves it null when the pom takes it from a BOM: then the table's version, or 1.0 for a new name).
"""

import base64
import hashlib
import io
import json
import os
import sys
import zipfile

# name -> list of (version, [(dependency, min version, optional)]); the last version is the update center's.
PLUGINS = {
    "configuration-as-code": [("2117.vc05a_0b_e6b_f4e", [("snakeyaml-api", "2.3-123.v13484c65210a_", False)])],
    "snakeyaml-api": [("2.3-123.v13484c65210a_", [])],
    "credentials": [("1389.vd7a_b_f5fa_50a_2", []), ("1415.v831096eb_5534", []), ("1502.v5c95e620ddfe", [])],
    "ssh-credentials": [("361.vb_f6760818e8c", [("credentials", "1389.vd7a_b_f5fa_50a_2", False)])],
    "ssh-slaves": [("3.1097.v868116049892", [("ssh-credentials", "355.v9b_e5b_cde5003", False)])],
    "aws-java-sdk2-core": [("2.30.17-68.v5b_f16a_87c6f8", [])],
    "aws-java-sdk2-ec2": [
        ("2.30.17-68.v5b_f16a_87c6f8", [("aws-java-sdk2-core", "2.30.17-68.v5b_f16a_87c6f8", False)])
    ],
    "ec2-fleet": [
        (
            "4.3.0.549.vf2a_da_a_d19b_5e",
            [
                ("aws-java-sdk2-ec2", "2.30.17-68.v5b_f16a_87c6f8", False),
                ("ssh-slaves", "3.1031.v72c6b_883b_869", False),
                ("job-dsl", "1.87", True),
            ],
        )
    ],
    "job-dsl": [("1.90", [])],
    # Authorization and the directory realms (role defaults); dependencies from the plugins' poms at these versions.
    "matrix-auth": [
        (
            "3.2.8",
            [
                ("ionicons-api", "74.v93d5eb_813d5f", False),
                ("configuration-as-code", "1967.va_968e15fd05b_", True),
                ("cloudbees-folder", "6.999.v42253c105443", True),
            ],
        )
    ],
    "ionicons-api": [("74.v93d5eb_813d5f", [])],
    "ldap": [("807.v7d7de30930cf", [("mailer", "489.vd4b_25144138f", False)])],
    "mailer": [("489.vd4b_25144138f", [])],
    "oic-auth": [
        (
            "4.715.vf202e4229f61",
            [
                ("asm-api", "9.8-135.vb_2239d08ee90", False),
                ("commons-lang3-api", "3.17.0-87.v5cf526e63b_8b_", False),
                ("commons-text-api", "1.13.0-153.v91dcd89e2a_22", False),
                ("json-path-api", "2.9.0-148.v22a_7ffe323ce", False),
                ("nimbus-jose-jwt-api", "10.0.2-27.vca_0b_6da_2b_ee7", False),
                ("jackson2-api", "2.18.3-402.v74c4eb_f122b_2", False),
                ("mailer", "489.vd4b_25144138f", False),
            ],
        )
    ],
    "asm-api": [("9.8-135.vb_2239d08ee90", [])],
    "commons-lang3-api": [("3.17.0-87.v5cf526e63b_8b_", [])],
    "commons-text-api": [("1.13.0-153.v91dcd89e2a_22", [("commons-lang3-api", "3.17.0-87.v5cf526e63b_8b_", False)])],
    "json-path-api": [("2.9.0-148.v22a_7ffe323ce", [])],
    "nimbus-jose-jwt-api": [("10.0.2-27.vca_0b_6da_2b_ee7", [])],
    "jackson2-api": [("2.18.3-402.v74c4eb_f122b_2", [])],
    # Jenkins metrics (issue 19); its dependencies (metrics, junit, pipeline-rest-api, ...) come from its schema.
    "prometheus": [("852.v317db_5d17a_b_0", [])],
}
# The version offered for a dependency a schema names without a version and the table does not know.
UNKNOWN_DEPENDENCY_VERSION = "1.0"
# requiredCore of every release without a schema file: older than both LTS lines the role supports.
DEFAULT_REQUIRED_CORE = "2.479.1"


def from_schemas(plugins, schemas_dir):
    """PLUGINS with each release's dependencies and required core from its schema file, when there is one."""
    plugins = {name: list(releases) for name, releases in plugins.items()}
    cores = {}
    if not schemas_dir or not os.path.isdir(schemas_dir):
        return plugins, cores
    for name in list(plugins):
        for index, (version, deps) in enumerate(plugins[name]):
            path = os.path.join(schemas_dir, name, version + ".json")
            if not os.path.isfile(path):
                continue
            with open(path, encoding="utf-8") as handle:
                requires = json.load(handle).get("requires") or {}
            required = []
            for dep, dep_version in sorted((requires.get("plugins") or {}).items()):
                known = [v for v, dummy in plugins.get(dep, [])]
                required.append((dep, dep_version or (known[-1] if known else UNKNOWN_DEPENDENCY_VERSION)))
            plugins[name][index] = (version, [(d, v, False) for d, v in required])
            if requires.get("core"):
                cores[(name, version)] = requires["core"]
            for dep, dep_version in required:
                known = [v for v, dummy in plugins.get(dep, [])]
                if dep_version not in known:
                    plugins.setdefault(dep, []).insert(0, (dep_version, []))
    return plugins, cores


def archive(name, version, deps, required_core=DEFAULT_REQUIRED_CORE):
    manifest = [
        "Manifest-Version: 1.0",
        "Short-Name: " + name,
        "Long-Name: " + name + " (fake)",
        "Plugin-Version: " + version,
        # The core the plugin needs, where Jenkins' PluginWrapper reads it (the update center's requiredCore).
        "Jenkins-Version: " + required_core,
    ]
    if deps:
        manifest.append(
            "Plugin-Dependencies: "
            + ",".join("{0}:{1}{2}".format(d, v, ";resolution:=optional" if o else "") for d, v, o in deps)
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        info = zipfile.ZipInfo("META-INF/MANIFEST.MF", date_time=(2024, 1, 1, 0, 0, 0))
        zf.writestr(info, "\r\n".join(manifest) + "\r\n\r\n")
    return buffer.getvalue()


def main(directory, base_url, schemas_dir=None):
    plugins, cores = from_schemas(PLUGINS, schemas_dir)
    latest = {}
    versions = {}
    for name, releases in plugins.items():
        for version, deps in releases:
            required_core = cores.get((name, version), DEFAULT_REQUIRED_CORE)
            data = archive(name, version, deps, required_core)
            rel = "download/plugins/{0}/{1}/{0}.hpi".format(name, version)
            path = os.path.join(directory, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as out:
                out.write(data)
            entry = {
                "name": name,
                "version": version,
                "url": base_url.rstrip("/") + "/" + rel,
                "sha256": base64.b64encode(hashlib.sha256(data).digest()).decode("ascii"),
                "requiredCore": required_core,
                "dependencies": [{"name": d, "version": v, "optional": o} for d, v, o in deps],
            }
            versions.setdefault(name, {})[version] = entry
            latest[name] = entry
    with open(os.path.join(directory, "update-center.json"), "w", encoding="utf-8") as out:
        out.write("updateCenter.post(\n" + json.dumps({"id": "fake", "plugins": latest}, indent=1) + "\n);")
    with open(os.path.join(directory, "plugin-versions.json"), "w", encoding="utf-8") as out:
        json.dump({"plugins": versions}, out, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:4])
