"""What roles/instance_boot bakes of this collection when Packer's Ansible runs from a clone (issue 20 item 6).

A copy of the working tree, linked into a collections path the way `make venv` links the checkout, gets a stack's
inventory with a vault file and a TLS key (inventory/prod/...). The role's pack step (tasks/collections.yml and its
unpack handlers, tests/integration/files/bake_collections.yml) bakes into a directory standing for the image.
The image must hold the output of `ansible-galaxy collection build` (MANIFEST.json, FILES.json) with the demo and
example inventories and neither secret, nor tests, molecule, tools or docs; an installed collection (ansible.posix,
from the ansible package) is baked as it is. A rerun reports no change (the archives are byte-reproducible) and a
changed file of the collection reaches the image. Before the fix the role packed the working tree itself: the vault
file and the key were in the image."""

from __future__ import annotations

import json
import os
import shutil
import tarfile

import pytest
import yaml

from tests.integration.harness import ROOT, run_playbook

PLAYBOOK = ROOT / "tests" / "integration" / "files" / "bake_collections.yml"
# Each holds a marker found nowhere else, so the test can look for it in every baked file.
VAULT_MARKER = "6133626b652d7661756c74"
KEY_MARKER = "YmFrZS10bHMta2V5"
VAULT = "$ANSIBLE_VAULT;1.1;AES256\n{0}\n".format(VAULT_MARKER)
KEY = "-----BEGIN PRIVATE KEY-----\n{0}\n-----END PRIVATE KEY-----\n".format(KEY_MARKER)
# Not part of a clone, or rebuilt by the tests: left out of the copy (the role must cope with .venv/.collections
# and the rest, so small stand-ins of those are planted below).
NOT_COPIED = shutil.ignore_patterns(
    ".lock-venv", ".ansible", ".git", ".venv", ".collections", ".emulator", ".cache", "output", "build", "__pycache__"
)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the role's copy makes root-owned files")


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """(working tree copy, collections path linking it) with a stack's secrets planted in inventory/prod."""
    base = tmp_path_factory.mktemp("bake")
    tree = base / "checkout"
    shutil.copytree(ROOT, tree, ignore=NOT_COPIED, symlinks=True)
    (tree / "inventory" / "prod" / "group_vars" / "all").mkdir(parents=True)
    (tree / "inventory" / "prod" / "group_vars" / "all" / "vault.yml").write_text(VAULT)
    (tree / "inventory" / "prod" / "tls.key").write_text(KEY)
    (tree / ".venv" / "bin").mkdir(parents=True)
    (tree / ".venv" / "bin" / "python").write_text("stand-in\n")
    link = tree / ".collections" / "ansible_collections" / "jenkins_ha" / "aws"
    link.parent.mkdir(parents=True)
    link.symlink_to("../../..")
    return tree, tree / ".collections"


def bake(clone, image):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(clone[1]))
    result = run_playbook(PLAYBOOK, env, extra_vars=[{"bake_image_root": str(image)}])
    assert result.rc == 0, result.output[-3000:]
    return result


def files_under(path):
    return {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def image(clone, tmp_path_factory):
    image = tmp_path_factory.mktemp("image")
    first = bake(clone, image)
    assert first.changed() > 0
    return image


def baked(image, collection):
    return image / "opt/jenkins-ha/collections/ansible_collections" / collection.replace(".", "/")


def test_the_secrets_of_a_stack_inventory_are_not_baked(image):
    collections = image / "opt/jenkins-ha/collections"
    everything = files_under(collections)
    # By file name: a filter's documentation may well end in "...vault.yml" (unconverged_backup_vault.yml).
    assert not [f for f in everything if f.rsplit("/", 1)[-1] in ("vault.yml", "tls.key")]
    with tarfile.open(collections / "jenkins_ha.aws.tar.gz") as archive:
        assert not [n for n in archive.getnames() if "inventory/prod" in n]
    for path in (collections / "ansible_collections").rglob("*"):
        if path.is_file():
            text = path.read_bytes()
            assert VAULT_MARKER.encode() not in text and KEY_MARKER.encode() not in text, path


def test_the_image_holds_the_collection_build(image, clone):
    aws = baked(image, "jenkins_ha.aws")
    files = files_under(aws)
    manifest = json.loads((aws / "MANIFEST.json").read_text())
    assert manifest["collection_info"]["version"] == yaml.safe_load((clone[0] / "galaxy.yml").read_text())["version"]
    # FILES.json is the build's list: the image has exactly those files, plus the two manifests.
    listed = {e["name"] for e in json.loads((aws / "FILES.json").read_text())["files"] if e["ftype"] == "file"}
    assert files == (listed | {"MANIFEST.json", "FILES.json"}) - {f for f in listed if f.startswith("docs/")}
    assert {"playbooks/boot.yml", "inventory/demo/hosts.yml", "meta/runtime.yml"} <= files
    assert any(f.startswith("inventory/examples/") for f in files)
    for left_out in (
        "tests/",
        "molecule/",
        "tools/",
        "docs/",
        ".ci/",
        ".venv/",
        ".collections/",
        "changelogs/fragments/",
    ):
        assert not [f for f in files if f.startswith(left_out)], left_out
    assert not files & {"Makefile", "requirements.txt", "ansible.cfg", "galaxy.yml", ".ansible-lint"}


def test_an_installed_collection_is_baked_as_installed(image):
    posix = baked(image, "ansible.posix")
    assert (posix / "plugins" / "modules" / "mount.py").is_file()
    assert (posix / "MANIFEST.json").is_file()
    assert not (posix / "tests").exists()


def test_the_same_content_bakes_the_same_bytes_and_a_change_reaches_the_image(image, clone):
    archive = image / "opt/jenkins-ha/collections/jenkins_ha.aws.tar.gz"
    before = archive.read_bytes()
    assert bake(clone, image).changed() == 0
    assert archive.read_bytes() == before

    boot = clone[0] / "playbooks" / "boot.yml"
    boot.write_text(boot.read_text() + "# changed by test_bake_contents\n")
    assert bake(clone, image).changed() > 0
    assert (baked(image, "jenkins_ha.aws") / "playbooks" / "boot.yml").read_text().endswith("test_bake_contents\n")
