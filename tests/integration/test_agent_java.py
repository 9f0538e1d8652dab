"""roles/jenkins_agent's Java 21 source on Debian 12 (which ships only openjdk-17): the bake adds a signed apt
repository and installs jenkins_agent_java_package from it, in a Debian 12 systemd container.

The repository is local (file://, mounted into the container) and built by the test: a stand-in package named
temurin-21-jre whose `java` prints a Java 21 version (no JDK can be downloaded here), a Release file signed with a
throw-away key, and that key as the repository's key URL. The role's path is the production one (keyring, signed-by
source, apt install, the `java` on PATH checked against jenkins_agent_java_min_version); only the repository's
content is fake. The default path (Debian 13's openjdk-21, Debian 12's refusal) is molecule's (molecule/jenkins_agent).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
import uuid

import pytest

from tests.integration.harness import run_playbook

IMAGE = "localhost/jenkins-ha-debian12"
PACKAGE = "temurin-21-jre"

CONTROL = """\
Package: temurin-21-jre
Version: 21.0.1-test
Architecture: all
Maintainer: jenkins_ha.aws tests <tests@example.invalid>
Description: stand-in for Eclipse Temurin 21 (its java prints a Java 21 version)
"""
JAVA = """\
#!/bin/sh
echo 'openjdk version "21.0.1" 2023-10-17 LTS' >&2
echo 'OpenJDK Runtime Environment Temurin-21.0.1+12 (build 21.0.1+12-LTS)' >&2
"""
# As Temurin's package does: its java becomes /usr/bin/java through the alternatives system.
POSTINST = """\
#!/bin/sh
update-alternatives --install /usr/bin/java java /usr/lib/jvm/temurin-21-jre-test/bin/java 2111
"""

PLAY = """\
- name: Bake the agent on Debian 12 with Java from a signed repository
  hosts: all
  tasks:
    - name: Apply the role (bake phase)
      ansible.builtin.include_role:
        name: jenkins_ha.aws.jenkins_agent
      vars:
        jenkins_agent_phase: bake
        jenkins_agent_java_repo_url: file:///srv/repo
        jenkins_agent_java_repo_key_url: file:///srv/repo/key.asc
        jenkins_agent_java_package: temurin-21-jre
"""


def missing():
    for tool in ("podman", "gpg", "dpkg-deb"):
        if not shutil.which(tool):
            return tool + " is not installed"
    if subprocess.run(["podman", "image", "exists", IMAGE], check=False).returncode != 0:
        return IMAGE + " is missing (tests/containers/build-image.sh bookworm)"
    return None


pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))


def write(path, text, mode=0o644):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def signed_repository(tmp_path):
    """A flat apt repository (suite bookworm, component main) with the stand-in package, signed; returns its dir."""
    package, repo, home = tmp_path / "package", tmp_path / "repo", tmp_path / "gnupg"
    write(package / "DEBIAN" / "control", CONTROL)
    write(package / "DEBIAN" / "postinst", POSTINST, 0o755)
    write(package / "usr" / "lib" / "jvm" / "temurin-21-jre-test" / "bin" / "java", JAVA, 0o755)
    deb = repo / "pool" / "temurin-21-jre_21.0.1-test_all.deb"
    deb.parent.mkdir(parents=True)
    subprocess.run(
        ["dpkg-deb", "--build", "--root-owner-group", str(package), str(deb)], check=True, capture_output=True
    )
    data = deb.read_bytes()
    packages = "{0}Filename: {1}\nSize: {2}\nSHA256: {3}\n\n".format(
        CONTROL, deb.relative_to(repo), len(data), hashlib.sha256(data).hexdigest()
    ).encode()
    suite = repo / "dists" / "bookworm"
    for arch in ("amd64", "all"):
        (suite / "main" / ("binary-" + arch)).mkdir(parents=True)
        (suite / "main" / ("binary-" + arch) / "Packages").write_bytes(packages)
    digest = hashlib.sha256(packages).hexdigest()
    release = (
        "Origin: test\nSuite: bookworm\nCodename: bookworm\nArchitectures: amd64 all\nComponents: main\n"
        "Date: {0}\nSHA256:\n {1} {2} main/binary-amd64/Packages\n {1} {2} main/binary-all/Packages\n"
    ).format(time.strftime("%a, %d %b %Y %H:%M:%S UTC", time.gmtime()), digest, len(packages))
    (suite / "Release").write_text(release)
    home.mkdir(mode=0o700)
    gpg = ["gpg", "--homedir", str(home), "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""]
    subprocess.run(gpg + ["--quick-gen-key", "jenkins_ha.aws test repository", "ed25519", "sign", "never"], check=True)
    (repo / "key.asc").write_text(
        subprocess.run(gpg + ["--armor", "--export"], check=True, capture_output=True, text=True).stdout
    )
    subprocess.run(gpg + ["--clearsign", "-o", str(suite / "InRelease"), str(suite / "Release")], check=True)
    # gpg starts an agent for this home that outlives the test: stop it (it would hold the temp dir open).
    if shutil.which("gpgconf"):
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], check=False)
    # apt reads file:// sources as its unprivileged _apt user.
    for path in [repo, *repo.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return repo


@pytest.fixture
def debian12_host(tmp_path):
    repo = signed_repository(tmp_path)
    name = "jha-agent-java-" + uuid.uuid4().hex[:8]
    subprocess.run(
        ["podman", "run", "-d", "--name", name, "-v", "{0}:/srv/repo:ro".format(repo), IMAGE, "/sbin/init"],
        check=True,
        capture_output=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = subprocess.run(
                ["podman", "exec", name, "systemctl", "is-system-running"], capture_output=True, text=True, check=False
            ).stdout.strip()
            if state in ("running", "degraded"):
                break
            time.sleep(1)
        yield name
    finally:
        subprocess.run(["podman", "rm", "-f", "-t", "0", name], capture_output=True, check=False)


def bake(host, tmp_path, **role_vars):
    play = tmp_path / "bake.yml"
    play.write_text(PLAY)
    extra = dict(role_vars, ansible_python_interpreter="/usr/bin/python3")
    return run_playbook(
        play,
        dict(os.environ),
        inventory=host + ",",
        extra_vars=[json.dumps(extra)],
        args=["-c", "containers.podman.podman"],
    )


def test_debian12_bakes_java21_from_a_signed_repository(debian12_host, tmp_path):
    result = bake(debian12_host, tmp_path)
    assert result.rc == 0, result.output[-5000:]
    java = subprocess.run(
        ["podman", "exec", debian12_host, "runuser", "-u", "jenkins", "--", "java", "-version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert 'openjdk version "21.0.1"' in java.stderr
    sources = subprocess.run(
        ["podman", "exec", debian12_host, "cat", "/etc/apt/sources.list.d/jenkins-agent-java.list"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # The key vouches for this repository only.
    assert "deb [signed-by=/etc/apt/keyrings/jenkins-agent-java.asc] file:///srv/repo bookworm main" in sources
    installed = subprocess.run(
        ["podman", "exec", debian12_host, "dpkg-query", "-W", "-f", "${Package} ", PACKAGE, "openjdk-17-jre-headless"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert installed == [PACKAGE], installed

    again = bake(debian12_host, tmp_path)
    assert again.rc == 0, again.output[-5000:]
    assert again.changed(debian12_host) == 0, again.output[-5000:]

    # A minimum above what the named package provides is refused before anything is installed.
    refused = bake(debian12_host, tmp_path, jenkins_agent_java_min_version=25)
    assert refused.rc != 0
    assert "jenkins_agent_java_package temurin-21-jre is Java 21, older than jenkins_agent_java_min_version 25" in (
        " ".join(refused.output.split())
    ), refused.output[-3000:]
