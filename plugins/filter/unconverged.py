# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that pick, from the desired resources of a loop, those whose live state differs (or that are missing).

Every amazon.aws module call costs about a second of CPU (interpreter, boto3 and its service model), whether it
changes anything or not; a loop over eight security groups costs eight seconds on every rerun. One describe call
before the loop plus these filters leaves the loop with only the items that need the module.

The comparisons are conservative by design: anything they do not model (an IPv6 range, a prefix list, a tag the
module would purge, a value in another form) counts as a difference, so the module runs and decides. A wrong
"differs" costs one module call; a wrong "converged" would hide drift, so each filter compares every option the
playbooks pass to the module.
"""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import resource_tags_differ, user_tags
from ansible_collections.jenkins_ha.aws.plugins.plugin_utils._filter_input import check_list, require_keys


def unconverged_subnets(desired, actual):
    """Desired subnets (cidr, az, map_public, tags) that are missing or differ from the described ones.

    ``actual``: the ``subnets`` of amazon.aws.ec2_vpc_subnet_info for the VPC.
    """
    check_list(desired, "unconverged_subnets input")
    check_list(actual, "unconverged_subnets actual subnets")
    by_cidr = {subnet.get("cidr_block"): subnet for subnet in actual}
    pending = []
    for item in desired:
        require_keys(item, ("cidr", "az"), "unconverged_subnets")
        live = by_cidr.get(item["cidr"])
        if (
            live is None
            or live.get("availability_zone") != item["az"]
            or bool(live.get("map_public_ip_on_launch")) != bool(item.get("map_public", False))
            or bool(live.get("assign_ipv6_address_on_creation"))
            or live.get("ipv6_cidr_block_association_set")
            or resource_tags_differ(item.get("tags"), live)
        ):
            pending.append(item)
    return pending


def _port_range(rule):
    if rule.get("proto") in ("all", "-1", -1):
        return None, None
    if "ports" in rule:
        ports = rule["ports"]
        if not isinstance(ports, list) or len(ports) != 1:
            # Several ports become several permissions in the module: not modelled, let the module decide.
            return "unmodelled", "unmodelled"
        port = str(ports[0])
        low, _sep, high = port.partition("-")
        return int(low), int(high or low)
    low, high = rule.get("from_port"), rule.get("to_port")
    return (None if low is None else int(low)), (None if high is None else int(high))


def _desired_permissions(rules):
    """(protocol, from, to, kind, target, description) tuples the module creates from its ``rules`` option."""
    permissions = set()
    for rule in rules:
        proto = str(rule.get("proto", "tcp"))
        proto = "-1" if proto in ("all", "-1") else proto
        low, high = _port_range(rule)
        description = rule.get("rule_desc") or ""
        targets = []
        cidrs = rule.get("cidr_ip")
        for cidr in [cidrs] if isinstance(cidrs, str) else cidrs or []:
            targets.append(("cidr", cidr))
        if rule.get("group_id"):
            targets.append(("group", rule["group_id"]))
        if not targets or set(rule) - {"proto", "ports", "from_port", "to_port", "cidr_ip", "group_id", "rule_desc"}:
            # group_name, cidr_ipv6, ip_prefix, icmp options: not modelled.
            targets = [("unmodelled", repr(sorted(rule.items(), key=str)))]
        for kind, target in targets:
            permissions.add((proto, low, high, kind, target, description))
    return permissions


def _live_permissions(permissions):
    live = set()
    for permission in permissions or []:
        proto = str(permission.get("ip_protocol"))
        low, high = (None, None) if proto == "-1" else (permission.get("from_port"), permission.get("to_port"))
        for ip_range in permission.get("ip_ranges") or []:
            live.add((proto, low, high, "cidr", ip_range.get("cidr_ip"), ip_range.get("description") or ""))
        for pair in permission.get("user_id_group_pairs") or []:
            live.add((proto, low, high, "group", pair.get("group_id"), pair.get("description") or ""))
        for other in (permission.get("ipv6_ranges") or []) + (permission.get("prefix_list_ids") or []):
            live.add((proto, low, high, "unmodelled", repr(sorted(other.items())), ""))
    return live


def unconverged_security_groups(desired, actual):
    """Desired security groups (name, description, tags, rules, rules_egress) that are missing or differ.

    ``actual``: the ``security_groups`` of amazon.aws.ec2_security_group_info for the VPC. ``rules`` and
    ``rules_egress`` are compared only when the item has them (the module then purges what is not listed);
    ``description`` and ``tags`` only when given.
    """
    check_list(desired, "unconverged_security_groups input")
    check_list(actual, "unconverged_security_groups actual groups")
    by_name = {group.get("group_name"): group for group in actual}
    pending = []
    for item in desired:
        require_keys(item, ("name",), "unconverged_security_groups")
        live = by_name.get(item["name"])
        if live is None:
            pending.append(item)
            continue
        differs = (
            ("description" in item and live.get("description") != item["description"])
            or resource_tags_differ(item.get("tags"), live)
            or (
                "rules" in item and _desired_permissions(item["rules"]) != _live_permissions(live.get("ip_permissions"))
            )
            or (
                "rules_egress" in item
                and _desired_permissions(item["rules_egress"]) != _live_permissions(live.get("ip_permissions_egress"))
            )
        )
        if differs:
            pending.append(item)
    return pending


def unconverged_log_groups(desired, actual):
    """Desired log groups (name, retention, kms_key_id, tags) that are missing or differ.

    ``actual``: the ``log_groups`` of amazon.aws.cloudwatchlogs_log_group_info.
    """
    check_list(desired, "unconverged_log_groups input")
    check_list(actual, "unconverged_log_groups actual log groups")
    by_name = {group.get("log_group_name"): group for group in actual}
    pending = []
    for item in desired:
        require_keys(item, ("name",), "unconverged_log_groups")
        live = by_name.get(item["name"])
        if (
            live is None
            or ("retention" in item and live.get("retention_in_days") != int(item["retention"]))
            or ("kms_key_id" in item and (live.get("kms_key_id") or "") != (item["kms_key_id"] or ""))
            or resource_tags_differ(item.get("tags"), live)
        ):
            pending.append(item)
    return pending


# Keys of a described alarm that are state, not configuration (amazon.aws.cloudwatch_metric_alarm ignores them too).
ALARM_STATE_KEYS = {
    "actions_enabled",
    "alarm_arn",
    "alarm_configuration_updated_timestamp",
    "state_reason",
    "state_reason_data",
    "state_transitioned_timestamp",
    "state_updated_timestamp",
    "state_value",
}


def _dimensions(dimensions):
    """Dimensions as a dict or a list of name/value (either case), as a sorted list of name/value strings."""
    if isinstance(dimensions, dict):
        dimensions = [{"name": key, "value": value} for key, value in dimensions.items()]
    return sorted(
        (
            {"name": d.get("name", d.get("Name")), "value": str(d.get("value", d.get("Value")))}
            for d in dimensions or []
        ),
        key=lambda d: (d["name"], d["value"]),
    )


def _metric_queries(queries):
    """The metric data queries of a metric math alarm (module options or described, snake_case) in one form: keys
    without a value dropped, dimensions sorted, ReturnData's default (true) spelled out."""
    normalised = []
    for query in queries or []:
        entry = {key: query[key] for key in ("id", "expression", "label", "period", "account_id") if query.get(key)}
        entry["return_data"] = query.get("return_data") is not False
        stat = query.get("metric_stat")
        if stat:
            metric = stat.get("metric") or {}
            entry["metric_stat"] = {
                "period": int(stat["period"]) if stat.get("period") is not None else None,
                "stat": stat.get("stat"),
                "unit": stat.get("unit") or None,
                "metric": {
                    "namespace": metric.get("namespace"),
                    "metric_name": metric.get("metric_name"),
                    "dimensions": _dimensions(metric.get("dimensions")),
                },
            }
        normalised.append(entry)
    return normalised


def _alarm_configuration(item):
    """The described (snake_case) configuration that amazon.aws.cloudwatch_metric_alarm writes for these options."""
    configuration = {
        "alarm_name": item["name"],
        "comparison_operator": item["comparison"],
        "threshold": float(item["threshold"]),
        "evaluation_periods": int(item["evaluation_periods"]),
        "treat_missing_data": item.get("treat_missing_data", "missing"),
        "alarm_actions": sorted(item.get("alarm_actions") or []),
        "ok_actions": sorted(item.get("ok_actions") or []),
        "insufficient_data_actions": sorted(item.get("insufficient_data_actions") or []),
        "dimensions": _dimensions(item.get("dimensions")),
    }
    if item.get("metrics"):
        # A metric math alarm: its metrics replace the single metric's options (the module refuses both).
        configuration["metrics"] = _metric_queries(item["metrics"])
    else:
        configuration.update(
            metric_name=item["metric_name"],
            namespace=item["namespace"],
            statistic=item["statistic"],
            period=int(item["period"]),
        )
    if item.get("description") is not None:
        configuration["alarm_description"] = item["description"]
    if item.get("unit") is not None:
        configuration["unit"] = item["unit"]
    return configuration


def _live_alarm_configuration(alarm):
    configuration = {
        key: value for key, value in alarm.items() if key not in ALARM_STATE_KEYS and value not in (None, "")
    }
    configuration.setdefault("treat_missing_data", "missing")
    for key in ("alarm_actions", "ok_actions", "insufficient_data_actions"):
        configuration[key] = sorted(configuration.get(key) or [])
    configuration["dimensions"] = _dimensions(configuration.get("dimensions"))
    if configuration.get("metrics"):
        configuration["metrics"] = _metric_queries(configuration["metrics"])
    else:
        configuration.pop("metrics", None)
    if "threshold" in configuration:
        configuration["threshold"] = float(configuration["threshold"])
    return configuration


def unconverged_metric_alarms(desired, actual):
    """Desired metric alarms (options of amazon.aws.cloudwatch_metric_alarm) that are missing or differ.

    ``actual``: the ``metric_alarms`` of amazon.aws.cloudwatch_metric_alarm_info. Like the module, any configuration
    key the described alarm has beyond the asked ones (a unit, datapoints to alarm, an extended statistic) is a
    difference.
    """
    check_list(desired, "unconverged_metric_alarms input")
    check_list(actual, "unconverged_metric_alarms actual alarms")
    by_name = {alarm.get("alarm_name"): alarm for alarm in actual}
    pending = []
    for item in desired:
        require_keys(
            item,
            ("name",)
            + (() if item.get("metrics") else ("metric_name", "namespace", "statistic", "period"))
            + ("comparison", "threshold", "evaluation_periods"),
            "unconverged_metric_alarms",
        )
        live = by_name.get(item["name"])
        if live is None or _live_alarm_configuration(live) != _alarm_configuration(item):
            pending.append(item)
    return pending


def obsolete_metric_alarms(actual, desired, stack, name_pattern):
    """Names of the stack's live alarms that match ``name_pattern`` and that no desired alarm names any more (the
    alarms of a removed agent pool).

    An alarm is the stack's when its description starts with ``jenkins_ha <stack>: `` (the filter stack_metric_alarms
    writes it so): names alone cannot tell stack ``prod``'s ``prod-agents-x-short`` from stack ``prod-agents``'s.
    """
    check_list(actual, "obsolete_metric_alarms actual alarms")
    check_list(desired, "obsolete_metric_alarms desired alarms")
    try:
        pattern = re.compile(name_pattern)
    except (re.error, TypeError) as e:
        raise AnsibleFilterError("obsolete_metric_alarms: bad name pattern {0!r}: {1}".format(name_pattern, e))
    prefix = "jenkins_ha {0}: ".format(stack)
    wanted = {item.get("name") for item in desired}
    return sorted(
        alarm["alarm_name"]
        for alarm in actual
        if alarm.get("alarm_name") not in wanted
        and pattern.fullmatch(alarm.get("alarm_name") or "")
        and (alarm.get("alarm_description") or "").startswith(prefix)
    )


def _route_target(route):
    return route.get("gateway_id") or route.get("nat_gateway_id") or ""


def unconverged_route_tables(desired, actual):
    """Desired route tables (tags, subnets, routes) that are missing or differ, for amazon.aws.ec2_vpc_route_table
    with lookup=tag and its defaults (purge_routes, purge_subnets, purge_tags).

    ``actual``: the ``route_tables`` of the VPC as the jenkins_ha.aws.aws_read lookup reads them (describe_route_tables).
    """
    check_list(desired, "unconverged_route_tables input")
    check_list(actual, "unconverged_route_tables actual route tables")
    pending = []
    for item in desired:
        require_keys(item, ("tags", "subnets", "routes"), "unconverged_route_tables")
        wanted_tags = user_tags(item["tags"])
        # The module finds its table by the given tags; none or several is the module's case to handle.
        matches = [
            table
            for table in actual
            if all(user_tags(table.get("tags")).get(key) == value for key, value in wanted_tags.items())
        ]
        if len(matches) != 1:
            pending.append(item)
            continue
        live = matches[0]
        wanted_routes = {(route.get("dest"), _route_target(route)) for route in item["routes"]}
        # Routes the module would purge: those created by CreateRoute (never the local or propagated ones). An IPv6
        # or prefix-list route it cannot purge counts as drift too, so the module runs and warns about it.
        live_routes = {
            (route.get("destination_cidr_block"), _route_target(route))
            for route in live.get("routes") or []
            if route.get("origin") == "CreateRoute"
        }
        associated = {
            association.get("subnet_id")
            for association in live.get("associations") or []
            if not association.get("main") and association.get("subnet_id")
        }
        if (
            live_routes != wanted_routes
            or any(route.get("state") == "blackhole" for route in live.get("routes") or [])
            or associated != set(item["subnets"])
            or resource_tags_differ(item["tags"], live)
        ):
            pending.append(item)
    return pending


def drifted_vpc_endpoints(actual, service_names, subnet_ids, group_id):
    """The stack's interface endpoints for the planned services that differ from the plan, as "<id> (<service>)".

    An existing endpoint is never modified by the playbook (amazon.aws.ec2_vpc_endpoint only tags one it finds), so
    a difference in private DNS, subnets or security groups is reported, not converged."""
    check_list(actual, "vpc endpoints")
    for value, what in ((service_names, "service names"), (subnet_ids, "subnet ids")):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise AnsibleFilterError("{0} must be a list of strings, got {1!r}".format(what, value))
    drifted = []
    for endpoint in actual:
        if endpoint.get("service_name") not in service_names:
            continue
        groups = [group.get("group_id") for group in endpoint.get("groups") or []]
        if (
            not endpoint.get("private_dns_enabled")
            or sorted(endpoint.get("subnet_ids") or []) != sorted(subnet_ids)
            or groups != [group_id]
        ):
            drifted.append("{0} ({1})".format(endpoint.get("vpc_endpoint_id"), endpoint.get("service_name")))
    return drifted


class FilterModule:
    def filters(self):
        return {
            "drifted_vpc_endpoints": drifted_vpc_endpoints,
            "unconverged_subnets": unconverged_subnets,
            "unconverged_security_groups": unconverged_security_groups,
            "unconverged_log_groups": unconverged_log_groups,
            "unconverged_metric_alarms": unconverged_metric_alarms,
            "obsolete_metric_alarms": obsolete_metric_alarms,
            "unconverged_route_tables": unconverged_route_tables,
        }
