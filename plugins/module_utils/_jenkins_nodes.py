# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Jenkins nodes for jenkins_ha.aws.jenkins_node: list them, select the ones to remove, remove them.

Listing and removal go through the generic client (jenkins_api.JenkinsAPI: basic auth, CSRF crumb bound to the
session cookie). The selection is pure, so tests/unit/housekeeping/ drives it with a table of computer records as
GET /computer/api/json returns them.
"""

import copy
import datetime
import re

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import JenkinsAPIError
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import jenkins_api_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import quote_segment

# Only what the selection needs; Jenkins always adds _class.
COMPUTER_TREE = (
    "computer[displayName,offline,temporarilyOffline,idle,numExecutors,offlineCauseReason,"
    "offlineCause[timestamp,description],assignedLabels[name]]"
)
BUILT_IN_CLASSES = ("hudson.model.Hudson$MasterComputer",)
# EC2 Fleet names an agent after its instance (i-0123456789abcdef0), optionally behind a prefix.
INSTANCE_ID = re.compile(r"\bi-[0-9a-f]{8}(?:[0-9a-f]{9})?\b")
# An EC2 Fleet agent's computer displays "<cloud> <instance id>" (ec2-fleet EC2FleetNodeComputer.getDisplayName) while
# its node, and so /computer/<name>/, is named after the instance alone; /computer/api/json exports displayName only.
FLEET_COMPUTER_CLASS = "com.amazon.jenkins.ec2fleet.EC2FleetNodeComputer"


def list_computers(api):
    """Every agent Jenkins knows (the built-in node left out), as GET /computer/api/json returns them."""
    answer = api.get_json("computer/api/json", params={"tree": COMPUTER_TREE})
    computers = answer.get("computer")
    if not isinstance(computers, list):
        raise JenkinsAPIError("computer/api/json answered without a 'computer' list")
    return [c for c in computers if c.get("_class") not in BUILT_IN_CLASSES and c.get("displayName") != "Built-In Node"]


def delete_node(api, name):
    """POST /computer/<name>/doDelete; False when the node was already gone (404)."""
    status, dummy_headers, dummy_body = api.post(
        "computer/{0}/doDelete".format(quote_segment(name)), expected=(200, 204, 302, 303, 404)
    )
    return status != 404


def describe_node(computer, now):
    """A computer record as the module returns it (snake_case, offline duration in minutes)."""
    cause = computer.get("offlineCause") or {}
    since = None
    minutes = None
    if computer.get("offline") and isinstance(cause.get("timestamp"), (int, float)):
        since = datetime.datetime.fromtimestamp(cause["timestamp"] / 1000.0, datetime.timezone.utc)
        minutes = round((now - since).total_seconds() / 60.0, 1)
    match = INSTANCE_ID.search(computer.get("displayName", ""))
    fleet = computer.get("_class") == FLEET_COMPUTER_CLASS and match
    return {
        # The name the node's URLs take (its removal posts to /computer/<name>/doDelete).
        "name": match.group(0) if fleet else computer.get("displayName"),
        "offline": bool(computer.get("offline")),
        "temporarily_offline": bool(computer.get("temporarilyOffline")),
        "idle": bool(computer.get("idle", True)),
        "offline_since": since.isoformat() if since else None,
        "offline_minutes": minutes,
        "offline_reason": computer.get("offlineCauseReason") or cause.get("description") or "",
        "labels": sorted(label.get("name") for label in computer.get("assignedLabels") or [] if label.get("name")),
        "num_executors": computer.get("numExecutors"),
        "instance_id": match.group(0) if match else None,
    }


def selection_reasons(
    node,
    names=None,
    offline_longer_than_minutes=None,
    known_instance_ids=None,
    include_temporarily_offline=False,
    only_instance_ids=None,
):
    """Why a node is selected for removal ([] = not selected).

    names: select these nodes by name. offline_longer_than_minutes: select nodes offline for longer (nodes an
    operator took offline on purpose only with include_temporarily_offline). known_instance_ids: select nodes named
    after an instance that is not in the list (orphans). A busy node is never selected by age or orphan status.
    only_instance_ids: select nothing but nodes named after one of these instances (e.g. an agent pool's), so that
    the selection and the removal stay one step and a node busy by then is not taken by age or orphan status.
    """
    if only_instance_ids is not None and node["instance_id"] not in only_instance_ids:
        return []
    reasons = []
    if names and node["name"] in names:
        reasons.append("named")
    if not node["idle"]:
        return reasons
    if (
        offline_longer_than_minutes is not None
        and node["offline"]
        and (include_temporarily_offline or not node["temporarily_offline"])
        and node["offline_minutes"] is not None
        and node["offline_minutes"] > offline_longer_than_minutes
    ):
        reasons.append("offline for {0} min (> {1})".format(node["offline_minutes"], offline_longer_than_minutes))
    if known_instance_ids is not None and node["instance_id"] and node["instance_id"] not in known_instance_ids:
        reasons.append("no instance {0}".format(node["instance_id"]))
    return reasons


def select_nodes(computers, now, **criteria):
    """describe_node() of every computer, each with `selected` and `selection_reasons`."""
    nodes = []
    for computer in computers:
        node = describe_node(computer, now)
        node["selection_reasons"] = selection_reasons(node, **criteria)
        node["selected"] = bool(node["selection_reasons"])
        nodes.append(node)
    return nodes


# Node selection of jenkins_node and jenkins_node_info, documented by the doc fragment
# jenkins_ha.aws.jenkins_api.node_selection (plugins/doc_fragments/jenkins_api.py): change both together.
SELECTION_ARGUMENT_SPEC = dict(
    names=dict(type="list", elements="str"),
    offline_longer_than_minutes=dict(type="int"),
    include_temporarily_offline=dict(type="bool", default=False),
    known_instance_ids=dict(type="list", elements="str"),
    only_instance_ids=dict(type="list", elements="str"),
)
SELECTION_KEYS = ("names", "offline_longer_than_minutes", "known_instance_ids")


def node_argument_spec():
    """Connection and selection options of the node modules, a fresh copy each call."""
    spec = jenkins_api_argument_spec()
    spec.update(copy.deepcopy(SELECTION_ARGUMENT_SPEC))
    return spec


def selected_nodes(api, params):
    """select_nodes() over the controller's agents with the module's selection options."""
    return select_nodes(
        list_computers(api),
        datetime.datetime.now(datetime.timezone.utc),
        names=params["names"],
        offline_longer_than_minutes=params["offline_longer_than_minutes"],
        known_instance_ids=params["known_instance_ids"],
        include_temporarily_offline=params["include_temporarily_offline"],
        only_instance_ids=params.get("only_instance_ids"),
    )
