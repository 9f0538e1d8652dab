# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stack's Jenkins settings: checked (jenkins_settings_errors), published as one JSON document in the stack's
jenkins/settings SSM parameter (jenkins_settings_document), and turned back into jenkins_controller role variables
on the controller at boot (jenkins_settings_role_vars).

Since issue 18 the document also lists the agent pools (agent_pools: name, labels, group, bounds, idle minutes,
executors, uses per agent, restrict_usage, spare agents), and the controller renders one EC2 Fleet cloud per pool
(filter jenkins_fleet_clouds).
It keeps fleet_min_size/fleet_max_size (the `default` pool's bounds), which a controller image from before pools
reads to render its one cloud on agent/asg-name; a document without agent_pools (published before pools existed)
gives a new controller that one cloud too.

Since issue 19 it names the metrics scrape account (metrics_scrape_user, only when one is set, so the document of a
stack without one is unchanged): the controller grants it Overall/Read and Metrics/View, and with the local realm
creates it.

The document holds no secret: the LDAP bind password, the OIDC client secret and the scrape account's password travel
in their own SecureString parameters and are joined to the role variables only on the controller.
"""

from __future__ import annotations

import json
import re

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.jcasc_merge import JcascMergeError, merge_fragments
from ansible_collections.jenkins_ha.aws.plugins.filter.jenkins_fleet_clouds import (
    DEFAULT_POOL,
    POOL_KEYS,
    fleet_cloud_errors,
)

FORMAT = 1
REALMS = ("local", "ldap", "oidc")
LDAP_KEYS = (
    "server",
    "root_dn",
    "user_search_base",
    "user_search",
    "group_search_base",
    "group_search_filter",
    "manager_dn",
)
OIDC_KEYS = ("client_id", "well_known_url", "user_name_field", "groups_field", "full_name_field", "email_field")
AUTHORIZATION_KEYS = ("admin_users", "admin_groups", "read_users", "read_groups")
DISCARDER_LIMITS = ("days_to_keep", "num_to_keep", "artifact_days_to_keep", "artifact_num_to_keep")
# What the stack variables themselves set: a fragment may not (a fragment cannot lift a directory realm to
# "logged-in users can do anything" nor replace the realm the secrets were published for).
PROTECTED_PATHS = ("jenkins.securityRealm", "jenkins.authorizationStrategy")
# A standard-tier String parameter holds at most 4 KB (SSM PutParameter, Value: "Standard parameters have a value
# limit of 4 KB").
MAX_DOCUMENT_BYTES = 4096
# The role variables the document sets, jenkins_controller_<name>.
ROLE_VARS = (
    "security_realm",
    "ldap",
    "oidc",
    "authorization",
    "build_discarder",
    "fleet_min_size",
    "fleet_max_size",
    "fleet_pools",
    "casc_fragments",
    "metrics_scrape_user",
)
# Where a role variable's value is in the document when the names differ.
DOCUMENT_KEYS = {"fleet_pools": "agent_pools"}
# An account name the local realm, LDAP and OIDC all accept (no spaces, no JCasC "${").
SCRAPE_USER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
# The controller role's cloud name for the pool `default` (jenkins_controller_fleet_cloud_name's default): kept so
# that the agents running before pools existed keep their cloud.
DEFAULT_CLOUD_NAME = "agents"


def _names(value):
    return isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value)


def _int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _dict_errors(variable, value, known):
    if not isinstance(value, dict):
        return ["{0} must be a mapping".format(variable)]
    unknown = sorted(set(value) - set(known))
    if unknown:
        return ["{0} has unknown key(s) {1}; known: {2}".format(variable, ", ".join(unknown), ", ".join(known))]
    return []


def _realm_errors(stack):
    realm = stack.get("security_realm")
    errors = []
    if realm not in REALMS:
        return ["jenkins_ha_security_realm must be one of {0}, got {1!r}".format(", ".join(REALMS), realm)]
    for name, known in (("ldap", LDAP_KEYS), ("oidc", OIDC_KEYS)):
        errors += _dict_errors("jenkins_ha_" + name, stack.get(name, {}), known)
    if errors:
        return errors
    ldap, oidc = stack.get("ldap", {}), stack.get("oidc", {})
    if realm == "ldap" and not str(ldap.get("server", "")).startswith(("ldap://", "ldaps://")):
        errors.append("jenkins_ha_security_realm=ldap needs jenkins_ha_ldap.server (ldaps://host or ldap://host)")
    if realm == "oidc":
        if not str(oidc.get("client_id", "")).strip():
            errors.append("jenkins_ha_security_realm=oidc needs jenkins_ha_oidc.client_id")
        if not str(oidc.get("well_known_url", "")).startswith("https://"):
            errors.append(
                "jenkins_ha_security_realm=oidc needs jenkins_ha_oidc.well_known_url, the https:// URL of the"
                " provider's .well-known/openid-configuration"
            )
    return errors


def _authorization_errors(stack):
    authorization = stack.get("authorization", {})
    errors = _dict_errors("jenkins_ha_authorization", authorization, AUTHORIZATION_KEYS)
    if errors:
        return errors
    errors = [
        "jenkins_ha_authorization.{0} must be a list of non-empty names".format(key)
        for key in AUTHORIZATION_KEYS
        if not _names(authorization.get(key, []))
    ]
    if errors:
        return errors
    admins = authorization.get("admin_users", []) + authorization.get("admin_groups", [])
    if stack.get("security_realm") in ("ldap", "oidc") and not admins:
        errors.append(
            "jenkins_ha_security_realm={0} needs an administrator: a user or group of the directory in"
            " jenkins_ha_authorization.admin_users or admin_groups (a directory realm never runs with"
            " 'logged-in users can do anything')".format(stack.get("security_realm"))
        )
    return errors


def _discarder_errors(stack):
    discarder = stack.get("build_discarder", {})
    errors = _dict_errors("jenkins_ha_build_discarder", discarder, ("enabled",) + DISCARDER_LIMITS)
    if errors:
        return errors
    if not isinstance(discarder.get("enabled", True), bool):
        errors.append("jenkins_ha_build_discarder.enabled must be true or false")
    errors += [
        "jenkins_ha_build_discarder.{0} must be a whole number, 0 for no limit".format(key)
        for key in DISCARDER_LIMITS
        if key in discarder and not (_int(discarder[key]) and discarder[key] >= 0)
    ]
    return errors


def _fleet_errors(stack):
    low, high = stack.get("agent_min_size"), stack.get("agent_max_size")
    if not (_int(low) and _int(high) and 0 <= low <= high):
        return ["jenkins_ha_agent_min_size and jenkins_ha_agent_max_size must be whole numbers with 0 <= min <= max"]
    if high < 1:
        return ["jenkins_ha_agent_max_size must be at least 1: it is also the EC2 Fleet cloud's maximum of agents"]
    return []


def _pool_errors(stack):
    # None: the pools are not derived yet (stack_config checks them with their own rule first); no key: a caller
    # from before pools. Either way the document has no agent_pools.
    if stack.get("agent_pools") is None:
        return []
    fleet = {"cloud_name": DEFAULT_CLOUD_NAME, "asg_name": None}
    errors = fleet_cloud_errors(stack["agent_pools"], fleet, stack.get("casc_fragments", []))
    return ["jenkins_ha_agent_pools: {0}".format(error) for error in errors]


def _fragment_errors(stack):
    fragments = stack.get("casc_fragments", [])
    try:
        merge_fragments({}, fragments, PROTECTED_PATHS)
    except JcascMergeError as exc:
        return ["jenkins_ha_casc_fragments: {0}".format(exc)]
    return []


def _scrape_user_errors(stack):
    """The metrics scrape account: a plain account name that is not an administrator (it must hold no more than
    Overall/Read and Metrics/View) nor anonymous (the endpoint never answers anonymous scrapes)."""
    user = stack.get("metrics_scrape_user", "")
    if user == "":
        return []
    if not isinstance(user, str) or not SCRAPE_USER.match(user):
        return [
            "jenkins_ha_metrics_scrape_user must be an account name (letters, digits, '.', '_', '@', '-'), got"
            " {0!r}".format(user)
        ]
    authorization = stack.get("authorization", {})
    admins = list(authorization.get("admin_users", [])) if isinstance(authorization, dict) else []
    if stack.get("security_realm") == "local":
        admins.append(stack.get("admin_username", "admin"))
    if user.lower() == "anonymous" or user.lower() in [str(a).lower() for a in admins]:
        return [
            "jenkins_ha_metrics_scrape_user {0!r} must be an account of its own, not anonymous or an administrator:"
            " it holds Overall/Read and Metrics/View only".format(user)
        ]
    return []


def settings_errors(stack):
    """Why the stack's Jenkins settings cannot be published, one message per problem naming the variable."""
    if not isinstance(stack, dict):
        raise AnsibleFilterError("jenkins_settings_errors expects a mapping of the stack's Jenkins settings")
    errors = (
        _realm_errors(stack)
        + _authorization_errors(stack)
        + _discarder_errors(stack)
        + _fleet_errors(stack)
        + _pool_errors(stack)
        + _fragment_errors(stack)
        + _scrape_user_errors(stack)
    )
    if not errors:
        size = len(settings_document(stack).encode("utf-8"))
        if size > MAX_DOCUMENT_BYTES:
            errors.append(
                "the Jenkins settings take {0} bytes as JSON, more than an SSM String parameter holds ({1}):"
                " shorten jenkins_ha_casc_fragments or list fewer jenkins_ha_agent_pools".format(
                    size, MAX_DOCUMENT_BYTES
                )
            )
    return errors


def _document(stack):
    realm = stack["security_realm"]
    authorization = stack.get("authorization", {})
    discarder = stack.get("build_discarder", {})
    limits = {key: ("" if discarder[key] == 0 else discarder[key]) for key in DISCARDER_LIMITS if key in discarder}
    pools = stack.get("agent_pools")
    default = next((pool for pool in pools or [] if pool["name"] == DEFAULT_POOL), None)
    bounds = (
        (default["min_size"], default["max_size"]) if default else (stack["agent_min_size"], stack["agent_max_size"])
    )
    document = {
        "format": FORMAT,
        "security_realm": realm,
        # Only the chosen realm's settings: a change to an unused realm's settings is no change of Jenkins.
        "ldap": {k: v for k, v in stack.get("ldap", {}).items() if k in LDAP_KEYS} if realm == "ldap" else {},
        "oidc": {k: v for k, v in stack.get("oidc", {}).items() if k in OIDC_KEYS} if realm == "oidc" else {},
        "authorization": {key: list(authorization.get(key, [])) for key in AUTHORIZATION_KEYS},
        "build_discarder": dict(limits, enabled=bool(discarder.get("enabled", True))),
        # One source of truth: the agent ASG's bounds are the EC2 Fleet cloud's (the plugin sets the group's
        # min/max from them, ec2-fleet AutoScalingGroupFleet.java:51-61). With pools: the `default` pool's, for a
        # controller image from before pools (it renders one cloud on agent/asg-name from these).
        "fleet_min_size": bounds[0],
        "fleet_max_size": bounds[1],
        "casc_fragments": list(stack.get("casc_fragments", [])),
    }
    if stack.get("metrics_scrape_user"):
        document["metrics_scrape_user"] = stack["metrics_scrape_user"]
    if pools is not None:
        # Only what the controller's clouds are made of: a pool's instance types or Spot mix is no change of Jenkins.
        document["agent_pools"] = [{key: pool[key] for key in POOL_KEYS} for pool in pools]
    return document


def settings_document(stack):
    """The jenkins/settings parameter's value: canonical JSON (sorted keys), so an unchanged stack is no change."""
    return json.dumps(_document(stack), sort_keys=True, separators=(",", ":"))


def jenkins_settings_document(stack):
    errors = settings_errors(stack)
    if errors:
        raise AnsibleFilterError("Invalid Jenkins settings: " + "; ".join(errors))
    return settings_document(stack)


def jenkins_settings_role_vars(document, current, secrets=None):
    """jenkins_controller_* values (without the prefix) from the published document, the role's current values and
    the secrets read from SSM; the current values where the stack published nothing (a stack converged before
    jenkins/settings existed)."""
    if not isinstance(current, dict) or set(ROLE_VARS) - set(current):
        raise AnsibleFilterError("jenkins_settings_role_vars needs the current values of: " + ", ".join(ROLE_VARS))
    if document in (None, "", {}):
        return {key: current[key] for key in ROLE_VARS}
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError as exc:
            raise AnsibleFilterError("The stack's jenkins/settings parameter is not JSON: {0}".format(exc)) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise AnsibleFilterError(
            "The stack's jenkins/settings parameter has format {0!r}; this collection reads format {1}: publish it"
            " again with this collection's playbooks/secrets.yml".format(
                document.get("format") if isinstance(document, dict) else document, FORMAT
            )
        )
    secrets = secrets or {}
    values = {
        key: document[DOCUMENT_KEYS.get(key, key)] if DOCUMENT_KEYS.get(key, key) in document else current[key]
        for key in ROLE_VARS
    }
    values["ldap"] = dict(values["ldap"])
    values["oidc"] = dict(values["oidc"])
    if secrets.get("ldap_manager_password"):
        values["ldap"]["manager_password"] = secrets["ldap_manager_password"]
    if secrets.get("oidc_client_secret"):
        values["oidc"]["client_secret"] = secrets["oidc_client_secret"]
    values["build_discarder"] = dict(current["build_discarder"], **document.get("build_discarder", {}))
    return values


class FilterModule:
    def filters(self):
        return {
            "jenkins_settings_errors": settings_errors,
            "jenkins_settings_document": jenkins_settings_document,
            "jenkins_settings_role_vars": jenkins_settings_role_vars,
        }
