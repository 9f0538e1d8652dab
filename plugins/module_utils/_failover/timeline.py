# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failover drill's phases, from what it observed: pure, so that every ordering is table-tested.

An observation is what one poll saw, ``t`` seconds after the kill: the Auto Scaling group's instances (id ->
lifecycle state and health status), the old instance's EC2 state (None once EC2 no longer knows it) and the target
group's health (id -> state). A milestone is the first poll that shows it; milestones are ordered, so one seen
before its predecessor is dated at its predecessor (a poll cannot tell which of the two came first).
"""

from __future__ import annotations

PHASES = ("detection", "termination", "replacement_launch", "in_service", "healthy_target")
GONE = ("shutting-down", "terminated", None)


def _detected(obs, old_id):
    old = obs["instances"].get(old_id)
    return old is None or old["lifecycle"] != "InService" or old["health"] != "Healthy"


def _terminated(obs, old_id):
    return old_id not in obs["instances"] and obs["old_state"] in GONE


def _new_ids(obs, old_id):
    return sorted(instance_id for instance_id in obs["instances"] if instance_id != old_id)


def _in_service(obs, old_id):
    return [i for i in _new_ids(obs, old_id) if obs["instances"][i]["lifecycle"] == "InService"]


def _healthy(obs, old_id):
    return [i for i in _in_service(obs, old_id) if obs["targets"].get(i) == "healthy"]


TESTS = {
    "detection": _detected,
    "termination": _terminated,
    "replacement_launch": lambda obs, old_id: bool(_new_ids(obs, old_id)),
    "in_service": lambda obs, old_id: bool(_in_service(obs, old_id)),
    "healthy_target": lambda obs, old_id: bool(_healthy(obs, old_id)),
}


def milestones(observations, old_id):
    """Milestone name -> seconds after the kill, for those seen so far, in PHASES order and never decreasing."""
    seen = {}
    for obs in observations:
        for name in PHASES:
            if name not in seen and TESTS[name](obs, old_id):
                seen[name] = obs["t"]
    dated = {}
    previous = 0
    for name in PHASES:
        if name not in seen:
            break
        previous = max(previous, seen[name])
        dated[name] = previous
    return dated


def phases(observations, old_id):
    """The drill's result so far: phases with their own durations, the RTO once complete, the new instance."""
    dated = milestones(observations, old_id)
    result = []
    previous = 0
    for name in PHASES:
        if name not in dated:
            break
        result.append({"name": name, "seconds": round(dated[name] - previous, 1)})
        previous = dated[name]
    complete = len(dated) == len(PHASES)
    new_id = None
    for obs in observations if complete else []:
        healthy = _healthy(obs, old_id)
        if healthy:
            new_id = healthy[0]
            break
    return {
        "phases": result,
        "complete": complete,
        "rto_seconds": round(dated["healthy_target"], 1) if complete else None,
        "new_instance_id": new_id,
    }
