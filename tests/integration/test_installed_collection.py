"""The collection as its users get it (issue 15 item 8): `ansible-galaxy collection build` from this checkout,
`ansible-galaxy collection install --offline` into an empty collections path (its galaxy.yml dependencies resolved
against the collections of the pinned `ansible` release, so a dependency that release cannot meet fails here), then
`ansible-playbook jenkins_ha.aws.site --check` with the installed copy's demo inventory against a private emulator,
from a directory without this checkout's ansible.cfg and with the checkout in no collections path.
Then `ansible-builder create` turns execution-environment.yml and the built archive into a build context: the
definition is valid (a broken one is refused), Packer and the collection are installed, the Galaxy requirements are
galaxy.yml's dependencies."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml

from tests.integration.harness import RECAP, ROOT, VENV_BIN, Emulator

GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text())
ARCHIVE = "{0}-{1}-{2}.tar.gz".format(GALAXY["namespace"], GALAXY["name"], GALAXY["version"])


def clean_env(**extra):
    """The caller's environment without anything that points Ansible at this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env["PATH"] = str(VENV_BIN) + os.pathsep + env.get("PATH", "")
    env.update(ANSIBLE_FORCE_COLOR="0", **extra)
    return env


def run(cmd, cwd, env):
    proc = subprocess.run(
        [str(c) for c in cmd],
        cwd=str(cwd),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    return proc.stdout


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("installed")


@pytest.fixture(scope="module")
def archive(work):
    run([VENV_BIN / "ansible-galaxy", "collection", "build", "--output-path", work, ROOT], work, clean_env())
    assert (work / ARCHIVE).is_file()
    return work / ARCHIVE


@pytest.fixture(scope="module")
def installed(work, archive):
    collections = work / "collections"
    output = run(
        [VENV_BIN / "ansible-galaxy", "collection", "install", "--offline", "-p", collections, archive],
        work,
        clean_env(ANSIBLE_COLLECTIONS_PATH=str(collections)),
    )
    for dependency in GALAXY["dependencies"]:
        assert re.search(r"'{0}:\S+' is already installed".format(re.escape(dependency)), output), output
    return collections


def test_site_runs_in_check_mode_from_the_installed_collection(work, installed):
    emulator = Emulator(ROOT / "tests" / "output" / "emulator").start()
    try:
        env = clean_env(ANSIBLE_COLLECTIONS_PATH=str(installed))
        env.update({k: v for k, v in emulator.env().items() if k.startswith("AWS_")})
        for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            env.pop(key, None)
        inventory = installed / "ansible_collections" / "jenkins_ha" / "aws" / "inventory" / "demo"
        output = run([VENV_BIN / "ansible-playbook", "jenkins_ha.aws.site", "--check", "-i", inventory], work, env)
        recap = {m.group("host"): m.groupdict() for m in RECAP.finditer(output)}
        assert recap["localhost"]["failed"] == "0", output[-3000:]
        assert int(recap["localhost"]["ok"]) > 50, output[-3000:]
        vpcs = emulator.client("ec2").describe_vpcs(Filters=[{"Name": "tag:jenkins-ha:stack", "Values": ["demo"]}])
        assert vpcs["Vpcs"] == []
    finally:
        emulator.stop()


@pytest.fixture(scope="module")
def builder():
    path = VENV_BIN / "ansible-builder"
    if not path.exists():
        pytest.fail("ansible-builder is missing from the venv: run 'make venv' (requirements.txt pins it)")
    return path


def create(builder, directory, definition):
    (directory / "execution-environment.yml").write_text(definition)
    return subprocess.run(
        [
            str(builder),
            "create",
            "-f",
            "execution-environment.yml",
            "-c",
            "context",
            "--output-filename",
            "Containerfile",
        ],
        cwd=str(directory),
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )


def test_the_execution_environment_definition_builds_a_context(work, archive, builder):
    directory = work / "ee"
    directory.mkdir()
    shutil.copy(archive, directory)
    result = create(builder, directory, (ROOT / "execution-environment.yml").read_text())
    assert result.returncode == 0, result.stdout
    containerfile = (directory / "context" / "Containerfile").read_text()
    assert "dnf install -y packer-1.9.4" in containerfile
    assert "/usr/bin/packer version" in containerfile
    assert re.search(r"ansible-galaxy collection install --no-deps .*jenkins_ha-aws-\*\.tar\.gz", containerfile)
    assert (directory / "context" / "_build" / "collections" / ARCHIVE).is_file()
    requirements = yaml.safe_load((directory / "context" / "_build" / "requirements.yml").read_text())
    assert {c["name"]: c["version"] for c in requirements["collections"]} == GALAXY["dependencies"]


def test_a_broken_definition_is_refused(work, archive, builder):
    directory = work / "ee-broken"
    directory.mkdir()
    shutil.copy(archive, directory)
    definition = (
        (ROOT / "execution-environment.yml").read_text().replace("additional_build_steps:", "additional_steps:")
    )
    result = create(builder, directory, definition)
    assert result.returncode != 0
    assert "additional_steps" in result.stdout
