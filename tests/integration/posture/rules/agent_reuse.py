"""Agent reuse (issue 20 finding 7), judged on the stack's published jenkins/settings document, whose agent_pools
the controller renders as its EC2 Fleet clouds: builds run arbitrary code, and an agent kept for the next build
(possibly another project's) hands it what the previous one planted.

- A pool whose agents are reused (max_total_uses other than 1) although its description does not ask for reuse is
  flagged: typically a document published before single use became the default, which playbooks/configure.yml (or
  site.yml) replaces. A pool the description opts into reuse (max_total_uses set, or
  jenkins_ha_agent_max_total_uses for a stack without a pool list) is the owner's documented choice for trusted
  builds, and passes.
- A single-use pool with more than one executor is flagged whatever the description says: the EC2 Fleet plugin
  stops a node taking builds only once its last allowed build has started (ec2-fleet f2adaad19b5e,
  EC2RetentionStrategy.java:120-135), so builds handed out together can share the agent.
A stack without the document, or a document without agent_pools (the controller then renders the role's own cloud,
single use by default), gives no finding here."""

from __future__ import annotations

import json


def _document_pools(state):
    document = state.jenkins_settings
    if not document:
        return []
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return None
    pools = document.get("agent_pools") if isinstance(document, dict) else None
    return pools if isinstance(pools, list) else []


def agent_reuse_findings(state, expect):
    """Findings of the published pools against the described ones (Expectations.pools)."""
    pools = _document_pools(state)
    where = "/jenkins-ha/{0}/jenkins/settings".format(state.stack)
    if pools is None:
        return ["{0}: not JSON, the agents' reuse cannot be judged".format(where)]
    if not pools:
        return []
    try:
        described = {pool["name"]: pool for pool in expect.pools(state.stack)}
    except ValueError:
        # An invalid description is the pool rule's finding (rules/pools.py), not this one's.
        return []
    findings = []
    for pool in pools:
        name, uses, executors = pool.get("name"), pool.get("max_total_uses"), pool.get("executors")
        wanted = described.get(name, {}).get("max_total_uses", 1)
        if uses != 1 and wanted == 1:
            findings.append(
                "{0}: agent pool {1} reuses its agents between builds (max_total_uses {2}) although its description"
                " asks for single use: a build hands the next one what it planted; publish the settings again"
                " (playbooks/configure.yml)".format(where, name, uses)
            )
        if uses == 1 and isinstance(executors, int) and executors > 1:
            findings.append(
                "{0}: agent pool {1} is single use with {2} executors: builds handed out together share an agent"
                " (set executors: 1)".format(where, name, executors)
            )
    return findings
