"""storage.yml against the emulator: the file system policy it applies, the mount mode it publishes for the boot
unit (efs/tls), and a step run alone that names what to run first instead of reporting success.

The emulator stores the file system policy but enforces nothing on NFS clients (no emulator does): what each
client may do is evaluated in the test from the document EFS returns (the evaluator of
tests/unit/filter/test_efs_client_policy.py, which says what it models).
"""

from tests.integration.harness import ROOT
from tests.unit.filter.test_efs_client_policy import ANONYMOUS, MOUNT, ROOT as ROOT_ACCESS, WRITE, allowed, mount

STORAGE = ROOT / "playbooks" / "storage.yml"
DEMO = ROOT / "inventory" / "demo"
ACCOUNT = "123456789012"


def seed_prerequisites(emulator, stack):
    """What network.yml and kms.yml leave for storage.yml (found by name and tags as discover_* look for them),
    made directly: the full network step (NAT gateways, flow logs) would triple the test's time."""
    ec2, kms = emulator.client("ec2"), emulator.client("kms")
    tags = [{"Key": "jenkins-ha:stack", "Value": stack}]
    vpc = ec2.create_vpc(
        CidrBlock="10.82.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": tags + [{"Key": "Name", "Value": stack + "-vpc"}]}],
    )["Vpc"]["VpcId"]
    for index, zone in enumerate(("us-east-1a", "us-east-1b")):
        ec2.create_subnet(
            VpcId=vpc,
            CidrBlock="10.82.{0}.0/24".format(16 + index),
            AvailabilityZone=zone,
            TagSpecifications=[
                {
                    "ResourceType": "subnet",
                    "Tags": tags + [{"Key": "Name", "Value": "{0}-private-{1}".format(stack, zone)}],
                }
            ],
        )
    ec2.create_security_group(GroupName=stack + "-efs", Description="efs", VpcId=vpc)
    key = kms.create_key(Description=stack)["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/jenkins-ha/" + stack, TargetKeyId=key)


def stack_vars(name, tls):
    return ["jenkins_ha_stack_name=" + name, {"jenkins_ha_efs_tls": tls}]


def efs_state(emulator, stack):
    efs, ssm = emulator.client("efs"), emulator.client("ssm")
    fs = next(f for f in efs.describe_file_systems()["FileSystems"] if f["Name"] == stack + "-jenkins-home")
    access_point = efs.describe_access_points(FileSystemId=fs["FileSystemId"])["AccessPoints"][0]
    policy = __import__("json").loads(efs.describe_file_system_policy(FileSystemId=fs["FileSystemId"])["Policy"])
    tls = ssm.get_parameter(Name="/jenkins-ha/{0}/efs/tls".format(stack))["Parameter"]["Value"]
    return fs, access_point, policy, tls


def test_storage_alone_names_what_to_run_first(emulator, playbook):
    result = playbook(STORAGE, inventory=DEMO, extra_vars=stack_vars("efsalone", False))
    assert result.rc != 0
    assert "run playbooks/kms.yml first" in result.output and "run playbooks/network.yml first" in result.output
    assert "Nothing was created" in result.output
    names = [f["Name"] for f in emulator.client("efs").describe_file_systems()["FileSystems"]]
    assert "efsalone-jenkins-home" not in names


def test_tls_stack_admits_only_the_controller_through_its_access_point_then_plain_nfs(emulator, playbook):
    seed_prerequisites(emulator, "efstls")
    first = playbook(STORAGE, inventory=DEMO, extra_vars=stack_vars("efstls", True))
    assert first.rc == 0, first.output[-3000:]
    fs, access_point, policy, tls = efs_state(emulator, "efstls")
    assert tls == "true"
    assert access_point["RootDirectory"]["Path"] == "/jenkins-home"
    controller = "arn:aws:iam::{0}:role/efstls-controller".format(ACCOUNT)
    through_ap = mount(True, access_point=access_point["AccessPointArn"])
    arn = fs["FileSystemArn"]
    assert allowed(policy, controller, MOUNT, through_ap, arn) and allowed(policy, controller, WRITE, through_ap, arn)
    assert not allowed(policy, controller, ROOT_ACCESS, through_ap, arn)
    assert not allowed(policy, controller, MOUNT, mount(True), arn)  # past the access point
    assert not allowed(policy, ANONYMOUS, MOUNT, mount(False), arn)  # plain NFS
    assert not allowed(policy, "arn:aws:iam::{0}:role/efstls-agent".format(ACCOUNT), MOUNT, through_ap, arn)

    # The same stack switched to plain NFS: anonymous clients through mount targets, the mode published.
    plain = playbook(STORAGE, inventory=DEMO, extra_vars=stack_vars("efstls", False))
    assert plain.rc == 0, plain.output[-3000:]
    fs_after, policy, tls = (efs_state(emulator, "efstls")[i] for i in (0, 2, 3))
    assert fs_after["FileSystemId"] == fs["FileSystemId"] and tls == "false"
    assert allowed(policy, ANONYMOUS, MOUNT, mount(False), arn)
    assert allowed(policy, ANONYMOUS, ROOT_ACCESS, mount(False), arn)
    assert not allowed(policy, ANONYMOUS, MOUNT, mount(False, via_mount_target=False), arn)
