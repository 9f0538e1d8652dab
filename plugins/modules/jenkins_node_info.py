#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: jenkins_node_info
version_added: 0.1.0
short_description: List Jenkins agents (nodes) and which of them a selection matches
description:
  - Lists the agents (nodes) of a Jenkins controller through C(GET /computer/api/json), with how long each has been
    offline and the EC2 instance id in its name.
  - The optional criteria (O(names), O(offline_longer_than_minutes), O(known_instance_ids)) mark nodes as selected
    exactly as M(jenkins_ha.aws.jenkins_node) would remove them; nothing is changed.
  - The built-in node is never listed.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options: {}
extends_documentation_fragment:
  - jenkins_ha.aws.attributes.info_module
  - jenkins_ha.aws.jenkins_api
  - jenkins_ha.aws.jenkins_api.node_selection
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: List the agents, marking those offline for over an hour
  jenkins_ha.aws.jenkins_node_info:
    url: https://jenkins.example.com/
    username: admin
    password_parameter: /jenkins-ha/prod/controller/admin-password
    offline_longer_than_minutes: 60
  register: agents

- name: Show the names of the offline agents
  ansible.builtin.debug:
    msg: "{{ agents.nodes | selectattr('offline') | map(attribute='name') | list }}"
"""

RETURN = r"""
nodes:
  description: Every agent Jenkins reported; see M(jenkins_ha.aws.jenkins_node) for the keys of each.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "i-0123456789abcdef0", "offline": true, "temporarily_offline": false, "idle": true,
           "offline_since": "2025-01-01T10:00:00+00:00", "offline_minutes": 95.2, "offline_reason": "Connection was broken",
           "labels": ["fleet"], "num_executors": 1, "instance_id": "i-0123456789abcdef0", "selected": true,
           "selection_reasons": ["offline for 95.2 min (> 60)"]}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import node_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import selected_nodes
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import MUTUALLY_EXCLUSIVE
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import JenkinsAPIError
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import connect


def main():
    module = AnsibleAWSModule(
        argument_spec=node_argument_spec(),
        mutually_exclusive=MUTUALLY_EXCLUSIVE,
        supports_check_mode=True,
    )
    try:
        nodes = selected_nodes(connect(module), module.params)
    except JenkinsAPIError as e:
        module.fail_json(msg="Jenkins API: {0}".format(e.message), status=e.status, url=e.url)
    module.exit_json(changed=False, nodes=nodes)


if __name__ == "__main__":
    main()
