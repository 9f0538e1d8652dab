"""SSM writes through a lost reply: every PutParameter (and DeleteParameter) reaches the emulator, which applies it,
and its first answer is lost (tests/faults/proxy.py's `lost` fault), so botocore sends it again, as it does on AWS.

community.aws.ssm_parameter (10.0.0, plugins/modules/ssm_parameter.py) sends a create that carries tags with
Overwrite=False (lines 495-498: "Overwrite=True conflicts with tags"), and a create with overwrite_value=never with
Overwrite=False as well (line 435): the retried request is refused as ParameterAlreadyExists although our write was
applied. An update of an existing parameter goes with Overwrite=True (line 433: overwrite_value changed/always), and a
retried DeleteParameter answers ParameterNotFound, which delete_parameter absorbs (line 526): both are safe. The first
test pins that behaviour of the module; the others run our playbooks' writes through it, seeded with boto3 only
(no site converge). The whole file: 37 s on an idle 2-core machine, 1m30s on the loaded shared one.
"""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from dataclasses import dataclass, field
from typing import NamedTuple

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images.manifest import manifest_from_record, manifest_tags
from tests.bed.buildhost import register_base_images
from tests.faults.proxy import Call, FaultPlan, FaultProxy
from tests.integration.harness import ROOT, run_playbook
from tests.integration.test_jenkins_settings import LDAP, ldap_stack, stack_key, vault_file

CONFIGURE = ROOT / "playbooks" / "configure.yml"
IMAGES = ROOT / "playbooks" / "images.yml"
ROTATION = ROOT / "playbooks" / "housekeeping" / "keypair_rotation.yml"
DEMO = ROOT / "inventory" / "demo"
CONTRACT = ROOT / "playbooks" / "vars" / "contract.yml"
WRITES = ("PutParameter", "DeleteParameter")
PYTHON = {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}


@dataclass
class LoseEachWriteOnce(FaultPlan):
    """Not random: the first copy of every request for one of `operations` is applied and its reply lost; botocore's
    retry of the same request (same body) gets through."""

    operations: tuple = WRITES
    _seen: set = field(default_factory=set)

    def decide(self, call: Call):
        with self._lock:
            self._count += 1
            if call.operation not in self.operations or call.fingerprint in self._seen:
                return None
            self._seen.add(call.fingerprint)
            self.injected.append(
                {"n": self._count, "kind": "lost", "service": call.service, "operation": call.operation}
            )
            return "lost"


@pytest.fixture
def lossy(emulator):
    """The session's emulator behind a proxy that loses the first reply to every SSM write: (emulator, env)."""
    proxy = FaultProxy(emulator.url, LoseEachWriteOnce(seed=0, rate=1.0, kinds=("lost",))).start()
    yield emulator, dict(emulator.env(), AWS_ENDPOINT_URL=proxy.url), proxy.plan
    proxy.stop()


def stack_parameters(emulator, name):
    found = emulator.client("ssm").get_parameters_by_path(Path="/jenkins-ha/" + name, Recursive=True)
    return {p["Name"].split("/", 3)[3]: p for p in found["Parameters"]}


class Case(NamedTuple):
    name: str
    seeded: str | None  # the parameter's value before the run, None: absent
    args: dict  # community.aws.ssm_parameter's arguments
    refused: bool  # ParameterAlreadyExists after a lost reply


MODULE_ROWS = [
    ("create-tagged", None, {"value": "v1", "tags": {"a": "b"}}, True),
    (
        "create-tagged-secure-never",
        None,
        {"value": "v1", "string_type": "SecureString", "overwrite_value": "never", "tags": {"a": "b"}},
        True,
    ),
    ("create-untagged-never", None, {"value": "v1", "overwrite_value": "never"}, True),
    ("create-untagged-changed", None, {"value": "v1"}, False),
    ("update-tagged-changed", "v0", {"value": "v1", "tags": {"a": "b"}}, False),
    ("update-untagged-secure", "v0", {"value": "v1", "string_type": "SecureString"}, False),
    ("delete", "v0", {"state": "absent"}, False),
]
MODULE_CASES = [Case(*row) for row in MODULE_ROWS]


def test_which_ssm_parameter_writes_a_lost_reply_breaks(lossy, tmp_path):
    """The module's behaviour our playbooks work around: a lost reply to a create sent with Overwrite=False leaves
    the parameter written and the task failed with ParameterAlreadyExists; updates and deletes come through."""
    emulator, env, plan = lossy
    prefix = "/w7-" + uuid.uuid4().hex[:6] + "/"
    ssm = emulator.client("ssm")
    tasks = []
    for case in MODULE_CASES:
        if case.seeded is not None:
            ssm.put_parameter(Name=prefix + case.name, Value=case.seeded, Type=case.args.get("string_type", "String"))
        tasks.append(
            {
                "name": case.name,
                "community.aws.ssm_parameter": dict(case.args, name=prefix + case.name, region="us-east-1"),
                "register": "r_" + case.name.replace("-", "_"),
                "ignore_errors": True,
            }
        )
    results = tmp_path / "results.json"
    outcome = {
        c: "{{ r_%s.msg | default('ok') if r_%s is failed else 'ok' }}" % ((c.replace("-", "_"),) * 2)
        for c in (case.name for case in MODULE_CASES)
    }
    tasks.append(
        {
            "name": "results",
            "ansible.builtin.copy": {"content": "{{ outcome | to_json }}", "dest": str(results)},
            "vars": {"outcome": outcome},
        }
    )
    play = tmp_path / "play.yml"
    play.write_text(
        json.dumps(
            [{"hosts": "localhost", "connection": "local", "gather_facts": False, "vars": PYTHON, "tasks": tasks}]
        )
    )

    run = run_playbook(play, env, args=["-i", "localhost,"])
    assert run.rc == 0, run.output[-3000:]
    outcome = json.loads(results.read_text())
    refused = {case.name: "ParameterAlreadyExists" in outcome[case.name] for case in MODULE_CASES}
    assert refused == {case.name: case.refused for case in MODULE_CASES}, outcome
    assert {f["operation"] for f in plan.injected} == set(WRITES), plan.injected
    # Refused or not, every write was applied by the first, lost, request.
    stored = {
        p["Name"][len(prefix) :]: p for p in ssm.get_parameters_by_path(Path=prefix, WithDecryption=True)["Parameters"]
    }
    written = [case.name for case in MODULE_CASES if "value" in case.args]
    assert {name: stored[name]["Value"] for name in written} == dict.fromkeys(written, "v1")
    assert "delete" not in stored


def test_configure_yml_stores_the_directory_secret_and_publishes_through_lost_replies(lossy, tmp_path):
    """configure.yml's directory secret is a tagged SecureString created on the first run (ParameterAlreadyExists
    on the retry) and jenkins/settings a tagged String (stack_config's ssm_parameters absorbs it)."""
    emulator, env, plan = lossy
    name = "fs-" + uuid.uuid4().hex[:6]
    stack_key(emulator, name)
    password = "ldap-bind-" + uuid.uuid4().hex
    extra = [ldap_stack(name), vault_file(tmp_path, {"jenkins_ha_ldap_manager_password": password})]

    first = run_playbook(CONFIGURE, env, inventory=DEMO, extra_vars=extra)
    assert first.rc == 0, first.output[-4000:]
    assert password not in first.output
    lost = [f["operation"] for f in plan.injected]
    assert lost.count("PutParameter") >= 2, plan.injected
    found = stack_parameters(emulator, name)
    assert json.loads(found["jenkins/settings"]["Value"])["ldap"] == LDAP
    # The retry finds the settings stored and the module says ok: the task still reports this run's write.
    settings_item = "(item=/jenkins-ha/{0}/jenkins/settings=".format(name)
    assert "changed: [localhost] => " + settings_item in first.output, first.output[-4000:]
    secret = emulator.client("ssm").get_parameter(
        Name="/jenkins-ha/{0}/jenkins/ldap-manager-password".format(name), WithDecryption=True
    )
    assert secret["Parameter"]["Value"] == password

    rerun = run_playbook(CONFIGURE, emulator.env(), inventory=DEMO, extra_vars=extra)
    assert rerun.rc == 0 and rerun.changed() == 0, rerun.output[-4000:]


def _images_run(env, name, tmp_path, roles=("controller", "agent"), check=False):
    return run_playbook(
        IMAGES,
        env,
        extra_vars=[
            {
                "jenkins_ha_stack_name": name,
                "jenkins_ha_region": "us-east-1",
                "jenkins_ha_images_roles": list(roles),
                "jenkins_ha_images_commit": "0123456789ab",
                "jenkins_ha_images_log_dir": str(tmp_path),
            },
            "@" + str(ROOT / "tests" / "integration" / "files" / "images-emulator.yml"),
        ],
        check=check,
        args=["-i", "localhost,", "-v"],
    )


def _seed_image(emulator, name, tmp_path, role, tags):
    """An AMI packer_build reuses for `role`: tagged with the input hash a check run of images.yml computes."""
    probe = _images_run(emulator.env(), name, tmp_path, roles=[role], check=True)
    assert probe.rc == 0, probe.output[-4000:]
    found = re.search(r"\binput_hash\W+([0-9a-f]{16,})", probe.output)
    assert found, probe.output[-4000:]
    ec2 = emulator.client("ec2")
    image_id = ec2.register_image(
        Name="jenkins-ha-{0}-{1}".format(role, name),
        Architecture="x86_64",
        RootDeviceName="/dev/xvda",
        VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "VolumeType": "gp3"}}],
    )["ImageId"]
    tags = dict(tags, **{contract.AMI_TAG_ROLE: role, contract.AMI_TAG_INPUT_HASH: found.group(1)})
    ec2.create_tags(Resources=[image_id], Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    return image_id


@pytest.mark.skipif(
    subprocess.run(["which", "packer"], capture_output=True, check=False).returncode != 0, reason="packer"
)
def test_images_yml_records_reused_images_through_lost_replies(lossy, tmp_path):
    """images.yml records the images it reuses (seeded with boto3: Packer never runs), ids and the controller's
    manifest, in tagged parameters created on this first run."""
    emulator, env, plan = lossy
    name = "fi-" + uuid.uuid4().hex[:6]
    register_base_images(emulator.client("ec2"))
    manifest = {"jenkins": "2.555.1", "plugins": {"configuration-as-code": "1967.va_968e15fd05b_"}}
    images = {
        "controller": _seed_image(emulator, name, tmp_path, "controller", manifest_tags(manifest)),
        "agent": _seed_image(emulator, name, tmp_path, "agent", {}),
    }

    first = _images_run(env, name, tmp_path)
    assert first.rc == 0, first.output[-4000:]
    for role, image_id in images.items():
        assert "{0}: reuse {1}".format(role, image_id) in first.output, first.output[-3000:]
        # Each retried item wrote its record and says so: the controller's id and manifest, the agent's id.
        changed = first.output.count("changed: [localhost] => (item={0}: {1})".format(role, image_id))
        assert changed == (2 if role == "controller" else 1), first.output[-3000:]
    assert [f["operation"] for f in plan.injected] == ["PutParameter"] * 3, plan.injected
    recorded = stack_parameters(emulator, name)
    assert {role: recorded["ami/" + role]["Value"] for role in images} == images
    assert manifest_from_record(recorded["ami/controller-jenkins"]["Value"]) == dict(
        manifest, image_id=images["controller"]
    )

    rerun = _images_run(emulator.env(), name, tmp_path)
    assert rerun.rc == 0 and rerun.changed() == 0, rerun.output[-4000:]


def test_keypair_rotation_keeps_the_pending_key_through_a_lost_reply(lossy, tmp_path):
    """Phase 1 of keypair_rotation.yml (localhost; no agent or controller in the inventory) creates the pending key:
    a tagged SecureString with overwrite_value=never, refused on the retry after a lost reply. The rotation must go
    on with the key it stored (it is in the transition set), not stop there."""
    emulator, env, plan = lossy
    name = "fk-" + uuid.uuid4().hex[:6]
    key = tmp_path / "old"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "old", "-f", str(key)], check=True)
    old = " ".join(key.with_name("old.pub").read_text().split()[:2])
    ssm, kms = emulator.client("ssm"), emulator.client("kms")
    key_arn = kms.create_key(Description=name)["KeyMetadata"]["Arn"]
    path = "/jenkins-ha/{0}/".format(name)
    ssm.put_parameter(Name=path + "keys/ssh-private-key", Value=key.read_text(), Type="SecureString", KeyId=key_arn)
    ssm.put_parameter(Name=path + "keys/ssh-public-key", Value=old, Type="String")
    emulator.client("ec2").import_key_pair(KeyName=name + "-jenkins", PublicKeyMaterial=old.encode())
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        json.dumps(
            {
                "all": {
                    "hosts": {"localhost": dict(PYTHON, ansible_connection="local")},
                    "children": {"agent": {}, "controller": {}},
                }
            }
        )
    )

    run = run_playbook(
        ROTATION,
        env,
        inventory=inventory,
        extra_vars=[{"jenkins_ha_housekeeping_stack": name, "jenkins_ha_housekeeping_key_rotate_now": True}],
    )
    assert "Keep the new private key as the pending key" in run.output
    assert "ParameterAlreadyExists" not in run.output, run.output[-4000:]
    trusted = ssm.get_parameter(Name=path + "keys/ssh-public-key")["Parameter"]["Value"].splitlines()
    assert trusted[0] == old and len(trusted) == 2, trusted
