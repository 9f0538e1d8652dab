"""EFS UpdateFileSystem: throughput mode and provisioned throughput changes."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import efs_update_file_system

from .conftest import error_code

STOCK_FAILURES = (NotImplementedError, ClientError)


def _file_system(efs, **kwargs):
    return efs.create_file_system(CreationToken="update", **kwargs)["FileSystemId"]


def _described(efs, fs_id):
    return efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]


def test_stock_moto_lacks_efs_update_file_system(aws, compat_patch):
    compat_patch.stock(efs_update_file_system)
    efs = aws("efs")
    fs_id = _file_system(efs, ThroughputMode="elastic")
    with pytest.raises(STOCK_FAILURES):
        efs.update_file_system(FileSystemId=fs_id, ThroughputMode="bursting")


def test_update_file_system_changes_throughput_as_aws_does(aws, compat_patch):
    efs = aws("efs")
    fs_id = _file_system(efs, ThroughputMode="elastic", Tags=[{"Key": "Name", "Value": "update"}])
    with compat_patch(efs_update_file_system):
        answer = efs.update_file_system(
            FileSystemId=fs_id, ThroughputMode="provisioned", ProvisionedThroughputInMibps=64
        )
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
        # The answer is the file system's description, like DescribeFileSystems gives it.
        assert answer["FileSystemId"] == fs_id and answer["Name"] == "update"
        assert (answer["ThroughputMode"], answer["ProvisionedThroughputInMibps"]) == ("provisioned", 64.0)
        described = _described(efs, fs_id)
        assert (described["ThroughputMode"], described["ProvisionedThroughputInMibps"]) == ("provisioned", 64.0)

        # Already provisioned: the amount alone may change.
        efs.update_file_system(FileSystemId=fs_id, ProvisionedThroughputInMibps=128)
        assert _described(efs, fs_id)["ProvisionedThroughputInMibps"] == 128.0

        # Leaving provisioned mode drops the amount from the description.
        answer = efs.update_file_system(FileSystemId=fs_id, ThroughputMode="bursting")
        assert answer["ThroughputMode"] == "bursting" and "ProvisionedThroughputInMibps" not in answer
        described = _described(efs, fs_id)
        assert described["ThroughputMode"] == "bursting" and "ProvisionedThroughputInMibps" not in described
        assert efs.update_file_system(FileSystemId=fs_id, ThroughputMode="elastic")["ThroughputMode"] == "elastic"


@pytest.mark.parametrize(
    "request_args",
    [
        pytest.param({"ThroughputMode": "provisioned"}, id="provisioned-without-amount"),
        pytest.param(
            {"ThroughputMode": "bursting", "ProvisionedThroughputInMibps": 10}, id="amount-without-provisioned"
        ),
        pytest.param({"ProvisionedThroughputInMibps": 10}, id="amount-while-elastic"),
        pytest.param({"ThroughputMode": "turbo"}, id="unknown-mode"),
    ],
)
def test_update_file_system_refuses_bad_throughput_requests(aws, compat_patch, request_args):
    efs = aws("efs")
    fs_id = _file_system(efs, ThroughputMode="elastic")
    with compat_patch(efs_update_file_system):
        with pytest.raises(ClientError) as refused:
            efs.update_file_system(FileSystemId=fs_id, **request_args)
        assert error_code(refused) == "BadRequest"
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert _described(efs, fs_id)["ThroughputMode"] == "elastic"


def test_update_of_an_unknown_file_system_is_file_system_not_found(aws, compat_patch):
    efs = aws("efs")
    with compat_patch(efs_update_file_system):
        with pytest.raises(ClientError) as missing:
            efs.update_file_system(FileSystemId="fs-00000000", ThroughputMode="bursting")
        assert error_code(missing) == "FileSystemNotFound"
        assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
