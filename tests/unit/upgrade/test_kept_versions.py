"""upgrade_kept_versions: asgs.yml leaves an existing group on its launch template version (upgrade.yml moves it);
a new group gets the latest. With unconverged_auto_scaling_groups after it, such a group is converged (no module
call, 0 changed) while a newer version waits for upgrade.yml."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_autoscaling import group_differences
from ansible_collections.jenkins_ha.aws.plugins.filter.upgrade_kept_versions import (
    FilterModule,
    upgrade_kept_versions,
)

TEMPLATES = [{"launch_template_name": "s-controller", "latest_version_number": 3}]
ITEM = {"name": "s-controller", "launch_template": "s-controller"}


def described(template="s-controller", version="2"):
    return {
        "auto_scaling_group_name": "s-controller",
        "launch_template": {"launch_template_name": template, "version": version},
    }


@pytest.mark.parametrize(
    "actual, expected",
    [
        ([], "3"),  # a new group: the latest
        ([described(version="2")], "2"),  # an existing group keeps its version, even with a newer one
        ([described(version="3")], "3"),
        ([described(version="$Latest")], "3"),  # pinned to a number (a rollback needs one)
        ([described(version="$Default")], "3"),
        ([described(template="other", version="7")], "3"),  # moving to another template: its latest
    ],
)
def test_version_given_to_the_module(actual, expected):
    [item] = upgrade_kept_versions([ITEM], actual, TEMPLATES)
    assert item == dict(ITEM, launch_template_version=expected)


def test_no_template_yet_gives_no_version():
    assert upgrade_kept_versions([ITEM], [], [])[0]["launch_template_version"] == ""


FULL = dict(ITEM, component="controller", health_check_type="ELB", health_check_period=0, target_group_arns=[])


@pytest.mark.parametrize(
    "kept, described_version, converged",
    [
        (True, "2", True),  # version 3 exists, the group stays on 2 until upgrade.yml: 0 changed
        (True, "3", True),  # after upgrade.yml moved it
        (False, "2", False),  # the comparison without a kept version: the latest, as before
        (False, "3", True),
    ],
)
def test_convergence_compares_the_kept_version(kept, described_version, converged):
    group = described(version=described_version)
    item = upgrade_kept_versions([FULL], [group], TEMPLATES)[0] if kept else FULL
    differences = group_differences(item, group, {"s-controller": "3"}, [], {}, "c", [])
    assert ("launch_template_version" not in differences) is converged


@pytest.mark.parametrize(
    "args, message",
    [
        (("x", [], []), "desired must be a list of dicts"),
        (([ITEM], [1], []), "actual must be a list of dicts"),
        (([{"name": "g"}], [], []), "lacks name or launch_template"),
    ],
)
def test_bad_input_is_refused(args, message):
    with pytest.raises(AnsibleFilterError, match=message):
        upgrade_kept_versions(*args)


def test_registered():
    assert FilterModule().filters() == {"upgrade_kept_versions": upgrade_kept_versions}
