"""VPC flow log module_utils against in-process moto."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils import _flow_logs as fl


@pytest.fixture
def ec2(aws):
    return aws("ec2")


@pytest.fixture
def vpcs(ec2):
    return [ec2.create_vpc(CidrBlock="10.{0}.0.0/16".format(i))["Vpc"]["VpcId"] for i in (1, 2)]


PARAMS = dict(
    resource_type="VPC",
    traffic_type="ALL",
    log_destination_type="cloud-watch-logs",
    log_group_name="/flow",
    log_destination=None,
    deliver_logs_permission_arn="arn:aws:iam::123456789012:role/flow",
    log_format=None,
    max_aggregation_interval=60,
)


def test_create_describe_tag_delete(ec2, vpcs):
    ids = fl.create_flow_logs(ec2, **fl.create_params(PARAMS, vpcs, {"a": "1"}))
    assert len(ids) == 2
    found = fl.describe_flow_logs(ec2, vpcs[:1])
    assert [f["ResourceId"] for f in found] == vpcs[:1]
    assert fl.flow_log_view(found[0])["tags"] == {"a": "1"}
    assert fl.same_destination(found[0], PARAMS)

    fl.tag_flow_log(ec2, found[0]["FlowLogId"], {"b": "2"})
    fl.untag_flow_log(ec2, found[0]["FlowLogId"], ["a"])
    assert fl.flow_log_view(fl.describe_flow_logs(ec2, vpcs[:1])[0])["tags"] == {"b": "2"}

    assert fl.delete_flow_logs(ec2, ids) is True
    assert fl.describe_flow_logs(ec2, vpcs) == []


def test_unsuccessful_creation_raises(ec2, vpcs):
    params = dict(PARAMS, log_destination_type="s3", log_group_name=None, log_destination="arn:aws:s3:::missing")
    with pytest.raises(fl.AnsibleFlowLogError, match="missing"):
        fl.create_flow_logs(ec2, **fl.create_params(params, vpcs[:1], {}))


def test_delete_missing_flow_log_is_not_an_error(ec2, vpcs):
    assert fl.delete_flow_logs(ec2, ["fl-0123456789abcdef0"]) is False


def test_a_retried_create_meets_its_own_flow_log_and_is_taken_as_done(ec2, vpcs):
    """The fault test's lost response: the first CreateFlowLogs was applied, the retry answers FlowLogAlreadyExists."""
    args = fl.create_params(PARAMS, vpcs[:1], {"a": "1"})
    first = fl.create_flow_logs(ec2, ClientToken="token-1", **args)
    assert len(first) == 1
    assert fl.create_flow_logs(ec2, ClientToken="token-1", **args) == []
    assert [f["FlowLogId"] for f in fl.describe_flow_logs(ec2, vpcs[:1])] == first
