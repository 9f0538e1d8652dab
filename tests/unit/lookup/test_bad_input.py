"""The lookups with bad input (wrong terms, wrong option types, unknown services and operations, malformed
parameters) and run by an identity AWS refuses: an AnsibleLookupError naming the problem, never a traceback, and no
write call. Every AWS call here is refused (tests/unit/bad_input/helpers.py), so a case that reaches AWS shows it."""

import pytest
from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.template import Templar

from ansible_collections.jenkins_ha.aws.plugins.lookup import aws_read
from ansible_collections.jenkins_ha.aws.plugins.lookup import iam_roles
from tests.unit.bad_input.helpers import READ_PREFIXES, refuse_every_call
from tests.unit.modules.helpers import REGION


@pytest.fixture
def denied(monkeypatch):
    yield from refuse_every_call(monkeypatch)


def run(plugin, terms, **options):
    return plugin.LookupModule(loader=None, templar=Templar(loader=None)).run(terms, {}, region=REGION, **options)


# (plugin, terms, options, message, the AWS calls it may make)
CASES = [
    ("aws_read no terms", aws_read, [], {}, "two terms", []),
    ("aws_read one term", aws_read, ["ec2"], {}, "two terms", []),
    ("aws_read three terms", aws_read, ["ec2", "describe_vpcs", "x"], {}, "two terms", []),
    ("aws_read term not a string", aws_read, ["ec2", ["describe_vpcs"]], {}, "two terms", []),
    ("aws_read a write", aws_read, ["ec2", "create_vpc"], {}, "read calls only", []),
    ("aws_read CamelCase", aws_read, ["ec2", "DescribeVpcs"], {}, "read calls only", []),
    ("aws_read unknown operation", aws_read, ["ec2", "describe_vpcz"], {}, "ec2 has no operation 'describe_vpcz'", []),
    ("aws_read unknown service", aws_read, ["ec3", "describe_vpcs"], {}, "ec3", []),
    ("aws_read parameters a list", aws_read, ["ec2", "describe_vpcs"], {"parameters": ["VpcIds"]}, "parameters", []),
    (
        "aws_read unknown parameter",
        aws_read,
        ["ec2", "describe_vpcs"],
        {"parameters": {"VpcId": "vpc-1"}},
        'Unknown parameter in input: "VpcId"',
        [],
    ),
    (
        "aws_read parameter of the wrong type",
        aws_read,
        ["ec2", "describe_vpcs"],
        {"parameters": {"VpcIds": "vpc-1"}},
        "Invalid type for parameter VpcIds",
        [],
    ),
    ("aws_read result_key a list", aws_read, ["sts", "get_caller_identity"], {"result_key": ["a"]}, "result_key", []),
    (
        "aws_read without permission",
        aws_read,
        ["ec2", "describe_vpcs"],
        {},
        "aws_read ec2.describe_vpcs failed.*UnauthorizedOperation.*not authorized",
        ["DescribeVpcs"],
    ),
    ("iam_roles a number", iam_roles, [42], {}, "role names", []),
    ("iam_roles an empty name", iam_roles, [""], {}, "role names", []),
    ("iam_roles a dict", iam_roles, [{"name": "x"}], {}, "role names", []),
    (
        "iam_roles without permission",
        iam_roles,
        ["demo-controller", "demo-agent"],
        {},
        "Failed to describe IAM roles demo-controller, demo-agent.*AccessDenied.*not authorized",
        ["GetRole"],
    ),
]


@pytest.mark.parametrize("plugin, terms, options, message, calls", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_a_clear_lookup_error(denied, plugin, terms, options, message, calls):
    with pytest.raises(AnsibleError, match=message) as error:
        run(plugin, terms, **options)
    # An option of the wrong type is refused by the option machinery (AnsibleError); the rest by the lookup.
    assert isinstance(error.value, AnsibleLookupError) or "result_key" in message or "parameters" in message
    assert denied == calls
    assert all(call.startswith(READ_PREFIXES) for call in denied)
