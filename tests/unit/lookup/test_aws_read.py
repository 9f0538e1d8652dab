"""The aws_read lookup against in-process moto: the same keys as the amazon.aws info modules, tags as dicts at any
depth, all pages, and no write calls."""

import boto3
import pytest
from botocore.stub import Stubber
from ansible.errors import AnsibleLookupError
from ansible.template import Templar

from ansible_collections.jenkins_ha.aws.plugins.lookup.aws_read import LookupModule
from ansible_collections.jenkins_ha.aws.plugins.module_utils._read import is_read_operation, read
from tests.unit.modules.helpers import REGION, in_process_moto


def lookup(*terms, **options):
    return LookupModule(loader=None, templar=Templar(loader=None)).run(list(terms), {}, region=REGION, **options)


@pytest.fixture
def ec2(monkeypatch):
    with in_process_moto(monkeypatch) as client:
        yield client("ec2")


def test_subnets_read_like_ec2_vpc_subnet_info(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    tags = [{"Key": "Name", "Value": "demo-public-a"}, {"Key": "jenkins-ha:stack", "Value": "demo"}]
    ec2.create_subnet(
        VpcId=vpc,
        CidrBlock="10.9.1.0/24",
        AvailabilityZone=REGION + "a",
        TagSpecifications=[{"ResourceType": "subnet", "Tags": tags}],
    )
    [subnet] = lookup(
        "ec2",
        "describe_subnets",
        result_key="subnets",
        parameters={"Filters": [{"Name": "vpc-id", "Values": [vpc]}]},
    )[0]
    assert subnet["cidr_block"] == "10.9.1.0/24"
    assert subnet["availability_zone"] == REGION + "a"
    assert subnet["subnet_id"].startswith("subnet-")
    # Tag keys keep their case; the rest is snake_case.
    assert subnet["tags"] == {"Name": "demo-public-a", "jenkins-ha:stack": "demo"}


def test_nested_tags_and_the_whole_result(ec2):
    ec2.run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Role", "Value": "x"}]}],
    )
    result = lookup("ec2", "describe_instances")[0]
    assert "response_metadata" not in result
    assert result["reservations"][0]["instances"][0]["tags"] == {"Role": "x"}


def test_all_pages_are_read():
    # moto ignores MaxResults, so two pages are stubbed: the second is read only when NextToken is followed.
    client = boto3.client("ec2", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        stubber.add_response("describe_security_groups", {"SecurityGroups": [{"GroupId": "sg-1"}], "NextToken": "t"})
        stubber.add_response("describe_security_groups", {"SecurityGroups": [{"GroupId": "sg-2"}]}, {"NextToken": "t"})
        result = read(client, "describe_security_groups")
    assert [group["group_id"] for group in result["security_groups"]] == ["sg-1", "sg-2"]


def test_an_absent_result_key_is_an_empty_list(ec2):
    assert lookup("sts", "get_caller_identity", result_key="nothing") == [[]]
    assert lookup("sts", "get_caller_identity")[0]["account"] == "123456789012"


@pytest.mark.parametrize("operation", ["create_vpc", "delete_subnet", "run_instances", "describe", "get", "Describe_x"])
def test_write_calls_are_refused(ec2, operation):
    assert not is_read_operation(operation)
    with pytest.raises(AnsibleLookupError, match="read calls only"):
        lookup("ec2", operation)


def test_bad_terms_and_unknown_operations_fail_clearly(ec2):
    with pytest.raises(AnsibleLookupError, match="two terms"):
        lookup("ec2")
    with pytest.raises(AnsibleLookupError, match="has no operation"):
        lookup("ec2", "describe_nothing_at_all")
    with pytest.raises(AnsibleLookupError, match="failed"):
        lookup("ec2", "describe_subnets", parameters={"SubnetIds": ["subnet-00000000"]})


def test_tags_returned_as_a_map_keep_their_keys(monkeypatch):
    with in_process_moto(monkeypatch) as client:
        client("logs").create_log_group(
            logGroupName="/jenkins-ha/demo/x", tags={"Name": "x", "jenkins-ha:stack": "demo"}
        )
        tags = lookup(
            "logs", "list_tags_log_group", result_key="tags", parameters={"logGroupName": "/jenkins-ha/demo/x"}
        )
        groups = lookup("logs", "describe_log_groups", result_key="log_groups")[0]
    assert tags == [{"Name": "x", "jenkins-ha:stack": "demo"}]
    assert groups[0]["log_group_name"] == "/jenkins-ha/demo/x"
