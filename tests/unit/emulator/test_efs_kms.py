"""EFS CreateFileSystem reports the ARN of the KMS key that encrypts the file system."""

from __future__ import annotations

import pytest

from tests.emulator.compat import efs_default_kms_key


def _created(efs, token, **kwargs):
    answer = efs.create_file_system(CreationToken=token, **kwargs)
    described = efs.describe_file_systems(FileSystemId=answer["FileSystemId"])["FileSystems"][0]
    assert described.get("KmsKeyId") == answer.get("KmsKeyId")
    return answer


def test_stock_moto_reports_no_key_for_an_encrypted_file_system(aws, compat_patch):
    compat_patch.stock(efs_default_kms_key)
    efs, kms = aws("efs"), aws("kms")
    assert "KmsKeyId" not in _created(efs, "default", Encrypted=True)
    key = kms.create_key(Description="efs")["KeyMetadata"]
    assert _created(efs, "by-id", Encrypted=True, KmsKeyId=key["KeyId"])["KmsKeyId"] == key["KeyId"]


def test_encrypted_file_system_reports_the_aws_managed_efs_key_arn(aws, compat_patch):
    efs, kms = aws("efs"), aws("kms")
    with compat_patch(efs_default_kms_key):
        first = _created(efs, "first", Encrypted=True)
        second = _created(efs, "second", Encrypted=True)
        managed = kms.describe_key(KeyId="alias/aws/elasticfilesystem")["KeyMetadata"]
        assert first["KmsKeyId"] == second["KmsKeyId"] == managed["Arn"]
        assert managed["Arn"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
        assert "KmsKeyId" not in _created(efs, "plain", Encrypted=False)
        assert "KmsKeyId" not in _created(efs, "unset")


@pytest.mark.parametrize("form", ["KeyId", "Arn", "alias", "alias-arn"])
def test_given_key_is_reported_as_its_arn(aws, compat_patch, form):
    efs, kms = aws("efs"), aws("kms")
    key = kms.create_key(Description="efs")["KeyMetadata"]
    kms.create_alias(AliasName="alias/jenkins-efs", TargetKeyId=key["KeyId"])
    given = {
        "KeyId": key["KeyId"],
        "Arn": key["Arn"],
        "alias": "alias/jenkins-efs",
        "alias-arn": "arn:aws:kms:us-east-1:123456789012:alias/jenkins-efs",
    }[form]
    with compat_patch(efs_default_kms_key):
        assert _created(efs, "given", Encrypted=True, KmsKeyId=given)["KmsKeyId"] == key["Arn"]


def test_key_unknown_to_moto_kms_is_left_as_sent(aws, compat_patch):
    efs = aws("efs")
    with compat_patch(efs_default_kms_key):
        unknown = "11111111-2222-3333-4444-555555555555"
        assert _created(efs, "unknown", Encrypted=True, KmsKeyId=unknown)["KmsKeyId"] == unknown
