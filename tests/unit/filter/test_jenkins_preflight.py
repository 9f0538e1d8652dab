"""jenkins_preflight_errors: the role's rendering of the stack's settings, held against the manifest of the image
that would run it (core, Java, resolved plugins), refuses what that image's Jenkins would refuse, naming the key."""

import json
import shutil

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter import jenkins_preflight
from ansible_collections.jenkins_ha.aws.plugins.filter.jenkins_preflight import preflight_errors
from ansible_collections.jenkins_ha.aws.plugins.module_utils import jcasc
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import manifest as image_manifest
from tests.unit.jenkins_controller.test_casc_template import FIXTURES, REALMS, pinned_plugins, render


def requirements():
    """Every plugin the pinned plugins require, at a placeholder version (their minimums are BOM-managed)."""
    needed = {}
    for name, version in pinned_plugins().items():
        with open("{0}/{1}/{2}.json".format(jcasc.SCHEMA_DIR, name, version), encoding="utf-8") as handle:
            needed.update(dict.fromkeys(json.load(handle)["requires"]["plugins"], "1.0"))
    return needed


def manifest(core="2.568.2", java=21, drop=(), **plugins):
    """An image as the bake records it: the pins, their dependencies, and the given changes."""
    resolved = dict(requirements(), **pinned_plugins())
    resolved.update(plugins)
    return {
        "format": 1,
        "jenkins": core,
        "java": java,
        "plugins": {k: v for k, v in resolved.items() if k not in drop},
        "image_id": "ami-0123456789abcdef0",
    }


def image_lines(errors):
    return [e for e in errors if e.startswith("(image):")]


@pytest.mark.parametrize("realm", sorted(REALMS))
@pytest.mark.parametrize("core, java", [("2.541.3", 17), ("2.568.2", 21)])
def test_the_rendered_settings_load_on_an_image_with_the_pins(realm, core, java):
    dummy, casc = render(**REALMS[realm])
    assert preflight_errors(casc, manifest(core, java)) == []
    # The SSM record's JSON is read as well as the mapping.
    assert preflight_errors(casc, json.dumps(manifest(core, java))) == []
    # and the packed record images.yml writes now (issue 13 review: raw JSON outgrew the parameter).
    record = image_manifest.record_value(manifest(core, java), "ami-0123456789abcdef0")
    assert preflight_errors(casc, record) == []
    assert jenkins_preflight.record_manifest(record) == manifest(core, java)


# realm, image change, the key expected first in an error line
REFUSED = [
    # The image lacks the realm's plugin: its root/implementation is unknown to that Jenkins.
    ("oidc", {"drop": ["oic-auth"]}, "jenkins.securityRealm"),
    ("ldap", {"drop": ["ldap"]}, "jenkins.securityRealm"),
    # No EC2 Fleet plugin in the image: the cloud cannot load.
    ("local", {"drop": ["ec2-fleet"]}, "jenkins.clouds"),
    # The realm's plugin without a dependency it requires: Jenkins does not load the plugin.
    ("oidc", {"drop": ["nimbus-jose-jwt-api"]}, "(image)"),
    # A Java the image's core does not start on.
    ("local", {"core": "2.568.2", "java": 17}, "(image)"),
    # A plugin version the collection has no schema for: its keys cannot be checked.
    ("local", {"ec2-fleet": "9.9.9"}, "(image)"),
]


@pytest.mark.parametrize("realm, change, key", REFUSED)
def test_what_the_image_cannot_load_is_refused_naming_the_key(realm, change, key):
    dummy, casc = render(**REALMS[realm])
    errors = preflight_errors(casc, manifest(**change))
    assert errors, "expected a refusal"
    assert any(e.startswith(key) for e in errors), errors


def test_a_deprecated_attribute_at_the_images_core_is_refused():
    # crumbIssuer.standard.excludeClientIPFromCrumb loads on 2.541.3 and stops 2.568.2 (deprecated there).
    casc = yaml.safe_load((FIXTURES / "jenkins-before-fix.yaml").read_text())
    casc["jenkins"].pop("agentProtocols")
    assert not [e for e in preflight_errors(casc, manifest("2.541.3", 17)) if "excludeClientIPFromCrumb" in e]
    errors = preflight_errors(casc, manifest("2.568.2", 21))
    assert any(e.startswith("jenkins.crumbIssuer.standard.excludeClientIPFromCrumb:") for e in errors), errors


def test_an_unknown_core_is_one_clear_line():
    dummy, casc = render()
    assert preflight_errors(casc, manifest("2.999.1")) == [
        "(image): no JCasC schema for Jenkins core 2.999.1: the collection cannot check a configuration for it"
        " (generate it with tools/jcasc_schema/generate.py)"
    ]


def test_plugins_the_collection_does_not_model_are_only_dependencies():
    dummy, casc = render()
    assert preflight_errors(casc, manifest(**{"timestamper": "1.30"})) == []


@pytest.fixture
def schemas_with_a_newer_fleet(tmp_path, monkeypatch):
    """The schemas plus an ec2-fleet release that needs a newer core and a newer ssh-slaves than the pins."""
    root = tmp_path / "schemas"
    shutil.copytree(jcasc.SCHEMA_DIR, root)
    fleet = root / "ec2-fleet"
    doc = json.loads(next(fleet.glob("*.json")).read_text())
    doc["version"] = "5.0.0"
    doc["requires"] = dict(
        doc["requires"],
        core="2.600.1",
        plugins=dict(doc["requires"]["plugins"], **{"ssh-slaves": "4.0"}),
        optional={"workflow-job": "1500.v1"},
    )
    (fleet / "5.0.0.json").write_text(json.dumps(doc))
    monkeypatch.setattr(jcasc, "SCHEMA_DIR", str(root))
    monkeypatch.setattr(jenkins_preflight, "SCHEMA_DIR", str(root))


def test_a_plugin_needing_a_newer_core_or_dependency_is_refused(schemas_with_a_newer_fleet):
    dummy, casc = render()
    errors = image_lines(preflight_errors(casc, manifest(**{"ec2-fleet": "5.0.0"})))
    assert errors == [
        "(image): plugin ec2-fleet 5.0.0: needs Jenkins 2.600.1 or newer, core is 2.568.2",
        "(image): plugin ec2-fleet 5.0.0: needs ssh-slaves 4.0 or newer, 3.1097.v868116049892 is installed",
    ]


@pytest.mark.parametrize(
    "workflow_job, refused",
    [
        (None, False),  # an optional dependency that is absent stops nothing
        ("1500.v1", False),
        ("1400.v9", True),  # installed and older than the plugin declares: PluginWrapper refuses the plugin
    ],
)
def test_an_installed_optional_dependency_older_than_required_is_refused(
    schemas_with_a_newer_fleet, workflow_job, refused
):
    dummy, casc = render()
    image = manifest(**dict({"ec2-fleet": "5.0.0"}, **({"workflow-job": workflow_job} if workflow_job else {})))
    errors = image_lines(preflight_errors(casc, image))
    optional = [e for e in errors if "workflow-job" in e]
    assert optional == (
        [
            "(image): plugin ec2-fleet 5.0.0: needs workflow-job 1500.v1 or newer when it is"
            " installed (an optional dependency), 1400.v9 is installed"
        ]
        if refused
        else []
    )


def test_the_schema_is_loaded_once(monkeypatch):
    """The image's requirements and the document are checked against one load of the merged schema."""
    loads = []

    def counting(core, plugins):
        loads.append(core)
        return jcasc.load_schema(core, plugins)

    monkeypatch.setattr(jenkins_preflight, "load_schema", counting)
    dummy, casc = render()
    assert preflight_errors(casc, manifest()) == []
    assert loads == ["2.568.2"]


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{", "not JSON"),
        ([], "must be a mapping"),
        ({"plugins": {}}, "names no Jenkins core"),
        ({"jenkins": "2.568.2", "plugins": ["a"]}, "plugins must be a mapping"),
        ({"jenkins": "2.568.2", "plugins": {}, "java": "21"}, "java must be a major version"),
    ],
)
def test_a_malformed_manifest_is_an_error(bad, message):
    with pytest.raises(AnsibleFilterError, match=message):
        preflight_errors({}, bad)
