# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""failover_rto: the modelled recovery time of a controller failover, from the stack's settings (three columns).

The computation lives in module_utils/_failover/model.py (the failover drill's module reads the same model);
this filter turns its input errors into filter errors naming the setting.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._failover.model import ModelError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._failover.model import failover_rto as _failover_rto


def failover_rto(settings, kill="unhealthy", unclean=False, estimates=None):
    if not isinstance(settings, dict):
        raise AnsibleFilterError(
            "failover_rto expects a dict of stack settings, got {0}".format(type(settings).__name__)
        )
    if estimates is not None and not isinstance(estimates, dict):
        raise AnsibleFilterError("failover_rto: estimates must be a dict, got {0}".format(type(estimates).__name__))
    try:
        return _failover_rto(settings, kill=kill, unclean=unclean, estimates=estimates)
    except ModelError as error:
        raise AnsibleFilterError("failover_rto: {0}".format(error)) from error


class FilterModule:
    def filters(self):
        return {"failover_rto": failover_rto}
