# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The spec is module_utils/_common/argument_specs.py: wait_argument_spec(timeout). The timeout's default
    # depends on the resource, so each module documents it with its own `wait_timeout: {default: N}`, which
    # ansible-doc merges over this entry.
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait until the resource is available after a change, and until it is gone after O(state=absent).
    type: bool
    default: true
  wait_timeout:
    description: How many seconds to wait for, at most.
    type: int
"""
