"""EFS file system policy: DeleteFileSystemPolicy and FileSystemNotFound for unknown file systems."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import efs_file_system_policy

from .conftest import error_code

STOCK_FAILURES = (NotImplementedError, ClientError)

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
)


def _file_system(efs):
    return efs.create_file_system(CreationToken="policy")["FileSystemId"]


def test_stock_moto_lacks_delete_file_system_policy(aws, compat_patch):
    compat_patch.stock(efs_file_system_policy)
    efs = aws("efs")
    fs_id = _file_system(efs)
    efs.put_file_system_policy(FileSystemId=fs_id, Policy=POLICY)
    with pytest.raises(STOCK_FAILURES):
        efs.delete_file_system_policy(FileSystemId=fs_id)


def test_stock_moto_fails_policy_calls_on_an_unknown_file_system_with_key_error(aws, compat_patch):
    compat_patch.stock(efs_file_system_policy)
    efs = aws("efs")
    # In-process the backend's KeyError escapes as is; in server mode it is an HTTP 500.
    with pytest.raises(KeyError):
        efs.describe_file_system_policy(FileSystemId="fs-00000000")
    with pytest.raises(KeyError):
        efs.put_file_system_policy(FileSystemId="fs-00000000", Policy=POLICY)


def test_delete_file_system_policy_removes_the_policy(aws, compat_patch):
    efs = aws("efs")
    fs_id = _file_system(efs)
    with compat_patch(efs_file_system_policy):
        efs.put_file_system_policy(FileSystemId=fs_id, Policy=POLICY)
        assert json.loads(efs.describe_file_system_policy(FileSystemId=fs_id)["Policy"]) == json.loads(POLICY)
        answer = efs.delete_file_system_policy(FileSystemId=fs_id)
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
        with pytest.raises(ClientError) as gone:
            efs.describe_file_system_policy(FileSystemId=fs_id)
        assert error_code(gone) == "PolicyNotFound"
        # Nothing left to delete is not an error on AWS either: the default policy is in effect.
        efs.delete_file_system_policy(FileSystemId=fs_id)
        efs.put_file_system_policy(FileSystemId=fs_id, Policy=POLICY)
        assert efs.describe_file_system_policy(FileSystemId=fs_id)["FileSystemId"] == fs_id


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda efs, fs_id: efs.describe_file_system_policy(FileSystemId=fs_id), id="describe"),
        pytest.param(lambda efs, fs_id: efs.put_file_system_policy(FileSystemId=fs_id, Policy=POLICY), id="put"),
        pytest.param(lambda efs, fs_id: efs.delete_file_system_policy(FileSystemId=fs_id), id="delete"),
    ],
)
def test_policy_calls_on_an_unknown_file_system_are_file_system_not_found(aws, compat_patch, call):
    efs = aws("efs")
    with compat_patch(efs_file_system_policy):
        with pytest.raises(ClientError) as missing:
            call(efs, "fs-00000000")
        assert error_code(missing) == "FileSystemNotFound"
        assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
