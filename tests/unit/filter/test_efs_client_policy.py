"""efs_client_policy: what the file system policy lets each NFS client do, evaluated here.

EFS enforces a file system policy on NFS clients (ClientMount/ClientWrite/ClientRootAccess), which neither moto nor
any emulator sees, so the decision is evaluated in this test from the document, as EFS documents it: with a policy
in place a request is allowed only when a statement allows it and none denies it (an explicit Deny wins). Plain
NFS requests carry no IAM identity (anonymous, matched only by Principal "*"); efs-utils' iam option signs the
mount with the instance role; aws:SecureTransport is true only for efs-utils' tls mounts;
elasticfilesystem:AccessPointArn is set when the mount names an access point. The conditions below are the only
operators the policies use; any other one fails the evaluation instead of being guessed.
"""

import fnmatch

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.efs_mount_options import efs_client_policy

FS_ARN = "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0"
AP_ARN = "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123456789abcdef0"
OTHER_AP_ARN = "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0fedcba98765432100"
CONTROLLER = "arn:aws:iam::123456789012:role/demo-controller"
AGENT = "arn:aws:iam::123456789012:role/demo-agent"
ANONYMOUS = None
MOUNT, WRITE, ROOT = ("elasticfilesystem:Client" + a for a in ("Mount", "Write", "RootAccess"))


def _list(value):
    return value if isinstance(value, list) else [value]


def _principal_matches(principal, caller):
    if principal == "*":
        return True
    aws = _list(principal.get("AWS", []))
    return "*" in aws or (caller is not None and caller in aws)


def _condition_holds(operator, key, expected, context):
    if operator == "Bool":
        return str(context.get(key, "")).lower() == str(expected).lower()
    if operator == "StringEquals":
        return context.get(key) in _list(expected)
    raise AssertionError(f"condition operator {operator} is not modelled")


def allowed(policy, caller, action, context, resource=FS_ARN):
    decision = False
    for stmt in _list(policy["Statement"]):
        if not _principal_matches(stmt["Principal"], caller):
            continue
        if not any(fnmatch.fnmatchcase(action, a) for a in _list(stmt["Action"])):
            continue
        if not any(fnmatch.fnmatchcase(resource, r) for r in _list(stmt["Resource"])):
            continue
        if all(
            _condition_holds(op, key, value, context)
            for op, pairs in stmt.get("Condition", {}).items()
            for key, value in pairs.items()
        ):
            if stmt["Effect"] == "Deny":
                return False
            decision = True
    return decision


def mount(tls, via_mount_target=True, access_point=None):
    context = {"aws:SecureTransport": "true" if tls else "false"}
    context["elasticfilesystem:AccessedViaMountTarget"] = "true" if via_mount_target else "false"
    if access_point:
        context["elasticfilesystem:AccessPointArn"] = access_point
    return context


TLS_POLICY = efs_client_policy(FS_ARN, True, controller_role_arn=CONTROLLER, access_point_arn=AP_ARN)
NFS_POLICY = efs_client_policy(FS_ARN, False, controller_role_arn=CONTROLLER)

CASES = [
    # TLS+IAM: the controller, through a mount target and its access point, mounts and writes; no root anywhere.
    (TLS_POLICY, CONTROLLER, MOUNT, mount(True, access_point=AP_ARN), True),
    (TLS_POLICY, CONTROLLER, WRITE, mount(True, access_point=AP_ARN), True),
    (TLS_POLICY, CONTROLLER, ROOT, mount(True, access_point=AP_ARN), False),
    (TLS_POLICY, CONTROLLER, MOUNT, mount(True), False),  # the file system's top directory, past the access point
    (TLS_POLICY, CONTROLLER, MOUNT, mount(True, access_point=OTHER_AP_ARN), False),
    (TLS_POLICY, CONTROLLER, MOUNT, mount(False, access_point=AP_ARN), False),  # no TLS
    (TLS_POLICY, CONTROLLER, MOUNT, mount(True, via_mount_target=False, access_point=AP_ARN), False),
    (TLS_POLICY, AGENT, MOUNT, mount(True, access_point=AP_ARN), False),  # build code's role
    (TLS_POLICY, ANONYMOUS, MOUNT, mount(True, access_point=AP_ARN), False),  # tls without iam
    (TLS_POLICY, ANONYMOUS, MOUNT, mount(False), False),  # plain NFS
    # Plain NFS: anonymous by nature; only through a mount target (the EFS security group decides who reaches one).
    (NFS_POLICY, ANONYMOUS, MOUNT, mount(False), True),
    (NFS_POLICY, ANONYMOUS, WRITE, mount(False), True),
    (NFS_POLICY, ANONYMOUS, ROOT, mount(False), True),  # the first boot creates /jenkins-home in the root-owned top
    (NFS_POLICY, ANONYMOUS, MOUNT, mount(False, via_mount_target=False), False),
    (NFS_POLICY, ANONYMOUS, ROOT, mount(False, via_mount_target=False), False),
]


@pytest.mark.parametrize("policy, caller, action, context, expected", CASES)
def test_what_each_client_may_do(policy, caller, action, context, expected):
    assert allowed(policy, caller, action, context) is expected


def test_nothing_but_the_client_actions_is_granted():
    for policy in (TLS_POLICY, NFS_POLICY):
        granted = {a for s in policy["Statement"] if s["Effect"] == "Allow" for a in _list(s["Action"])}
        assert granted <= {MOUNT, WRITE, ROOT}


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((FS_ARN, True), {"controller_role_arn": CONTROLLER}, "needs the access point ARN"),
        ((FS_ARN, True), {"controller_role_arn": CONTROLLER, "access_point_arn": ""}, "needs the access point ARN"),
        (("", False), {"controller_role_arn": CONTROLLER}, "needs the file system ARN"),
        ((FS_ARN, False), {"controller_role_arn": "demo-controller"}, "needs the controller role ARN"),
    ],
)
def test_refuses_missing_arns(args, kwargs, message):
    with pytest.raises(AnsibleFilterError, match=message):
        efs_client_policy(*args, **kwargs)
