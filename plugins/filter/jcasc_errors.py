# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that hold a Configuration-as-Code document against the schema of the pinned Jenkins core and plugins."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import (
    SchemaError,
    load_schema,
    plugin_requirement_errors,
    validate,
)


def _plugins(plugins):
    """A name -> version dict, from a dict or from the role's list of {name, version}."""
    if isinstance(plugins, dict):
        return {str(k): str(v) for k, v in plugins.items()}
    if isinstance(plugins, list) and all(isinstance(p, dict) and "name" in p and "version" in p for p in plugins):
        return {str(p["name"]): str(p["version"]) for p in plugins}
    raise AnsibleFilterError("plugins must be a dict name -> version or a list of {name, version}")


def jcasc_errors(document, core_version, plugins):
    """The reasons Jenkins would refuse the document, one line each; [] when it loads."""
    try:
        schema = load_schema(str(core_version), _plugins(plugins))
    except SchemaError as exc:
        raise AnsibleFilterError(str(exc)) from exc
    return validate(document, schema)


def jcasc_plugin_errors(plugins, core_version, complete=False):
    """Plugins whose required core or plugin dependencies the pinned set does not satisfy."""
    try:
        return plugin_requirement_errors(str(core_version), _plugins(plugins), complete=bool(complete))
    except SchemaError as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule:
    def filters(self):
        return {"jcasc_errors": jcasc_errors, "jcasc_plugin_errors": jcasc_plugin_errors}
