# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Writes a signed flat apt repository with fake `jenkins` packages (test-only: pkg.jenkins.io is not reachable).

    python3 make_fake_apt_repo.py DIR VERSION...

DIR/binary/ gets one jenkins_<version>_all.deb per VERSION (built with dpkg-deb; each installs only
/usr/share/jenkins-fake/VERSION), Packages, Release and InRelease clearsigned with a new key whose public half is
DIR/key.asc: the layout of pkg.jenkins.io/debian-stable ("deb <url> binary/"), so the role's package tasks run
unchanged with jenkins_controller_repo_url=file://DIR and jenkins_controller_repo_key_url=file://DIR/key.asc.
Needs dpkg-deb and gpg (both in the Debian 13 test image).
"""

import hashlib
import os
import subprocess
import sys
import tempfile


def build_deb(binary, version, work):
    root = os.path.join(work, "jenkins-" + version)
    os.makedirs(os.path.join(root, "DEBIAN"))
    os.makedirs(os.path.join(root, "usr", "share", "jenkins-fake"))
    with open(os.path.join(root, "usr", "share", "jenkins-fake", "VERSION"), "w", encoding="ascii") as out:
        out.write(version + "\n")
    with open(os.path.join(root, "DEBIAN", "control"), "w", encoding="ascii") as out:
        out.write(
            "Package: jenkins\nVersion: {0}\nArchitecture: all\nMaintainer: jenkins_ha.aws tests <t@example.invalid>\n"
            "Description: fake Jenkins package (molecule only)\n".format(version)
        )
    deb = os.path.join(binary, "jenkins_{0}_all.deb".format(version))
    subprocess.run(["dpkg-deb", "--root-owner-group", "--build", root, deb], check=True, stdout=subprocess.DEVNULL)
    return deb


def stanza(deb, version):
    with open(deb, "rb") as handle:
        data = handle.read()
    return (
        "Package: jenkins\nVersion: {0}\nArchitecture: all\nMaintainer: jenkins_ha.aws tests <t@example.invalid>\n"
        "Filename: binary/{1}\nSize: {2}\nSHA256: {3}\nDescription: fake Jenkins package (molecule only)\n".format(
            version, os.path.basename(deb), len(data), hashlib.sha256(data).hexdigest()
        )
    )


def main(directory, versions):
    binary = os.path.join(directory, "binary")
    os.makedirs(binary, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        packages = "\n".join(stanza(build_deb(binary, v, work), v) for v in versions)
        with open(os.path.join(binary, "Packages"), "w", encoding="ascii") as out:
            out.write(packages)
        digest = hashlib.sha256(packages.encode("ascii")).hexdigest()
        with open(os.path.join(binary, "Release"), "w", encoding="ascii") as out:
            out.write(
                "Origin: jenkins_ha.aws tests\nLabel: fake jenkins\nDate: Thu, 01 Jan 2026 00:00:00 UTC\n"
                "SHA256:\n {0} {1} Packages\n".format(digest, len(packages.encode("ascii")))
            )
        home = os.path.join(work, "gnupg")
        os.makedirs(home, mode=0o700)
        gpg = ["gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
        subprocess.run(
            gpg + ["--quick-generate-key", "fake-jenkins-repo@example.invalid", "rsa3072", "sign", "never"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            gpg + ["--yes", "--clearsign", "-o", os.path.join(binary, "InRelease"), os.path.join(binary, "Release")],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            gpg + ["--yes", "--armor", "--export", "-o", os.path.join(directory, "key.asc")],
            check=True,
            capture_output=True,
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
