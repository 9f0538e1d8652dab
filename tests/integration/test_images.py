"""playbooks/images.yml end to end with real Packer against the emulator.

Packer's amazon-ebs builder launches and registers in the emulator while SSH goes to a local build host container
of the base's release (localhost/jenkins-ha-debian13 from tests/containers/build-image.sh trixie for the default base,
localhost/jenkins-ha-debian12 from `bookworm` for the debian12 test; each built when missing), so the bake play
really runs on that release.

Bake content: by default a minimal bake play with stand-in roles that only write a marker file;
JENKINS_HA_IMAGES_BAKE=roles bakes the real roles (jenkins_ha.aws.jenkins_controller / jenkins_agent through
playbooks/files/packer/bake.yml) with the offline sources named in JENKINS_HA_IMAGES_BAKE_VARS (see bake_mode).
The role directories are copies in a temp dir, so
the test can change a role file (the hash input) without touching the checkout.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
import yaml

from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import leftovers
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images.manifest import manifest_from_record
from tests.bed.buildhost import (
    ROLES,
    build_host_image,
    missing_tool,
    register_base_images,
    started_build_host,
    write_bake_inputs,
)
from tests.integration.build_leftovers import build_state, dead_owner, own_owner, seed_packer_build
from tests.integration.harness import ROOT

PLAYBOOK = ROOT / "playbooks" / "images.yml"
EMULATOR_VARS = ROOT / "tests" / "integration" / "files" / "images-emulator.yml"
STACK = "imgtest"
SUMMARY = re.compile(r"(controller|agent): (build|reuse) (ami-[0-9a-f]+|\(check mode: would build\))")


def _tool_missing():
    return missing_tool()


needs_packer = pytest.mark.skipif(_tool_missing() is not None, reason=str(_tool_missing()))


def bake_mode():
    """minimal (default) or roles (JENKINS_HA_IMAGES_BAKE=roles, needs both roles under roles/).

    The real roles cannot complete a bake offline yet (Jenkins plugins come from the update center): opt in with
    JENKINS_HA_IMAGES_BAKE=roles and give their offline sources in JENKINS_HA_IMAGES_BAKE_VARS (a YAML/JSON file
    of role variables, e.g. jenkins_controller_war_path and jenkins_controller_update_center_dir).
    """
    wanted = os.environ.get("JENKINS_HA_IMAGES_BAKE", "minimal")
    present = all((ROOT / "roles" / ("jenkins_" + r) / "tasks" / "main.yml").is_file() for r in ROLES)
    if wanted == "roles" and not present:
        pytest.skip("JENKINS_HA_IMAGES_BAKE=roles but roles/jenkins_controller and roles/jenkins_agent are missing")
    return wanted


def role_bake_vars():
    """Role variables for a real-roles bake, from the file JENKINS_HA_IMAGES_BAKE_VARS names."""
    path = os.environ.get("JENKINS_HA_IMAGES_BAKE_VARS", "")
    return yaml.safe_load(Path(path).read_text()) if path else {}


# images.yml's default base (jenkins_ha_images_base): Debian 13, the release that ships Java 21.
DEFAULT_BASE, OTHER_BASE = "debian13", "debian12"


@pytest.fixture(scope="module")
def build_host(tmp_path_factory):
    """A build host of the default base, as the instance Packer launches from its AMI would be."""
    build_host_image(DEFAULT_BASE)
    with started_build_host(tmp_path_factory.mktemp("build-host"), base=DEFAULT_BASE) as host:
        yield host


# What the stand-in bake records for the controller image: the real role writes the resolved set the same way
# (roles/jenkins_controller/tasks/plugins.yml) and playbooks/files/packer/bake.yml fetches it the same way.
STAND_IN_MANIFEST = {
    "format": 1,
    "jenkins": "2.568.2",
    "java": 21,
    "plugins": {"configuration-as-code": "2117.vc05a_0b_e6b_f4e", "structs": "353.v261ea_40a_80fb_"},
}
MANIFEST_BAKE_TASKS = """\
    - name: Write the image's manifest as the controller role does
      ansible.builtin.copy:
        dest: /var/lib/jenkins-ha-bake/manifest.json
        content: {manifest}
        mode: "0644"
      when: jenkins_ha_bake_role == 'controller'
    - name: Hand the controller image's manifest to packer_build (as bake.yml does)
      ansible.builtin.fetch:
        src: /var/lib/jenkins-ha-bake/manifest.json
        dest: "{{{{ lookup('ansible.builtin.env', 'JENKINS_HA_BAKE_MANIFEST') }}}}"
        flat: true
      when: jenkins_ha_bake_role == 'controller'
"""


@pytest.fixture(scope="module")
def bake_inputs(tmp_path_factory):
    mode = bake_mode()
    roles_dir, variables = write_bake_inputs(tmp_path_factory.mktemp("bake"), mode, ROOT)
    if mode == "minimal":
        # The stand-in bake also leaves a controller manifest, so the record path runs without the real roles.
        bake = Path(variables["bake_playbook"])
        bake.write_text(
            bake.read_text() + MANIFEST_BAKE_TASKS.format(manifest=json.dumps(json.dumps(STAND_IN_MANIFEST)))
        )
    return mode, roles_dir, variables


MANIFEST_RECORD = "/jenkins-ha/{0}/ami/controller-jenkins".format(STACK)


def recorded_manifest(ssm):
    """The manifest the record holds; the record is the packed form (it fits a parameter with a few hundred plugins),
    its image id readable without unpacking."""
    value = ssm.get_parameter(Name=MANIFEST_RECORD)["Parameter"]["Value"]
    record = json.loads(value)
    assert record["encoding"] == "gzip+base64" and set(record) == {"encoding", "image_id", "manifest"}, value
    return manifest_from_record(value)


def run_images(playbook, tmp, env, base_variables, bake_variables, roles_dir, commit, check=False):
    extra = {
        "jenkins_ha_stack_name": STACK,
        "jenkins_ha_region": "us-east-1",
        "jenkins_ha_images_commit": commit,
        "jenkins_ha_images_log_dir": str(tmp / "logs"),
        "jenkins_ha_images_role_paths": {r: [str(roles_dir / ("jenkins_" + r))] for r in ROLES},
        "jenkins_ha_images_packer_variables": dict(base_variables, **bake_variables),
        "jenkins_ha_images_bake_vars": role_bake_vars() if "bake_playbook" not in bake_variables else {},
    }
    extra_file = tmp / "extra-vars.json"
    extra_file.write_text(json.dumps(extra))
    started = time.monotonic()
    result = playbook(
        PLAYBOOK,
        inventory="localhost,",
        extra_vars=["@" + str(EMULATOR_VARS), "@" + str(extra_file)],
        check=check,
        args=["-c", "local"],
        env=env,
    )
    elapsed = time.monotonic() - started
    assert result.rc == 0, result.output[-6000:]
    summary = {m.group(1): (m.group(2), m.group(3)) for m in SUMMARY.finditer(result.output)}
    assert set(summary) == set(ROLES), result.output[-3000:]
    return result, summary, elapsed


@pytest.fixture
def images_playbook(emulator, build_host):
    from tests.integration.harness import run_playbook

    def run(path, env=None, **kwargs):
        return run_playbook(Path(path), env, **kwargs)

    env = emulator.env()
    env.update(
        JENKINS_HA_BUILD_HOST_PORT=str(build_host.port),
        JENKINS_HA_BUILD_HOST_KEY=str(build_host.key),
        JENKINS_HA_BUILD_HOST_USER="admin",
    )
    return run, env


def image_tags(ec2, image_id):
    image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    return {t["Key"]: t["Value"] for t in image.get("Tags", [])}


def log_sizes(tmp):
    return {p.name: p.stat().st_size for p in (tmp / "logs").glob("*.log")}


@needs_packer
def test_images_build_reuse_retag_and_rebuild_on_role_change(
    emulator, images_playbook, build_host, bake_inputs, tmp_path
):
    run, env = images_playbook
    ec2, ssm = emulator.client("ec2"), emulator.client("ssm")
    mode, roles_dir, bake_variables = bake_inputs
    base_variables = register_base_images(ec2)
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]

    # 1. Nothing exists: both images are built by Packer, tagged per the contract and recorded in SSM.
    _unused, first, build_seconds = run_images(run, tmp_path, env, base_variables, bake_variables, roles_dir, "c0ffee1")
    assert {r: first[r][0] for r in ROLES} == {"controller": "build", "agent": "build"}
    for role in ROLES:
        image_id = first[role][1]
        tags = image_tags(ec2, image_id)
        assert tags["jenkins-ha:role"] == role
        assert tags["jenkins-ha:base"] == DEFAULT_BASE
        assert re.fullmatch(r"[0-9a-f]{64}", tags["jenkins-ha:input-hash"])
        assert tags["jenkins-ha:commit"] == "c0ffee1"
        assert tags["jenkins-ha:version"] == version
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", tags["jenkins-ha:build-time"])
        assert tags["managed-by"] == "jenkins_ha.aws"
        parameter = ssm.get_parameter(Name="/jenkins-ha/{0}/ami/{1}".format(STACK, role))["Parameter"]
        assert parameter["Value"] == image_id
        if mode == "minimal":
            assert build_host.exec("cat", "/var/lib/jenkins-ha-bake/" + role).stdout.strip() == "one"
    assert tags_differ(ec2, first["controller"][1], first["agent"][1])
    # The controller image's manifest: on the AMI's tags and recorded beside its id; the agent has none.
    manifest = recorded_manifest(ssm)
    assert manifest.pop("image_id") == first["controller"][1]
    if mode == "minimal":
        assert manifest == STAND_IN_MANIFEST
    else:
        assert (
            set(manifest) == {"format", "jenkins", "java", "plugins"} and "configuration-as-code" in manifest["plugins"]
        )
    assert any(k.startswith("jenkins-ha:manifest-") for k in image_tags(ec2, first["controller"][1]))
    assert not any(k.startswith("jenkins-ha:manifest-") for k in image_tags(ec2, first["agent"][1]))
    logs_after_build = log_sizes(tmp_path)

    # 2. Unchanged inputs, new commit: no Packer run, same AMIs, commit tag moved ("retag"). The controller's
    # recorded id has drifted meanwhile: only that parameter is written again, the agent's is left alone.
    controller_parameter = "/jenkins-ha/{0}/ami/controller".format(STACK)
    ssm.put_parameter(Name=controller_parameter, Value="ami-00000000000000000", Overwrite=True)
    # The manifest record is the raw JSON images.yml wrote before the packed form: Packer does not run, the record
    # is rewritten packed from the reused AMI's tags.
    ssm.put_parameter(
        Name=MANIFEST_RECORD,
        Value=json.dumps(dict(manifest, image_id=first["controller"][1])),
        Type="String",
        Overwrite=True,
    )
    agent_version = ssm.get_parameter(Name="/jenkins-ha/{0}/ami/agent".format(STACK))["Parameter"]["Version"]
    result, second, reuse_seconds = run_images(run, tmp_path, env, base_variables, bake_variables, roles_dir, "c0ffee2")
    assert second == {r: ("reuse", first[r][1]) for r in ROLES}
    assert log_sizes(tmp_path) == logs_after_build, "packer ran although the inputs did not change"
    for role in ROLES:
        assert image_tags(ec2, first[role][1])["jenkins-ha:commit"] == "c0ffee2"
    assert ssm.get_parameter(Name=controller_parameter)["Parameter"]["Value"] == first["controller"][1]
    assert ssm.get_parameter(Name="/jenkins-ha/{0}/ami/agent".format(STACK))["Parameter"]["Version"] == agent_version
    assert recorded_manifest(ssm) == dict(manifest, image_id=first["controller"][1])
    assert result.changed() == 3  # the retag, the drifted controller parameter and the manifest record, now packed
    print("images: build run {0:.1f} s, reuse run {1:.1f} s".format(build_seconds, reuse_seconds))

    # 3. A change in the agent role: check mode predicts a rebuild of the agent only and builds nothing.
    role_file = roles_dir / "jenkins_agent" / "defaults" / "main.yml"
    role_file.parent.mkdir(exist_ok=True)
    original = role_file.read_text() if role_file.exists() else ""
    role_file.write_text(original.replace("stand_in_revision: one", "stand_in_revision: two") + "# changed\n")
    images_before = len(ec2.describe_images(Owners=["self"])["Images"])
    # An agent build of this stack was SIGKILLed mid-bake, beside a build of it still running and another stack's
    # killed build (issue 14): seeded as Packer leaves them, see seed_packer_build.
    killed = seed_packer_build(ec2, STACK, "agent", owner=dead_owner())
    running = seed_packer_build(ec2, STACK, "agent", owner=own_owner())
    other_stack = seed_packer_build(ec2, STACK + "-other", "agent", owner=dead_owner())
    _unused, predicted, _unused = run_images(
        run, tmp_path, env, base_variables, bake_variables, roles_dir, "c0ffee3", check=True
    )
    assert predicted["controller"] == ("reuse", first["controller"][1])
    assert predicted["agent"][0] == "build"
    assert len(ec2.describe_images(Owners=["self"])["Images"]) == images_before
    assert all(build_state(ec2, b) == ("running", True, True) for b in (killed, running, other_stack))

    # 4. Applied: the agent image is rebuilt, the controller image is reused.
    _unused, third, _unused = run_images(run, tmp_path, env, base_variables, bake_variables, roles_dir, "c0ffee3")
    assert third["controller"] == ("reuse", first["controller"][1])
    assert third["agent"][0] == "build" and third["agent"][1] != first["agent"][1]
    # The killed build's instance, key pair and security group are gone; the running build and the other stack's
    # are untouched; the image was built once.
    assert build_state(ec2, killed) == ("terminated", False, False)
    assert build_state(ec2, running) == ("running", True, True)
    assert build_state(ec2, other_stack) == ("running", True, True)
    assert len(ec2.describe_images(Owners=["self"])["Images"]) == images_before + 1
    # Packer's own build instance of this run carries the tags the selection reads (so a kill of it would be found).
    packer_instances = [
        i
        for r in ec2.describe_instances(
            Filters=[
                {"Name": "tag:" + leftovers.TAG_STACK, "Values": [STACK]},
                {"Name": "tag:" + leftovers.TAG_ROLE, "Values": ["agent"]},
                {"Name": "tag:jenkins-ha:component", "Values": ["image"]},
            ]
        )["Reservations"]
        for i in r["Instances"]
    ]
    assert packer_instances and all(
        leftovers.is_ours({t["Key"]: t["Value"] for t in i["Tags"]}, STACK, ("agent",)) for i in packer_instances
    )
    assert ssm.get_parameter(Name="/jenkins-ha/{0}/ami/agent".format(STACK))["Parameter"]["Value"] == third["agent"][1]
    if mode == "minimal":
        assert build_host.exec("cat", "/var/lib/jenkins-ha-bake/agent").stdout.strip() == "two"


def tags_differ(ec2, controller, agent):
    return image_tags(ec2, controller)["jenkins-ha:input-hash"] != image_tags(ec2, agent)["jenkins-ha:input-hash"]


@pytest.fixture(scope="module")
def debian12_build_host(tmp_path_factory):
    """A build host running Debian 12, as the instance Packer launches from a debian12 base AMI would."""
    build_host_image(OTHER_BASE)
    with started_build_host(tmp_path_factory.mktemp("build-host-debian12"), base=OTHER_BASE) as host:
        yield host


@needs_packer
def test_debian12_base_builds_its_own_image(emulator, debian12_build_host, bake_inputs, tmp_path):
    """The base is an input: debian12 (no longer the default) gets its own image (own hash, base tag) next to
    debian13's, and the bake play runs on a Debian 12 build host. The stand-in bake only proves where the play ran:
    the roles themselves are exercised on Debian 12 by molecule. A real-roles agent bake on Debian 12 needs a Java 21
    source (none reachable here), so it accepts the release's Java 17 explicitly."""
    from tests.integration.harness import run_playbook

    ec2 = emulator.client("ec2")
    mode, roles_dir, bake_variables = bake_inputs
    agent_role = roles_dir / "jenkins_agent"
    base_variables = register_base_images(ec2)
    bake_vars = role_bake_vars() if "bake_playbook" not in bake_variables else {}
    if "bake_playbook" not in bake_variables:
        bake_vars = dict(bake_vars, jenkins_agent_java_min_version=17)
    extra = {
        "jenkins_ha_stack_name": STACK + "12",
        "jenkins_ha_region": "us-east-1",
        "jenkins_ha_images_base": OTHER_BASE,
        "jenkins_ha_images_roles": ["agent"],
        "jenkins_ha_images_commit": "c0ffee4",
        "jenkins_ha_images_log_dir": str(tmp_path / "logs"),
        "jenkins_ha_images_role_paths": {"agent": [str(agent_role)]},
        "jenkins_ha_images_packer_variables": dict(base_variables, **bake_variables),
        "jenkins_ha_images_bake_vars": bake_vars,
    }
    extra_file = tmp_path / "extra-vars.json"
    extra_file.write_text(json.dumps(extra))
    env = dict(emulator.env(), **debian12_build_host.env())
    started = time.monotonic()
    result = run_playbook(
        PLAYBOOK,
        env,
        inventory="localhost,",
        extra_vars=["@" + str(EMULATOR_VARS), "@" + str(extra_file)],
        args=["-c", "local"],
    )
    assert result.rc == 0, result.output[-6000:]
    print("images: debian12 agent build run {0:.1f} s".format(time.monotonic() - started))
    match = SUMMARY.search(result.output)
    assert match.group(1, 2) == ("agent", "build")
    tags = image_tags(ec2, match.group(3))
    assert tags["jenkins-ha:base"] == OTHER_BASE
    default_base = ec2.describe_images(
        Owners=["self"],
        Filters=[
            {"Name": "tag:jenkins-ha:base", "Values": [DEFAULT_BASE]},
            {"Name": "tag:jenkins-ha:role", "Values": ["agent"]},
        ],
    )["Images"]
    assert all(
        {t["Key"]: t["Value"] for t in i["Tags"]}["jenkins-ha:input-hash"] != tags["jenkins-ha:input-hash"]
        for i in default_base
    )
    # The bake play ran on the Debian 12 build host.
    assert debian12_build_host.exec("cat", "/etc/debian_version").stdout.startswith("12")
    if mode == "minimal":
        revision = yaml.safe_load((agent_role / "defaults" / "main.yml").read_text())["stand_in_revision"]
        assert debian12_build_host.exec("cat", "/var/lib/jenkins-ha-bake/agent").stdout.strip() == revision


SHARE_PLAY = """\
- name: Share an image four ways, then unshare
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    group/jenkins_ha.aws.aws:
      region: us-east-1
  tasks:
    - name: Share (check mode)
      jenkins_ha.aws.ami_share: {image_id: "{{ image_id }}", accounts: ["111122223333"]}
      check_mode: true
      register: check
    - name: Share
      jenkins_ha.aws.ami_share: {image_id: "{{ image_id }}", accounts: ["111122223333"]}
      register: share
    - name: Share again
      jenkins_ha.aws.ami_share: {image_id: "{{ image_id }}", accounts: ["111122223333"]}
      register: again
    - name: Share again (check mode)
      jenkins_ha.aws.ami_share: {image_id: "{{ image_id }}", accounts: ["111122223333"]}
      check_mode: true
      register: check_again
    - name: Unshare
      jenkins_ha.aws.ami_share: {image_id: "{{ image_id }}", accounts: ["111122223333"], state: absent}
      register: unshare
    - name: Check the four ways
      ansible.builtin.assert:
        that:
          - check is changed
          - share is changed
          - share.launch_permissions.accounts == ['111122223333']
          - share.snapshot_permissions.values() | list == [['111122223333']]
          - again is not changed
          - check_again is not changed
          - unshare is changed
          - unshare.launch_permissions.accounts == []
"""


def test_ami_share_on_the_emulator(emulator, tmp_path):
    from tests.integration.harness import run_playbook

    ec2 = emulator.client("ec2")
    instance = ec2.run_instances(ImageId="ami-1e749f67", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    image_id = ec2.create_image(InstanceId=instance, Name="jenkins-ha-share-test")["ImageId"]
    ec2.terminate_instances(InstanceIds=[instance])
    play = tmp_path / "share.yml"
    play.write_text(SHARE_PLAY)
    result = run_playbook(
        play, emulator.env(), inventory="localhost,", extra_vars=["image_id=" + image_id], args=["-c", "local"]
    )
    assert result.rc == 0, result.output[-4000:]
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"] == []
