# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Writes a fake Jenkins update center into a directory (test-only: real plugins cannot be downloaded here).

    python3 make_fake_update_center.py DIR BASE_URL

DIR gets update-center.json (JSONP, as updates.jenkins.io serves it), plugin-versions.json and the dummy plugin
archives under download/plugins/<name>/<version>/<name>.hpi, each a zip with a real plugin manifest, listed with
base64 sha256 checksums like the real metadata. BASE_URL is where DIR will be served (entries' download URLs).
The names and top-level versions are the role's default pins; dependency versions and archives are invented.
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
    "credentials": [("1389.vd7a_b_f5fa_50a_2", []), ("1415.v831096eb_5534", [])],
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
}


def archive(name, version, deps):
    manifest = [
        "Manifest-Version: 1.0",
        "Short-Name: " + name,
        "Long-Name: " + name + " (fake)",
        "Plugin-Version: " + version,
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


def main(directory, base_url):
    latest = {}
    versions = {}
    for name, releases in PLUGINS.items():
        for version, deps in releases:
            data = archive(name, version, deps)
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
                "requiredCore": "2.479.1",
                "dependencies": [{"name": d, "version": v, "optional": o} for d, v, o in deps],
            }
            versions.setdefault(name, {})[version] = entry
            latest[name] = entry
    with open(os.path.join(directory, "update-center.json"), "w", encoding="utf-8") as out:
        out.write("updateCenter.post(\n" + json.dumps({"id": "fake", "plugins": latest}, indent=1) + "\n);")
    with open(os.path.join(directory, "plugin-versions.json"), "w", encoding="utf-8") as out:
        json.dump({"plugins": versions}, out, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
