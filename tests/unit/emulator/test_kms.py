"""KMS ScheduleKeyDeletion/CancelKeyDeletion accept the key ARN (amazon.aws.kms_key state=absent sends it)."""

from __future__ import annotations

import pytest

from tests.emulator.compat import kms_key_deletion_by_arn


def test_stock_moto_fails_to_schedule_the_deletion_of_a_key_given_by_arn(aws, compat_patch):
    compat_patch.stock(kms_key_deletion_by_arn)
    kms = aws("kms")
    key = kms.create_key(Description="stack key")["KeyMetadata"]
    with pytest.raises(Exception):
        kms.schedule_key_deletion(KeyId=key["Arn"], PendingWindowInDays=7)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


@pytest.mark.parametrize("form", ["KeyId", "Arn"])
def test_deletion_is_scheduled_and_cancelled_by_id_or_arn(aws, compat_patch, form):
    kms = aws("kms")
    key = kms.create_key(Description="stack key")["KeyMetadata"]
    with compat_patch(kms_key_deletion_by_arn):
        answer = kms.schedule_key_deletion(KeyId=key[form], PendingWindowInDays=7)
        assert answer["KeyId"] in (key["KeyId"], key["Arn"])
        assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
        kms.cancel_key_deletion(KeyId=key[form])
        assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
