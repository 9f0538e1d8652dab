# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller's EC2 Fleet clouds (jenkins.clouds of jenkins.yaml): one `eC2Fleet` cloud per agent pool of the
stack (issue 18), or, for a stack published before pools existed and for the role used on its own, the one cloud of
the role's jenkins_controller_fleet_* variables, as before.

A pool sets its group, labels, bounds, idle minutes, executors and uses per agent; the rest (region, connector,
timeouts, flags) is the role's, shared by every cloud. The `default` pool's cloud keeps the role's cloud name
(`agents`): its nodes find their cloud by that name, so renaming it would orphan the running agents (see
tests/fakes/jenkins/README.md, "A reload that renames the cloud orphans its agents").

Why names and groups must be unique, at ec2-fleet 4.3.0.549.vf2a_da_a_d19b_5e (commit f2adaad19b5e) and core
jenkins-2.568.2 - nothing in JCasC refuses either, the plugin just misbehaves:
- a fleet node finds its cloud by name: EC2FleetNode.getCloud() is Jenkins.getCloud(cloudName)
  (EC2FleetNode.java:87-88), which answers the FIRST cloud of that name (core Jenkins.java:566-571,
  CloudList.getByName). With two clouds of one name, the second one's nodes belong to the first. Core's own cloud
  form refuses a duplicate (jenkins/agents/CloudSet.java:177-185, CloudSet_CloudAlreadyExists), and the plugin's
  form too ("Please choose a unique name", EC2FleetCloud.java:1083-1094); Cloud.name "uniquely identifies this
  Cloud" (hudson/slaves/Cloud.java:113).
- a cloud counts as its own every fleet node whose cloud has the same `fleet` (EC2FleetCloud.java:704-712) and sets
  that group's min, max and desired capacity on every update (:659-675; fleet/AutoScalingGroupFleet.java:47-62):
  two clouds on one group claim each other's agents and fight over its capacity.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import DEFAULT_POOL
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import LABEL
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import NAME

# A pool in the jenkins/settings document (filter jenkins_settings_document, key agent_pools).
POOL_KEYS = (
    "name",
    "labels",
    "asg_name",
    "min_size",
    "max_size",
    "idle_minutes",
    "executors",
    "max_total_uses",
    "restrict_usage",
    "min_spare_size",
)
# A document published before pools had restrict_usage or min_spare_size lacks them: its clouds keep the role's
# jenkins_controller_fleet_restrict_usage / _min_spare_size, so the controller renders what it did.
POOL_OPTIONAL_KEYS = ("restrict_usage", "min_spare_size")
POOL_INT_KEYS = ("min_size", "max_size", "idle_minutes", "executors", "max_total_uses", "min_spare_size")
# The role's fleet variables the clouds are made of, jenkins_controller_fleet_<name>.
FLEET_KEYS = (
    "cloud_name",
    "asg_name",
    "region",
    "label",
    "min_size",
    "max_size",
    "min_spare_size",
    "idle_minutes",
    "num_executors",
    "fs_root",
    "private_ip_used",
    "always_reconnect",
    "restrict_usage",
    "add_node_only_if_running",
    "no_delay_provision",
    "max_total_uses",
    "init_online_timeout_sec",
    "ssh_credentials_id",
    "ssh_port",
    "host_key_verification",
    "jvm_options",
)
HOST_KEY_VERIFICATION = {
    "manually_trusted": {"manuallyTrustedKeyVerificationStrategy": {"requireInitialManualTrust": False}},
    "known_hosts": "knownHostsFileKeyVerificationStrategy",
    "non_verifying": "nonVerifyingKeyVerificationStrategy",
}


def _int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value):
    """User text with JCasC's "${" escaped, so it is never interpolated."""
    return str(value).replace("${", "^${")


def _bool(value):
    """Ansible's reading of a boolean ('yes', 'on', 1 ...); anything else is an error, not a silent false."""
    try:
        return boolean(value, strict=True)
    except TypeError as exc:
        raise AnsibleFilterError("jenkins_fleet_clouds: %s" % exc)


def cloud_name(pool_name, default_cloud_name):
    """The cloud of pool `default` keeps the role's cloud name; any other pool's cloud is named after the pool."""
    return default_cloud_name if pool_name == DEFAULT_POOL else pool_name


def pool_errors(pools, where="agent_pools"):
    """What makes the pool list of a settings document unusable, one message per problem."""
    if not isinstance(pools, list):
        return ["{0} must be a list of pools".format(where)]
    errors = []
    for index, pool in enumerate(pools):
        at = "{0}[{1}]".format(where, index)
        if not isinstance(pool, dict):
            errors.append("{0} must be a mapping".format(at))
            continue
        missing = [key for key in POOL_KEYS if key not in pool and key not in POOL_OPTIONAL_KEYS]
        if missing:
            errors.append("{0} lacks {1}".format(at, ", ".join(missing)))
            continue
        at = "{0} ({1})".format(at, pool["name"])
        # The stack's own rules for names and labels (module_utils/_pools/model.py), so that a document written by
        # hand or a role used alone cannot render what stack_config refuses: an empty labelString matches only jobs
        # without a label (EC2FleetCloud.java:858 at f2adaad19b5e).
        if not (isinstance(pool["name"], str) and NAME.match(pool["name"])):
            errors.append(
                "{0}: name must be 1-20 lower case letters, digits and dashes, starting with a letter".format(at)
            )
        if not (isinstance(pool["asg_name"], str) and pool["asg_name"].strip()):
            errors.append("{0}: asg_name must be a non-empty string".format(at))
        labels = pool["labels"].split() if isinstance(pool["labels"], str) else None
        if not labels or not all(LABEL.match(label) for label in labels):
            errors.append("{0}: labels must be a non-empty string of plain, space-separated Jenkins labels".format(at))
        if "restrict_usage" in pool and not isinstance(pool["restrict_usage"], bool):
            errors.append("{0}: restrict_usage must be true or false, got {1!r}".format(at, pool["restrict_usage"]))
        bad = [key for key in POOL_INT_KEYS if key in pool and not _int(pool[key])]
        if bad:
            errors.append("{0}: {1} must be whole numbers".format(at, ", ".join(bad)))
            continue
        if not 0 <= pool["min_size"] <= pool["max_size"] or pool["max_size"] < 1:
            errors.append("{0}: needs 0 <= min_size <= max_size and max_size >= 1".format(at))
        # The plugin caps the spares at maxSize without a word (EC2FleetCloud.java:659-661 at f2adaad19b5e; its
        # help-minSpareSize.html: "'Maximum Cluster Size' is respected if 'Minimum Spare Size' exceeds it").
        elif not 0 <= pool.get("min_spare_size", 0) <= pool["max_size"]:
            errors.append("{0}: needs 0 <= min_spare_size <= max_size".format(at))
        # maxTotalUses 0 is a node used up before its first build: EC2RetentionStrategy.java:63-65,72 terminates it
        # once idle, even below minSize (f2adaad19b5e).
        if (
            pool["executors"] < 1
            or pool["idle_minutes"] < 0
            or pool["max_total_uses"] < -1
            or pool["max_total_uses"] == 0
        ):
            errors.append(
                "{0}: needs executors >= 1, idle_minutes >= 0 and max_total_uses -1 (unlimited) or >= 1".format(at)
            )
    return errors


def _fragment_clouds(fragments):
    """(name, fleet) of every eC2Fleet cloud the JCasC fragments add (keys match ignoring case, as JCasC)."""
    found = []
    for fragment in fragments or []:
        jenkins = next((v for k, v in (fragment or {}).items() if str(k).lower() == "jenkins"), None)
        clouds = next((v for k, v in (jenkins or {}).items() if str(k).lower() == "clouds"), None)
        for cloud in clouds if isinstance(clouds, list) else []:
            for kind, body in (cloud.items() if isinstance(cloud, dict) else []):
                if str(kind).lower() == "ec2fleet" and isinstance(body, dict):
                    found.append((body.get("name"), body.get("fleet")))
    return found


def clash_errors(clouds):
    """Two clouds of one name, or two clouds on one group: Jenkins loads both and the plugin then misbehaves (see
    the module's docstring). clouds: (name, fleet, where) triples."""
    errors = []
    for index, (name, fleet, where) in enumerate(clouds):
        for other_name, other_fleet, other_where in clouds[:index]:
            if name == other_name:
                errors.append(
                    "{0} and {1} are both EC2 Fleet clouds named {2!r}: Jenkins finds a fleet node's cloud by name"
                    " (the first of that name), so cloud names must be unique".format(other_where, where, name)
                )
            elif fleet and fleet == other_fleet:
                errors.append(
                    "{0} and {1} both drive the Auto Scaling group {2!r}: each cloud would claim the other's agents"
                    " and set the group's capacity; give each cloud its own group".format(other_where, where, fleet)
                )
    return errors


def _planned(pools, default_cloud_name, default_asg_name):
    if pools:
        return [
            (cloud_name(pool["name"], default_cloud_name), pool["asg_name"], "pool {0}".format(pool["name"]))
            for pool in pools
        ]
    return [(default_cloud_name, default_asg_name, "the cloud {0}".format(default_cloud_name))]


def fleet_cloud_errors(pools, fleet, fragments=None):
    """Why these pools (the settings document's agent_pools, [] for none) and fragments cannot be rendered as EC2
    Fleet clouds: malformed pools, duplicate cloud names, two clouds on one group."""
    if not isinstance(fleet, dict) or "cloud_name" not in fleet:
        raise AnsibleFilterError("jenkins_fleet_cloud_errors needs the role's fleet settings, at least cloud_name")
    pools = [] if pools is None else pools
    errors = pool_errors(pools)
    if errors:
        return errors
    planned = _planned(pools, fleet["cloud_name"], fleet.get("asg_name"))
    extra = [
        (name, asg, "the jenkins.clouds entry {0!r} of the JCasC fragments".format(name))
        for name, asg in _fragment_clouds(fragments)
    ]
    return clash_errors(planned + extra)


def _connector(fleet):
    connector = {
        "credentialsId": fleet["ssh_credentials_id"],
        "port": int(fleet["ssh_port"]),
        "sshHostKeyVerificationStrategy": HOST_KEY_VERIFICATION[fleet["host_key_verification"]],
        "launchTimeoutSeconds": int(fleet["init_online_timeout_sec"]),
    }
    if fleet["jvm_options"]:
        connector["jvmOptions"] = _text(fleet["jvm_options"])
    return {"sshConnector": connector}


def _cloud(fleet, name, asg_name, labels, sizes, restrict_usage):
    """One eC2Fleet cloud in the order of the EC2FleetCloud @DataBoundConstructor (EC2FleetCloud.java:162-188)."""
    return {
        "eC2Fleet": {
            "name": name,
            "region": fleet["region"],
            "fleet": asg_name,
            "labelString": _text(labels),
            "fsRoot": fleet["fs_root"],
            "computerConnector": _connector(fleet),
            "privateIpUsed": _bool(fleet["private_ip_used"]),
            "alwaysReconnect": _bool(fleet["always_reconnect"]),
            "idleMinutes": int(sizes["idle_minutes"]),
            "minSize": int(sizes["min_size"]),
            "maxSize": int(sizes["max_size"]),
            "minSpareSize": int(sizes["min_spare_size"]),
            "maxTotalUses": int(sizes["max_total_uses"]),
            "numExecutors": int(sizes["executors"]),
            "addNodeOnlyIfRunning": _bool(fleet["add_node_only_if_running"]),
            "restrictUsage": restrict_usage,
            "initOnlineTimeoutSec": int(fleet["init_online_timeout_sec"]),
            "noDelayProvision": _bool(fleet["no_delay_provision"]),
        }
    }


def jenkins_fleet_clouds(pools, fleet):
    """The jenkins.clouds list: one eC2Fleet cloud per pool, or the role's single cloud when there are no pools."""
    if not isinstance(fleet, dict) or set(FLEET_KEYS) - set(fleet):
        raise AnsibleFilterError(
            "jenkins_fleet_clouds needs the role's fleet settings: " + ", ".join(sorted(set(FLEET_KEYS) - set(fleet)))
            if isinstance(fleet, dict)
            else "jenkins_fleet_clouds needs the role's fleet settings as a mapping"
        )
    if fleet["host_key_verification"] not in HOST_KEY_VERIFICATION:
        raise AnsibleFilterError(
            "jenkins_controller_fleet_host_key_verification must be one of {0}, got {1!r}".format(
                ", ".join(HOST_KEY_VERIFICATION), fleet["host_key_verification"]
            )
        )
    pools = [] if pools is None else pools
    errors = fleet_cloud_errors(pools, fleet)
    if errors:
        raise AnsibleFilterError("Cannot render the EC2 Fleet clouds: " + "; ".join(errors))
    role_restrict_usage = _bool(fleet["restrict_usage"])
    if not pools:
        sizes = {
            "min_size": fleet["min_size"],
            "max_size": fleet["max_size"],
            "idle_minutes": fleet["idle_minutes"],
            "executors": fleet["num_executors"],
            "max_total_uses": fleet["max_total_uses"],
            "min_spare_size": fleet["min_spare_size"],
        }
        return [_cloud(fleet, fleet["cloud_name"], fleet["asg_name"], fleet["label"], sizes, role_restrict_usage)]
    return [
        _cloud(
            fleet,
            cloud_name(pool["name"], fleet["cloud_name"]),
            pool["asg_name"],
            pool["labels"],
            dict(pool, min_spare_size=pool.get("min_spare_size", fleet["min_spare_size"])),
            pool.get("restrict_usage", role_restrict_usage),
        )
        for pool in pools
    ]


class FilterModule:
    def filters(self):
        return {
            "jenkins_fleet_clouds": jenkins_fleet_clouds,
            "jenkins_fleet_cloud_errors": fleet_cloud_errors,
        }
