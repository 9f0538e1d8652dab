"""SSM parameter calls are authorized against the parameter's ARN, as AWS does, when IAM enforcement is on.

Stock moto checks every SSM request against the resource ``"*"`` (SimpleSystemManagerResponse names no resource),
so with INITIAL_NO_AUTH_ACTION_COUNT set a role whose policy allows ``ssm:GetParameter`` on
``arn:aws:ssm:<region>:<account>:parameter/jenkins-ha/demo/keys/ssh-public-key`` is denied even that parameter,
while only ``Resource: "*"`` (every parameter of the account) passes: least-privilege policies cannot be tested.
The patch names the ARN of each parameter the call reads or writes
(``arn:<partition>:ssm:<region>:<account>:parameter/<name without its leading slash>``; a version or label selector
``name:3`` is not part of it; GetParametersByPath is authorized on the path) and checks every one, so GetParameters
with one parameter the caller may not read is denied as a whole. Without enforcement nothing changes.
"""

from __future__ import annotations

from ._iam import as_list, authorize_each
from ._util import Patcher

GAP = "SSM requests are authorized against Resource '*': an Allow scoped to a parameter ARN is denied"
MOTO_VERSION = "5.2.5"

# Action -> request members naming parameters (Name/Names) or the path of GetParametersByPath.
PARAMETER_MEMBERS = {
    "GetParameter": "Name",
    "GetParameters": "Names",
    "GetParametersByPath": "Path",
    "GetParameterHistory": "Name",
    "PutParameter": "Name",
    "DeleteParameter": "Name",
    "DeleteParameters": "Names",
    "LabelParameterVersion": "Name",
    "UnlabelParameterVersion": "Name",
}

_patcher = Patcher()


def parameter_arn(response, name):
    if name.startswith("arn:"):
        return name
    # A version or label selector (name:3, name:label) addresses the same parameter.
    bare = name.split(":", 1)[0]
    return "arn:{0}:ssm:{1}:{2}:parameter/{3}".format(
        response.partition, response.region, response.current_account, bare.lstrip("/")
    )


def resources_of(response):
    member = PARAMETER_MEMBERS.get(response._get_action())
    if member is None:
        return []
    return [parameter_arn(response, name) for name in as_list(response._get_param(member)) if name]


def apply():
    if _patcher.active:
        return
    from moto.ssm.responses import SimpleSystemManagerResponse

    _patcher.setattr(
        SimpleSystemManagerResponse, "_authenticate_and_authorize_normal_action", authorize_each(resources_of)
    )
    _patcher.active = True


def remove():
    _patcher.restore()
