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


def failover_table(report):
    """The drill's report as the lines it prints: observed phases, then the model's three columns term by term."""
    if not isinstance(report, dict) or "model_terms" not in report or "modelled" not in report:
        raise AnsibleFilterError("failover_table expects the failover drill's report (model_terms, modelled, phases)")
    observed = report.get("rto_seconds")
    lines = [
        "Failover drill of {0} (kill={1}): observed RTO {2}".format(
            report.get("stack", "?"),
            report.get("kill", "?"),
            "{0} s".format(observed) if observed is not None else "n/a",
        ),
        "  {0:<22}{1:>10}".format("observed phase", "seconds"),
    ]
    lines += ["  {0:<22}{1:>10}".format(phase["name"], phase["seconds"]) for phase in report.get("phases", [])]
    lines.append("  {0:<22}{1:>14}{2:>8}{3:>11}".format("modelled term", "AWS defaults", "stack", "warm pool"))
    for term in report["model_terms"]:
        lines.append(
            "  {0:<22}{1:>14}{2:>8}{3:>11}".format(
                term["name"], term["aws_defaults"], term["seconds"], term["warm_pool"]
            )
        )
    modelled = report["modelled"]
    lines.append(
        "  {0:<22}{1:>14}{2:>8}{3:>11}".format(
            "total", modelled["aws_defaults"], modelled["stack"], modelled["warm_pool"]
        )
    )
    lines.append("  sources:")
    lines += ["    {0}: {1}".format(term["name"], term["source"]) for term in report["model_terms"]]
    return lines


class FilterModule:
    def filters(self):
        return {"failover_rto": failover_rto, "failover_table": failover_table}
