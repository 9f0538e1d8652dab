"""upgrade_plan / upgrade_report / upgrade_timeline with two agent pools (issue 18), as tables: one entry per pool in
the pools' order after the controller's, jenkins_ha_upgrade_only=agents takes every pool, jenkins_ha_upgrade_pools
limits them (unknown names and a selection with only=controller are errors naming the stack's pools), a pool whose
group does not exist yet is skipped naming asgs.yml, and the report and timeline name each pool."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.upgrade_plan import (
    upgrade_plan,
    upgrade_report,
    upgrade_timeline,
)

OLD, NEW = "ami-0000000000000old0", "ami-0000000000000new0"
NAMES = {"controller": "s-controller"}
POOLS = [
    {"name": "default", "asg_name": "s-agent", "launch_template_name": "s-agent", "image": "agent"},
    {"name": "spot", "asg_name": "s-agent-spot", "launch_template_name": "s-agent-spot", "image": "agent"},
]
RECORDED = {"controller": NEW, "agent": NEW}


def group(name, version, *instances):
    return {
        "auto_scaling_group_name": name,
        "launch_template": {"launch_template_name": name, "version": version},
        "instances": [{"instance_id": i, "lifecycle_state": "InService"} for i in instances],
    }


def versions(*images):
    return [{"version_number": n + 1, "launch_template_data": {"image_id": image}} for n, image in enumerate(images)]


GROUPS = [group("s-controller", "1", "i-c1"), group("s-agent", "1", "i-a1", "i-a2"), group("s-agent-spot", "1", "i-s1")]
VERSIONS = {name: versions(OLD, NEW) for name in ("s-controller", "s-agent", "s-agent-spot")}
ALL_OLD = {"i-c1": OLD, "i-a1": OLD, "i-a2": OLD, "i-s1": OLD}

# groups, images, recorded, only, selected, expected: label -> (action, replace, reason fragment)
CASES = {
    "every pool rolls, in the pools' order": (
        GROUPS,
        ALL_OLD,
        RECORDED,
        "",
        [],
        {
            "s-controller": ("roll", ["i-c1"], "1 instance(s) run " + OLD),
            "s-agent (pool default)": ("roll", ["i-a1", "i-a2"], "2 instance(s) run " + OLD),
            "s-agent-spot (pool spot)": ("roll", ["i-s1"], "the group launches version 1"),
        },
    ),
    "only=agents takes every pool": (
        GROUPS,
        ALL_OLD,
        RECORDED,
        "agents",
        [],
        {
            "s-controller": ("skip", [], "jenkins_ha_upgrade_only=agents"),
            "s-agent (pool default)": ("roll", ["i-a1", "i-a2"], ""),
            "s-agent-spot (pool spot)": ("roll", ["i-s1"], ""),
        },
    ),
    "jenkins_ha_upgrade_pools limits the pools, not the controller": (
        GROUPS,
        ALL_OLD,
        RECORDED,
        "",
        ["spot"],
        {
            "s-controller": ("roll", ["i-c1"], ""),
            "s-agent (pool default)": ("skip", [], "pool not selected (jenkins_ha_upgrade_pools)"),
            "s-agent-spot (pool spot)": ("roll", ["i-s1"], ""),
        },
    ),
    "a comma-separated selection (-e jenkins_ha_upgrade_pools=spot,default)": (
        GROUPS,
        ALL_OLD,
        RECORDED,
        "agents",
        "spot, default",
        {
            "s-controller": ("skip", [], ""),
            "s-agent (pool default)": ("roll", ["i-a1", "i-a2"], ""),
            "s-agent-spot (pool spot)": ("roll", ["i-s1"], ""),
        },
    ),
    "a pool on its image rolls nothing while the other rolls": (
        [GROUPS[0], group("s-agent", "2", "i-a1"), GROUPS[2]],
        {"i-c1": NEW, "i-a1": NEW, "i-s1": OLD},
        RECORDED,
        "agents",
        [],
        {
            "s-controller": ("skip", [], ""),
            "s-agent (pool default)": ("none", [], "already on " + NEW),
            "s-agent-spot (pool spot)": ("roll", ["i-s1"], ""),
        },
    ),
    "a pool whose group does not exist yet is skipped, naming asgs.yml": (
        GROUPS[:2],
        ALL_OLD,
        RECORDED,
        "",
        [],
        {
            "s-controller": ("roll", ["i-c1"], ""),
            "s-agent (pool default)": ("roll", ["i-a1", "i-a2"], ""),
            "s-agent-spot (pool spot)": (
                "skip",
                [],
                "group s-agent-spot of pool spot does not exist yet: playbooks/asgs.yml creates it",
            ),
        },
    ),
    "the default pool's missing group too; the controller's is an error": (
        GROUPS[2:],
        ALL_OLD,
        RECORDED,
        "",
        [],
        {
            "s-controller": ("error", [], "group s-controller not found: run playbooks/asgs.yml first"),
            "s-agent (pool default)": ("skip", [], "does not exist yet: playbooks/asgs.yml"),
            "s-agent-spot (pool spot)": ("roll", ["i-s1"], ""),
        },
    ),
    "no agent image recorded: every pool in error, naming the record": (
        GROUPS,
        ALL_OLD,
        {"controller": NEW, "agent": ""},
        "agents",
        [],
        {
            "s-controller": ("skip", [], ""),
            "s-agent (pool default)": (
                "error",
                [],
                "no image recorded for pool default (ami/agent): run playbooks/images.yml",
            ),
            "s-agent-spot (pool spot)": ("error", [], "no image recorded for pool spot (ami/agent)"),
        },
    ),
    "unknown pool names are one error naming the stack's pools": (
        GROUPS,
        ALL_OLD,
        RECORDED,
        "agents",
        ["spot", "gpu", "big"],
        {
            "s-controller": ("skip", [], ""),
            "s-agent (pool default)": ("skip", [], "pool not selected"),
            "s-agent-spot (pool spot)": ("roll", ["i-s1"], ""),
            "jenkins_ha_upgrade_pools": (
                "error",
                [],
                "jenkins_ha_upgrade_pools names gpu, big, not a pool of the stack (jenkins_ha_agent_pools: default, spot)",
            ),
        },
    ),
    "a pool selection with only=controller is an error": (
        GROUPS,
        ALL_OLD,
        RECORDED,
        "controller",
        ["spot"],
        {
            "s-controller": ("roll", ["i-c1"], ""),
            "s-agent (pool default)": ("skip", [], "jenkins_ha_upgrade_only=controller"),
            "s-agent-spot (pool spot)": ("skip", [], "jenkins_ha_upgrade_only=controller"),
            "jenkins_ha_upgrade_pools": ("error", [], "but jenkins_ha_upgrade_only=controller rolls none"),
        },
    ),
}


@pytest.mark.parametrize("groups, images, recorded, only, selected, expected", CASES.values(), ids=list(CASES))
def test_plan_with_two_pools(groups, images, recorded, only, selected, expected):
    plan = upgrade_plan(groups, images, VERSIONS, recorded, NAMES, only, {}, POOLS, selected)
    assert [entry["label"] for entry in plan] == list(expected)
    assert [entry["pool"] for entry in plan[:3]] == [None, "default", "spot"]
    for entry in plan:
        action, replace, fragment = expected[entry["label"]]
        assert (entry["action"], entry["replace"]) == (action, replace), entry
        assert fragment in entry["reason"], entry["reason"]


@pytest.mark.parametrize("selected", [["spot", 1], {"spot": True}, 3])
def test_a_selection_that_is_no_list_of_names_is_refused(selected):
    with pytest.raises(AnsibleFilterError, match="jenkins_ha_upgrade_pools must be a list of pool names"):
        upgrade_plan(GROUPS, ALL_OLD, VERSIONS, RECORDED, NAMES, "", {}, POOLS, selected)


def test_each_pools_refresh_decides_its_own_entry():
    """A refresh still baking on one pool's group toward the recorded image does not hold back the other pool."""
    baking = {
        "instance_refresh_id": "r-1",
        "status": "Baking",
        "desired_configuration": {"launch_template": {"launch_template_name": "s-agent-spot", "version": "2"}},
    }
    plan = upgrade_plan(GROUPS, ALL_OLD, VERSIONS, RECORDED, NAMES, "agents", {"s-agent-spot": baking}, POOLS)
    assert [entry["action"] for entry in plan] == ["skip", "roll", "refreshing"]


def test_without_pools_the_agent_group_is_the_default_pool():
    plan = upgrade_plan(GROUPS[:2], ALL_OLD, VERSIONS, RECORDED, {"controller": "s-controller", "agent": "s-agent"})
    assert [(e["label"], e["pool"], e["action"]) for e in plan] == [
        ("s-controller", None, "roll"),
        ("s-agent (pool default)", "default", "roll"),
    ]


def test_report_and_timeline_name_each_pool_with_its_own_phases():
    plan = upgrade_plan(GROUPS, ALL_OLD, VERSIONS, RECORDED, NAMES, "agents", {}, POOLS)
    phases = [
        {"component": "agent", "group": "s-agent", "name": "agents offline and drained", "seconds": 4.04},
        {"component": "agent", "group": "s-agent", "name": "instance refresh", "seconds": "10"},
        {"component": "agent", "group": "s-agent-spot", "name": "agents offline and drained", "seconds": 0},
        {"component": "agent", "group": "s-agent-spot", "name": "instance refresh", "seconds": 6},
    ]
    report = upgrade_report(plan, phases)
    assert report == {
        "groups": [
            {
                "name": "s-agent",
                "pool": "default",
                "from_image": OLD,
                "to_image": NEW,
                "phases": [
                    {"name": "agents offline and drained", "seconds": 4.0},
                    {"name": "instance refresh", "seconds": 10.0},
                ],
            },
            {
                "name": "s-agent-spot",
                "pool": "spot",
                "from_image": OLD,
                "to_image": NEW,
                "phases": [
                    {"name": "agents offline and drained", "seconds": 0.0},
                    {"name": "instance refresh", "seconds": 6.0},
                ],
            },
        ],
        "controller_downtime_seconds": None,
        "rolled_back": False,
    }
    lines = upgrade_timeline(report)
    assert lines[0] == "s-agent (pool default): %s -> %s" % (OLD, NEW)
    assert lines[3] == "s-agent-spot (pool spot): %s -> %s" % (OLD, NEW)
    assert "(at 6.0 s)" in lines[5] and lines[-1] == "controller downtime: none"


def test_a_controller_phase_without_group_belongs_to_the_controller():
    plan = upgrade_plan(GROUPS, ALL_OLD, VERSIONS, RECORDED, NAMES, "", {}, POOLS)
    report = upgrade_report(plan, [{"component": "controller", "name": "instance refresh", "seconds": 3}], 3.0)
    assert [(g["name"], g["pool"], len(g["phases"])) for g in report["groups"]] == [
        ("s-controller", None, 1),
        ("s-agent", "default", 0),
        ("s-agent-spot", "spot", 0),
    ]
    assert upgrade_timeline(report)[0] == "s-controller: %s -> %s" % (OLD, NEW)
