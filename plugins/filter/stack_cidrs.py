# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CIDR checks of a stack description: malformed blocks, subnets outside the VPC or overlapping, how much of the
internet the admin networks reach together.

roles/stack_config runs this before anything is created, so the role needs no netaddr on the controller: IPv4 blocks
are parsed here as a.b.c.d/n with zero host bits, the form the EC2 API takes for a VPC or subnet CIDR.
"""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

# Four dotted octets and a prefix; the ranges are checked after the match (leading zeros pass, as int() reads them).
_CIDR = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/(\d{1,2})")


def parse_cidr(cidr):
    """{"net": first address as an int, "prefix": n} of an IPv4 CIDR with zero host bits, or None."""
    match = _CIDR.fullmatch(cidr)
    if not match:
        return None
    octets = [int(part) for part in match.groups()[:4]]
    prefix = int(match.group(5))
    net = (octets[0] << 24) + (octets[1] << 16) + (octets[2] << 8) + octets[3]
    if max(octets) > 255 or prefix > 32 or net % (1 << (32 - prefix)):
        return None
    return {"net": net, "prefix": prefix}


def addresses_reached(blocks):
    """How many addresses the parsed blocks reach together, overlaps counted once: a set of CIDRs is as open as its
    union (0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0). CIDR blocks either nest or are disjoint, so in order of their first
    address each block adds what lies past the furthest end seen so far."""
    end = total = 0
    for block in sorted(blocks, key=lambda b: b["net"]):
        stop = block["net"] + (1 << (32 - block["prefix"]))
        if stop > end:
            total += stop - max(block["net"], end)
            end = stop
    return total


def _strings(value, what):
    if not isinstance(value, (list, tuple)):
        raise AnsibleFilterError(
            "stack_cidr_checks: {0} must be a list of CIDRs, got {1}".format(what, type(value).__name__)
        )
    return [str(item) for item in value]


def _unique(items):
    return list(dict.fromkeys(items))


def stack_cidr_checks(
    vpc_cidr, public_subnets=(), private_subnets=(), admin_cidrs=(), alb_ingress_cidrs=(), scraper_cidrs=()
):
    """{invalid, outside_vpc, overlapping, admin_addresses, metrics_scraper_invalid, parsed} of a stack description.

    ``invalid`` lists the malformed blocks of every list but the scraper's, which ``metrics_scraper_invalid`` names
    apart so the message can name its variable; ``parsed`` maps each well-formed block to {"net", "prefix"}.
    """
    vpc = str(vpc_cidr)
    subnets = _strings(public_subnets, "public_subnets") + _strings(private_subnets, "private_subnets")
    admin = _strings(admin_cidrs, "admin_cidrs")
    cidrs = [vpc] + subnets + admin + _strings(alb_ingress_cidrs, "alb_ingress_cidrs")
    scraper = _strings(scraper_cidrs, "scraper_cidrs")

    parsed = {}
    for cidr in _unique(cidrs + scraper):
        block = parse_cidr(cidr)
        if block is not None:
            parsed[cidr] = block

    well_formed = [subnet for subnet in subnets if subnet in parsed]
    outside = []
    if vpc in parsed:
        vpc_block = parsed[vpc]
        size = 1 << (32 - vpc_block["prefix"])
        for subnet in well_formed:
            block = parsed[subnet]
            if block["prefix"] < vpc_block["prefix"] or block["net"] // size != vpc_block["net"] // size:
                outside.append(subnet)

    # A subnet listed twice overlaps itself: the pair is reported (the description would create it twice).
    overlapping = []
    for index, first in enumerate(well_formed):
        for second in well_formed[index + 1 :]:
            size = 1 << (32 - min(parsed[first]["prefix"], parsed[second]["prefix"]))
            if parsed[first]["net"] // size == parsed[second]["net"] // size:
                overlapping.append("{0} and {1}".format(first, second))

    return {
        "invalid": _unique(cidr for cidr in cidrs if cidr not in parsed),
        "outside_vpc": outside,
        "overlapping": overlapping,
        "admin_addresses": addresses_reached(parsed[cidr] for cidr in _unique(admin) if cidr in parsed),
        "metrics_scraper_invalid": _unique(cidr for cidr in scraper if cidr not in parsed),
        "parsed": parsed,
    }


class FilterModule:
    def filters(self):
        return {"stack_cidr_checks": stack_cidr_checks}
