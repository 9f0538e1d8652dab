"""The committed schemas: every pin has one, the loader names what is missing, the plugin set loads on both cores."""

import json
import os

import pytest
import yaml

from ansible_collections.jenkins_ha.aws.plugins.module_utils import jcasc
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import (
    SCHEMA_DIR,
    SchemaError,
    load_schema,
    plugin_requirement_errors,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
with open(os.path.join(SCHEMA_DIR, "pins.json"), encoding="utf-8") as _handle:
    PINS = json.load(_handle)
CORES = [c["version"] for c in PINS["core"]]
PLUGINS = {name: spec["version"] for name, spec in PINS["plugins"].items()}


def _schema_file(component, version):
    return os.path.join(SCHEMA_DIR, component, version + ".json")


@pytest.mark.parametrize("core", CORES)
def test_every_pinned_core_has_a_schema(core):
    with open(_schema_file("core", core), encoding="utf-8") as handle:
        doc = json.load(handle)
    assert doc["format"] == 1 and doc["component"] == "core" and doc["version"] == core
    assert doc["java"] and all(isinstance(v, int) for v in doc["java"])
    assert len(doc["origin"]["commit"]) == 40


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_every_pinned_plugin_has_a_schema(name):
    with open(_schema_file(name, PLUGINS[name]), encoding="utf-8") as handle:
        doc = json.load(handle)
    assert doc["component"] == name and doc["version"] == PLUGINS[name]
    assert doc["requires"]["core"]
    assert PINS["plugins"][name]["commit"] == doc["origin"]["commit"]


def test_role_pins_have_schemas():
    """What the role installs today must be something the validator knows."""
    with open(os.path.join(ROOT, "roles", "jenkins_controller", "defaults", "main.yml"), encoding="utf-8") as handle:
        defaults = yaml.safe_load(handle)
    assert os.path.isfile(_schema_file("core", defaults["jenkins_controller_version"]))
    for plugin in defaults["jenkins_controller_plugins"]:
        assert os.path.isfile(_schema_file(plugin["name"], plugin["version"])), plugin


def test_java_lines():
    java = {c["version"]: c["java"] for c in PINS["core"]}
    assert java == {"2.541.3": [17, 21, 25], "2.568.2": [21, 25]}


@pytest.mark.parametrize("core", CORES)
def test_pinned_plugins_load_on_each_core(core):
    assert plugin_requirement_errors(core, PLUGINS) == []


LOADER_ERRORS = [
    pytest.param("2.999.9", {}, "core 2.999.9", id="unknown-core"),
    pytest.param(CORES[0], {"ec2-fleet": "0.1"}, "ec2-fleet 0.1", id="unknown-plugin-version"),
    pytest.param(CORES[0], {"kubernetes": "1.0"}, "kubernetes 1.0", id="unknown-plugin"),
]


@pytest.mark.parametrize("core,plugins,named", LOADER_ERRORS)
def test_loader_names_the_missing_file(core, plugins, named):
    with pytest.raises(SchemaError) as err:
        load_schema(core, plugins)
    assert named in str(err.value)
    assert "schemas/" in str(err.value) and ".json" in str(err.value)


REQUIREMENT_CASES = [
    pytest.param("2.504.3", {"ec2-fleet": PLUGINS["ec2-fleet"]}, False, ["ec2-fleet"], id="core-too-old"),
    pytest.param(CORES[0], {"ec2-fleet": PLUGINS["ec2-fleet"]}, True, ["credentials", "ssh-slaves"], id="missing-deps"),
    pytest.param(CORES[0], {"ec2-fleet": PLUGINS["ec2-fleet"]}, False, [], id="missing-deps-not-complete"),
]


@pytest.mark.parametrize("core,plugins,complete,mentions", REQUIREMENT_CASES)
def test_plugin_requirement_errors(core, plugins, complete, mentions):
    errors = plugin_requirement_errors(core, plugins, complete=complete)
    for word in mentions:
        assert any(word in line for line in errors), errors
    if not mentions:
        assert errors == []


def test_merge_unites_roots_and_types():
    schema = load_schema(CORES[0], PLUGINS)
    assert {"jenkins", "unclassified", "credentials", "configuration-as-code"} <= set(schema["roots"])
    jenkins = schema["types"]["jenkins.model.Jenkins"]["attributes"]
    assert "systemMessage" in jenkins and "remotingSecurity" in jenkins  # core's and casc's JenkinsConfigurator
    assert "location" in schema["roots"]["unclassified"]["attributes"]


def test_merge_keeps_an_empty_attribute_set_modelled(tmp_path, monkeypatch):
    """A type modelled with no attributes in one file stays modelled when another file only references it."""
    files = {
        "core/1.json": {"component": "core", "roots": {"r": {"type": "T"}}, "types": {"T": {"attributes": {}}}},
        "p/1.json": {"component": "p", "roots": {}, "types": {"T": {"unmodelled": True}, "U": {"unmodelled": True}}},
    }
    for name, doc in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(json.dumps(doc))
    monkeypatch.setattr(jcasc, "SCHEMA_DIR", str(tmp_path))
    schema = jcasc.load_schema("1", {"p": "1"})
    assert "unmodelled" not in schema["types"]["T"] and schema["types"]["U"]["unmodelled"] is True
    assert jcasc.validate({"r": {"x": 1}}, schema) == ["r.x: unknown attribute (known: none)"]
