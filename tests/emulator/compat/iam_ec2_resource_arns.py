"""EC2 tagging and instance-state calls are authorized against their resources' ARNs, as AWS does, when IAM
enforcement is on.

Stock moto checks every EC2 request against the resource ``"*"``, so with INITIAL_NO_AUTH_ACTION_COUNT set a role
allowed ``ec2:CreateTags`` on ``arn:aws:ec2:<region>:<account>:instance/*`` is denied, and only an Allow on ``"*"``
(every taggable resource of the account: security groups, route tables, AMIs...) passes. The patch names the ARN of
every resource of CreateTags/DeleteTags (``Resources``) and of Terminate/Stop/Start/RebootInstances
(``InstanceIds``), from the id's prefix (``i-`` -> ``instance/``, ``sg-`` -> ``security-group/``, ``ami-`` ->
``image/`` without an account, ...), and checks each of them. An id of an unknown kind keeps ``"*"``. Without
enforcement nothing changes.
"""

from __future__ import annotations

from ._iam import as_list, authorize_each
from ._util import Patcher

GAP = "EC2 requests are authorized against Resource '*': an Allow scoped to instance ARNs is denied"
MOTO_VERSION = "5.2.5"

# Id prefix -> (resource type in the ARN, whether the ARN carries the account; AMIs and snapshots do not).
RESOURCE_TYPES = {
    "i": ("instance", True),
    "vol": ("volume", True),
    "snap": ("snapshot", False),
    "ami": ("image", False),
    "sg": ("security-group", True),
    "subnet": ("subnet", True),
    "vpc": ("vpc", True),
    "eni": ("network-interface", True),
    "igw": ("internet-gateway", True),
    "rtb": ("route-table", True),
    "nat": ("natgateway", True),
    "lt": ("launch-template", True),
    "eipalloc": ("elastic-ip", True),
    "fl": ("vpc-flow-log", True),
    "acl": ("network-acl", True),
    "key": ("key-pair", True),
}
BY_MEMBER = {
    "CreateTags": "Resources",
    "DeleteTags": "Resources",
    "TerminateInstances": "InstanceIds",
    "StopInstances": "InstanceIds",
    "StartInstances": "InstanceIds",
    "RebootInstances": "InstanceIds",
}

_patcher = Patcher()


def resource_arn(response, resource_id):
    kind = RESOURCE_TYPES.get(resource_id.split("-", 1)[0])
    if kind is None:
        return "*"
    resource_type, with_account = kind
    return "arn:{0}:ec2:{1}:{2}:{3}/{4}".format(
        response.partition,
        response.region,
        response.current_account if with_account else "",
        resource_type,
        resource_id,
    )


def resources_of(response):
    member = BY_MEMBER.get(response._get_action())
    if member is None:
        return []
    return [resource_arn(response, resource_id) for resource_id in as_list(response._get_param(member, []))]


def apply():
    if _patcher.active:
        return
    from moto.ec2.responses import EC2Response

    _patcher.setattr(EC2Response, "_authenticate_and_authorize_normal_action", authorize_each(resources_of))
    _patcher.active = True


def remove():
    _patcher.restore()
