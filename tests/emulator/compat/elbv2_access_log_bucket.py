"""ELBv2 ModifyLoadBalancerAttributes with access_logs.s3.enabled=true: refused unless ELB can write to the bucket.

AWS checks the bucket when access logs are turned on (ELB writes a test object, ELBAccessLogTestFile, under
<prefix>/AWSLogs/<account>/) and answers InvalidConfigurationRequest when the bucket does not exist, is in another
region, is not SSE-S3 (the only encryption ELB log delivery supports), or its policy does not let the region's log
writer put that object: the ELB account of a region that opened before August 2022, or the service principal
logdelivery.elasticloadbalancing.amazonaws.com (Application Load Balancer guide, "Enable access logs"). moto stores
the attributes without looking, so a wrong bucket policy, or an ALB enabled before its bucket exists, passes.
"""

from __future__ import annotations

import fnmatch
import json

from ._util import Patcher

GAP = "ModifyLoadBalancerAttributes turns access logs on without checking that ELB can write to the bucket"
MOTO_VERSION = "5.2.5"

# The ELB accounts of the regions tests use (the full table is in playbooks/alb.yml).
ELB_ACCOUNTS = {"us-east-1": "127311923021", "us-east-2": "033677994240", "eu-west-1": "156460612806"}
SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"

_patcher = Patcher()


def _as_list(value):
    return value if isinstance(value, list) else [] if value is None else [value]


def _writer_allowed(policy, region, key_arn):
    writers = {SERVICE}
    if region in ELB_ACCOUNTS:
        writers |= {ELB_ACCOUNTS[region], "arn:aws:iam::{0}:root".format(ELB_ACCOUNTS[region])}
    for stmt in _as_list(policy.get("Statement")):
        principal = stmt.get("Principal")
        named = (
            _as_list(principal.get("AWS")) + _as_list(principal.get("Service")) if isinstance(principal, dict) else []
        )
        if (
            stmt.get("Effect") == "Allow"
            and (principal == "*" or writers & set(named))
            and any(fnmatch.fnmatchcase("s3:putobject", a.lower()) for a in _as_list(stmt.get("Action")))
            and any(fnmatch.fnmatchcase(key_arn, r) for r in _as_list(stmt.get("Resource")))
            and not stmt.get("Condition")
        ):
            return True
    return False


def check_bucket(account_id, region, bucket_name, prefix):
    """The InvalidConfigurationRequest message AWS would answer, or None."""
    from moto.s3.models import s3_backends

    bucket = s3_backends[account_id]["aws"].buckets.get(bucket_name)
    if bucket is None:
        return "The specified bucket does not exist: {0}".format(bucket_name)
    if bucket.region_name != region:
        return "Bucket {0} must be in the same region as the load balancer ({1})".format(bucket_name, region)
    algorithm = ((bucket.encryption or {}).get("Rule") or {}).get("ApplyServerSideEncryptionByDefault", {})
    if algorithm and algorithm.get("SSEAlgorithm") != "AES256":
        return "Access Denied for bucket: {0}. Please check S3bucket permission".format(bucket_name)
    policy = json.loads(bucket.policy) if bucket.policy else {}
    key = "/".join(part for part in (prefix, "AWSLogs", account_id, "ELBAccessLogTestFile") if part)
    if not _writer_allowed(policy, region, "arn:aws:s3:::{0}/{1}".format(bucket_name, key)):
        return "Access Denied for bucket: {0}. Please check S3bucket permission".format(bucket_name)
    return None


def apply():
    if _patcher.active:
        return
    from moto.elbv2.exceptions import InvalidConfigurationRequest
    from moto.elbv2.models import ELBv2Backend

    stock = ELBv2Backend.modify_load_balancer_attributes

    def modify_load_balancer_attributes(self, arn, attrs):
        balancer = self.load_balancers.get(arn)
        if balancer is not None:
            merged = dict(balancer.attrs, **attrs)
            if merged.get("access_logs.s3.enabled") == "true":
                refused = check_bucket(
                    self.account_id,
                    self.region_name,
                    merged.get("access_logs.s3.bucket", ""),
                    merged.get("access_logs.s3.prefix", ""),
                )
                if refused:
                    raise InvalidConfigurationRequest(refused)
        return stock(self, arn, attrs)

    _patcher.setattr(ELBv2Backend, "modify_load_balancer_attributes", modify_load_balancer_attributes)
    _patcher.active = True


def remove():
    _patcher.restore()
