"""The failover drill's phases from its polls: one table of observation sequences -> phases and RTO."""

from __future__ import annotations

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._failover.timeline import phases

OLD, NEW, OTHER = "i-old", "i-new", "i-other"


def obs(t, instances=None, old_state="running", targets=None):
    return {
        "t": t,
        "instances": {
            i: {"lifecycle": lifecycle, "health": health} for i, (lifecycle, health) in (instances or {}).items()
        },
        "old_state": old_state,
        "targets": targets or {},
    }


SERVING = {OLD: ("InService", "Healthy")}
UNHEALTHY = {OLD: ("InService", "Unhealthy")}
TERMINATING = {OLD: ("Terminating", "Unhealthy")}

CASES = [
    pytest.param(
        [
            obs(0, SERVING, targets={OLD: "healthy"}),
            obs(5, UNHEALTHY),
            obs(10, TERMINATING, "shutting-down"),
            obs(15, {NEW: ("Pending", "Healthy")}, "terminated"),
            obs(40, {NEW: ("InService", "Healthy")}, "terminated", {NEW: "initial"}),
            obs(70, {NEW: ("InService", "Healthy")}, "terminated", {NEW: "healthy"}),
        ],
        [("detection", 5), ("termination", 10), ("replacement_launch", 0), ("in_service", 25), ("healthy_target", 30)],
        70,
        id="each-milestone-its-own-poll",
    ),
    pytest.param(
        [obs(0.4, {NEW: ("InService", "Healthy")}, None, {NEW: "healthy"})],
        [("detection", 0.4), ("termination", 0), ("replacement_launch", 0), ("in_service", 0), ("healthy_target", 0)],
        0.4,
        id="all-in-one-poll-emulator",
    ),
    pytest.param(
        [
            obs(5, TERMINATING, "running", {OLD: "draining"}),
            # The replacement launched while the old instance still drains: launch is dated at termination.
            obs(10, {OLD: ("Terminating", "Unhealthy"), NEW: ("Pending", "Healthy")}, "running"),
            obs(20, {NEW: ("InService", "Healthy")}, "terminated", {NEW: "unhealthy"}),
            obs(30, {NEW: ("InService", "Healthy")}, "terminated", {NEW: "healthy"}),
        ],
        [("detection", 5), ("termination", 15), ("replacement_launch", 0), ("in_service", 0), ("healthy_target", 10)],
        30,
        id="launch-before-termination-is-ordered",
    ),
    pytest.param(
        [
            obs(5, {OLD: ("InService", "Healthy"), NEW: ("InService", "Healthy")}, "running", {NEW: "healthy"}),
        ],
        [],
        None,
        id="old-still-serving-nothing-detected",
    ),
    pytest.param(
        [
            obs(5, TERMINATING, "shutting-down"),
            obs(10, {NEW: ("InService", "Healthy")}, "terminated", {OTHER: "healthy", NEW: "initial"}),
        ],
        [("detection", 5), ("termination", 5), ("replacement_launch", 0), ("in_service", 0)],
        None,
        id="another-target-healthy-does-not-count",
    ),
]


@pytest.mark.parametrize("observations, expected, rto", CASES)
def test_phases(observations, expected, rto):
    result = phases(observations, OLD)
    assert [(p["name"], p["seconds"]) for p in result["phases"]] == expected
    assert result["rto_seconds"] == rto
    assert result["complete"] == (rto is not None)
    assert result["new_instance_id"] == (NEW if rto is not None else None)
