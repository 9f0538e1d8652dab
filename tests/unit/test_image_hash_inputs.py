"""Does the image input hash (playbooks/images.yml -> jenkins_ha.aws.packer_build -> module_utils/packer.input_hash)
cover everything roles/instance_boot bakes of this collection? It bakes the collection build (all of galaxy.yml's
build content, MANIFEST.json/FILES.json aside), while the hash reads the Packer template directory and the baked roles
only: a change to playbooks/boot.yml, playbooks/vars/contract.yml or a plugin the roles use at boot reaches no
image, because the hash finds an image "built from the same inputs" and reuses it. Marked xfail (strict) until
images.yml hashes the collection build; the failure lists the files the hash misses. (Not fixed here: images.yml and
module_utils/packer.py belong to another part of the work; see the packaging report.)"""

from pathlib import Path

import pytest
import yaml
from ansible.galaxy.collection import _build_files_manifest_walk

from tests.unit.test_galaxy_build_ignore import PATTERNS

ROOT = Path(__file__).resolve().parents[2]


def hashed_files(role):
    """Files (relative to the checkout) that images.yml makes packer_build hash for an image role."""
    from ansible_collections.jenkins_ha.aws.plugins.module_utils import packer

    play = yaml.safe_load((ROOT / "playbooks" / "images.yml").read_text())[0]
    roles = [ROOT / "roles" / name for name in play["vars"]["__images_baked_roles"][role]]
    inputs = [ROOT / "playbooks" / "files" / "packer"] + packer.with_role_dependencies([str(r) for r in roles])
    found = set()
    for path in inputs:
        # tree_files: (path inside the input, absolute path) pairs
        found.update(Path(pair[1]).relative_to(ROOT).as_posix() for pair in packer.tree_files(str(path)))
    # images.yml hands packer_build the collection root with galaxy.yml's build_ignore and what the bake leaves out.
    ignore = PATTERNS + play["vars"]["__images_not_baked"]
    found.update(relative for relative, _absolute in packer.collection_files(str(ROOT), ignore))
    return found


def baked_files():
    manifest = _build_files_manifest_walk(str(ROOT).encode(), "jenkins_ha", "aws", PATTERNS)
    # roles/instance_boot leaves docs/ out of the image (vars/main.yml).
    return {e["name"] for e in manifest["files"] if e["ftype"] == "file" and not e["name"].startswith("docs/")}


@pytest.mark.parametrize("role", ["controller", "agent"])
def test_every_baked_file_of_the_collection_is_an_input_of_the_image_hash(role):
    missed = sorted(baked_files() - hashed_files(role))
    assert not missed, "baked into the {0} image but not hashed: {1}".format(role, missed[:40])


def test_collection_files_are_the_files_ansible_galaxy_builds():
    from ansible_collections.jenkins_ha.aws.plugins.module_utils import packer

    listed = {relative for relative, _absolute in packer.collection_files(str(ROOT), PATTERNS)}
    manifest = _build_files_manifest_walk(str(ROOT).encode(), "jenkins_ha", "aws", PATTERNS)
    assert listed == {e["name"] for e in manifest["files"] if e["ftype"] == "file"}


def test_the_hash_follows_what_is_baked_not_the_checkout(tmp_path):
    from ansible_collections.jenkins_ha.aws.plugins.module_utils import packer

    files = {
        "galaxy.yml": "build_ignore: [inventory/prod]\n",
        "playbooks/boot.yml": "- hosts: localhost\n",
        "inventory/prod/vault.yml": "secret: 1\n",
        "tests/output/run.log": "x\n",
        "docs/x.md": "x\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)

    def digest():
        return packer.input_hash(
            [], [], {"role": "controller"}, "ami-1", collection=(str(tmp_path), ["inventory/prod", "docs"])
        )

    first = digest()
    assert first != packer.input_hash([], [], {"role": "controller"}, "ami-1")
    for unbaked in ("inventory/prod/vault.yml", "tests/output/run.log", "docs/x.md", "galaxy.yml"):
        (tmp_path / unbaked).write_text(
            "changed: 2\n" if unbaked != "galaxy.yml" else "build_ignore: [inventory/prod]\n#\n"
        )
        assert digest() == first, unbaked
    (tmp_path / "playbooks/boot.yml").write_text("- hosts: all\n")
    assert digest() != first
