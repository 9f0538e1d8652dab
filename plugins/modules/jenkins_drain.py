#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: jenkins_drain
version_added: 0.2.0
short_description: Drain a Jenkins controller (quiet-down) or agents (temporarily offline) and wait for their builds
description:
  - O(target=controller) puts Jenkins into quiet-down (C(POST /quietDown)), so no new build starts and running ones
    go on; O(state=resumed) cancels it (C(POST /cancelQuietDown)).
  - O(target=agents) takes the agents named in O(names) temporarily offline (C(POST /computer/<name>/toggleOffline)
    with O(reason)), so no new build is given to them; O(state=resumed) brings back only those this module took
    offline (their offline reason is O(reason)).
  - With O(state=drained), waits up to O(wait_timeout) seconds for the builds of the drained scope to end (the
    controller - every executor of every node; agents - the named ones), and says which are still busy. A timeout is
    not a failure - RV(timed_out) and RV(busy) say what is left, the caller decides.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  target:
    description: The controller (quiet-down) or the agents in O(names).
    type: str
    choices: [controller, agents]
    required: true
  state:
    description: V(drained) or V(resumed).
    type: str
    choices: [drained, resumed]
    default: drained
  names:
    description:
      - Agent (node) names, for O(target=agents); names Jenkins does not know are listed in RV(missing).
      - An EC2 Fleet agent is named after its instance id (its display name is C(<cloud> <instance id>)).
    type: list
    elements: str
    default: []
  reason:
    description: The quiet-down message, or the offline reason of the agents (how O(state=resumed) recognises them).
    type: str
    default: jenkins_ha.aws upgrade
  wait_timeout:
    description: Seconds to wait for the running builds (0 - do not wait).
    type: int
    default: 0
  wait_delay:
    description: Seconds between two reads of C(/computer/api/json).
    type: int
    default: 5
attributes:
  check_mode:
    support: full
    description: Reports what it would drain or resume and what is busy now, without posting or waiting.
  diff_mode:
    support: none
    description: RV(changed_nodes) lists the agents it took offline or brought back.
extends_documentation_fragment:
  - jenkins_ha.aws.jenkins_api
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Quiet down and wait up to 30 minutes for running builds
  jenkins_ha.aws.jenkins_drain:
    url: https://jenkins.example.com/
    username: admin
    password_parameter: /jenkins-ha/prod/controller/admin-password
    target: controller
    wait_timeout: 1800
  register: drained

- name: Take two agents offline and wait for their builds
  jenkins_ha.aws.jenkins_drain:
    url: https://jenkins.example.com/
    username: admin
    password_parameter: /jenkins-ha/prod/controller/admin-password
    target: agents
    names: [i-0123456789abcdef0, i-0fedcba9876543210]
    wait_timeout: 1800
"""

RETURN = r"""
busy:
  description: Nodes still running a build when the module returned (the drained scope only).
  returned: always
  type: list
  elements: str
idle:
  description: For O(target=agents), the named agents that run nothing.
  returned: always
  type: list
  elements: str
missing:
  description: Names in O(names) Jenkins has no node for.
  returned: always
  type: list
  elements: str
changed_nodes:
  description: Agents taken offline or brought back (in check mode, that would be).
  returned: always
  type: list
  elements: str
timed_out:
  description: Whether builds were still running after O(wait_timeout).
  returned: always
  type: bool
seconds:
  description: Seconds spent waiting.
  returned: always
  type: float
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import INSTANCE_ID
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import list_computers
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import MUTUALLY_EXCLUSIVE
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import JenkinsAPIError
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import connect
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import jenkins_api_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import quote_segment


def argument_spec():
    spec = jenkins_api_argument_spec()
    spec.update(
        target=dict(type="str", choices=["controller", "agents"], required=True),
        state=dict(type="str", choices=["drained", "resumed"], default="drained"),
        names=dict(type="list", elements="str", default=[]),
        reason=dict(type="str", default="jenkins_ha.aws upgrade"),
        wait_timeout=dict(type="int", default=0),
        wait_delay=dict(type="int", default=5),
    )
    return spec


def node_name(computer):
    """The node's name: EC2 Fleet names a node after its instance and displays it as "<cloud> <instance id>"
    (GET /computer/api/json exports displayName only), so the instance id when the display name holds one."""
    match = INSTANCE_ID.search(computer.get("displayName", ""))
    return match.group(0) if match else computer.get("displayName")


def busy_nodes(computers, names=None):
    """Names of the nodes running a build (idle false), among names when given."""
    return sorted(
        node_name(c) for c in computers if not c.get("idle", True) and (names is None or node_name(c) in names)
    )


def agent_changes(computers, names, state, message):
    """(to_toggle, missing): the named agents whose temporarily-offline flag must flip, and the unknown names."""
    by_name = {node_name(c): c for c in computers}
    missing = sorted(set(names) - set(by_name))
    toggle = []
    for name in sorted(set(names) & set(by_name)):
        offline = bool(by_name[name].get("temporarilyOffline"))
        if state == "drained" and not offline:
            toggle.append(name)
        elif state == "resumed" and offline and (by_name[name].get("offlineCauseReason") or "") == message:
            toggle.append(name)
    return toggle, missing


def wait_idle(api, names, timeout, delay, sleep=time.sleep, clock=time.monotonic):
    """(busy, seconds): poll until nothing in scope is busy or timeout seconds have passed."""
    started = clock()
    while True:
        busy = busy_nodes(list_computers(api), names)
        elapsed = clock() - started
        if not busy or elapsed >= timeout:
            return busy, round(elapsed, 1)
        sleep(delay)


def run(api, params, check_mode):
    names = params["names"] if params["target"] == "agents" else None
    changed_nodes, missing = [], []
    changed = False
    if params["target"] == "controller":
        quieting = bool(api.get_json("api/json", params={"tree": "quietingDown"}).get("quietingDown"))
        changed = quieting != (params["state"] == "drained")
        if changed and not check_mode:
            if params["state"] == "drained":
                api.post("quietDown", params={"message": params["reason"]})
            else:
                api.post("cancelQuietDown")
    else:
        changed_nodes, missing = agent_changes(list_computers(api), params["names"], params["state"], params["reason"])
        changed = bool(changed_nodes)
        if not check_mode:
            for name in changed_nodes:
                api.post("computer/%s/toggleOffline" % quote_segment(name), params={"offlineMessage": params["reason"]})
    wait = params["state"] == "drained" and not check_mode and params["wait_timeout"] > 0
    if wait:
        busy, seconds = wait_idle(api, names, params["wait_timeout"], params["wait_delay"])
    else:
        busy, seconds = busy_nodes(list_computers(api), names), 0.0
    idle = sorted(set(params["names"]) - set(busy) - set(missing)) if names is not None else []
    return dict(
        changed=changed,
        changed_nodes=changed_nodes,
        missing=missing,
        busy=busy,
        idle=idle,
        timed_out=bool(wait and busy),
        seconds=seconds,
    )


def main():
    module = AnsibleAWSModule(
        argument_spec=argument_spec(), mutually_exclusive=MUTUALLY_EXCLUSIVE, supports_check_mode=True
    )
    api = connect(module)
    try:
        result = run(api, module.params, module.check_mode)
    except JenkinsAPIError as e:
        module.fail_json(msg="Jenkins refused or failed: %s" % e.message, status=e.status, url=e.url)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
