"""A real restore (playbooks/restore.yml) and the stack's record of the file system in use.

First the prerequisites: storage.yml converges the file system SSM efs/file-system-id names when it is a live file
system of the stack, not the one holding the stack name's creation token, and leaves that one alone; destroy.yml
guards and deletes it. The second file system is made with boto3 (as AWS Backup makes a restored one: another
creation token, no tags), with only the prerequisites storage.yml reads seeded (test_efs_storage.seed_prerequisites),
not a converged site.

Then restore.yml on the restore drill's seeded stack (test_restore_drill.seeded_stack: a container controller whose
/var/lib/jenkins is the file system's data under the emulator's EFS data root, a fake mount.nfs4) plus the
controller's launch template and group: the point before the incident is restored, the controller renames the
restored home, the records move, storage.yml converges the new file system and the controller is replaced.
Not proven here: the boot of the new controller on the new file system (moto launches no instance that boots), NFS
permissions, the TLS mount; restore time (instant).
"""

import json

import pytest

from tests.integration.harness import ROOT
from tests.integration.test_efs_storage import seed_prerequisites
from tests.integration.test_restore_drill import _hook, seeded_stack

STORAGE = ROOT / "playbooks" / "storage.yml"
RESTORE = ROOT / "playbooks" / "restore.yml"
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
    # A record naming a file system that is not the stack's (another stack's, say) is not followed: the first run
    # creates JENKINS_HOME by name and records it.
    efs, ssm = emulator.client("efs"), emulator.client("ssm")
    key_arn = emulator.client("kms").describe_key(KeyId="alias/jenkins-ha/" + stack)["KeyMetadata"]["Arn"]
    foreign = efs.create_file_system(
        CreationToken="someone-else", Encrypted=True, KmsKeyId=key_arn, Tags=[{"Key": "jenkins-ha:stack", "Value": "x"}]
    )["FileSystemId"]
    parameter = "/jenkins-ha/{0}/efs/file-system-id".format(stack)
    ssm.put_parameter(Name=parameter, Value=foreign, Type="String")
    first = playbook(STORAGE, inventory=DEMO, extra_vars=extra_vars)
    assert first.rc == 0, first.output[-3000:]
    original = record(emulator, stack, "efs/file-system-id")
    assert original != foreign and home_state(emulator, foreign)["tags"] == {"jenkins-ha:stack": "x"}
    original_state = home_state(emulator, original)
    assert original_state["tags"]["Name"] == stack + "-jenkins-home"

    restored = efs.create_file_system(CreationToken=stack + "-jenkins-home-r1", Encrypted=True, KmsKeyId=key_arn)[
        "FileSystemId"
    ]
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


@pytest.fixture(scope="module")
def restored_stack(emulator, tmp_path_factory):
    """The drill's seeded stack named "rest", with the controller's launch template and group (the restore replaces
    the controller through the group)."""
    for stack in seeded_stack(emulator, tmp_path_factory, "rest"):
        ec2, autoscaling = emulator.client("ec2"), emulator.client("autoscaling")
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        ec2.create_launch_template(LaunchTemplateName="rest-controller", LaunchTemplateData={"ImageId": image})
        subnets = ec2.describe_subnets(Filters=[{"Name": "tag:jenkins-ha:stack", "Values": ["rest"]}])["Subnets"]
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName="rest-controller",
            LaunchTemplate={"LaunchTemplateName": "rest-controller", "Version": "$Latest"},
            MinSize=1,
            MaxSize=1,
            DesiredCapacity=1,
            VPCZoneIdentifier=",".join(s["SubnetId"] for s in subnets),
        )
        yield stack


def controller_instances(emulator):
    (group,) = emulator.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=["rest-controller"])[
        "AutoScalingGroups"
    ]
    return [i["InstanceId"] for i in group["Instances"]]


def test_restore_puts_the_point_before_the_incident_in_place(restored_stack, emulator, playbook, tmp_path):
    stack, efs, ssm = restored_stack, emulator.client("efs"), emulator.client("ssm")
    old = stack.fs["FileSystemId"]
    vault, role = "rest-jenkins-home", "arn:aws:iam::{0}:role/rest-backup".format(ACCOUNT)
    (stack.home / "before.txt").write_text("written before the point\n")
    before = stack.backup.start_backup_job(
        BackupVaultName=vault, ResourceArn=stack.fs["FileSystemArn"], IamRoleArn=role
    )
    _hook(
        emulator,
        "/moto-api/jenkins-ha/backup/recovery-point-age",
        {"recovery_point_arn": before["RecoveryPointArn"], "creation_date": "2026-01-01T00:00:00Z"},
    )
    # The damage, and a point taken after it: the restore goes back to before the incident.
    (stack.home / "after.txt").write_text("written after the point\n")
    stack.backup.start_backup_job(BackupVaultName=vault, ResourceArn=stack.fs["FileSystemArn"], IamRoleArn=role)
    run_vars = ["jenkins_ha_stack_name=rest", "jenkins_ha_restore_before=2026-06-01T00:00:00+00:00"]
    args = ["-i", str(stack.fleet.inventory)]
    report_path = tmp_path / "restore.json"

    refused = playbook(RESTORE, inventory=DEMO, extra_vars=run_vars, args=args)
    assert refused.rc != 0 and "needs -e jenkins_ha_restore_confirm=rest. Nothing was done." in refused.output

    confirmed = run_vars + ["jenkins_ha_restore_confirm=rest", "jenkins_ha_restore_report=" + str(report_path)]
    check = playbook(RESTORE, inventory=DEMO, extra_vars=confirmed, args=args, check=True)
    assert check.rc == 0, check.output[-3000:]
    assert "Check mode: would restore " + before["RecoveryPointArn"] in check.output
    assert stack.restore_jobs() == [] and not report_path.exists()

    instances = controller_instances(emulator)
    done = playbook(RESTORE, inventory=DEMO, extra_vars=confirmed, args=args)
    assert done.rc == 0, done.output[-3000:]
    report = json.loads(report_path.read_text())
    new = report["new_file_system_id"]
    assert report["old_file_system_id"] == old and new != old
    assert report["recovery_point_arn"] == before["RecoveryPointArn"] and report["recovery_point_age_seconds"] > 0

    # The point's data is the new file system's /jenkins-home; the damage is not; no restore directory is left.
    data = stack.root / new
    assert (data / "jenkins-home" / "before.txt").is_file() and (data / "jenkins-home" / "config.xml").is_file()
    assert not (data / "jenkins-home" / "after.txt").exists()
    assert sorted(p.name for p in data.iterdir()) == ["jenkins-home"]
    # The records name the new file system and its access point; the old one is kept under another name.
    assert record(emulator, "rest", "efs/file-system-id") == new
    (access_point,) = efs.describe_access_points(FileSystemId=new)["AccessPoints"]
    assert record(emulator, "rest", "efs/access-point-id") == access_point["AccessPointId"]
    assert home_state(emulator, new)["tags"]["Name"] == "rest-jenkins-home"
    old_tags = home_state(emulator, old)["tags"]
    assert (
        old_tags["Name"].startswith("rest-jenkins-home-before-restore-") and old_tags["jenkins-ha:replaced-by"] == new
    )
    assert selected_resources(emulator, "rest") == [
        "arn:aws:elasticfilesystem:us-east-1:{0}:file-system/{1}".format(ACCOUNT, new)
    ]
    # The controller was replaced (it boots on the moved records).
    assert controller_instances(emulator) and set(controller_instances(emulator)).isdisjoint(instances)
    assert "mount" not in stack.controller.sh("cat /proc/mounts | grep jenkins-ha-restore || true")

    rerun = playbook(STORAGE, inventory=DEMO, extra_vars=["jenkins_ha_stack_name=rest"])
    assert rerun.rc == 0 and rerun.changed() == 0, rerun.output[-3000:]
    guarded = playbook(
        DESTROY, inventory=DEMO, extra_vars=["jenkins_ha_stack_name=rest", "jenkins_ha_destroy_confirm=rest"]
    )
    assert guarded.rc != 0 and "No recovery point of {0} ".format(new) in guarded.output, guarded.output[-3000:]
