"""configure.yml takes the controller image in use and its manifest from the copy of the stack's parameters that
stack_config keeps (read once per run), not from GetParameter calls of its own (issue 13 review item 4), and reads
the manifest record in both forms: packed, as images.yml writes it now, and the raw JSON it wrote before."""

import json
from pathlib import Path

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from ansible_collections.jenkins_ha.aws.plugins.filter.jenkins_preflight import record_manifest
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import manifest as image_manifest

ROOT = Path(__file__).resolve().parents[3]
CONFIGURE = ROOT / "playbooks" / "configure.yml"
PATH = "/jenkins-ha/demo"
SSM = {"ami_controller": PATH + "/ami/controller", "ami_controller_jenkins": PATH + "/ami/controller-jenkins"}
MANIFEST = {"format": 1, "jenkins": "2.568.2", "java": 21, "plugins": {"ec2-fleet": "4.3.0.549.vf2a_da_a_d19b_5e"}}


def play():
    # DataLoader marks the playbook's strings as templates, as ansible-playbook does.
    return DataLoader().load_from_file(str(CONFIGURE), trusted_as_template=True)[0]


def test_configure_yml_reads_no_ami_record_of_its_own():
    text = CONFIGURE.read_text()
    for key in SSM:
        assert "ssm_parameter', __stack_config_ssm.{0}".format(key) not in text
    task = next(t for t in play()["tasks"] if t["name"] == "Read the controller image in use and its manifest")
    assert task["ansible.builtin.include_role"] == {
        "name": "jenkins_ha.aws.stack_config",
        "tasks_from": "ssm_parameters",
    }
    assert task["vars"] == {"__stack_config_parameters": []}  # a read (once per run), nothing to write


def _packed(image_id):
    return image_manifest.record_value(MANIFEST, image_id)


def _raw(image_id):
    return json.dumps(dict(MANIFEST, image_id=image_id))


@pytest.mark.parametrize(
    "recorded, expected_usable",
    [
        ({SSM["ami_controller"]: "ami-1", SSM["ami_controller_jenkins"]: _packed("ami-1")}, True),
        ({SSM["ami_controller"]: "ami-1", SSM["ami_controller_jenkins"]: _raw("ami-1")}, True),
        ({SSM["ami_controller"]: "ami-2", SSM["ami_controller_jenkins"]: _packed("ami-1")}, False),  # another image's
        ({SSM["ami_controller"]: "ami-1"}, False),  # no manifest recorded
        ({}, False),  # a new stack
    ],
)
def test_the_manifest_in_use_comes_from_stack_configs_copy(recorded, expected_usable):
    variables = dict(
        {k: v for k, v in play()["vars"].items() if k.startswith("__configure_") and k != "__configure_existing"},
        __stack_config_ssm=SSM,
        __stack_config_ssm_current=recorded,
    )
    variables.pop("__configure_controller")
    templar = Templar(loader=DataLoader(), variables=variables)

    def value(name):
        return templar.template(trust_as_template("{{ %s }}" % name))

    assert value("__configure_image_id") == recorded.get(SSM["ami_controller"], "")
    assert value("__configure_manifest_usable | bool") is expected_usable
    if expected_usable:
        assert record_manifest(value("__configure_manifest")) == dict(MANIFEST, image_id="ami-1")
