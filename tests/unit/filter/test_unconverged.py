"""unconverged_*: a converged resource leaves the loop, every kind of drift keeps it, bad input fails clearly.

The live dicts are shaped like the amazon.aws *_info modules return them (snake_case), as seen on the emulator.
"""

import copy

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged import (
    drifted_vpc_endpoints,
    FilterModule,
    unconverged_log_groups,
    unconverged_metric_alarms,
    unconverged_route_tables,
    unconverged_security_groups,
    unconverged_subnets,
)

TAGS = {"jenkins-ha:stack": "demo", "managed-by": "jenkins_ha.aws", "Name": "demo-public-us-east-1a"}

SUBNET = {
    "cidr": "10.40.0.0/24",
    "az": "us-east-1a",
    "map_public": False,
    "tags": TAGS,
    "name": "demo-public-us-east-1a",
}
LIVE_SUBNET = {
    "id": "subnet-1",
    "cidr_block": "10.40.0.0/24",
    "availability_zone": "us-east-1a",
    "map_public_ip_on_launch": False,
    "assign_ipv6_address_on_creation": False,
    "ipv6_cidr_block_association_set": [],
    "tags": dict(TAGS),
}


def drifted(live, **changes):
    live = copy.deepcopy(live)
    live.update(changes)
    return live


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {
        "drifted_vpc_endpoints",
        "unconverged_subnets",
        "unconverged_security_groups",
        "unconverged_log_groups",
        "unconverged_metric_alarms",
        "obsolete_metric_alarms",
        "unconverged_route_tables",
    }


def test_converged_subnet_needs_no_module():
    assert unconverged_subnets([SUBNET], [LIVE_SUBNET]) == []


def test_reserved_aws_tags_are_ignored():
    live = drifted(LIVE_SUBNET, tags=dict(TAGS, **{"aws:cloudformation:stack-name": "x"}))
    assert unconverged_subnets([SUBNET], [live]) == []


@pytest.mark.parametrize(
    "live",
    [
        pytest.param([], id="missing"),
        pytest.param([drifted(LIVE_SUBNET, cidr_block="10.40.9.0/24")], id="other-cidr"),
        pytest.param([drifted(LIVE_SUBNET, availability_zone="us-east-1b")], id="other-az"),
        pytest.param([drifted(LIVE_SUBNET, map_public_ip_on_launch=True)], id="maps-public-ips"),
        pytest.param([drifted(LIVE_SUBNET, assign_ipv6_address_on_creation=True)], id="ipv6-on-creation"),
        pytest.param([drifted(LIVE_SUBNET, ipv6_cidr_block_association_set=[{"ipv6_cidr_block": "::/64"}])], id="ipv6"),
        pytest.param([drifted(LIVE_SUBNET, tags=dict(TAGS, Name="renamed"))], id="tag-value"),
        pytest.param([drifted(LIVE_SUBNET, tags=dict(TAGS, extra="purged by the module"))], id="extra-tag"),
        pytest.param([drifted(LIVE_SUBNET, tags={})], id="no-tags"),
    ],
)
def test_drifted_subnet_keeps_its_item(live):
    assert unconverged_subnets([SUBNET], live) == [SUBNET]


def test_only_the_drifted_subnets_are_returned_in_input_order():
    other = dict(SUBNET, cidr="10.40.1.0/24", az="us-east-1b")
    third = dict(SUBNET, cidr="10.40.2.0/24", az="us-east-1c")
    live = [LIVE_SUBNET, drifted(LIVE_SUBNET, cidr_block="10.40.2.0/24", availability_zone="us-east-1c")]
    assert unconverged_subnets([SUBNET, other, third], live) == [other]


SG_TAGS = {"jenkins-ha:stack": "demo", "Name": "demo-controller"}
GROUP = {
    "name": "demo-controller",
    "description": "jenkins_ha demo: Jenkins controller",
    "tags": SG_TAGS,
    "rules": [
        {"proto": "tcp", "ports": [8080], "group_id": "sg-alb", "rule_desc": "Jenkins UI from the load balancer"},
        {"proto": "tcp", "ports": [22], "cidr_ip": ["10.0.0.0/8", "192.168.0.0/16"], "rule_desc": "SSH from admin"},
    ],
    "rules_egress": [{"proto": "all", "cidr_ip": "0.0.0.0/0", "rule_desc": "Internet"}],
}
LIVE_GROUP = {
    "group_name": "demo-controller",
    "group_id": "sg-controller",
    "description": "jenkins_ha demo: Jenkins controller",
    "tags": dict(SG_TAGS),
    "ip_permissions": [
        {
            "ip_protocol": "tcp",
            "from_port": 8080,
            "to_port": 8080,
            "ip_ranges": [],
            "ipv6_ranges": [],
            "prefix_list_ids": [],
            "user_id_group_pairs": [
                {"group_id": "sg-alb", "user_id": "123456789012", "description": "Jenkins UI from the load balancer"}
            ],
        },
        {
            "ip_protocol": "tcp",
            "from_port": 22,
            "to_port": 22,
            "ip_ranges": [
                {"cidr_ip": "10.0.0.0/8", "description": "SSH from admin"},
                {"cidr_ip": "192.168.0.0/16", "description": "SSH from admin"},
            ],
            "ipv6_ranges": [],
            "prefix_list_ids": [],
            "user_id_group_pairs": [],
        },
    ],
    "ip_permissions_egress": [
        {
            "ip_protocol": "-1",
            "ip_ranges": [{"cidr_ip": "0.0.0.0/0", "description": "Internet"}],
            "ipv6_ranges": [],
            "prefix_list_ids": [],
            "user_id_group_pairs": [],
        }
    ],
}


def live_group(**changes):
    return drifted(LIVE_GROUP, **changes)


def test_converged_security_group_needs_no_module():
    assert unconverged_security_groups([GROUP], [LIVE_GROUP]) == []


def test_group_without_rules_in_the_item_compares_existence_description_and_tags_only():
    item = {"name": "demo-controller", "description": GROUP["description"], "tags": SG_TAGS}
    assert unconverged_security_groups([item], [live_group(ip_permissions=[])]) == []
    assert unconverged_security_groups([item], []) == [item]
    assert unconverged_security_groups([item], [live_group(description="other")]) == [item]


def test_default_group_with_no_rules():
    item = {"name": "default", "description": "default VPC security group", "rules": [], "rules_egress": []}
    live = {
        "group_name": "default",
        "description": "default VPC security group",
        "ip_permissions": [],
        "ip_permissions_egress": [],
        "tags": {"anything": "not managed"},
    }
    assert unconverged_security_groups([item], [live]) == []
    allow_all = copy.deepcopy(LIVE_GROUP["ip_permissions_egress"])
    assert unconverged_security_groups([item], [dict(live, ip_permissions_egress=allow_all)]) == [item]


def _permission(index, **changes):
    permissions = copy.deepcopy(LIVE_GROUP["ip_permissions"])
    permissions[index].update(changes)
    return permissions


@pytest.mark.parametrize(
    "live",
    [
        pytest.param(live_group(ip_permissions=_permission(0, from_port=8081, to_port=8081)), id="port"),
        pytest.param(live_group(ip_permissions=_permission(0, ip_protocol="udp")), id="protocol"),
        pytest.param(
            live_group(
                ip_permissions=_permission(
                    0,
                    user_id_group_pairs=[{"group_id": "sg-other", "description": "Jenkins UI from the load balancer"}],
                )
            ),
            id="source-group",
        ),
        pytest.param(
            live_group(ip_permissions=_permission(0, user_id_group_pairs=[{"group_id": "sg-alb"}])),
            id="rule-description",
        ),
        pytest.param(
            live_group(
                ip_permissions=_permission(1, ip_ranges=[{"cidr_ip": "10.0.0.0/8", "description": "SSH from admin"}])
            ),
            id="cidr-removed",
        ),
        pytest.param(
            live_group(ip_permissions=LIVE_GROUP["ip_permissions"] + [LIVE_GROUP["ip_permissions_egress"][0]]),
            id="extra-open-rule",
        ),
        pytest.param(
            live_group(ip_permissions=_permission(1, ipv6_ranges=[{"cidr_ipv6": "::/0"}])), id="unmodelled-ipv6-range"
        ),
        pytest.param(live_group(ip_permissions_egress=[]), id="egress-missing"),
        pytest.param(live_group(tags=dict(SG_TAGS, extra="x")), id="extra-tag"),
        pytest.param(live_group(description="changed"), id="description"),
    ],
)
def test_drifted_security_group_keeps_its_item(live):
    assert unconverged_security_groups([GROUP], [live]) == [GROUP]


def test_rule_options_not_modelled_leave_the_decision_to_the_module():
    item = dict(GROUP, rules=[{"proto": "tcp", "ports": [80, 443], "cidr_ip": "0.0.0.0/0"}])
    assert unconverged_security_groups([item], [LIVE_GROUP]) == [item]
    item = dict(GROUP, rules=[{"proto": "tcp", "ports": [22], "group_name": "demo-alb"}])
    assert unconverged_security_groups([item], [LIVE_GROUP]) == [item]


def test_port_ranges_and_explicit_from_to():
    live = live_group(
        ip_permissions=[
            {
                "ip_protocol": "tcp",
                "from_port": 1000,
                "to_port": 2000,
                "ip_ranges": [{"cidr_ip": "10.0.0.0/8"}],
                "user_id_group_pairs": [],
            }
        ],
        ip_permissions_egress=[],
    )
    for rule in (
        {"proto": "tcp", "ports": ["1000-2000"], "cidr_ip": "10.0.0.0/8"},
        {"proto": "tcp", "from_port": "1000", "to_port": 2000, "cidr_ip": "10.0.0.0/8"},
    ):
        item = dict(GROUP, rules=[rule], rules_egress=[])
        assert unconverged_security_groups([item], [live]) == []


LOG_GROUP = {"name": "/jenkins-ha/demo/controller", "retention": "30", "kms_key_id": "arn:aws:kms:k", "tags": TAGS}
LIVE_LOG_GROUP = {
    "log_group_name": "/jenkins-ha/demo/controller",
    "retention_in_days": 30,
    "kms_key_id": "arn:aws:kms:k",
    "tags": dict(TAGS),
}


def test_converged_log_group_needs_no_module():
    assert unconverged_log_groups([LOG_GROUP], [LIVE_LOG_GROUP]) == []


@pytest.mark.parametrize(
    "live",
    [
        pytest.param([], id="missing"),
        pytest.param([drifted(LIVE_LOG_GROUP, retention_in_days=7)], id="retention"),
        pytest.param([drifted(LIVE_LOG_GROUP, retention_in_days=None)], id="never-expires"),
        pytest.param([{k: v for k, v in LIVE_LOG_GROUP.items() if k != "kms_key_id"}], id="not-encrypted"),
        pytest.param([drifted(LIVE_LOG_GROUP, tags={})], id="tags"),
    ],
)
def test_drifted_log_group_keeps_its_item(live):
    assert unconverged_log_groups([LOG_GROUP], live) == [LOG_GROUP]


ALARM = {
    "name": "demo-controller-in-service",
    "description": "jenkins_ha demo: no controller in service",
    "namespace": "AWS/AutoScaling",
    "metric_name": "GroupInServiceInstances",
    "dimensions": {"AutoScalingGroupName": "demo-controller"},
    "statistic": "Minimum",
    "comparison": "LessThanThreshold",
    "threshold": 1,
    "period": 60,
    "evaluation_periods": "5",
    "treat_missing_data": "breaching",
    "alarm_actions": ["arn:aws:sns:topic"],
    "ok_actions": ["arn:aws:sns:topic"],
}
LIVE_ALARM = {
    "actions_enabled": True,
    "alarm_actions": ["arn:aws:sns:topic"],
    "alarm_arn": "arn:aws:cloudwatch:alarm",
    "alarm_configuration_updated_timestamp": "2026-11-23T17:13:14+00:00",
    "alarm_description": "jenkins_ha demo: no controller in service",
    "alarm_name": "demo-controller-in-service",
    "comparison_operator": "LessThanThreshold",
    "dimensions": [{"name": "AutoScalingGroupName", "value": "demo-controller"}],
    "evaluation_periods": 5,
    "insufficient_data_actions": [],
    "metric_name": "GroupInServiceInstances",
    "metrics": [],
    "namespace": "AWS/AutoScaling",
    "ok_actions": ["arn:aws:sns:topic"],
    "period": 60,
    "state_reason": "Unchecked: Initial alarm creation",
    "state_value": "OK",
    "statistic": "Minimum",
    "threshold": 1.0,
    "treat_missing_data": "breaching",
}


def test_converged_alarm_needs_no_module():
    assert unconverged_metric_alarms([ALARM], [LIVE_ALARM]) == []


@pytest.mark.parametrize(
    "live",
    [
        pytest.param([], id="missing"),
        pytest.param([drifted(LIVE_ALARM, threshold=2.0)], id="threshold"),
        pytest.param([drifted(LIVE_ALARM, evaluation_periods=1)], id="periods"),
        pytest.param([drifted(LIVE_ALARM, ok_actions=[])], id="ok-actions"),
        pytest.param(
            [drifted(LIVE_ALARM, dimensions=[{"name": "AutoScalingGroupName", "value": "x"}])], id="dimension"
        ),
        pytest.param([drifted(LIVE_ALARM, treat_missing_data="missing")], id="missing-data"),
        pytest.param([drifted(LIVE_ALARM, unit="Count")], id="unit-not-asked"),
        pytest.param([drifted(LIVE_ALARM, datapoints_to_alarm=3)], id="datapoints-not-asked"),
        pytest.param([drifted(LIVE_ALARM, alarm_description="other")], id="description"),
    ],
)
def test_drifted_alarm_keeps_its_item(live):
    assert unconverged_metric_alarms([ALARM], live) == [ALARM]


def test_alarm_state_is_not_configuration():
    live = drifted(LIVE_ALARM, state_value="ALARM", state_reason="Threshold Crossed", actions_enabled=False)
    assert unconverged_metric_alarms([ALARM], [live]) == []


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: unconverged_subnets("10.0.0.0/24", []), "must be a list"),
        (lambda: unconverged_subnets([{"cidr": "10.0.0.0/24"}], []), "lacks az"),
        (lambda: unconverged_security_groups([GROUP], ["sg-1"]), "list of dicts"),
        (lambda: unconverged_log_groups([{"retention": 1}], []), "lacks name"),
        (lambda: unconverged_metric_alarms([{"name": "a"}], []), "lacks metric_name"),
    ],
)
def test_bad_input_fails_with_a_clear_message(call, message):
    with pytest.raises(AnsibleFilterError, match=message):
        call()


RT_TAGS = {"jenkins-ha:stack": "demo", "managed-by": "jenkins_ha.aws", "Name": "demo-private"}
ROUTE_TABLE = {
    "name": "demo-private",
    "tags": RT_TAGS,
    "subnets": ["subnet-a", "subnet-b"],
    "routes": [{"dest": "0.0.0.0/0", "nat_gateway_id": "nat-1"}],
}
LIVE_ROUTE_TABLE = {
    "route_table_id": "rtb-1",
    "tags": dict(RT_TAGS),
    "routes": [
        {
            "destination_cidr_block": "10.40.0.0/16",
            "gateway_id": "local",
            "origin": "CreateRouteTable",
            "state": "active",
        },
        {"destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1", "origin": "CreateRoute", "state": "active"},
        {"destination_cidr_block": "10.99.0.0/16", "gateway_id": "vgw-1", "origin": "EnableVgwRoutePropagation"},
    ],
    "associations": [
        {"main": False, "subnet_id": "subnet-a", "route_table_id": "rtb-1"},
        {"main": False, "subnet_id": "subnet-b", "route_table_id": "rtb-1"},
    ],
}
MAIN_TABLE = {"route_table_id": "rtb-main", "tags": {}, "routes": [], "associations": [{"main": True}]}


def test_converged_route_table_needs_no_module():
    # Found by its tags among the VPC's tables; the local and propagated routes are not the module's.
    assert unconverged_route_tables([ROUTE_TABLE], [MAIN_TABLE, LIVE_ROUTE_TABLE, {"tags": {"aws:x": "y"}}]) == []


@pytest.mark.parametrize(
    "live",
    [
        # the route goes elsewhere, is missing, is a blackhole, or an extra one was added by hand
        drifted(
            LIVE_ROUTE_TABLE,
            routes=[{"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1", "origin": "CreateRoute"}],
        ),
        drifted(LIVE_ROUTE_TABLE, routes=LIVE_ROUTE_TABLE["routes"][:1]),
        drifted(
            LIVE_ROUTE_TABLE,
            routes=[dict(LIVE_ROUTE_TABLE["routes"][1], state="blackhole")],
        ),
        drifted(
            LIVE_ROUTE_TABLE,
            routes=LIVE_ROUTE_TABLE["routes"]
            + [{"destination_cidr_block": "1.2.3.0/24", "gateway_id": "igw-1", "origin": "CreateRoute"}],
        ),
        # an IPv6 route the module cannot purge
        drifted(
            LIVE_ROUTE_TABLE,
            routes=LIVE_ROUTE_TABLE["routes"]
            + [{"destination_ipv6_cidr_block": "::/0", "gateway_id": "igw-1", "origin": "CreateRoute"}],
        ),
        # a subnet missing or one too many
        drifted(LIVE_ROUTE_TABLE, associations=LIVE_ROUTE_TABLE["associations"][:1]),
        drifted(
            LIVE_ROUTE_TABLE, associations=LIVE_ROUTE_TABLE["associations"] + [{"main": False, "subnet_id": "subnet-c"}]
        ),
        # a tag the module would purge, or a changed one
        drifted(LIVE_ROUTE_TABLE, tags=dict(RT_TAGS, owner="someone")),
        drifted(LIVE_ROUTE_TABLE, tags=dict(RT_TAGS, Name="other")),
    ],
)
def test_drifted_route_table_keeps_its_item(live):
    assert unconverged_route_tables([ROUTE_TABLE], [MAIN_TABLE, live]) == [ROUTE_TABLE]


def test_missing_or_ambiguous_route_table_is_left_to_the_module():
    assert unconverged_route_tables([ROUTE_TABLE], [MAIN_TABLE]) == [ROUTE_TABLE]
    assert unconverged_route_tables(
        [ROUTE_TABLE], [LIVE_ROUTE_TABLE, dict(LIVE_ROUTE_TABLE, route_table_id="rtb-2")]
    ) == [ROUTE_TABLE]


def test_public_route_through_the_internet_gateway():
    item = dict(ROUTE_TABLE, routes=[{"dest": "0.0.0.0/0", "gateway_id": "igw-1"}])
    live = drifted(
        LIVE_ROUTE_TABLE,
        routes=[
            {"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1", "origin": "CreateRoute", "state": "active"}
        ],
    )
    assert unconverged_route_tables([item], [live]) == []


def test_route_table_items_need_tags_subnets_and_routes():
    with pytest.raises(AnsibleFilterError, match="lacks subnets"):
        unconverged_route_tables([{"name": "x", "tags": {}, "routes": []}], [])


ENDPOINT = {
    "vpc_endpoint_id": "vpce-1",
    "service_name": "com.amazonaws.us-east-1.ssm",
    "private_dns_enabled": True,
    "subnet_ids": ["subnet-b", "subnet-a"],
    "groups": [{"group_id": "sg-e", "group_name": "demo-endpoints"}],
}
SERVICES = ["com.amazonaws.us-east-1.ssm", "com.amazonaws.us-east-1.ec2"]


@pytest.mark.parametrize(
    "change, drifted",
    [
        ({}, []),
        ({"private_dns_enabled": False}, ["vpce-1 (com.amazonaws.us-east-1.ssm)"]),
        ({"subnet_ids": ["subnet-a"]}, ["vpce-1 (com.amazonaws.us-east-1.ssm)"]),
        ({"groups": [{"group_id": "sg-e"}, {"group_id": "sg-x"}]}, ["vpce-1 (com.amazonaws.us-east-1.ssm)"]),
        ({"groups": []}, ["vpce-1 (com.amazonaws.us-east-1.ssm)"]),
        # An endpoint of a service the stack no longer plans is deleted, not refused.
        ({"service_name": "com.amazonaws.us-east-1.logs", "private_dns_enabled": False}, []),
    ],
)
def test_drifted_vpc_endpoints(change, drifted):
    live = [dict(ENDPOINT, **change)]
    assert drifted_vpc_endpoints(live, SERVICES, ["subnet-a", "subnet-b"], "sg-e") == drifted


def test_drifted_vpc_endpoints_refuses_a_non_list():
    with pytest.raises(AnsibleFilterError):
        drifted_vpc_endpoints({"vpc_endpoint_id": "vpce-1"}, SERVICES, [], "sg-e")
