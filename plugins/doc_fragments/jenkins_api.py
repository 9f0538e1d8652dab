# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # Connection options of every module that talks to the Jenkins HTTP API; the argument spec they document is
    # module_utils/jenkins_api.py: jenkins_api_argument_spec(). Change both together.
    DOCUMENTATION = r"""
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
notes:
  - Also needs C(ssm:GetParameter) (and C(kms:Decrypt) on the parameter's key) with O(password_parameter).
"""

    # Node selection shared by jenkins_node and jenkins_node_info; the spec is
    # module_utils/_jenkins_nodes.py: SELECTION_ARGUMENT_SPEC.
    NODE_SELECTION = r"""
options:
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
  only_instance_ids:
    description:
      - Restrict the selection to nodes named after one of these EC2 instance ids (for example one agent pool's
        instances); every other node is kept whatever the criteria say. Not a criterion of its own.
      - Selecting and removing in one module run keeps the idle check current, where listing first and removing
        by name later would take a node that became busy in between.
    type: list
    elements: str
"""
