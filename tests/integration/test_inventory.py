"""jenkins_ec2 through `ansible-inventory`, against two stacks of Auto Scaling groups in the emulator."""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest

from tests.integration.harness import ROOT, VENV_BIN

STACK_TAG = "jenkins-ha:stack"
COMPONENT_TAG = "jenkins-ha:component"
# Both stacks use the same CIDR: instance ids as hostnames keep their hosts apart.
CIDR = "10.50.0.0/16"


def plain(value):
    """ansible-inventory --list marks untrusted strings as {"__ansible_unsafe": "..."}: unwrap them."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def ansible_inventory(emulator, config_path):
    env = emulator.env()
    env.update(
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".collections"),
        ANSIBLE_INVENTORY_UNPARSED_FAILED="true",
        ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="true",
    )
    proc = subprocess.run(
        [str(VENV_BIN / "ansible-inventory"), "-i", str(config_path), "--list"],
        cwd=str(ROOT),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return plain(json.loads(proc.stdout))


def make_stack(emulator, stack, image, agents=2):
    """A VPC (same CIDR for every stack), a controller ASG of 1 and an agent ASG, each on its launch template."""
    ec2 = emulator.client("ec2")
    vpc = ec2.create_vpc(CidrBlock=CIDR)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.0.0/20", AvailabilityZone="us-east-1a")["Subnet"]
    templates = {}
    for component, size in (("controller", 1), ("agent", agents)):
        template = ec2.create_launch_template(
            LaunchTemplateName="{0}-{1}".format(stack, component),
            LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"},
        )["LaunchTemplate"]["LaunchTemplateId"]
        templates[component] = template
        emulator.client("autoscaling").create_auto_scaling_group(
            AutoScalingGroupName="{0}-{1}".format(stack, component),
            LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
            MinSize=size,
            MaxSize=size,
            DesiredCapacity=size,
            VPCZoneIdentifier=subnet["SubnetId"],
            Tags=[
                {"Key": STACK_TAG, "Value": stack, "PropagateAtLaunch": True},
                {"Key": COMPONENT_TAG, "Value": component, "PropagateAtLaunch": True},
                {"Key": "Role", "Value": component, "PropagateAtLaunch": True},
            ],
        )
    return templates


@pytest.fixture(scope="module")
def stacks(emulator):
    """Two stacks with unique names (the session's emulator is shared); the second runs a stale controller."""
    ec2 = emulator.client("ec2")
    old, new = sorted(i["ImageId"] for i in ec2.describe_images(Owners=["amazon"])["Images"])[:2]
    names = ["inv{0}-{1}".format(n, uuid.uuid4().hex[:6]) for n in (1, 2)]
    make_stack(emulator, names[0], old)
    templates = make_stack(emulator, names[1], old)
    ec2.create_launch_template_version(
        LaunchTemplateId=templates["controller"], SourceVersion="1", LaunchTemplateData={"ImageId": new}
    )
    return {"names": names, "old": old, "new": new}


def write_config(tmp_path, filename, text):
    path = tmp_path / filename
    path.write_text(text)
    return path


def test_groups_and_hostvars_of_two_stacks(emulator, stacks, tmp_path):
    one, two = stacks["names"]
    config = write_config(
        tmp_path,
        "stacks.jenkins_ec2.yml",
        "plugin: jenkins_ha.aws.jenkins_ec2\nregions: [us-east-1]\nstacks: [{0}, {1}]\n"
        "keyed_groups:\n  - key: tags.Role\n    prefix: role\n".format(one, two),
    )
    inventory = ansible_inventory(emulator, config)
    hostvars = inventory["_meta"]["hostvars"]

    def hosts(group):
        return sorted(inventory.get(group, {}).get("hosts", []))

    assert len(hostvars) == 6
    assert all(host.startswith("i-") for host in hostvars)
    for stack in (one, two):
        group = "stack_" + stack.replace("-", "_")
        assert len(hosts(group)) == 3
        assert len(hosts("asg_{0}_agent".format(stack.replace("-", "_")))) == 2
    assert len(hosts("controller")) == 2 and len(hosts("agent")) == 4
    assert hosts("role_agent") == hosts("agent")
    # Agent groups named <stack>-agent without a pool tag (stacks from before pools) are each stack's default pool.
    assert hosts("pool_default") == hosts("agent")
    assert {hostvars[host]["jenkins_ha_pool"] for host in hosts("agent")} == {"default"}
    assert all(hostvars[host]["jenkins_ha_pool"] is None for host in hosts("controller"))
    assert hosts("lifecycle_in_service") == sorted(hostvars)
    assert hosts("az_us_east_1a") == sorted(hostvars)
    stale = hosts("stale_image")
    assert len(stale) == 1 and hostvars[stale[0]]["jenkins_ha_stack"] == two
    assert hostvars[stale[0]]["jenkins_ha_component"] == "controller"
    assert hostvars[stale[0]]["jenkins_ha_desired_image_id"] == stacks["new"]
    for host, hv in hostvars.items():
        assert hv["ansible_host"] == hv["private_ip_address"]
        assert hv["instance_id"] == host
        assert hv["tags"][STACK_TAG] == hv["jenkins_ha_stack"]
        assert hv["state"]["name"] == "running"
        assert hv["placement"]["region"] == "us-east-1"
        assert hv["jenkins_ha_controller"]["instance_id"] in hosts("controller")


def test_same_host_set_as_aws_ec2(emulator, stacks, tmp_path):
    stack_filter = "filters:\n  tag:{0}: [{1}]\n".format(STACK_TAG, ", ".join(stacks["names"]))
    common = "regions: [us-east-1]\nhostnames: [instance-id]\n" + stack_filter
    common += "keyed_groups:\n  - key: tags.Role\n    prefix: role\ncache: false\n"
    ours = ansible_inventory(
        emulator, write_config(tmp_path, "same.jenkins_ec2.yml", "plugin: jenkins_ha.aws.jenkins_ec2\n" + common)
    )
    theirs = ansible_inventory(
        emulator, write_config(tmp_path, "same.aws_ec2.yml", "plugin: amazon.aws.aws_ec2\n" + common)
    )
    assert sorted(ours["_meta"]["hostvars"]) == sorted(theirs["_meta"]["hostvars"])
    assert len(ours["_meta"]["hostvars"]) == 6
    for group in ("role_agent", "role_controller"):
        assert sorted(ours[group]["hosts"]) == sorted(theirs[group]["hosts"])
    # Shared host variables have aws_ec2's names and values.
    for host, hv in ours["_meta"]["hostvars"].items():
        reference = theirs["_meta"]["hostvars"][host]
        for key in ("instance_id", "image_id", "instance_type", "private_ip_address", "tags", "state", "vpc_id"):
            assert hv[key] == reference[key], key
        assert hv["placement"]["availability_zone"] == reference["placement"]["availability_zone"]
