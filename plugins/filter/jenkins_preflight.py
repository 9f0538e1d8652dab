# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pre-flight: would the controller image described by a manifest (its Jenkins core, Java and resolved plugins, as
images.yml records them in ami/controller-jenkins) start with a given Configuration-as-Code document?

Used by the jenkins_controller role's preflight entry point (configure.yml before it publishes settings, upgrade.yml
before it replaces a controller), which renders jenkins.yaml.j2 from the stack's settings and passes the result here.
"""

from __future__ import annotations

import json
import os

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import SCHEMA_DIR, SchemaError, load_schema, validate
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc.version import at_least
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_plugins import java_core_error

IMAGE = "(image)"


def manifest_of(manifest):
    """The manifest as a dict {jenkins, java, plugins}, from a dict or the JSON of the SSM record."""
    if isinstance(manifest, str):
        try:
            manifest = json.loads(manifest)
        except ValueError as exc:
            raise AnsibleFilterError("the image manifest is not JSON: {0}".format(exc)) from exc
    if not isinstance(manifest, dict):
        raise AnsibleFilterError("the image manifest must be a mapping with jenkins, java and plugins")
    core, plugins = manifest.get("jenkins"), manifest.get("plugins")
    if not isinstance(core, str) or not core.strip():
        raise AnsibleFilterError("the image manifest names no Jenkins core version (key jenkins)")
    if not isinstance(plugins, dict) or not all(isinstance(v, str) for v in plugins.values()):
        raise AnsibleFilterError("the image manifest's plugins must be a mapping name -> version")
    java = manifest.get("java")
    if java is not None and (isinstance(java, bool) or not isinstance(java, int)):
        raise AnsibleFilterError("the image manifest's java must be a major version number")
    return {"jenkins": core.strip(), "java": java, "plugins": {str(k): v for k, v in plugins.items()}}


def _has_schemas(component):
    return os.path.isdir(os.path.join(SCHEMA_DIR, component))


def _schema_exists(component, version):
    return os.path.isfile(os.path.join(SCHEMA_DIR, component, "%s.json" % version))


def _image_errors(image, modelled):
    """What stops the image's Jenkins before it reads any configuration: Java, a plugin's core or dependency."""
    core, plugins = image["jenkins"], image["plugins"]
    errors = []
    if image["java"]:
        reason = java_core_error(core, image["java"])
        if reason:
            errors.append("{0}: {1}".format(IMAGE, reason))
    try:
        requires = load_schema(core, modelled)["requires"]
    except SchemaError as exc:
        return errors + ["{0}: {1}".format(IMAGE, exc)]
    for name in sorted(requires):
        version = plugins[name]
        needed = requires[name].get("core")
        if needed and not at_least(core, needed):
            errors.append(
                "{0}: plugin {1} {2} needs Jenkins {3} or newer, the image has {4}".format(
                    IMAGE, name, version, needed, core
                )
            )
        for dep, minimum in sorted(requires[name].get("plugins", {}).items()):
            if dep not in plugins:
                errors.append(
                    "{0}: plugin {1} {2} needs plugin {3}, which the image lacks".format(IMAGE, name, version, dep)
                )
            elif minimum and not at_least(plugins[dep], minimum):
                errors.append(
                    "{0}: plugin {1} {2} needs {3} {4} or newer, the image has {5}".format(
                        IMAGE, name, version, dep, minimum, plugins[dep]
                    )
                )
    return errors


def preflight_errors(document, manifest):
    """Why the image would not start with this JCasC document, one line each, the offending key first; []: it does.

    Lines about the image itself start with "(image):"; lines about the document are "<dotted.key>: <reason>" as
    jcasc_errors returns them, checked against the schemas of exactly the image's core and plugin versions.
    """
    image = manifest_of(manifest)
    core = image["jenkins"]
    if not _schema_exists("core", core):
        return [
            "{0}: no JCasC schema for Jenkins core {1}: the collection cannot check a configuration for it"
            " (generate it with tools/jcasc_schema/generate.py)".format(IMAGE, core)
        ]
    modelled, errors = {}, []
    for name, version in sorted(image["plugins"].items()):
        if not _has_schemas(name):
            continue  # a plugin that adds no JCasC the collection models: no key of the document can be its
        if _schema_exists(name, version):
            modelled[name] = version
        else:
            errors.append(
                "{0}: no JCasC schema for plugin {1} {2}: its keys cannot be checked (generate it with"
                " tools/jcasc_schema/generate.py, or pin the version the collection has)".format(IMAGE, name, version)
            )
    errors += _image_errors(image, modelled)
    return errors + validate(document, load_schema(core, modelled))


class FilterModule:
    def filters(self):
        return {"jenkins_preflight_errors": preflight_errors}
