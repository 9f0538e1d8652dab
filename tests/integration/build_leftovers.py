"""Image builds as Packer 1.6.6 leaves them when killed, seeded into the emulator: test_images (packer_build removes
its stack's and role's) and test_destroy (destroy.yml removes every one of its stack's)."""

import os
import socket
import time
import uuid

from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import leftovers


def dead_owner():
    """The owner tag of a build whose module process is gone: this host, a pid above Linux's largest (2**22)."""
    return "{0}/{1}/0".format(socket.gethostname(), 2**22 + 1)


def own_owner():
    """The owner tag of a build still running: this test process, as packer_build tags its own."""
    pid = os.getpid()
    return "{0}/{1}/{2}".format(socket.gethostname(), pid, leftovers.process_start(pid))


def seed_packer_build(ec2, stack, role, owner, build_id=None):
    """What Packer 1.6.6 leaves when killed after launching: its key pair (temporary_key_pair_name), its group
    (packer_<uuid>, "Temporary group for Packer", step_security_group.go) and the instance with run_tags; the
    deadline is an hour ahead unless build_id (<deadline>-<12 hex>) says otherwise, so by default only the owner
    process decides. Seeded rather than a second, killed Packer run: packer_build sees only EC2's state, the tags of
    a real build are checked after test_images' step 4, and a killed bake would add a build's time to a test."""
    build_id = build_id or "{0}-{1}".format(int(time.time()) + 3600, uuid.uuid4().hex[:12])
    key_name = leftovers.key_pair_prefix(stack, role) + build_id
    ec2.create_key_pair(KeyName=key_name)
    group = ec2.create_security_group(
        GroupName="packer_" + str(uuid.uuid4()), Description="Temporary group for Packer"
    )["GroupId"]
    tags = {
        leftovers.TAG_STACK: stack,
        leftovers.TAG_ROLE: role,
        leftovers.TAG_ID: build_id,
        leftovers.TAG_OWNER: owner,
        leftovers.TAG_DEADLINE: build_id.split("-")[0],
        "jenkins-ha:component": "image",
        "managed-by": "jenkins_ha.aws",
    }
    instance = ec2.run_instances(
        ImageId="ami-1e749f67",
        MinCount=1,
        MaxCount=1,
        KeyName=key_name,
        SecurityGroupIds=[group],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}],
    )["Instances"][0]["InstanceId"]
    return instance, key_name, group


def build_state(ec2, build):
    """(instance state, key pair exists, security group exists) of a seeded build."""
    instance, key_name, group = build
    state = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"]
    keys = {k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"]}
    groups = {
        g["GroupId"]
        for g in ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [group]}])["SecurityGroups"]
    }
    return state, key_name in keys, group in groups
