"""galaxy.yml build_ignore, run through ansible-core's own build walk: what the collection archive (and so every baked
image, see roles/instance_boot) keeps and leaves out. The walk is the function `ansible-galaxy collection build`
calls; tests/integration/test_bake_contents.py runs the real build and bake."""

import itertools
from pathlib import Path

import pytest
import yaml
from ansible.galaxy.collection import _build_files_manifest_walk

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = yaml.safe_load((ROOT / "galaxy.yml").read_text())["build_ignore"]

KEPT = [
    "README.md",
    "COPYING",
    "site.yml",
    "meta/runtime.yml",
    "changelogs/changelog.yaml",
    "docs/images.md",
    "playbooks/boot.yml",
    "playbooks/secrets.yml",
    "playbooks/files/packer/jenkins-ha.pkr.hcl",
    "plugins/modules/backup_vault_info.py",
    "plugins/module_utils/jcasc/schemas/core/2.541.3.json",
    "roles/instance_boot/tasks/main.yml",
    "inventory/demo/hosts.yml",
    "inventory/demo/group_vars/all.yml",
    "inventory/examples/stack.jenkins_ec2.yml",
]

LEFT_OUT = [
    # A stack's inventory, whatever its name, and stray files at the top of inventory/.
    "inventory/prod/group_vars/all/vault.yml",
    "inventory/prod/tls.key",
    "inventory/prod/hosts.yml",
    "inventory/dev/hosts.yml",
    "inventory/hosts.yml",
    "inventory/Demo/hosts.yml",
    "inventory/demo2/hosts.yml",
    "inventory/demo.bak/hosts.yml",
    "inventory/example/hosts.yml",
    "inventory/examples-old/hosts.yml",
    "inventory/.vault_pass",
    # Key material and vault files even inside the shipped inventories.
    "inventory/demo/tls.key",
    "inventory/demo/ca.pem",
    "inventory/demo/group_vars/all/vault.yml",
    "inventory/demo/group_vars/all/vault",
    "roles/jenkins_controller/files/.netrc",
    # Development trees, tests and tools.
    "tests/unit/test_x.py",
    "tests/output/junit.xml",
    "molecule/instance_boot/molecule.yml",
    "tools/jcasc_schema/generate.py",
    ".ci/run",
    ".venv/bin/python",
    ".collections/ansible_collections/README",
    ".ansible-lint",
    "changelogs/fragments/x.yml",
    "build/jenkins.war",
    "Makefile",
    "ansible.cfg",
    "requirements.txt",
    "requirements.in",
    "pyproject.toml",
    "pytest.ini",
    "execution-environment.yml",
    "jenkins_ha-aws-0.1.0.tar.gz",
    "playbooks/files/old.tar.gz",
]


# Inventory names around the two that ship: every prefix of demo and examples, each followed by every character
# that matters to the patterns (the next letter, another letter, a dot, a dash), and the two names themselves.
NAMES = sorted(
    (
        {
            prefix + suffix
            for keep in ("demo", "examples")
            for prefix in (keep[:i] for i in range(len(keep) + 1))
            for suffix in ("", "x", ".", "-", "s", "e", "m", "o", "d")
        }
        | {"".join(p) for p in itertools.product("dexo", repeat=2)}
    )
    - {""}
)


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """Relative paths of the files the build would archive from a tree holding KEPT, LEFT_OUT and NAMES."""
    root = tmp_path_factory.mktemp("collection")
    for relative in KEPT + LEFT_OUT + ["inventory/{0}/hosts.yml".format(name) for name in NAMES]:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    manifest = _build_files_manifest_walk(str(root).encode(), "jenkins_ha", "aws", PATTERNS)
    return {entry["name"] for entry in manifest["files"] if entry["ftype"] == "file"}


@pytest.mark.parametrize("relative", KEPT)
def test_kept(archived, relative):
    assert relative in archived


@pytest.mark.parametrize("relative", LEFT_OUT)
def test_left_out(archived, relative):
    assert relative not in archived


@pytest.mark.parametrize("name", NAMES)
def test_only_demo_and_examples_inventories_ship(archived, name):
    assert ("inventory/{0}/hosts.yml".format(name) in archived) == (name in ("demo", "examples"))
