"""stack_cidr_checks: the CIDR findings roles/stack_config turns into messages before anything is created."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.stack_cidrs import (
    FilterModule,
    addresses_reached,
    parse_cidr,
    stack_cidr_checks,
)

SLASH_8 = 2**24


@pytest.mark.parametrize(
    "cidr, parsed",
    [
        ("10.0.0.0/16", {"net": 10 << 24, "prefix": 16}),
        ("0.0.0.0/0", {"net": 0, "prefix": 0}),
        ("192.0.2.7/32", {"net": (192 << 24) + (2 << 8) + 7, "prefix": 32}),
        ("255.255.255.255/32", {"net": 2**32 - 1, "prefix": 32}),
        # int() reads a leading zero as decimal; EC2 gets the block as written.
        ("010.0.0.0/8", {"net": 10 << 24, "prefix": 8}),
        ("10.0.0.1/16", None),  # host bits set
        ("10.0.0.0/33", None),
        ("256.0.0.0/8", None),
        ("10.0.0/8", None),
        ("10.0.0.0", None),
        ("10.0.0.0/16\n", None),
        (" 10.0.0.0/16", None),
        ("2001:db8::/32", None),
        ("bad", None),
    ],
)
def test_parse_cidr(cidr, parsed):
    assert parse_cidr(cidr) == parsed


# (admin CIDRs, addresses they reach together)
REACH = [
    ([], 0),
    (["192.0.2.10/32"], 1),
    (["192.0.2.0/24", "198.51.100.0/24"], 512),
    (["10.0.0.0/8"], SLASH_8),
    (["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24"], SLASH_8),
    (["0.0.0.0/0"], 2**32),
    (["0.0.0.0/1", "128.0.0.0/1"], 2**32),
    (["10.0.0.0/7"], 2**25),
    (["10.0.0.0/9", "11.0.0.0/9", "12.0.0.0/9"], 3 * 2**23),
    (["10.128.0.0/9", "10.0.0.0/9", "11.0.0.0/24"], SLASH_8 + 256),
    (["10.0.0.0/9", "10.0.0.0/9"], 2**23),
    (["10.0.0.0/9", "not a cidr"], 2**23),
]


@pytest.mark.parametrize("admin, addresses", REACH)
def test_admin_reach_counts_overlaps_once(admin, addresses):
    assert stack_cidr_checks("10.0.0.0/16", admin_cidrs=admin)["admin_addresses"] == addresses
    assert addresses_reached(parse_cidr(c) for c in admin if parse_cidr(c)) == addresses


VPC = "10.0.0.0/16"
# (public, private, outside_vpc, overlapping)
SUBNETS = [
    (["10.0.0.0/24", "10.0.1.0/24"], ["10.0.10.0/24", "10.0.11.0/24"], [], []),
    (["10.1.0.0/24"], ["10.0.10.0/24"], ["10.1.0.0/24"], []),
    (["10.0.0.0/15"], [], ["10.0.0.0/15"], []),  # wider than the VPC, though it contains it
    (["10.0.0.0/16"], [], [], []),  # the whole VPC is one subnet: inside
    (["10.0.0.0/24", "10.0.0.0/24"], [], [], ["10.0.0.0/24 and 10.0.0.0/24"]),
    (["10.0.0.0/23"], ["10.0.1.0/24"], [], ["10.0.0.0/23 and 10.0.1.0/24"]),
    (["10.0.0.0/24"], ["10.0.0.128/25", "10.0.1.0/24"], [], ["10.0.0.0/24 and 10.0.0.128/25"]),
    (["10.0.0.0/24", "bad"], ["10.0.1.0/24"], [], []),  # a malformed subnet is reported as invalid only
]


@pytest.mark.parametrize("public, private, outside, overlapping", SUBNETS)
def test_subnets_outside_the_vpc_and_overlapping(public, private, outside, overlapping):
    checks = stack_cidr_checks(VPC, public, private)
    assert checks["outside_vpc"] == outside
    assert checks["overlapping"] == overlapping


def test_a_malformed_vpc_reports_no_subnet_outside_it():
    checks = stack_cidr_checks("10.0.0.1/16", ["192.168.0.0/24"], [])
    assert checks["invalid"] == ["10.0.0.1/16"]
    assert checks["outside_vpc"] == []


def test_invalid_lists_each_malformed_block_once_in_order_and_the_scraper_apart():
    checks = stack_cidr_checks(
        "10.0.0.0/16", ["10.0.0.0/33", "10.0.1.0/24"], ["x"], ["10.0.0.0/33"], ["0.0.0.0/0", "y"], ["1.2.3.4", "z"]
    )
    assert checks["invalid"] == ["10.0.0.0/33", "x", "y"]
    assert checks["metrics_scraper_invalid"] == ["1.2.3.4", "z"]


def test_parsed_holds_every_well_formed_block_the_scraper_included():
    checks = stack_cidr_checks("10.0.0.0/16", [], [], [], [], ["192.0.2.0/24", "bad"])
    assert checks["parsed"] == {
        "10.0.0.0/16": {"net": 10 << 24, "prefix": 16},
        "192.0.2.0/24": {"net": (192 << 24) + (2 << 8), "prefix": 24},
    }


@pytest.mark.parametrize("argument", ["public_subnets", "private_subnets", "admin_cidrs", "alb_ingress_cidrs"])
def test_a_list_argument_given_as_a_string_is_refused(argument):
    with pytest.raises(AnsibleFilterError, match=argument + " must be a list"):
        stack_cidr_checks("10.0.0.0/16", **{argument: "10.0.0.0/24"})


def test_registered():
    assert FilterModule().filters()["stack_cidr_checks"] is stack_cidr_checks
