# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pre-flight: would the controller image described by a manifest (its Jenkins core, Java and resolved plugins, as
images.yml records them in ami/controller-jenkins) start with a given Configuration-as-Code document?

Used by the jenkins_controller role's preflight entry point (configure.yml before it publishes settings, upgrade.yml
before it replaces a controller), which renders jenkins.yaml.j2 from the stack's settings and passes the result here,
and by the role's own check before it writes jenkins.yaml (tasks/casc_check.yml, jenkins_casc_check): against the
manifest the bake left on the host when there is one, the role's pins when there is none.
"""

from __future__ import annotations

import json
import os

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._images.manifest import ManifestError, manifest_from_record
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import (
    SCHEMA_DIR,
    SchemaError,
    load_schema,
    requirement_errors,
    validate,
)
from ansible_collections.jenkins_ha.aws.plugins.filter.jcasc_errors import jcasc_errors
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_plugins import java_core_error

IMAGE = "(image)"
MANIFEST = "(manifest)"


def record_manifest(record):
    """The manifest (with image_id) the ami/controller-jenkins record holds, packed (images.yml now) or raw JSON
    (images.yml before the packed form); a mapping is taken as it is."""
    if isinstance(record, dict) and "encoding" not in record:
        return record
    if not isinstance(record, (str, dict)):
        raise AnsibleFilterError("the image manifest must be a mapping with jenkins, java and plugins")
    try:
        return manifest_from_record(record)
    except ManifestError as exc:
        raise AnsibleFilterError(str(exc)) from exc


def manifest_of(manifest):
    """The manifest as a dict {jenkins, java, plugins}, from a dict or the value of the SSM record."""
    manifest = record_manifest(manifest)
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


def _java_errors(image):
    reason = java_core_error(image["jenkins"], image["java"]) if image["java"] else None
    return ["{0}: {1}".format(IMAGE, reason)] if reason else []


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
    # One schema load serves both checks: what stops the image's Jenkins before it reads any configuration (Java, a
    # plugin's core or dependencies, as jcasc.requirement_errors models PluginWrapper) and the document itself.
    errors += _java_errors(image)
    try:
        schema = load_schema(core, modelled)
    except SchemaError as exc:
        return errors + ["{0}: {1}".format(IMAGE, exc)]
    errors += [
        "{0}: plugin {1}".format(IMAGE, line)
        for line in requirement_errors(core, schema["requires"], image["plugins"], complete=True)
    ]
    return errors + validate(document, schema)


def _host_manifest(text, path):
    """(manifest, None) from the file the bake wrote (plugins.yml: JSON {format, jenkins, java, plugins}) as
    manifest_of checks it, or (None, why not) naming the file."""
    try:
        manifest = json.loads(text)
    except (TypeError, ValueError) as exc:
        return None, "{0} is not JSON ({1})".format(path, exc)
    if not isinstance(manifest, dict):
        return None, "{0} holds no JSON object".format(path)
    try:
        return manifest_of(manifest), None
    except AnsibleFilterError as exc:
        return None, "{0}: {1}".format(path, exc)


def casc_check(document, manifest_text, manifest_path, core_version, pins):
    """What the role holds jenkins.yaml against before it writes it, and what that finds: {source, errors}.

    manifest_text: the content of the manifest the bake left on the host (jenkins_controller_manifest_file), None
    when there is none. With one, the image is the truth: the pre-flight's checks (preflight_errors: core, Java,
    every plugin at its resolved version, dependencies, then the document). A manifest that is not one is an error
    line "(manifest): ...", never a fall-back to the pins. Without one (a bake or a converge before plugins.yml wrote
    it), the role's pins: core_version and pins (the plugins whose JCasC the template renders), the document only.
    source says which of the two was used, for the failure message.
    """
    if manifest_text is None:
        source = "the role's pins (Jenkins {0} and jenkins_controller_plugins; no image manifest at {1})".format(
            core_version, manifest_path
        )
        return {"source": source, "errors": jcasc_errors(document, core_version, pins)}
    image, unusable = _host_manifest(manifest_text, manifest_path)
    if unusable:
        return {
            "source": "the image manifest {0}".format(manifest_path),
            "errors": ["{0}: {1}; the check does not fall back to the role's pins".format(MANIFEST, unusable)],
        }
    source = "the image manifest {0} (Jenkins {1}, Java {2}, {3} plugins)".format(
        manifest_path, image["jenkins"], image["java"] or "unknown", len(image["plugins"])
    )
    return {"source": source, "errors": preflight_errors(document, image)}


class FilterModule:
    def filters(self):
        return {
            "jenkins_casc_check": casc_check,
            "jenkins_preflight_errors": preflight_errors,
            "jenkins_preflight_manifest": record_manifest,
        }
