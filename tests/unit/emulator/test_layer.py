"""The layer as a whole: every patch keeps the contract, and the launcher serves moto with all of them applied."""

from __future__ import annotations

import importlib.metadata

import pytest
from botocore.exceptions import ClientError

from tests.emulator import compat

from .conftest import error_code


@pytest.fixture(params=compat.PATCHES)
def patch_module(request):
    module = compat.load(request.param)
    yield module
    module.remove()


def test_patch_declares_its_gap_and_moto_version(patch_module):
    assert patch_module.GAP and "\n" not in patch_module.GAP
    # A moto upgrade must revisit every patch: drop the ones whose stock-half test now fails.
    assert patch_module.MOTO_VERSION == importlib.metadata.version("moto")
    assert patch_module.__doc__


def _snapshot(patcher_entries):
    return [
        (owner.get(name, None) if isinstance(owner, dict) else owner.__dict__.get(name, None))
        for owner, name, *_unused in patcher_entries
    ]


def test_apply_is_idempotent_and_remove_restores_stock_moto(patch_module):
    patch_module.apply()
    touched = list(patch_module._patcher._undo)
    assert touched, "a patch that changes nothing"
    patch_module.remove()
    stock = _snapshot(touched)
    patch_module.apply()
    patched = _snapshot(touched)
    patch_module.apply()
    assert _snapshot(touched) == patched
    assert patched != stock
    patch_module.remove()
    assert _snapshot(touched) == stock
    patch_module.remove()
    assert _snapshot(touched) == stock


def test_apply_all_and_remove_all_cover_every_patch():
    try:
        assert compat.apply_all() == list(compat.PATCHES)
        assert all(compat.load(name)._patcher.active for name in compat.PATCHES)
    finally:
        compat.remove_all()
    assert not any(compat.load(name)._patcher.active for name in compat.PATCHES)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """The real launcher as a subprocess on a free port (what every integration test and playbook talks to)."""
    from tests.integration.harness import Emulator

    server = Emulator(tmp_path_factory.mktemp("emulator")).start()
    yield server
    server.stop()


def test_launcher_serves_moto_with_the_layer_applied(emulator):
    assert "{0} compatibility patch(es)".format(len(compat.PATCHES)) in emulator.log_path.read_text()

    efs = emulator.client("efs")
    fs_id = efs.create_file_system(CreationToken="launcher", Tags=[{"Key": "Name", "Value": "l"}])["FileSystemId"]
    assert efs.describe_tags(FileSystemId=fs_id)["Tags"] == [{"Key": "Name", "Value": "l"}]

    backup = emulator.client("backup")
    with pytest.raises(ClientError) as missing:
        backup.describe_backup_vault(BackupVaultName="absent")
    assert error_code(missing) == "AccessDeniedException"
    backup.create_backup_vault(BackupVaultName="launcher")
    arn = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]["FileSystemArn"]
    job = backup.start_backup_job(
        BackupVaultName="launcher", ResourceArn=arn, IamRoleArn="arn:aws:iam::123456789012:role/backup"
    )
    # Server mode decodes the %2F of the ARN in the path: the layer's routes must still find the operation.
    by_resource = backup.list_recovery_points_by_resource(ResourceArn=arn)["RecoveryPoints"]
    assert [point["RecoveryPointArn"] for point in by_resource] == [job["RecoveryPointArn"]]

    ec2 = emulator.client("ec2")
    image_id = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.create_launch_template(LaunchTemplateName="launcher", LaunchTemplateData={"ImageId": image_id})
    autoscaling = emulator.client("autoscaling")
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="launcher",
        LaunchTemplate={"LaunchTemplateName": "launcher"},
        MinSize=0,
        MaxSize=1,
        AvailabilityZones=["us-east-1a"],
    )
    autoscaling.disable_metrics_collection(AutoScalingGroupName="launcher")
    refresh_id = autoscaling.start_instance_refresh(AutoScalingGroupName="launcher")["InstanceRefreshId"]
    assert (
        autoscaling.describe_instance_refreshes(AutoScalingGroupName="launcher")["InstanceRefreshes"][0][
            "InstanceRefreshId"
        ]
        == refresh_id
    )


def test_launcher_routes_the_efs_replication_calls(emulator):
    """Server mode routes only the paths the layer registers (in process, moto matches any path): all three calls
    over HTTP, the region-wide describe included (its literal path beside file-systems/<id>)."""
    efs, dr = emulator.client("efs"), emulator.client("efs", "us-west-2")
    fs_id = efs.create_file_system(CreationToken="launcher-replicated")["FileSystemId"]
    created = efs.create_replication_configuration(SourceFileSystemId=fs_id, Destinations=[{"Region": "us-west-2"}])
    replica = created["Destinations"][0]["FileSystemId"]
    assert [r["SourceFileSystemId"] for r in efs.describe_replication_configurations()["Replications"]] == [fs_id]
    assert (
        dr.describe_replication_configurations(FileSystemId=replica)["Replications"][0]["SourceFileSystemId"] == fs_id
    )
    efs.delete_replication_configuration(SourceFileSystemId=fs_id)
    with pytest.raises(ClientError) as gone:
        efs.describe_replication_configurations(FileSystemId=fs_id)
    assert error_code(gone) == "ReplicationNotFound"
