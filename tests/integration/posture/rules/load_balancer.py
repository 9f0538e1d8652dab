"""Load balancer rules: header hygiene, deletion protection, scheme and subnets, HTTPS only with a modern TLS policy,
access logs into a private, TLS-only, expiring bucket."""

from __future__ import annotations

import json

from .model import as_list, denies_without_tls, policy_statements

# Who may write access logs (Application Load Balancer guide, "Enable access logs", step 2): the Elastic Load
# Balancing account of a region that opened before August 2022, or the log delivery service principal.
LOG_WRITER_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"

# Every predefined ELB security policy that negotiates TLS 1.2 or newer only (the "security policies" tables of the
# Application Load Balancer guide: TLS 1.3 with 1.2, 1.3 only, FIPS, post-quantum, RFC 9151, and the TLS 1.2-only
# TLS-1-2/FS-1-2 policies); none with TLS 1.0/1.1. roles/stack_config/meta/argument_specs.yml offers exactly these
# as the choices of jenkins_ha_alb_ssl_policy (tests/unit/posture/test_hardening.py keeps the two equal).
MODERN_TLS_POLICIES = frozenset(
    {
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-RFC9151-FIPS-2023-07",
        "ELBSecurityPolicy-TLS13-1-3-RFC9151-FIPS-2023-07",
        "ELBSecurityPolicy-TLS-1-2-2017-01",
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
        "ELBSecurityPolicy-FS-1-2-2019-08",
        "ELBSecurityPolicy-FS-1-2-Res-2019-08",
        "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    }
)


def load_balancer_findings(state, expect):
    findings = []
    if not state.load_balancers:
        return ["load balancer {0}-alb: missing".format(state.stack)]
    for lb in state.load_balancers:
        where = "load balancer {0}".format(lb["LoadBalancerName"])
        attrs = lb.get("Attributes", {})
        if attrs.get("routing.http.drop_invalid_header_fields.enabled") != "true":
            findings.append("{0}: invalid header fields not dropped".format(where))
        # Deletion protection follows the stack description (on by default; destroy.yml lifts it).
        if attrs.get("deletion_protection.enabled") != str(expect.alb_deletion_protection).lower():
            findings.append("{0}: deletion protection {1}".format(where, attrs.get("deletion_protection.enabled")))
        scheme = "internal" if expect.alb_internal else "internet-facing"
        if lb.get("Scheme") != scheme:
            findings.append("{0}: scheme {1}, expected {2}".format(where, lb.get("Scheme"), scheme))
        subnets = {z["SubnetId"] for z in lb.get("AvailabilityZones", [])}
        expected_subnets = set(state.private_subnets if expect.alb_internal else state.public_subnets)
        if not subnets <= expected_subnets:
            findings.append("{0}: in subnets {1}".format(where, sorted(subnets - expected_subnets)))
        if not any(listener.get("Protocol") == "HTTPS" for listener in lb.get("Listeners", [])):
            findings.append("{0}: no HTTPS listener".format(where))
        for listener in lb.get("Listeners", []):
            lwhere = "{0} listener {1}/{2}".format(where, listener.get("Protocol"), listener.get("Port"))
            if listener.get("Protocol") == "HTTPS":
                if listener.get("SslPolicy") not in MODERN_TLS_POLICIES:
                    findings.append(
                        "{0}: TLS policy {1} not in the modern allow-list".format(lwhere, listener.get("SslPolicy"))
                    )
            elif listener.get("Protocol") == "HTTP":
                actions = listener.get("DefaultActions", [])
                redirects = [
                    a
                    for a in actions
                    if a.get("Type") == "redirect" and a.get("RedirectConfig", {}).get("Protocol") == "HTTPS"
                ]
                if not actions or len(redirects) != len(actions):
                    findings.append("{0}: does not only redirect to HTTPS".format(lwhere))
                if listener.get("Rules"):
                    findings.append("{0}: has rules besides the redirect".format(lwhere))
            else:
                findings.append("{0}: unexpected protocol".format(lwhere))
    return findings


def access_log_findings(state, expect):
    """Access logs on (unless the description turns them off), and the bucket they go to private, encrypted with
    SSE-S3 (the only encryption ELB log delivery supports), TLS-only, written only by ELB, expiring."""
    if not expect.alb_access_logs:
        return []
    findings = []
    for lb in state.load_balancers:
        where = "load balancer {0}".format(lb["LoadBalancerName"])
        attrs = lb.get("Attributes", {})
        bucket = attrs.get("access_logs.s3.bucket", "")
        if attrs.get("access_logs.s3.enabled") != "true" or not bucket:
            findings.append("{0}: access logs off".format(where))
            continue
        found = state.access_log_buckets.get(bucket)
        bwhere = "{0}: access-log bucket {1}".format(where, bucket)
        if not found:
            findings.append("{0}: missing or unreadable".format(bwhere))
            continue
        findings += _log_bucket_findings(bwhere, bucket, found)
    return findings


def _log_bucket_findings(where, bucket, found):
    findings = []
    if found.get("Encryption") != "AES256":
        findings.append("{0}: default encryption {1}, not SSE-S3".format(where, found.get("Encryption")))
    block = found.get("PublicAccessBlock") or {}
    flags = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    if not all(block.get(flag) is True for flag in flags):
        findings.append("{0}: public access not fully blocked".format(where))
    if found.get("ObjectOwnership") != "BucketOwnerEnforced":
        findings.append("{0}: ACLs enabled (object ownership {1})".format(where, found.get("ObjectOwnership")))
    statements = policy_statements(found.get("Policy") or "{}")
    arn = "arn:aws:s3:::{0}".format(bucket)
    if not denies_without_tls(statements, ["s3:GetObject", "s3:PutObject"], [arn, arn + "/*"]):
        findings.append("{0}: policy does not deny requests without TLS".format(where))
    for stmt in statements:
        if stmt.get("Effect") != "Allow":
            continue
        principal = stmt.get("Principal")
        writers = as_list(principal.get("Service")) if isinstance(principal, dict) else []
        accounts = as_list(principal.get("AWS")) if isinstance(principal, dict) else []
        if (
            principal == "*"
            or "*" in accounts
            or set(writers) - {LOG_WRITER_SERVICE}
            or stmt.get("Action") != "s3:PutObject"
        ):
            findings.append(
                "{0}: policy grants {1} to {2}".format(where, stmt.get("Action"), json.dumps(principal, sort_keys=True))
            )
    rules = [r for r in found.get("LifecycleRules") or [] if r.get("Status") == "Enabled"]
    if not any(r.get("Expiration", {}).get("Days") for r in rules):
        findings.append("{0}: no lifecycle rule expires the logs".format(where))
    return findings
