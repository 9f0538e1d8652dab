"""jenkins_node / jenkins_node_info name an EC2 Fleet agent as Jenkins' URLs do: the plugin's computer displays
"<cloud> <instance id>" (EC2FleetNodeComputer.getDisplayName) but its node is named after the instance, so its
removal posts to /computer/<instance id>/doDelete (a display name there answers 404 and nothing is removed)."""

import datetime

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import describe_node
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import selection_reasons

NOW = datetime.datetime(2025, 6, 30, 12, 0, 0, tzinfo=datetime.timezone.utc)
FLEET = "com.amazon.jenkins.ec2fleet.EC2FleetNodeComputer"
SLAVE = "hudson.slaves.SlaveComputer"
ID = "i-0123456789abcdef0"


@pytest.mark.parametrize(
    "klass, display, name",
    [
        (FLEET, "gpu " + ID, ID),
        (FLEET, ID, ID),
        # A permanent agent keeps its display name, even one that holds an instance id.
        (SLAVE, "builder " + ID, "builder " + ID),
        (SLAVE, ID, ID),
        (FLEET, "gpu no-instance", "gpu no-instance"),
    ],
)
def test_the_name_is_the_one_the_nodes_urls_take(klass, display, name):
    node = describe_node({"_class": klass, "displayName": display, "idle": True}, NOW)
    assert node["name"] == name


def test_a_fleet_agent_is_selected_by_its_instance_id():
    node = describe_node({"_class": FLEET, "displayName": "gpu " + ID, "idle": False}, NOW)
    assert selection_reasons(node, names=[ID]) == ["named"]
    assert node["instance_id"] == ID
