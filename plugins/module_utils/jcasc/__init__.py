# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hold a Configuration-as-Code document against what the pinned Jenkins core and plugins accept.

The schemas (schemas/<component>/<version>.json, docs/jcasc-schema.md) are generated from the upstream sources by
tools/jcasc_schema/generate.py. Names are matched without regard to case, as configuration-as-code does for root
keys (ConfigurationAsCode.invokeWith), attributes (BaseConfigurator.removeIgnoreCase) and implementation symbols
(HeteroDescribableConfigurator.findByPreferredSymbol/findBySymbols).
"""

from __future__ import annotations

import json
import os
import re

from .version import at_least

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")
# x-* root keys are YAML anchor holders that configuration-as-code skips (ConfigurationAsCode.isNotAliasEntry).
_ALIAS_PREFIX = "x-"
# BaseConfigurator.configure refuses a @Restricted setter unless its restriction is None (or Beta with the beta
# policy), configuration-as-code 2117.vc05a_0b_e6b_f4e BaseConfigurator.java:436-447, ConfigurationContext.java:25.
_ALLOWED_RESTRICTIONS = ("None",)
_INT = re.compile(r"^[+-]?\d+$")
_DOUBLE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


class SchemaError(Exception):
    """A schema file is missing or unreadable."""


def _read(component, version):
    path = os.path.join(SCHEMA_DIR, component, "%s.json" % version)
    if not os.path.isfile(path):
        raise SchemaError(
            "no JCasC schema for %s %s (expected %s); generate it with tools/jcasc_schema/generate.py"
            % (component, version, os.path.relpath(path, os.path.dirname(SCHEMA_DIR)))
        )
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_schema(core_version, plugins):
    """The merged schema of a core version and plugins (name -> version): roots and types united."""
    docs = [_read("core", core_version)] + [_read(name, version) for name, version in sorted(plugins.items())]
    merged = {"core": core_version, "plugins": dict(plugins), "roots": {}, "types": {}, "requires": {}}
    merged["permissions"] = {}
    for doc in docs:
        merged["permissions"].update(doc.get("permissions", {}))
        for key, root in doc.get("roots", {}).items():
            target = merged["roots"].setdefault(key, {})
            for field, value in root.items():
                if field == "attributes":
                    target.setdefault("attributes", {}).update(value)
                else:
                    target.setdefault(field, value)
        for name, entry in doc.get("types", {}).items():
            target = merged["types"].setdefault(name, {})
            for field, value in entry.items():
                if field in ("attributes", "names"):
                    target.setdefault(field, {}).update(value)
                elif field == "unmodelled":
                    continue
                else:
                    target.setdefault(field, value)
            # unmodelled only while no loaded file models it: an empty attribute set is a fact, not a gap
            if entry.get("unmodelled") and "attributes" not in target and not target.get("abstract"):
                target["unmodelled"] = True
            elif not entry.get("unmodelled"):
                target.pop("unmodelled", None)
        if doc["component"] != "core":
            merged["requires"][doc["component"]] = doc.get("requires", {})
    merged["implementations"] = _implementations(merged["types"])
    return merged


def _implementations(types):
    """base type -> [(lower-cased name, implementation)], in schema order."""
    out = {}
    for impl, entry in types.items():
        for base, names in entry.get("names", {}).items():
            for name in names:
                out.setdefault(base, []).append((name.lower(), impl))
    return out


def requirement_errors(core_version, requires, installed, complete=False):
    """What Jenkins would refuse at start, as core's PluginWrapper.resolvePluginDependencies does (identical at
    jenkins-2.541.3 and jenkins-2.568.2, core/src/main/java/hudson/PluginWrapper.java:960-1022 resp. 958-1020):

    - the plugin's required core is newer than the running one;
    - a required plugin is missing (only with complete=True: the installed set is all there is) or older;
    - an OPTIONAL dependency that IS installed is older than the minimum the plugin declares (the "add the optional
      dependencies that exists" loop: an obsolete one is a versionDependencyError, and the plugin fails to load).

    requires: plugin name -> its schema's "requires" ({core, plugins, optional}) for the plugins to check; installed:
    name -> version of every plugin present (the checked ones included). A minimum managed by the plugin BOM (null)
    is not known here: such a dependency need only be present (required) or is not checked (optional).
    """
    errors = []
    for name in sorted(requires):
        version, needs = installed.get(name, "?"), requires[name] or {}
        core = needs.get("core")
        if core and not at_least(core_version, core):
            errors.append("%s %s: needs Jenkins %s or newer, core is %s" % (name, version, core, core_version))
        for dep, minimum in sorted((needs.get("plugins") or {}).items()):
            if dep not in installed:
                if complete:
                    errors.append("%s %s: needs plugin %s, which is not installed" % (name, version, dep))
            elif minimum and not at_least(installed[dep], minimum):
                errors.append(
                    "%s %s: needs %s %s or newer, %s is installed" % (name, version, dep, minimum, installed[dep])
                )
        for dep, minimum in sorted((needs.get("optional") or {}).items()):
            if dep in installed and minimum and not at_least(installed[dep], minimum):
                errors.append(
                    "%s %s: needs %s %s or newer when it is installed (an optional dependency), %s is installed"
                    % (name, version, dep, minimum, installed[dep])
                )
    return errors


def plugin_requirement_errors(core_version, plugins, complete=False):
    """requirement_errors for plugins (name -> version) that all have schemas, read from those schemas."""
    requires = {name: _read(name, version).get("requires", {}) for name, version in plugins.items()}
    return requirement_errors(core_version, requires, plugins, complete=complete)


def _lookup(mapping, key):
    lowered = key.lower()
    for name, value in mapping.items():
        if name.lower() == lowered:
            return name, value
    return None, None


def _attribute(entry, key):
    name, spec = _lookup(entry.get("attributes", {}), key)
    if spec is None:
        for attr_name, attr in entry.get("attributes", {}).items():
            if any(alias.lower() == key.lower() for alias in attr.get("aliases", [])):
                return attr_name, attr
    return name, spec


def validate(document, schema):
    """Errors (one line each, `<path>: <message>`) for the rules of docs/jcasc-schema.md; [] when accepted."""
    errors = []
    if document is None:
        return errors
    if not isinstance(document, dict):
        return ["(document): a mapping of root keys expected, got %s" % type(document).__name__]
    for key, value in document.items():
        key = str(key)
        if key.startswith(_ALIAS_PREFIX):
            continue
        root = _lookup(schema["roots"], key)[1]
        if root is None:
            errors.append("%s: no loaded component provides this root key" % key)
        elif root.get("unmodelled"):
            continue
        elif "type" in root:
            _value(value, {"type": root["type"]}, key, schema, errors)
        else:
            _mapping(value, root, key, schema, errors)
    return errors


def _mapping(value, entry, path, schema, errors):
    if value is None:
        return
    if not isinstance(value, dict):
        errors.append("%s: a mapping expected, got %s" % (path, _kind(value)))
        return
    for key, sub in value.items():
        name, spec = _attribute(entry, str(key))
        sub_path = "%s.%s" % (path, key)
        if spec is None:
            known = ", ".join(sorted(entry.get("attributes", {}))) or "none"
            errors.append("%s: unknown attribute (known: %s)" % (sub_path, known))
            continue
        if spec.get("deprecated"):
            errors.append("%s: '%s' is deprecated (refused unless deprecated: warn)" % (sub_path, name))
            continue
        if spec.get("restricted") and spec["restricted"] not in _ALLOWED_RESTRICTIONS:
            errors.append(
                "%s: '%s' is restricted: %s (refused unless restricted: warn)" % (sub_path, name, spec["restricted"])
            )
            continue
        _value(sub, spec, sub_path, schema, errors)


def _value(value, spec, path, schema, errors):
    if spec.get("multiple"):
        if not isinstance(value, list):
            errors.append("%s: a list expected, got %s" % (path, _kind(value)))
            return
        single = {k: v for k, v in spec.items() if k != "multiple"}
        for index, item in enumerate(value):
            _value(item, single, "%s[%d]" % (path, index), schema, errors)
        return
    kind = spec["type"]
    if kind in ("string", "secret", "int", "long", "boolean", "double", "enum"):
        message = _scalar_error(value, spec)
        if message:
            errors.append("%s: %s" % (path, message))
        return
    if kind == "permission":
        message = _scalar_error(value, {"type": "string"}) or _permission_error(value, schema)
        if message:
            errors.append("%s: %s" % (path, message))
        return
    entry = schema["types"].get(kind)
    if entry is None or entry.get("unmodelled"):
        return
    if isinstance(value, list):
        errors.append("%s: one value expected, got a list" % path)
        return
    if entry.get("abstract"):
        _implementation(value, kind, path, schema, errors)
    else:
        _mapping(value, entry, path, schema, errors)


def _implementation(value, base, path, schema, errors):
    if isinstance(value, dict):
        if len(value) != 1:
            errors.append("%s: a single-key mapping naming a %s implementation expected" % (path, base))
            return
        name, body = next(iter(value.items()))
    elif isinstance(value, str):
        name, body = value, None
    else:
        errors.append("%s: an implementation name or a single-key mapping expected, got %s" % (path, _kind(value)))
        return
    impls = schema["implementations"].get(base, [])
    impl = next((i for n, i in impls if n == str(name).lower()), None)
    if impl is None:
        known = ", ".join(sorted({schema["types"][i]["names"][base][0] for _name, i in impls})) or "none loaded"
        errors.append("%s: no %s implementation named '%s' (known: %s)" % (path, base, name, known))
        return
    entry = schema["types"][impl]
    if not entry.get("unmodelled"):
        _mapping(body, entry, "%s.%s" % (path, name), schema, errors)


def _scalar_error(value, spec):
    kind = spec["type"]
    if isinstance(value, (dict, list)):
        return "a %s expected, got %s" % (kind, _kind(value))
    if value is None:
        return None
    text = str(value)
    if "${" in text and not text.startswith("^${"):
        return None  # resolved by a secret source at load time; its value is not known here
    if kind in ("int", "long"):
        if isinstance(value, bool) or not (isinstance(value, int) or _INT.match(text)):
            return "an integer expected, got %r" % (value,)
    elif kind == "double":
        if isinstance(value, bool) or not (isinstance(value, (int, float)) or _DOUBLE.match(text)):
            return "a number expected, got %r" % (value,)
    elif kind == "boolean":
        if not isinstance(value, bool) and text.lower() not in ("true", "false"):
            return "true or false expected, got %r" % (value,)
    elif kind == "enum" and text not in spec.get("values", []):
        return "one of %s expected, got %r" % (", ".join(spec.get("values", [])), value)
    return None


def _permission_error(value, schema):
    """matrix-auth resolves a permission id by its group's id and name, and refuses one no loaded component defines
    (matrix-auth-3.2.8 AuthorizationContainer.java:222-231, with its message)."""
    text = str(value)
    if value is None or ("${" in text and not text.startswith("^${")) or text in schema.get("permissions", {}):
        return None
    known = ", ".join(sorted(schema.get("permissions", {}))) or "none loaded"
    return "Failed to parse '%s' --- no such permission (known: %s)" % (text, known)


def _kind(value):
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "%s %r" % (type(value).__name__, value)
