"""JENKINS_HOME moved to another file system (what playbooks/restore.yml does) and the stack's record of it:
storage.yml converges the file system SSM efs/file-system-id names when it is a live file system of the stack, not
the one holding the stack name's creation token, and leaves that one alone; destroy.yml guards and deletes it.

The second file system is made with boto3 (as AWS Backup makes a restored one: another creation token, no tags),
with only the prerequisites storage.yml reads seeded (test_efs_storage.seed_prerequisites), not a converged site.
"""

import json

from tests.integration.harness import ROOT
from tests.integration.test_efs_storage import seed_prerequisites

STORAGE = ROOT / "playbooks" / "storage.yml"
DESTROY = ROOT / "playbooks" / "destroy.yml"
DEMO = ROOT / "inventory" / "demo"
ACCOUNT = "123456789012"


def record(emulator, stack, key):
    return emulator.client("ssm").get_parameter(Name="/jenkins-ha/{0}/{1}".format(stack, key))["Parameter"]["Value"]


def home_state(emulator, fs_id):
    """What storage.yml converges on a file system: its tags, mount target subnets, access point roots, policy."""
    efs = emulator.client("efs")
    (fs,) = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"]
    try:
        policy = json.loads(efs.describe_file_system_policy(FileSystemId=fs_id)["Policy"])
    except efs.exceptions.PolicyNotFound:
        policy = None
    return dict(
        tags={t["Key"]: t["Value"] for t in fs.get("Tags", [])},
        subnets=sorted(mt["SubnetId"] for mt in efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]),
        access_points=[
            ap["RootDirectory"]["Path"] for ap in efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"]
        ],
        policy=policy,
    )


def selected_resources(emulator, stack):
    backup = emulator.client("backup")
    (plan,) = [
        p for p in backup.list_backup_plans()["BackupPlansList"] if p["BackupPlanName"] == stack + "-jenkins-home"
    ]
    (selection,) = backup.list_backup_selections(BackupPlanId=plan["BackupPlanId"])["BackupSelectionsList"]
    return backup.get_backup_selection(BackupPlanId=plan["BackupPlanId"], SelectionId=selection["SelectionId"])[
        "BackupSelection"
    ]["Resources"]


def test_storage_and_destroy_follow_the_record_to_another_file_system(emulator, playbook):
    stack = "efsrec"
    # The seeded network's CIDRs, so that destroy.yml (which deletes subnets by CIDR) can delete the VPC.
    extra_vars = [
        "jenkins_ha_stack_name=" + stack,
        {
            "jenkins_ha_vpc_cidr": "10.82.0.0/16",
            "jenkins_ha_public_subnet_cidrs": ["10.82.0.0/24", "10.82.1.0/24"],
            "jenkins_ha_private_subnet_cidrs": ["10.82.16.0/24", "10.82.17.0/24"],
        },
    ]
    seed_prerequisites(emulator, stack)
    first = playbook(STORAGE, inventory=DEMO, extra_vars=extra_vars)
    assert first.rc == 0, first.output[-3000:]
    original = record(emulator, stack, "efs/file-system-id")
    original_state = home_state(emulator, original)

    # A record naming a file system that is not the stack's (another stack's, say) is not followed.
    efs, ssm = emulator.client("efs"), emulator.client("ssm")
    key_arn = emulator.client("kms").describe_key(KeyId="alias/jenkins-ha/" + stack)["KeyMetadata"]["Arn"]
    foreign = efs.create_file_system(
        CreationToken="someone-else", Encrypted=True, KmsKeyId=key_arn, Tags=[{"Key": "jenkins-ha:stack", "Value": "x"}]
    )["FileSystemId"]
    restored = efs.create_file_system(CreationToken=stack + "-jenkins-home-r1", Encrypted=True, KmsKeyId=key_arn)[
        "FileSystemId"
    ]
    parameter = "/jenkins-ha/{0}/efs/file-system-id".format(stack)
    ssm.put_parameter(Name=parameter, Value=foreign, Type="String", Overwrite=True)
    ignored = playbook(STORAGE, inventory=DEMO, extra_vars=extra_vars)
    assert ignored.rc == 0, ignored.output[-3000:]
    assert record(emulator, stack, "efs/file-system-id") == original
    assert home_state(emulator, foreign)["tags"] == {"jenkins-ha:stack": "x"}

    # The restored file system, tagged with the stack (restore.yml tags it by id) and recorded.
    efs.tag_resource(ResourceId=restored, Tags=[{"Key": "jenkins-ha:stack", "Value": stack}])
    ssm.put_parameter(Name=parameter, Value=restored, Type="String", Overwrite=True)
    moved = playbook(STORAGE, inventory=DEMO, extra_vars=extra_vars)
    assert moved.rc == 0, moved.output[-3000:]
    state = home_state(emulator, restored)
    assert state["tags"]["Name"] == stack + "-jenkins-home" and state["tags"]["jenkins-ha:component"] == "efs"
    assert state["subnets"] == original_state["subnets"] and state["access_points"] == ["/jenkins-home"]
    assert json.dumps(state["policy"]).count("file-system/" + restored) > 0
    assert selected_resources(emulator, stack) == [
        "arn:aws:elasticfilesystem:us-east-1:{0}:file-system/{1}".format(ACCOUNT, restored)
    ]
    assert record(emulator, stack, "efs/file-system-id") == restored
    access_point = efs.describe_access_points(FileSystemId=restored)["AccessPoints"][0]["AccessPointId"]
    assert record(emulator, stack, "efs/access-point-id") == access_point
    assert home_state(emulator, original) == original_state  # the replaced one is left as it was

    rerun = playbook(STORAGE, inventory=DEMO, extra_vars=extra_vars)
    assert rerun.rc == 0 and rerun.changed() == 0, rerun.output[-3000:]

    # destroy.yml guards the recorded file system too: a point of the original alone does not let it delete.
    backup = emulator.client("backup")
    role = "arn:aws:iam::{0}:role/{1}-backup".format(ACCOUNT, stack)
    arn = "arn:aws:elasticfilesystem:us-east-1:{0}:file-system/{1}"
    backup.start_backup_job(
        BackupVaultName=stack + "-jenkins-home", ResourceArn=arn.format(ACCOUNT, original), IamRoleArn=role
    )
    confirmed = extra_vars + ["jenkins_ha_destroy_confirm=" + stack]
    refused = playbook(DESTROY, inventory=DEMO, extra_vars=confirmed)
    assert refused.rc != 0 and "No recovery point of {0} ".format(restored) in refused.output, refused.output[-3000:]
    assert "No recovery point of {0} ".format(original) not in refused.output
    assert {fs["FileSystemId"] for fs in efs.describe_file_systems()["FileSystems"]} >= {original, restored}

    backup.start_backup_job(
        BackupVaultName=stack + "-jenkins-home", ResourceArn=arn.format(ACCOUNT, restored), IamRoleArn=role
    )
    done = playbook(DESTROY, inventory=DEMO, extra_vars=confirmed)
    assert done.rc == 0, done.output[-3000:]
    assert {fs["FileSystemId"] for fs in efs.describe_file_systems()["FileSystems"]} & {original, restored} == set()
    assert {fs["FileSystemId"] for fs in efs.describe_file_systems()["FileSystems"]} >= {foreign}
    efs.delete_file_system(FileSystemId=foreign)
