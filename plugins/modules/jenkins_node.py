#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: jenkins_node
version_added: 0.1.0
short_description: Remove Jenkins agents (nodes) through the Jenkins API
description:
  - Lists the agents (nodes) of a Jenkins controller through C(GET /computer/api/json) and removes the selected
    ones with C(POST /computer/<name>/doDelete). M(jenkins_ha.aws.jenkins_node_info) lists them with the same
    selection, without removing anything; check mode here reports what would go.
  - Nodes are selected by name (O(names)), by how long Jenkins has reported them offline
    (O(offline_longer_than_minutes)), or as orphans named after an EC2 instance that is not among
    O(known_instance_ids). The criteria add up; a node matching any of them is selected.
  - The built-in node is never listed nor removed. A busy node (not idle) is only removed when named.
  - Authenticates with HTTP basic auth (password or API token, given or read from an SSM SecureString parameter)
    and sends a CSRF crumb fetched in the same web session (C(GET /crumbIssuer/api/json) + session cookie).
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  state:
    description:
      - V(absent) removes the selected nodes. At least one of O(names), O(offline_longer_than_minutes) and
        O(known_instance_ids) is required, so the module never removes every node by default.
    type: str
    choices: [absent]
    default: absent
attributes:
  check_mode:
    support: full
    description: Reports the nodes that would be removed without removing them.
  diff_mode:
    support: full
    description: Before and after lists of node names.
extends_documentation_fragment:
  - jenkins_ha.aws.jenkins_api
  - jenkins_ha.aws.jenkins_api.node_selection
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Show which agents have been offline for over an hour, removing nothing
  jenkins_ha.aws.jenkins_node:
    url: https://jenkins.example.com/
    username: admin
    password_parameter: /jenkins-ha/prod/controller/admin-password
    offline_longer_than_minutes: 60
  check_mode: true
  register: agents

- name: Remove agents offline for over an hour or whose instance is gone
  jenkins_ha.aws.jenkins_node:
    url: https://jenkins.example.com/
    username: admin
    password_parameter: /jenkins-ha/prod/controller/admin-password
    state: absent
    offline_longer_than_minutes: 60
    known_instance_ids: "{{ instances.instances | map(attribute='instance_id') | list }}"

- name: Remove one agent by name
  jenkins_ha.aws.jenkins_node:
    url: https://jenkins.example.com/
    username: admin
    password: "{{ jenkins_api_token }}"
    state: absent
    names: [i-0123456789abcdef0]
"""

RETURN = r"""
nodes:
  description: Every agent Jenkins reported (before any removal), with the selection.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Node name.
      type: str
      sample: i-0123456789abcdef0
    offline:
      description: Whether Jenkins reports the node offline.
      type: bool
    temporarily_offline:
      description: Whether an operator marked it offline.
      type: bool
    idle:
      description: Whether no build runs on it.
      type: bool
    offline_since:
      description: When it went offline (ISO 8601, UTC), if Jenkins says.
      type: str
    offline_minutes:
      description: Minutes since it went offline, if known.
      type: float
    offline_reason:
      description: Jenkins' offline cause.
      type: str
    labels:
      description: Assigned labels.
      type: list
      elements: str
    num_executors:
      description: Executors.
      type: int
    instance_id:
      description: The EC2 instance id found in the name, if any.
      type: str
    selected:
      description: Whether the criteria select the node.
      type: bool
    selection_reasons:
      description: Why it is selected.
      type: list
      elements: str
      sample: ["offline for 95.2 min (> 60)", "no instance i-0123456789abcdef0"]
removed:
  description: Names of the nodes removed (in check mode, that would be removed).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import SELECTION_KEYS
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import delete_node
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import node_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import selected_nodes
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import MUTUALLY_EXCLUSIVE
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import JenkinsAPIError
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import connect


def ensure_absent(api, params, check_mode):
    """Remove the selected nodes: returns (changed, diff, result)."""
    nodes = selected_nodes(api, params)
    removed = []
    for node in nodes:
        if node["selected"] and (check_mode or delete_node(api, node["name"])):
            removed.append(node["name"])
    names = [node["name"] for node in nodes]
    diff = {"before": {"nodes": names}, "after": {"nodes": [name for name in names if name not in removed]}}
    return bool(removed), diff, {"nodes": nodes, "removed": removed}


def main():
    argument_spec = node_argument_spec()
    argument_spec["state"] = dict(type="str", choices=["absent"], default="absent")
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=MUTUALLY_EXCLUSIVE,
        required_one_of=[SELECTION_KEYS],
        supports_check_mode=True,
    )
    try:
        api = connect(module)
        changed, diff, result = ensure_absent(api, module.params, module.check_mode)
    except JenkinsAPIError as e:
        module.fail_json(msg="Jenkins API: {0}".format(e.message), status=e.status, url=e.url)
    module.exit_json(changed=changed, diff=diff, **result)


if __name__ == "__main__":
    main()
