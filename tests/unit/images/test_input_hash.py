"""The image input hash: same inputs, same hash; a role change moves only the images that apply the role."""

import re
import shutil
from pathlib import Path

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils import packer

BASE = "ami-0base12"


@pytest.fixture
def tree(tmp_path):
    """A template directory and two roles, as the images playbook hashes them."""
    files = {
        "packer/jenkins-ha.pkr.hcl": 'source "amazon-ebs" "x" {}\n',
        "packer/bake.yml": "- hosts: all\n",
        "roles/jenkins_controller/tasks/main.yml": "- ansible.builtin.debug: {msg: controller}\n",
        "roles/jenkins_controller/defaults/main.yml": "jenkins_controller_phase: boot\n",
        "roles/jenkins_agent/tasks/main.yml": "- ansible.builtin.debug: {msg: agent}\n",
    }
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return tmp_path


def hashes(root, variables=None, base_image_id=BASE):
    variables = variables or {"base": "debian12"}
    return {
        role: packer.input_hash(
            [root / "packer"], [root / "roles" / ("jenkins_" + role)], dict(variables, role=role), base_image_id
        )
        for role in ("controller", "agent")
    }


def touch(root, name, content):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)


def test_same_inputs_same_hash(tree):
    first = hashes(tree)
    assert first == hashes(tree)
    assert first["controller"] != first["agent"]
    assert all(len(h) == 64 for h in first.values())


def test_hash_does_not_depend_on_checkout_location(tree, tmp_path_factory):
    copy = tmp_path_factory.mktemp("elsewhere") / "checkout"
    shutil.copytree(tree, copy)
    assert hashes(tree) == hashes(copy)


@pytest.mark.parametrize(
    "change, moved",
    [
        (("roles/jenkins_controller/tasks/main.yml", "- ansible.builtin.debug: {msg: changed}\n"), {"controller"}),
        (("roles/jenkins_controller/templates/new.j2", "x\n"), {"controller"}),
        (("roles/jenkins_agent/tasks/main.yml", "- ansible.builtin.debug: {msg: changed}\n"), {"agent"}),
        (("packer/bake.yml", "- hosts: all\n  become: true\n"), {"controller", "agent"}),
        (("packer/jenkins-ha.pkr.hcl", "# comment\n"), {"controller", "agent"}),
        # Ignored: VCS data, caches, molecule scenarios, editor leftovers.
        (("roles/jenkins_agent/.git/HEAD", "ref: x\n"), set()),
        (("roles/jenkins_agent/__pycache__/x.cpython-311.pyc", "x"), set()),
        (("roles/jenkins_agent/files/helper.pyc", "x"), set()),
        (("roles/jenkins_agent/molecule/default/converge.yml", "- hosts: all\n"), set()),
        (("roles/jenkins_controller/tasks/main.yml.swp", "x"), set()),
    ],
)
def test_changes_move_only_the_affected_hashes(tree, change, moved):
    before = hashes(tree)
    touch(tree, *change)
    after = hashes(tree)
    assert {role for role in before if before[role] != after[role]} == moved


def test_renaming_a_role_file_changes_the_hash(tree):
    before = hashes(tree)
    (tree / "roles/jenkins_agent/tasks/main.yml").rename(tree / "roles/jenkins_agent/tasks/install.yml")
    assert hashes(tree)["agent"] != before["agent"]


@pytest.mark.parametrize(
    "first, second, equal",
    [
        (
            {"base": "debian12", "kms_key_id": "k", "arch": "amd64"},
            {"arch": "amd64", "kms_key_id": "k", "base": "debian12"},
            True,
        ),
        ({"bake_vars": {"a": "1", "b": "2"}}, {"bake_vars": {"b": "2", "a": "1"}}, True),
        ({"base": "debian12"}, {"base": "debian13"}, False),
        ({"kms_key_id": ""}, {"kms_key_id": "alias/images"}, False),
        ({"source_ami_owners": ["1", "2"]}, {"source_ami_owners": ["2", "1"]}, False),
    ],
)
def test_variables_order_irrelevant_values_relevant(tree, first, second, equal):
    template, role = [tree / "packer"], [tree / "roles/jenkins_agent"]
    assert (packer.input_hash(template, role, first, BASE) == packer.input_hash(template, role, second, BASE)) is equal


def test_role_dependencies_are_hashed(tree):
    touch(tree, "roles/jenkins_agent/meta/main.yml", "dependencies:\n  - role: jenkins_ha.aws.jenkins_common\n")
    touch(tree, "roles/jenkins_common/tasks/main.yml", "- ansible.builtin.debug: {msg: common}\n")
    before = hashes(tree)
    touch(tree, "roles/jenkins_common/tasks/main.yml", "- ansible.builtin.debug: {msg: changed}\n")
    after = hashes(tree)
    assert before["agent"] != after["agent"]
    assert before["controller"] == after["controller"]


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        packer.input_hash([tmp_path / "nope"], [], {}, BASE)


def test_base_image_is_hashed(tree):
    """Same inputs on the same base: same hashes; a new base image: new hashes for the images on it."""
    assert hashes(tree) == hashes(tree, base_image_id=BASE)
    moved = hashes(tree, base_image_id="ami-0newer12")
    assert all(moved[role] != hashes(tree)[role] for role in moved)


@pytest.mark.parametrize(
    "base, variable_sets, owners, name",
    [
        ("debian12", [], ["136693071363"], "debian-12-amd64-*"),
        ("debian13", [{"arch": "arm64"}], ["136693071363"], "debian-13-arm64-*"),
        ("debian12", [{"source_ami_owners": ["123456789012"]}], ["123456789012"], "debian-12-amd64-*"),
        # later variable sets win: build variables first, then the hashed image variables
        ("debian12", [{"arch": "arm64"}, {"arch": "amd64"}], ["136693071363"], "debian-12-amd64-*"),
        ("debian12", [{"source_ami_name_patterns": {"debian12": "exact-name"}}], ["136693071363"], "exact-name"),
        ("debian12", [{"instance_type": "t3.large"}], ["136693071363"], "debian-12-amd64-*"),
    ],
)
def test_base_ami_filter(base, variable_sets, owners, name):
    variables, got_owners, got_name = packer.base_ami_filter(base, *variable_sets)
    assert (got_owners, got_name) == (owners, name)
    assert set(variables) == {"arch", "source_ami_owners", "source_ami_name_patterns"}


def test_base_ami_filter_without_pattern_for_the_base_is_an_error():
    with pytest.raises(ValueError, match="no name pattern for base debian14"):
        packer.base_ami_filter("debian14")


def test_filter_defaults_live_only_in_the_module():
    """The template declares the filter variables without defaults (packer_build always passes them, from
    BASE_AMI_FILTER_DEFAULTS) and takes the resolved base AMI id as source_ami."""
    template = Path(__file__).parents[3] / "playbooks" / "files" / "packer" / "jenkins-ha.pkr.hcl"
    blocks = dict(re.findall(r'^variable "([a-z_]+)" \{\n(.*?)^\}', template.read_text(), re.S | re.M))
    for name in packer.BASE_AMI_FILTER_DEFAULTS:
        assert name in blocks and not re.search(r"^\s*default\s*=", blocks[name], re.M), name
    assert 'default     = ""' in blocks["source_ami"]
    assert "source_ami = var.source_ami" in template.read_text()
