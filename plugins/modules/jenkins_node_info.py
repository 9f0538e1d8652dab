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
options:
  url:
    description: Base URL of the Jenkins controller, for example C(https://jenkins.example.com/).
    type: str
    required: true
  username:
    description: Jenkins user for HTTP basic authentication. Anonymous when unset.
    type: str
  password:
    description:
      - Password or API token of O(username).
      - Mutually exclusive with O(password_parameter).
    type: str
  password_parameter:
    description:
      - Name of an SSM parameter (SecureString) holding the password or API token, for example
        C(/jenkins-ha/prod/controller/admin-password). Read with decryption; the value never appears in results.
    type: str
  validate_certs:
    description: Verify the controller's TLS certificate.
    type: bool
    default: true
  timeout:
    description: Timeout of each HTTP request, in seconds.
    type: int
    default: 30
  names:
    description: Select these nodes by name. Unknown names are ignored (already absent).
    type: list
    elements: str
  offline_longer_than_minutes:
    description:
      - Select idle nodes that Jenkins has reported offline for longer than this many minutes (from the offline
        cause's timestamp). Nodes offline without a known start are not selected by age.
    type: int
  include_temporarily_offline:
    description:
      - Also select by age nodes an operator marked temporarily offline (by default they are left alone).
    type: bool
    default: false
  known_instance_ids:
    description:
      - The EC2 instance ids that exist (for example the stack's pending and running agents). Idle nodes whose
        name contains an instance id (C(i-...)) that is not in this list are selected as orphans.
      - Unset, orphans are not looked for; an empty list makes every instance-named node an orphan.
    type: list
    elements: str
notes:
  - Also needs C(ssm:GetParameter) (and C(kms:Decrypt) on the parameter's key) with O(password_parameter).
attributes:
  check_mode:
    support: full
    description: The module only reads.
  diff_mode:
    support: none
    description: The module only reads.
extends_documentation_fragment:
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

from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import CONNECTION_ARGUMENT_SPEC
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import SELECTION_ARGUMENT_SPEC
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import connect
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import selected_nodes
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import JenkinsAPIError


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(CONNECTION_ARGUMENT_SPEC, **SELECTION_ARGUMENT_SPEC),
        mutually_exclusive=[("password", "password_parameter")],
        supports_check_mode=True,
    )
    try:
        nodes = selected_nodes(connect(module), module.params)
    except JenkinsAPIError as e:
        module.fail_json(msg="Jenkins API: {0}".format(e.message), status=e.status, url=e.url)
    module.exit_json(changed=False, nodes=nodes)


if __name__ == "__main__":
    main()
