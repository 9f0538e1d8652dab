"""ELBv2 patch: turning access logs on is refused unless ELB can write to the bucket, as AWS refuses it."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import elbv2_access_log_bucket

from .conftest import error_code
from .test_elbv2 import _alb

BUCKET = "jenkins-alb-logs"
ACCOUNT = "123456789012"


def _bucket(s3, writer="arn:aws:iam::127311923021:root", resource=None, encryption="AES256"):
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": encryption}}]
        },
    )
    principal = {"Service": writer} if writer.endswith(".amazonaws.com") else {"AWS": writer}
    statement = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:PutObject",
        "Resource": resource or "arn:aws:s3:::{0}/jenkins/AWSLogs/{1}/*".format(BUCKET, ACCOUNT),
    }
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))


def _enable(elbv2, arn, prefix="jenkins"):
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn,
        Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": BUCKET},
            {"Key": "access_logs.s3.prefix", "Value": prefix},
        ],
    )


def test_stock_moto_enables_access_logs_into_a_missing_bucket(aws, compat_patch):
    compat_patch.stock(elbv2_access_log_bucket)
    elbv2 = aws("elbv2")
    arn = _alb(aws)
    _enable(elbv2, arn)
    attributes = {
        a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    }
    assert attributes["access_logs.s3.enabled"] == "true"


@pytest.mark.parametrize(
    "bucket",
    [
        None,
        {"writer": "arn:aws:iam::156460612806:root"},
        {"writer": "delivery.logs.amazonaws.com"},
        {"resource": "arn:aws:s3:::{0}/other/AWSLogs/{1}/*".format(BUCKET, ACCOUNT)},
        {"encryption": "aws:kms"},
    ],
    ids=["no bucket", "another region's ELB account", "another service", "another prefix", "SSE-KMS"],
)
def test_access_logs_need_a_bucket_elb_can_write(aws, compat_patch, bucket):
    elbv2 = aws("elbv2")
    with compat_patch(elbv2_access_log_bucket):
        arn = _alb(aws)
        if bucket is not None:
            _bucket(aws("s3"), **bucket)
        with pytest.raises(ClientError) as refused:
            _enable(elbv2, arn)
        assert error_code(refused) == "InvalidConfigurationRequest"


@pytest.mark.parametrize("writer", ["arn:aws:iam::127311923021:root", "logdelivery.elasticloadbalancing.amazonaws.com"])
def test_the_region_log_writer_may_write(aws, compat_patch, writer):
    elbv2 = aws("elbv2")
    with compat_patch(elbv2_access_log_bucket):
        arn = _alb(aws)
        _bucket(aws("s3"), writer=writer)
        _enable(elbv2, arn)
        # Turning them off needs no bucket check.
        elbv2.modify_load_balancer_attributes(
            LoadBalancerArn=arn, Attributes=[{"Key": "access_logs.s3.enabled", "Value": "false"}]
        )
