"""aws_read_shared: aws_read's results, with one client per service and connection in a process (as aws_read and the
other lookups that read AWS now do: tests/unit/plugin_utils/test_aws_lookup.py tests the cache itself)."""

import pytest
from ansible.template import Templar

from ansible_collections.amazon.aws.plugins.plugin_utils.botocore import get_aws_connection_info
from ansible_collections.amazon.aws.plugins.plugin_utils.lookup import AWSLookupBase

from ansible_collections.jenkins_ha.aws.plugins.lookup.aws_read import LookupModule as AwsRead
from ansible_collections.jenkins_ha.aws.plugins.lookup.aws_read_shared import LookupModule
from tests.unit.modules.helpers import REGION, in_process_moto


def lookup(plugin, *terms, **options):
    return plugin(loader=None, templar=Templar(loader=None)).run(list(terms), {}, **options)


@pytest.fixture
def ec2(monkeypatch):
    with in_process_moto(monkeypatch) as client:
        yield client("ec2")


@pytest.fixture
def built(monkeypatch):
    """The clients the lookups build (service, region), in order."""
    calls = []
    original = AWSLookupBase.client

    def counting(self, service, retry_decorator=None, **extra_params):
        calls.append((service, get_aws_connection_info(self)[0]))
        return original(self, service, retry_decorator=retry_decorator, **extra_params)

    monkeypatch.setattr(AWSLookupBase, "client", counting)
    return calls


def test_same_results_as_aws_read(ec2, built):
    ec2.create_vpc(CidrBlock="10.9.0.0/16")
    for operation in ("describe_vpcs", "describe_availability_zones"):
        assert lookup(LookupModule, "ec2", operation, region=REGION) == lookup(AwsRead, "ec2", operation, region=REGION)
    assert built == [("ec2", REGION)]


def test_reads_of_a_process_share_their_client(ec2, built, monkeypatch):
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    lookup(LookupModule, "ec2", "describe_vpcs", region=REGION)
    lookup(
        LookupModule,
        "ec2",
        "describe_vpc_attribute",
        region=REGION,
        parameters={"VpcId": vpc, "Attribute": "enableDnsSupport"},
    )
    lookup(AwsRead, "ec2", "describe_subnets", region=REGION)
    assert built == [("ec2", REGION)]
    lookup(LookupModule, "kms", "list_aliases", region=REGION)
    # (Outside Ansible the plugin has no documented options: the region comes from the environment.)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    lookup(LookupModule, "ec2", "describe_vpcs")
    assert built == [("ec2", REGION), ("kms", REGION), ("ec2", "eu-west-1")]
