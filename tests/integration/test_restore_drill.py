"""restore_drill.yml against the emulator, with a container standing in for the controller.

Seeded with boto3 (no site.yml): the stack's network, key, backup vault and JENKINS_HOME's file system with its SSM
record. The file system's data is a host directory under the emulator's EFS data root (compat efs_contents): the
controller container mounts it at /var/lib/jenkins as the instance mounts EFS there, and a fake mount.nfs4 (the one
molecule's instance_boot uses) bind-mounts <root>/<fs id>/<path> for `<fs id>.efs.<region>.amazonaws.com:<path>`, so
the drill's reader mounts the restored file system the way it would on an instance. The controller is found by the
jenkins_ec2 inventory, as on a real stack.

What this cannot prove: that EFS and AWS Backup take and restore a crash-consistent copy (the emulator copies a
directory at once), real restore times, NFS permissions and the read-only mount (the fake helper binds read-write).
"""

import json
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.integration.agents import ADDRESS_TAG, CONTAINER_TAG, IMAGE, SSHD_SCRIPT, Fleet, Host, ensure_image, podman
from tests.integration.harness import ROOT
from tests.integration.test_efs_storage import seed_prerequisites

DRILL = ROOT / "playbooks" / "restore_drill.yml"
DEMO = ROOT / "inventory" / "demo"
FAKE_MOUNT = ROOT / "molecule" / "instance_boot" / "files" / "fake-mount-nfs4.sh"
STACK = "drill"
HOME = "jenkins-home"


def _hook(emulator, path, body):
    import urllib.request

    request = urllib.request.Request(
        emulator.url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


class Stack:
    def __init__(self, emulator, root, fleet, name=STACK):
        self.emulator, self.root, self.fleet, self.name = emulator, root, fleet, name
        self.efs, self.backup = emulator.client("efs"), emulator.client("backup")
        seed_prerequisites(emulator, self.name)
        key_arn = emulator.client("kms").describe_key(KeyId="alias/jenkins-ha/" + self.name)["KeyMetadata"]["Arn"]
        self.fs = self.efs.create_file_system(
            CreationToken=self.name + "-jenkins-home",
            Encrypted=True,
            KmsKeyId=key_arn,
            Tags=[
                {"Key": "Name", "Value": self.name + "-jenkins-home"},
                {"Key": "jenkins-ha:stack", "Value": self.name},
            ],
        )
        emulator.client("ssm").put_parameter(
            Name="/jenkins-ha/{0}/efs/file-system-id".format(self.name), Value=self.fs["FileSystemId"], Type="String"
        )
        self.backup.create_backup_vault(BackupVaultName=self.name + "-jenkins-home", EncryptionKeyArn=key_arn)
        self.home = root / self.fs["FileSystemId"] / HOME
        (self.home / "jobs" / "build-app").mkdir(parents=True)
        (self.home / "jobs" / "build-app" / "config.xml").write_text("<project/>")
        (self.home / "secrets").mkdir()
        (self.home / "secrets" / "master.key").write_text("0" * 64)
        (self.home / "config.xml").write_text("<hudson/>")
        self.controller = self.launch_controller()

    def launch_controller(self):
        """A container whose /var/lib/jenkins is the file system's home, able to bind-mount (the fake NFS mount)."""
        container = "jha-drill-" + uuid.uuid4().hex[:8]
        podman(
            "run", "-d", "--name", container, "--hostname", container, "--cap-add", "SYS_ADMIN",
            "-v", "{0}:/var/lib/jenkins".format(self.home), "-v", "{0}:/srv/fake-efs".format(self.root),
            IMAGE, "sleep", "infinity",
        )  # fmt: skip
        host = Host(None, container, "controller")
        self.fleet.hosts.append(host)
        host.sh(SSHD_SCRIPT, input=Path(str(self.fleet.root_key) + ".pub").read_text())
        host.sh("cat > /sbin/mount.nfs4 && chmod 0755 /sbin/mount.nfs4", input=FAKE_MOUNT.read_text())
        ec2 = self.emulator.client("ec2")
        tags = {"jenkins-ha:stack": self.name, "jenkins-ha:component": "controller", CONTAINER_TAG: container}
        tags[ADDRESS_TAG] = host.address
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        spec = [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]
        host.instance_id = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, TagSpecifications=spec)[
            "Instances"
        ][0]["InstanceId"]
        self.fleet.write_inventory()
        return host

    def drill(self, playbook, report, *extra, check=False):
        return playbook(
            DRILL,
            inventory=DEMO,
            extra_vars=["jenkins_ha_stack_name=" + self.name, "jenkins_ha_drill_report=" + str(report), *extra],
            check=check,
            args=["-i", str(self.fleet.inventory)],
        )

    def drill_file_systems(self):
        return [
            fs["FileSystemId"]
            for fs in self.efs.describe_file_systems()["FileSystems"]
            if fs["CreationToken"].startswith(self.name + "-drill-")
        ]

    def assert_clean(self):
        assert self.drill_file_systems() == []
        assert [p.name for p in self.home.iterdir() if p.name.startswith(".jenkins-ha-restore-drill")] == []
        mounts = self.controller.sh("cat /proc/mounts")
        assert "jenkins-ha-restore-drill" not in mounts
        assert self.controller.sh("ls /run | grep -c jenkins-ha-restore-drill || true").strip() == "0"
        # The emulator's data of every file system but the source is gone with them.
        assert sorted(p.name for p in self.root.iterdir() if p.name.startswith("fs-")) == [self.fs["FileSystemId"]]

    def points(self):
        return self.backup.list_recovery_points_by_resource(ResourceArn=self.fs["FileSystemArn"])["RecoveryPoints"]

    def restore_jobs(self):
        """The restore jobs of this stack's recovery points: another test file on the same worker shares the
        emulator (test_restore.py restores its own stack's points)."""
        arns = {point["RecoveryPointArn"] for point in self.points()}
        return [job for job in self.backup.list_restore_jobs()["RestoreJobs"] if job["RecoveryPointArn"] in arns]


def seeded_stack(emulator, tmp_path_factory, name=STACK):
    """A Stack named name with the emulator's EFS data root set; removes its containers and data afterwards (a
    generator for a module-scoped fixture: test_restore.py seeds its own stack with it)."""
    ensure_image()
    root = tmp_path_factory.mktemp("efs-data")
    _hook(emulator, "/moto-api/jenkins-ha/efs/data-root", {"directory": str(root)})
    fleet = Fleet(emulator, name, tmp_path_factory.mktemp("drill-inventory"))
    try:
        yield Stack(emulator, root, fleet, name)
    finally:
        fleet.remove()
        _hook(emulator, "/moto-api/jenkins-ha/efs/data-root", {"directory": None})
        _hook(emulator, "/moto-api/jenkins-ha/backup/restore-failure", {"count": 0})
        subprocess.run(["rm", "-rf", str(root)], check=False)


@pytest.fixture(scope="module")
def stack(emulator, tmp_path_factory):
    yield from seeded_stack(emulator, tmp_path_factory)


def test_refused_without_confirmation_and_check_mode_changes_nothing(stack, playbook, tmp_path):
    refused = stack.drill(playbook, tmp_path / "r.json")
    assert refused.rc != 0 and "needs -e jenkins_ha_drill_confirm=drill. Nothing was done." in refused.output

    check = stack.drill(playbook, tmp_path / "r.json", "jenkins_ha_drill_confirm=" + STACK, check=True)
    assert check.rc == 0, check.output
    assert "Check mode: would write /var/lib/jenkins/.jenkins-ha-restore-drill-" in check.output
    assert stack.points() == [] and not (tmp_path / "r.json").exists()
    stack.assert_clean()


def test_drill_finds_the_nonce_reports_rpo_and_restore_time_and_cleans_up(stack, playbook, tmp_path):
    report_path = tmp_path / "restore.json"
    result = stack.drill(playbook, report_path, "jenkins_ha_drill_confirm=" + STACK)
    assert result.rc == 0, result.output
    report = json.loads(report_path.read_text())
    assert report["marker_found"] is True and report["cleaned_up"] is True and report["passed"] is True
    assert report["home_shape"] == {"config.xml": True, "jobs": True, "secrets": True}
    assert 0 <= report["rpo_seconds"] < 120 and 0 <= report["restore_seconds"] < 120
    assert report["point_after_marker"] is True
    (point,) = stack.points()
    assert point["RecoveryPointArn"] == report["recovery_point_arn"]
    # The restore went to a new file system, with the stack key, under the name the drill chose.
    (job,) = stack.restore_jobs()
    assert job["Status"] == "COMPLETED" and job["CreatedResourceArn"] != stack.fs["FileSystemArn"]
    # The file system read and deleted is the one the job created (its CreatedResourceArn), not one found by name.
    assert report["restored_file_system_id"] == job["CreatedResourceArn"].rsplit("/", 1)[1]
    stack.assert_clean()
    assert "PASSED" in result.output and "RPO (age of the restored point at restore)" in result.output


def test_point_older_than_the_marker_is_reported_and_fails(stack, playbook, tmp_path):
    old = stack.backup.start_backup_job(
        BackupVaultName=STACK + "-jenkins-home",
        ResourceArn=stack.fs["FileSystemArn"],
        IamRoleArn="arn:aws:iam::123456789012:role/drill-backup",
    )
    _hook(
        stack.emulator,
        "/moto-api/jenkins-ha/backup/recovery-point-age",
        {"recovery_point_arn": old["RecoveryPointArn"], "creation_date": "2026-01-01T00:00:00Z"},
    )
    # Every point taken so far (the previous test's too) predates this run's marker.
    newest = max(point["CreationDate"] for point in stack.points())
    report_path = tmp_path / "restore.json"
    result = stack.drill(playbook, report_path, "jenkins_ha_drill_confirm=" + STACK, "jenkins_ha_drill_backup=wait")
    assert result.rc != 0
    report = json.loads(report_path.read_text())
    assert report["marker_found"] is False and report["point_after_marker"] is False
    assert report["restore_status"] == "COMPLETED" and report["cleaned_up"] is True
    assert report["rpo_seconds"] > 0 and "predates the marker" in " ".join(report["problems"])
    assert max(point["CreationDate"] for point in stack.points()) == newest
    stack.assert_clean()


def test_failed_restore_is_reported_and_what_it_left_is_cleaned_up(stack, playbook, tmp_path):
    _hook(
        stack.emulator,
        "/moto-api/jenkins-ha/backup/restore-failure",
        {"count": 1, "status_message": "Access denied to the KMS key", "leave_file_system": True},
    )
    report_path = tmp_path / "restore.json"
    result = stack.drill(playbook, report_path, "jenkins_ha_drill_confirm=" + STACK)
    assert result.rc != 0
    report = json.loads(report_path.read_text())
    assert report["restore_status"] == "FAILED" and report["marker_found"] is False
    assert report["restore_seconds"] is None and report["cleaned_up"] is True
    assert "ended FAILED: Access denied to the KMS key" in " ".join(report["problems"])
    failed = [job for job in stack.restore_jobs() if job["Status"] == "FAILED"]
    assert len(failed) == 1
    stack.assert_clean()
