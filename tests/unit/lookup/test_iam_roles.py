"""The iam_roles lookup and the unconverged_iam_* filters against in-process moto: what the lookup reads is what
the filters need to tell a converged role from a drifted one."""

import json

import pytest
from ansible.errors import AnsibleFilterError, AnsibleLookupError
from ansible.template import Templar

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_iam import (
    unconverged_iam_policies,
    unconverged_iam_roles,
)
from ansible_collections.jenkins_ha.aws.plugins.lookup.iam_roles import LookupModule
from tests.unit.modules.helpers import REGION, in_process_moto

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}],
}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}],
}
MANAGED = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"


def desired(**overrides):
    item = {
        "name": "demo-controller",
        "description": "jenkins_ha demo: controller",
        "assume_role_policy_document": json.dumps(TRUST),
        "managed_policy_arns": [MANAGED],
        "instance_profile": True,
        "tags": {"jenkins-ha:stack": "demo"},
        "policy_document": json.dumps(POLICY),
    }
    item.update(overrides)
    return item


def lookup(*names):
    module = LookupModule(loader=None, templar=Templar(loader=None))
    return module.run(list(names), {}, region=REGION)


@pytest.fixture
def iam(monkeypatch):
    with in_process_moto(monkeypatch) as client:
        iam = client("iam")
        iam.create_policy(PolicyName="AmazonSSMManagedInstanceCore", PolicyDocument=json.dumps(POLICY))
        yield iam


def converge(iam, item):
    """What iam_role + iam_policy leave behind for ``item``."""
    iam.create_role(
        RoleName=item["name"],
        Description=item["description"],
        AssumeRolePolicyDocument=item["assume_role_policy_document"],
        Tags=[{"Key": k, "Value": v} for k, v in item["tags"].items()],
    )
    account = iam.get_role(RoleName=item["name"])["Role"]["Arn"].split(":")[4]
    for arn in item["managed_policy_arns"]:
        # moto has no AWS managed policies; the account's own copy stands in for the ARN compare.
        iam.attach_role_policy(RoleName=item["name"], PolicyArn=arn.replace("::aws:", "::" + account + ":"))
    if item["instance_profile"]:
        iam.create_instance_profile(InstanceProfileName=item["name"])
        iam.add_role_to_instance_profile(InstanceProfileName=item["name"], RoleName=item["name"])
    iam.put_role_policy(RoleName=item["name"], PolicyName="jenkins-ha", PolicyDocument=item["policy_document"])
    return account


def test_a_missing_role_reads_as_missing_and_needs_both_modules(iam):
    live = lookup("demo-controller")
    assert live == [{"name": "demo-controller", "exists": False}]
    assert unconverged_iam_roles([desired()], live) == [desired()]
    assert unconverged_iam_policies([desired()], live, "jenkins-ha") == [desired()]


def test_a_converged_role_needs_no_module_and_each_drift_is_seen(iam):
    account = converge(iam, desired())
    item = desired(managed_policy_arns=[MANAGED.replace("::aws:", "::" + account + ":")])
    live = lookup("demo-controller")
    assert live[0]["exists"] and live[0]["inline_policies"]["jenkins-ha"] == POLICY
    assert unconverged_iam_roles([item], live) == []
    assert unconverged_iam_policies([item], live, "jenkins-ha") == []
    # The same trust policy written in another order and with a one-element list is the same policy.
    reordered = dict(TRUST, Statement=[dict(TRUST["Statement"][0], Action=["sts:AssumeRole"])])
    assert unconverged_iam_roles([dict(item, assume_role_policy_document=json.dumps(reordered))], live) == []

    iam.tag_role(RoleName="demo-controller", Tags=[{"Key": "extra", "Value": "x"}])
    assert unconverged_iam_roles([item], lookup("demo-controller")) == [item]
    iam.untag_role(RoleName="demo-controller", TagKeys=["extra"])

    iam.update_role(RoleName="demo-controller", Description="changed by hand")
    assert unconverged_iam_roles([item], lookup("demo-controller")) == [item]
    iam.update_role(RoleName="demo-controller", Description=item["description"])

    iam.detach_role_policy(RoleName="demo-controller", PolicyArn=item["managed_policy_arns"][0])
    assert unconverged_iam_roles([item], lookup("demo-controller")) == [item]
    iam.attach_role_policy(RoleName="demo-controller", PolicyArn=item["managed_policy_arns"][0])

    iam.remove_role_from_instance_profile(InstanceProfileName="demo-controller", RoleName="demo-controller")
    assert unconverged_iam_roles([item], lookup("demo-controller")) == [item]
    assert unconverged_iam_roles([dict(item, instance_profile=False)], lookup("demo-controller")) == []
    iam.add_role_to_instance_profile(InstanceProfileName="demo-controller", RoleName="demo-controller")

    wider = dict(POLICY, Statement=[dict(POLICY["Statement"][0], Action="ec2:*")])
    iam.put_role_policy(RoleName="demo-controller", PolicyName="jenkins-ha", PolicyDocument=json.dumps(wider))
    live = lookup("demo-controller")
    assert unconverged_iam_roles([item], live) == []
    assert unconverged_iam_policies([item], live, "jenkins-ha") == [item]


def test_the_trust_policy_is_compared(iam):
    account = converge(iam, desired())
    item = desired(managed_policy_arns=[MANAGED.replace("::aws:", "::" + account + ":")])
    other = dict(TRUST, Statement=[dict(TRUST["Statement"][0], Principal={"Service": "backup.amazonaws.com"})])
    assert unconverged_iam_roles([dict(item, assume_role_policy_document=json.dumps(other))], lookup(item["name"]))


def test_roles_without_an_inline_policy_are_left_out_of_the_policy_loop(iam):
    assert unconverged_iam_policies([desired(policy_document="")], lookup("demo-controller"), "jenkins-ha") == []


def test_bad_input_fails_clearly(iam):
    with pytest.raises(AnsibleLookupError, match="role names"):
        lookup("")
    with pytest.raises(AnsibleFilterError, match="lacks assume_role_policy_document"):
        unconverged_iam_roles([{"name": "x", "managed_policy_arns": []}], [])
    with pytest.raises(AnsibleFilterError, match="not a JSON policy document"):
        unconverged_iam_policies([desired(policy_document="{nope")], [], "jenkins-ha")
    with pytest.raises(AnsibleFilterError, match="inline policy name"):
        unconverged_iam_policies([desired()], [], "")
