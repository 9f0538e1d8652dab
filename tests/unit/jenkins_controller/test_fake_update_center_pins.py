"""molecule's prepare and the demo bake install the role's default plugins from the fake update center
(molecule/jenkins_controller/files/make_fake_update_center.py): every default pin must be offered at its version,
with the dependencies its schema's `requires` names, or the bake fails to resolve it."""

import importlib.util
import json
from pathlib import Path

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import SCHEMA_DIR

from .test_casc_template import pinned_plugins

SCRIPT = (
    Path(__file__).resolve().parents[3] / "molecule" / "jenkins_controller" / "files" / "make_fake_update_center.py"
)


@pytest.fixture(name="offered", scope="module")
def fixture_offered(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("make_fake_update_center", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("uc")
    module.main(str(out), "file:///srv/uc", SCHEMA_DIR)
    return json.loads((out / "plugin-versions.json").read_text())["plugins"]


@pytest.mark.parametrize("name", sorted(pinned_plugins()))
def test_every_default_pin_is_offered_with_its_dependencies(offered, name):
    version = pinned_plugins()[name]
    assert version in offered.get(name, {}), (name, version)
    declared = {d["name"] for d in offered[name][version]["dependencies"]}
    with open("{0}/{1}/{2}.json".format(SCHEMA_DIR, name, version), encoding="utf-8") as handle:
        required = set(json.load(handle)["requires"]["plugins"])
    assert required <= declared and all(dep in offered for dep in required), required - declared
