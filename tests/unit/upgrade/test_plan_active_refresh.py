"""upgrade_plan with the groups' newest refreshes: a refresh still running or baking toward the recorded image's
version is the roll-out itself (AWS gives the group that version only when the refresh succeeds), so an immediate
rerun does not plan `roll` again (no second quiet-down); any other active refresh is in the way."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.filter.upgrade_plan import upgrade_plan

NAMES = {"controller": "s-controller", "agent": "s-agent"}
OLD, NEW = "ami-0000000000000old0", "ami-0000000000000new0"
VERSIONS = {
    name: [{"version_number": n + 1, "launch_template_data": {"image_id": i}} for n, i in enumerate((OLD, NEW))]
    for name in NAMES.values()
}
RECORDED = {"controller": NEW, "agent": NEW}
# Right after upgrade.yml replaced the controller: the new instance runs, the refresh bakes, the group says version 1.
GROUPS = [
    {
        "auto_scaling_group_name": "s-controller",
        "launch_template": {"launch_template_name": "s-controller", "version": "1"},
        "health_check_grace_period": 600,
        "instances": [{"instance_id": "i-c2", "lifecycle_state": "InService"}],
    },
    {
        "auto_scaling_group_name": "s-agent",
        "launch_template": {"launch_template_name": "s-agent", "version": "2"},
        "instances": [{"instance_id": "i-a1", "lifecycle_state": "InService"}],
    },
]
IMAGES = {"i-c2": NEW, "i-a1": NEW}


def refresh(status, template="s-controller", version="2", reason=""):
    entry = {"instance_refresh_id": "r-1", "status": status, "status_reason": reason}
    if template:
        entry["desired_configuration"] = {"launch_template": {"launch_template_name": template, "version": version}}
    return entry


@pytest.mark.parametrize(
    "newest, action, fragment",
    [
        (None, "roll", "the group launches version 1"),
        (refresh("Successful"), "roll", "the group launches version 1"),  # ended: what the group says is the truth
        (refresh("RollbackSuccessful"), "roll", "the group launches version 1"),
        (refresh("Baking", reason="Baking the new instances."), "refreshing", "is Baking (Baking the new instances)"),
        (refresh("InProgress"), "refreshing", "toward version 2 with the recorded image"),
        (refresh("Pending"), "refreshing", "rerun when it has ended"),
        (refresh("InProgress", version="3"), "error", "toward version 3 of s-controller, not version 2"),
        (refresh("InProgress", template=None), "error", "toward the group's own configuration"),
        (refresh("RollbackInProgress"), "error", "is RollbackInProgress: rerun when it has ended"),
        (refresh("Cancelling"), "error", "is Cancelling"),
    ],
)
def test_an_active_refresh_decides_the_controller(newest, action, fragment):
    plan = upgrade_plan(GROUPS, IMAGES, VERSIONS, RECORDED, NAMES, "", {"s-controller": newest, "s-agent": None})
    controller, agent = plan
    assert (controller["action"], agent["action"]) == (action, "none"), controller
    assert fragment in controller["reason"]
    assert controller["health_check_grace_period"] == 600 and agent["health_check_grace_period"] == 0


def test_without_refreshes_as_before():
    assert [e["action"] for e in upgrade_plan(GROUPS, IMAGES, VERSIONS, RECORDED, NAMES)] == ["roll", "none"]
