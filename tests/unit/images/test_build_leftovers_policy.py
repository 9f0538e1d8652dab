"""docs/iam/image-build-leftovers.json, the statements the runner of images.yml and destroy.yml needs to remove what
killed builds left: parliament finds nothing in it, it grants exactly the EC2 actions the modules document, and
evaluated request by request it allows a stack's own build leftovers and refuses another stack's and anyone
else's (tests/integration/iam_evaluation.py: moto evaluates neither conditions nor a document never provisioned)."""

import json
import re

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import leftovers as lo
from ansible_collections.jenkins_ha.aws.plugins.modules import image_build_leftovers, packer_build
from tests.integration.harness import ROOT
from tests.integration.iam_analyser import Policy, analyse
from tests.integration.iam_evaluation import evaluate

DOCUMENT = ROOT / "docs" / "iam" / "image-build-leftovers.json"
ARN = "arn:aws:ec2:us-east-1:123456789012:"
VPC = ARN + "vpc/vpc-0b0b0b0b0b0b0b0b0"


def policy():
    text = DOCUMENT.read_text()
    for placeholder, value in (
        ("<region>", "us-east-1"),
        ("<account>", "123456789012"),
        ("<stack>", "demo"),
        ("<build-vpc-id>", "vpc-0b0b0b0b0b0b0b0b0"),
    ):
        text = text.replace(placeholder, value)
    assert "<" not in text, "a placeholder the test does not fill"
    return json.loads(text)


def key_pair(stack, role):
    build = lo.Build(stack, role, 3600, host="builder", pid=1, start="1")
    return ARN + "key-pair/" + build.key_pair_name()


def stack_tag(stack):
    return {"aws:ResourceTag/" + lo.TAG_STACK: stack}


# (case, action, resource, request context) -> allowed?
REQUESTS = [
    ("find the build instances", "ec2:DescribeInstances", "*", {}, True),
    ("find the key pairs", "ec2:DescribeKeyPairs", "*", {}, True),
    ("find the groups", "ec2:DescribeSecurityGroups", "*", {}, True),
    ("terminate the stack's build", "ec2:TerminateInstances", ARN + "instance/i-1", stack_tag("demo"), True),
    ("terminate another stack's build", "ec2:TerminateInstances", ARN + "instance/i-1", stack_tag("demo-2"), False),
    ("terminate an untagged instance", "ec2:TerminateInstances", ARN + "instance/i-1", {}, False),
    ("delete the stack's agent build key", "ec2:DeleteKeyPair", key_pair("demo", "agent"), {}, True),
    ("delete the stack's controller build key", "ec2:DeleteKeyPair", key_pair("demo", "controller"), {}, True),
    ("delete another stack's build key", "ec2:DeleteKeyPair", key_pair("other", "agent"), {}, False),
    ("delete stack demo-agent's controller key", "ec2:DeleteKeyPair", key_pair("demo-agent", "controller"), {}, False),
    ("delete the stack's own SSH key pair", "ec2:DeleteKeyPair", ARN + "key-pair/demo-jenkins", {}, False),
    ("delete a group of the build VPC", "ec2:DeleteSecurityGroup", ARN + "security-group/sg-1", {"ec2:Vpc": VPC}, True),
    (
        "delete a group of another VPC",
        "ec2:DeleteSecurityGroup",
        ARN + "security-group/sg-1",
        {"ec2:Vpc": ARN + "vpc/vpc-0a0a0a0a0a0a0a0a0"},
        False,
    ),
    ("anything else", "ec2:RunInstances", ARN + "instance/*", stack_tag("demo"), False),
]


@pytest.mark.parametrize("case, action, resource, context, allowed", REQUESTS, ids=[row[0] for row in REQUESTS])
def test_the_statements_allow_the_stacks_leftovers_only(case, action, resource, context, allowed):
    assert evaluate([policy()], action, resource, context) is allowed, case


def test_parliament_finds_nothing():
    document = policy()
    assert analyse([Policy("image-build-leftovers", "identity", ARN + "role/runner", document)]) == []


@pytest.mark.parametrize("module", [image_build_leftovers, packer_build])
def test_the_document_grants_what_the_modules_notes_name(module):
    granted = set()
    for statement in policy()["Statement"]:
        actions = statement["Action"]
        granted.update([actions] if isinstance(actions, str) else actions)
    named = set(re.findall(r"C\((ec2:[A-Za-z]+)\)", module.DOCUMENTATION)) - {"ec2:DescribeImages"}
    assert named == granted
