# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The alias records of dns.yml that amazon.aws.route53 (state present, overwrite) would create or change, from the
hosted zones and record sets read in the controller with the jenkins_ha.aws.aws_read lookup.

The module finds the zone by name and privacy, the record by name (lower case, with the final dot) and type, and
changes nothing only when the record set it reads equals the one it would write, key for key; the filter compares
the same way, so any key the live record has beyond the alias (a TTL, a set identifier, health check) differs.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import tags_differ

RECORD_KEYS = ("zone", "private", "record", "type", "alias_hosted_zone_id", "value", "alias_evaluate_target_health")


def _dotted(name):
    name = str(name).lower()
    return name if name.endswith(".") else name + "."


def route53_record_zones(desired, zones):
    """The desired records, each with the ``zone_id`` (without /hostedzone/) of its zone as the module finds it: the
    first zone of that name whose privacy matches; ``''`` when there is none (the module then fails, naming it)."""
    if not isinstance(desired, list) or not isinstance(zones, list):
        raise AnsibleFilterError("route53_record_zones takes a list of records and the hosted zones (lists)")
    records = []
    for item in desired:
        if not isinstance(item, dict) or "zone" not in item or "private" not in item:
            raise AnsibleFilterError("route53_record_zones: each record needs zone and private, got {0!r}".format(item))
        found = [
            zone
            for zone in zones
            if zone.get("name") == _dotted(item["zone"])
            and bool((zone.get("config") or {}).get("private_zone", False)) == bool(item["private"])
        ]
        record = {str(key): value for key, value in item.items()}
        record["zone_id"] = found[0]["id"].replace("/hostedzone/", "") if found else ""
        records.append(record)
    return records


def unconverged_route53_records(desired, record_sets):
    """The desired alias records (zone, private, record, type, alias_hosted_zone_id, value,
    alias_evaluate_target_health, zone_id) that differ from the live record set or are missing.

    ``record_sets``: ``{zone_id: [record sets of list_resource_record_sets]}``. A record without a known zone id is
    left to the module (which fails, naming the zone).
    """
    if not isinstance(desired, list):
        raise AnsibleFilterError("unconverged_route53_records input must be a list")
    if not isinstance(record_sets, dict):
        raise AnsibleFilterError("unconverged_route53_records record sets must be a dict of zone id to record sets")
    pending = []
    for item in desired:
        if not isinstance(item, dict) or any(key not in item for key in RECORD_KEYS + ("zone_id",)):
            raise AnsibleFilterError(
                "unconverged_route53_records: each record needs {0}, got {1!r}".format(
                    ", ".join(RECORD_KEYS + ("zone_id",)), item
                )
            )
        name = _dotted(item["record"])
        live = [
            record
            for record in record_sets.get(item["zone_id"]) or []
            if str(record.get("name", "")).lower() == name and record.get("type") == item["type"]
        ]
        wanted = {
            "name": name,
            "type": item["type"],
            "alias_target": {
                "hosted_zone_id": item["alias_hosted_zone_id"],
                "dns_name": item["value"],
                "evaluate_target_health": bool(item["alias_evaluate_target_health"]),
            },
        }
        if not item["zone_id"] or not live or live[0] != wanted:
            pending.append(item)
    return pending


def unconverged_private_zone(desired, zones, details):
    """``[desired]`` when amazon.aws.route53_zone would create the private zone or change its comment or tags.

    ``desired``: zone, vpc_id, vpc_region, comment, tags. ``zones``: the ``hosted_zones`` of list_hosted_zones.
    ``details``: get_hosted_zone of the private zones of that name by zone id (without /hostedzone/), each with its
    ``tags`` (list_tags_for_resource; missing when not read). As the module does, the first private zone of the name
    associated with exactly the VPC is the stack's.
    """
    if not isinstance(desired, dict) or any(
        key not in desired for key in ("zone", "vpc_id", "vpc_region", "comment", "tags")
    ):
        raise AnsibleFilterError("unconverged_private_zone input needs zone, vpc_id, vpc_region, comment and tags")
    if not isinstance(zones, list) or not isinstance(details, dict):
        raise AnsibleFilterError("unconverged_private_zone takes the hosted zones (a list) and their details (a dict)")
    for zone in zones:
        if zone.get("name") != _dotted(desired["zone"]) or not (zone.get("config") or {}).get("private_zone"):
            continue
        detail = details.get(str(zone.get("id", "")).replace("/hostedzone/", ""))
        if not isinstance(detail, dict):
            return [desired]
        vpcs = detail.get("vpcs")
        if not isinstance(vpcs, list):
            return [desired]
        if sorted(v.get("vpc_id") for v in vpcs) != [desired["vpc_id"]] or sorted(
            v.get("vpc_region") for v in vpcs
        ) != [desired["vpc_region"]]:
            continue
        config = (detail.get("hosted_zone") or {}).get("config") or {}
        comment_differs = "comment" in config and config["comment"] != desired["comment"]
        if comment_differs or detail.get("tags") is None or tags_differ(detail["tags"], desired["tags"]):
            return [desired]
        return []
    return [desired]


class FilterModule:
    def filters(self):
        return {
            "route53_record_zones": route53_record_zones,
            "unconverged_route53_records": unconverged_route53_records,
            "unconverged_private_zone": unconverged_private_zone,
        }
