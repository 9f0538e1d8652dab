"""Housekeeping playbooks (playbooks/housekeeping/) against the emulator: they act on what they should and never on
what they must keep."""

import time
import uuid

import pytest

from tests.integration.harness import ROOT

HOUSEKEEPING = ROOT / "playbooks" / "housekeeping"
IAM_ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


def unique(prefix):
    return "{0}-{1}".format(prefix, uuid.uuid4().hex[:8])


# --- backup_check.yml -------------------------------------------------------------------------------------------


@pytest.fixture
def backed_up_stack(emulator):
    """A stack with an EFS file system recorded in SSM and an empty vault."""
    stack = unique("bk")
    efs, ssm, backup = emulator.client("efs"), emulator.client("ssm"), emulator.client("backup")
    file_system = efs.create_file_system(CreationToken=stack, Encrypted=True)
    ssm.put_parameter(
        Name="/jenkins-ha/{0}/efs/file-system-id".format(stack), Value=file_system["FileSystemId"], Type="String"
    )
    vault = stack + "-backup"
    backup.create_backup_vault(BackupVaultName=vault)
    return {"stack": stack, "vault": vault, "arn": file_system["FileSystemArn"], "id": file_system["FileSystemId"]}


def run_backup_check(playbook, stack, **settings):
    extra = {"jenkins_ha_housekeeping_stack": stack}
    extra.update({"jenkins_ha_housekeeping_" + key: value for key, value in settings.items()})
    return playbook(HOUSEKEEPING / "backup_check.yml", extra_vars=[extra])


def test_backup_check_fails_without_recovery_point(playbook, backed_up_stack):
    result = run_backup_check(playbook, backed_up_stack["stack"])
    assert result.rc != 0
    assert "RPO VIOLATED" in result.output
    assert "no completed recovery point of EFS file system " + backed_up_stack["id"] in result.output


def test_backup_check_passes_after_a_backup_job(playbook, emulator, backed_up_stack):
    emulator.client("backup").start_backup_job(
        BackupVaultName=backed_up_stack["vault"], ResourceArn=backed_up_stack["arn"], IamRoleArn=IAM_ROLE
    )
    result = run_backup_check(playbook, backed_up_stack["stack"], rpo_hours=1)
    assert result.rc == 0, result.output[-4000:]
    assert "RPO met for stack " + backed_up_stack["stack"] in result.output
    # The vault setting narrows the search to that vault; the point is there.
    result = run_backup_check(playbook, backed_up_stack["stack"], rpo_hours=1, backup_vault=backed_up_stack["vault"])
    assert result.rc == 0, result.output[-4000:]


def test_backup_check_fails_when_the_newest_point_is_older_than_the_rpo(playbook, emulator, backed_up_stack):
    # The emulator stamps recovery points "now": an RPO of under a second makes the only point too old.
    emulator.client("backup").start_backup_job(
        BackupVaultName=backed_up_stack["vault"], ResourceArn=backed_up_stack["arn"], IamRoleArn=IAM_ROLE
    )
    time.sleep(2)
    result = run_backup_check(playbook, backed_up_stack["stack"], rpo_hours=0.0002)
    assert result.rc != 0
    assert "RPO VIOLATED" in result.output
    assert "the RPO is 0.0002 h" in result.output


def test_backup_check_names_a_missing_stack(playbook):
    result = run_backup_check(playbook, unique("nostack"))
    assert result.rc != 0
    assert "has no EFS file system id in SSM" in result.output


# --- image_retention.yml ----------------------------------------------------------------------------------------


def test_image_retention_playbook_check_then_apply(playbook, emulator):
    ec2 = emulator.client("ec2")
    stack = unique("img")
    base = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=base, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    images = []
    for index in range(3):
        image_id = ec2.create_image(InstanceId=instance, Name="{0}-{1}".format(stack, index))["ImageId"]
        tags = {"jenkins-ha:role": "agent", "jenkins-ha:base": "debian-12", "jenkins-ha:stack": stack}
        tags["jenkins-ha:build-time"] = "2025-01-01T00:00:0{0}Z".format(index)
        ec2.create_tags(Resources=[image_id], Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        images.append(image_id)
    ec2.terminate_instances(InstanceIds=[instance])
    settings = {
        "jenkins_ha_housekeeping_image_stack": stack,
        "jenkins_ha_housekeeping_image_keep": 1,
        "jenkins_ha_housekeeping_image_min_age_days": 0,
    }

    def remaining():
        found = ec2.describe_images(Owners=["self"], Filters=[{"Name": "tag:jenkins-ha:stack", "Values": [stack]}])
        return sorted(image["ImageId"] for image in found["Images"])

    result = playbook(HOUSEKEEPING / "image_retention.yml", extra_vars=[settings], check=True)
    assert result.rc == 0, result.output[-4000:]
    assert "Would deregister 2 image(s)" in result.output
    assert remaining() == sorted(images)

    result = playbook(HOUSEKEEPING / "image_retention.yml", extra_vars=[settings])
    assert result.rc == 0, result.output[-4000:]
    assert "Deregistered 2 image(s)" in result.output
    assert remaining() == [images[2]]

    result = playbook(HOUSEKEEPING / "image_retention.yml", extra_vars=[settings])
    assert result.rc == 0 and result.changed() == 0, result.output[-4000:]


def test_image_retention_playbook_rejects_bad_settings(playbook):
    result = playbook(HOUSEKEEPING / "image_retention.yml", extra_vars=[{"jenkins_ha_housekeeping_image_keep": "x"}])
    assert result.rc != 0
    assert "jenkins_ha_housekeeping_image_keep" in result.output
