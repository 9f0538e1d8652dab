# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the jenkins_ec2 inventory derives from a host's variables: its agent pool, its built-in group names and
each stack's controller (the jump host of the stack's private hosts)."""

from __future__ import annotations

import re

from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import DEFAULT_POOL
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import pool_group_name

CONTROLLER_KEYS = ("instance_id", "private_ip_address", "public_ip_address", "public_dns_name", "private_dns_name")


def pool_of(tags, asg_name):
    """The agent pool of an instance: its jenkins-ha:pool tag, else ``default`` for an instance of the stack's
    agent group (<stack>-agent) launched before the group carried the tag; None for anything else."""
    # Every pool's Auto Scaling group carries the tag, propagated to its instances (playbooks/asgs.yml).
    pool = tags.get(contract.TAG_POOL)
    if pool:
        return pool
    stack = tags.get(contract.TAG_STACK)
    # The default pool's group keeps the name it had before pools existed, and so may hold instances launched
    # before the group was tagged with its pool.
    if stack and asg_name and asg_name == pool_group_name(stack, DEFAULT_POOL):
        return DEFAULT_POOL
    return None


def lifecycle_group(state):
    """InService -> lifecycle_in_service, Terminating:Wait -> lifecycle_terminating_wait."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", state.replace(":", "_"))
    return "lifecycle_" + re.sub(r"_+", "_", words).lower()


def builtin_group_names(record):
    """The built-in groups of a host (unsanitised): stack_<stack>, <component>, pool_<pool>, asg_<group>,
    az_<zone>, lifecycle_<state>, stale_image."""
    names = []
    stack = record.get("jenkins_ha_stack")
    if stack:
        names.append("stack_" + stack)
    component = record.get("jenkins_ha_component")
    if component:
        names.append(component)
    pool = record.get("jenkins_ha_pool")
    if pool:
        names.append("pool_" + pool)
    asg = record.get("jenkins_ha_asg_name")
    if asg:
        names.append("asg_" + asg)
    zone = (record.get("placement") or {}).get("availability_zone")
    if zone:
        names.append("az_" + zone)
    state = record.get("jenkins_ha_lifecycle_state")
    if state:
        names.append(lifecycle_group(state))
    if record.get("jenkins_ha_stale_image"):
        names.append("stale_image")
    return names


def controllers(records):
    """{stack: address facts of its controller}.

    With several listed (a replacement coming up), the one in service wins, then the lowest instance id.
    """
    best = {}
    for record in records:
        stack = record.get("jenkins_ha_stack")
        if stack and record.get("jenkins_ha_component") == "controller":
            rank = (record.get("jenkins_ha_lifecycle_state") not in (None, "InService"), record["instance_id"])
            if stack not in best or rank < best[stack][0]:
                best[stack] = (rank, record)
    return {
        stack: {key: record[key] for key in CONTROLLER_KEYS if record.get(key)}
        for stack, (dummy, record) in best.items()
    }
