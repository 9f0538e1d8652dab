"""upgrade_plan / upgrade_report / upgrade_timeline: what upgrade.yml rolls and why, as tables."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.upgrade_plan import (
    upgrade_plan,
    upgrade_report,
    upgrade_timeline,
)

NAMES = {"controller": "s-controller", "agent": "s-agent"}
OLD, NEW = "ami-0000000000000old0", "ami-0000000000000new0"


def group(name, version, *instances):
    return {
        "auto_scaling_group_name": name,
        "launch_template": {"launch_template_name": name, "version": version},
        "instances": [{"instance_id": i, "lifecycle_state": "InService"} for i in instances],
    }


def versions(*images):
    return [{"version_number": n + 1, "launch_template_data": {"image_id": image}} for n, image in enumerate(images)]


STACK_GROUPS = [group("s-controller", "1", "i-c1"), group("s-agent", "1", "i-a1", "i-a2")]
BOTH = {"s-controller": versions(OLD, NEW), "s-agent": versions(OLD, NEW)}
RECORDED = {"controller": NEW, "agent": NEW}


# images, versions, recorded, only, expected (component -> (action, replace, to_version, reason fragment))
CASES = [
    (
        {"i-c1": OLD, "i-a1": OLD, "i-a2": NEW},
        BOTH,
        RECORDED,
        "",
        {
            "controller": ("roll", ["i-c1"], "2", "1 instance(s) run ami-0000000000000old0"),
            "agent": ("roll", ["i-a1"], "2", "the group launches version 1"),
        },
    ),
    (
        {"i-c1": NEW, "i-a1": NEW, "i-a2": NEW},
        {"s-controller": versions(OLD, NEW), "s-agent": versions(OLD, NEW)},
        RECORDED,
        "",
        {"controller": ("roll", [], "2", "launches version 1"), "agent": ("roll", [], "2", "launches version 1")},
    ),
    (
        {"i-c1": OLD, "i-a1": OLD, "i-a2": OLD},
        BOTH,
        RECORDED,
        "agents",
        {
            "controller": ("skip", [], None, "jenkins_ha_upgrade_only=agents"),
            "agent": ("roll", ["i-a1", "i-a2"], "2", ""),
        },
    ),
    (
        {"i-c1": OLD, "i-a1": OLD, "i-a2": OLD},
        {"s-controller": versions(OLD), "s-agent": versions(OLD, NEW, OLD)},
        RECORDED,
        "",
        {
            "controller": ("error", [], None, "run playbooks/launch_templates.yml first"),
            "agent": ("roll", ["i-a1", "i-a2"], "2", ""),
        },
    ),
    (
        {"i-c1": OLD, "i-a1": OLD, "i-a2": OLD},
        BOTH,
        {"controller": "", "agent": NEW},
        "",
        {
            "controller": ("error", [], None, "run playbooks/images.yml first"),
            "agent": ("roll", ["i-a1", "i-a2"], "2", ""),
        },
    ),
]


@pytest.mark.parametrize("images, template_versions, recorded, only, expected", CASES)
def test_plan(images, template_versions, recorded, only, expected):
    plan = upgrade_plan(STACK_GROUPS, images, template_versions, recorded, NAMES, only)
    assert [entry["component"] for entry in plan] == ["controller", "agent"]
    for entry in plan:
        action, replace, to_version, fragment = expected[entry["component"]]
        assert (entry["action"], entry["replace"], entry.get("to_version")) == (action, replace, to_version)
        assert fragment in entry["reason"]


def test_a_stack_on_its_recorded_images_has_nothing_to_roll():
    groups = [group("s-controller", "2", "i-c1"), group("s-agent", "2", "i-a1")]
    plan = upgrade_plan(groups, {"i-c1": NEW, "i-a1": NEW}, BOTH, RECORDED, NAMES)
    assert [entry["action"] for entry in plan] == ["none", "none"]
    report = upgrade_report(plan, [])
    assert report == {"groups": [], "controller_downtime_seconds": None, "rolled_back": False}
    assert upgrade_timeline(report)[0].startswith("Nothing to roll")


def test_a_missing_group_or_bad_option_is_an_error():
    plan = upgrade_plan(STACK_GROUPS[1:], {"i-a1": NEW}, BOTH, RECORDED, NAMES)
    assert plan[0]["action"] == "error" and "run playbooks/asgs.yml first" in plan[0]["reason"]
    # An agent pool's missing group is skipped (issue 18; tests/unit/upgrade/test_plan_pools.py).
    plan = upgrade_plan(STACK_GROUPS[:1], {"i-c1": NEW}, BOTH, RECORDED, NAMES)
    assert plan[1]["action"] == "skip" and "playbooks/asgs.yml creates it" in plan[1]["reason"]
    with pytest.raises(AnsibleFilterError, match="jenkins_ha_upgrade_only"):
        upgrade_plan(STACK_GROUPS, {}, BOTH, RECORDED, NAMES, "controllers")


def test_report_shape_and_timeline():
    plan = upgrade_plan(STACK_GROUPS, {"i-c1": OLD, "i-a1": OLD, "i-a2": NEW}, BOTH, RECORDED, NAMES)
    phases = [
        {"component": "controller", "name": "quiet-down and drain", "seconds": 3.04},
        {"component": "controller", "name": "instance refresh", "seconds": "10.0"},
        {"component": "agent", "name": "instance refresh", "seconds": 5},
    ]
    report = upgrade_report(plan, phases, 12.25, False)
    assert report == {
        "groups": [
            {
                "name": "s-controller",
                "pool": None,
                "from_image": OLD,
                "to_image": NEW,
                "phases": [
                    {"name": "quiet-down and drain", "seconds": 3.0},
                    {"name": "instance refresh", "seconds": 10.0},
                ],
            },
            {
                "name": "s-agent",
                "pool": "default",
                "from_image": OLD,
                "to_image": NEW,
                "phases": [{"name": "instance refresh", "seconds": 5.0}],
            },
        ],
        "controller_downtime_seconds": 12.2,
        "rolled_back": False,
    }
    lines = upgrade_timeline(report)
    assert lines[0] == "s-controller: %s -> %s" % (OLD, NEW)
    assert "(at 13.0 s)" in lines[2] and lines[-1] == "controller downtime: 12.2 s"
