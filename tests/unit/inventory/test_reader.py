"""The DescribeInstances reader gives exactly what botocore's decoding + hostvars.build_hostvars() give.

Every case is compared with botocore's own EC2 parser on the same body, order-sensitively (json.dumps without
sort_keys), so a key, a type (16 vs "16"), an empty element or the order of keys that differs fails.
"""

from __future__ import annotations

import json

import botocore.session
import pytest
from botocore import parsers

from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import hostvars
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import reader

MODEL = botocore.session.get_session().get_service_model("ec2")
OUTPUT = MODEL.operation_model("DescribeInstances").output_shape
NAMESPACE = ' xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"'


def body(*reservations, namespace=NAMESPACE, next_token=None):
    """A DescribeInstances response; each reservation is a list of instance element contents."""
    items = "".join(
        "<item><reservationId>r-{0}</reservationId><ownerId>123456789012</ownerId><groupSet/>"
        "<instancesSet>{1}</instancesSet></item>".format(n, "".join("<item>{0}</item>".format(i) for i in instances))
        for n, instances in enumerate(reservations)
    )
    token = "<nextToken>{0}</nextToken>".format(next_token) if next_token else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse{0}><requestId>req-1</requestId>'
        "<reservationSet>{1}</reservationSet>{2}</DescribeInstancesResponse>".format(namespace, items, token)
    ).encode("utf-8")


def botocore_hostvars(raw):
    parsed = parsers.create_parser("ec2").parse({"body": raw, "headers": {}, "status_code": 200}, OUTPUT)
    return [hostvars.build_hostvars(i) for r in parsed["Reservations"] for i in r["Instances"]]


def same(ours, theirs):
    assert json.dumps(ours) == json.dumps(theirs)


FULL = (
    "<instanceId>i-1</instanceId><imageId>ami-1</imageId><instanceState><code>16</code><name>running</name>"
    "</instanceState><privateDnsName>ip-10-0-0-5.ec2.internal</privateDnsName><dnsName>ec2-1.compute.amazonaws.com"
    "</dnsName><reason/><keyName>admin</keyName><amiLaunchIndex>0</amiLaunchIndex><productCodes/>"
    "<instanceType>m5.large</instanceType><launchTime>2026-01-02T03:04:05.123Z</launchTime>"
    "<placement><availabilityZoneId>use1-az2</availabilityZoneId><groupName/><partitionNumber>3</partitionNumber>"
    "<tenancy>default</tenancy><availabilityZone>us-east-1b</availabilityZone></placement>"
    "<platform>windows</platform><monitoring><state>disabled</state></monitoring><subnetId>subnet-1</subnetId>"
    "<vpcId>vpc-1</vpcId><privateIpAddress>10.0.0.5</privateIpAddress><ipAddress>54.1.2.3</ipAddress>"
    "<sourceDestCheck>true</sourceDestCheck><groupSet><item><groupId>sg-1</groupId><groupName>default</groupName>"
    "</item><item><groupId>sg-2</groupId></item></groupSet><architecture>arm64</architecture>"
    "<rootDeviceType>ebs</rootDeviceType><blockDeviceMapping><item><deviceName>/dev/xvda</deviceName></item>"
    "</blockDeviceMapping><instanceLifecycle>spot</instanceLifecycle><iamInstanceProfile>"
    "<arn>arn:aws:iam::123456789012:instance-profile/agent</arn><id>AIPA1</id></iamInstanceProfile>"
    "<networkInterfaceSet><item><privateIpAddress>10.0.0.5</privateIpAddress><groupSet><item><groupId>sg-9"
    "</groupId></item></groupSet></item></networkInterfaceSet><tagSet><item><key>Name</key><value>a &amp; b &lt;c&gt;"
    "</value></item><item><key>empty</key><value/></item><item><key>jenkins-ha:stack</key><value>pr\u00f6d</value>"
    "</item></tagSet><stateReason><code>x</code><message>y</message></stateReason><somethingNew>1</somethingNew>"
)
MINIMAL = "<instanceId>i-2</instanceId>"
EMPTY_ELEMENTS = (
    "<instanceId>i-3</instanceId><privateIpAddress/><keyName/><groupSet/><tagSet/><placement/><instanceState/>"
    "<iamInstanceProfile/>"
)


@pytest.mark.parametrize(
    "raw",
    [
        body([FULL]),
        body([MINIMAL]),
        body([EMPTY_ELEMENTS]),
        body([FULL, MINIMAL], [EMPTY_ELEMENTS], []),
        body([FULL, EMPTY_ELEMENTS], namespace=""),
        body(),
    ],
    ids=["full", "minimal", "empty-elements", "reservations", "no-namespace", "none"],
)
def test_reader_matches_botocore_and_build_hostvars(raw):
    same(reader.InstanceReader(MODEL).read(raw), botocore_hostvars(raw))


@pytest.mark.parametrize(
    "launch_time",
    [
        "2026-01-02T03:04:05.000Z",
        "2026-01-02T03:04:05Z",
        "2026-01-02T03:04:05.5Z",
        "2026-01-02T03:04:05.123456Z",
        "2026-01-02T03:04:05+02:00",
        "2026-01-02T03:04:05.250-05:30",
        "Fri, 02 Jan 2026 03:04:05 GMT",
        "2026-01-02 03:04:05",
    ],
)
def test_launch_time_as_botocore_parses_it(launch_time):
    raw = body(["<instanceId>i-1</instanceId><launchTime>{0}</launchTime>".format(launch_time)])
    ours = reader.InstanceReader(MODEL).read(raw)
    same(ours, botocore_hostvars(raw))
    assert isinstance(ours[0]["launch_time"], str)


def test_page_without_reservations_keeps_next_token_for_botocore():
    raw = body([FULL], [MINIMAL], next_token="page-2")
    rest = reader.without_reservations(raw)
    parsed = parsers.create_parser("ec2").parse({"body": rest, "headers": {}, "status_code": 200}, OUTPUT)
    assert parsed["Reservations"] == []
    assert parsed["NextToken"] == "page-2"
    assert reader.without_reservations(b"<DescribeInstancesResponse/>") is None


def response(raw, status=200):
    return {"body": raw, "status_code": status, "headers": {}}


def test_handlers_read_pages_and_restart_with_a_first_page():
    fast = reader.InstanceReader(MODEL)
    fast.on_request(params={})
    first = response(body([FULL]))
    fast.on_response(response_dict=first)
    fast.on_request(params={"NextToken": "page-2"})
    fast.on_response(response_dict=response(body([MINIMAL])))
    assert [h["instance_id"] for h in fast.hostvars] == ["i-1", "i-2"]
    assert b"<reservationSet/>" in first["body"] and b"i-1" not in first["body"]
    # A retried listing starts over: the first pages are not counted twice.
    fast.on_request(params={})
    fast.on_response(response_dict=response(body([MINIMAL])))
    assert [h["instance_id"] for h in fast.hostvars] == ["i-2"]


@pytest.mark.parametrize(
    "page",
    [
        response(b"<Response><Errors><Error><Code>Throttling</Code></Errors></Response>", status=400),
        response(body([FULL])[:-40]),  # truncated: botocore reports it
        response(body(["<instanceId>i-1</instanceId><instanceState><code>x</code></instanceState>"])),
        response(b"<DescribeInstancesResponse><requestId>r</requestId></DescribeInstancesResponse>"),
    ],
    ids=["error", "truncated", "bad-integer", "no-reservation-set"],
)
def test_pages_it_cannot_read_are_left_whole_to_botocore(page):
    fast = reader.InstanceReader(MODEL)
    original = page["body"]
    fast.on_response(response_dict=page)
    assert page["body"] == original
    assert fast.hostvars == []


def test_reading_a_client_through_botocore_events(aws):
    """moto's DescribeInstances through the real client: same host variables as botocore's decoding, and the
    handlers are gone after the block."""
    ec2 = aws.client("ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.run_instances(
        ImageId=image,
        MinCount=3,
        MaxCount=3,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}],
    )
    # One with every optional field of the default schema moto fills: key, groups, profile, spot lifecycle.
    ec2.create_key_pair(KeyName="admin")
    group = ec2.create_security_group(GroupName="agents", Description="agents")["GroupId"]
    aws.client("iam").create_instance_profile(InstanceProfileName="agent")
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        KeyName="admin",
        SecurityGroupIds=[group],
        IamInstanceProfile={"Name": "agent"},
        InstanceMarketOptions={"MarketType": "spot"},
        Placement={"AvailabilityZone": "us-east-1b"},
    )
    expected = sorted(
        (hostvars.build_hostvars(i) for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]),
        key=lambda h: h["instance_id"],
    )
    with reader.reading(ec2) as fast:
        left = ec2.describe_instances()["Reservations"]
    assert left == []
    same(sorted(fast.hostvars, key=lambda h: h["instance_id"]), expected)
    rich = {"iam_instance_profile", "key_name", "instance_lifecycle", "security_groups"}
    assert [h for h in expected if rich <= set(h)], "moto filled the optional fields"
    assert sum(len(r["Instances"]) for r in ec2.describe_instances()["Reservations"]) == 4
