"""The prometheus plugin's configuration in jenkins.yaml.j2 (issue 19): authenticated endpoint, no disk-usage walk of
JENKINS_HOME, path and namespace from the role, held against the schema generated from the plugin's source."""

import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.jenkins_ha.aws.plugins.filter.alb_metrics_block import PATH as ALB_PATH
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import load_schema, validate

from .test_casc_template import CORES, ROLE, pinned_plugins, render, role_vars, schema_errors

SCRAPE = Path(__file__).resolve().parents[3] / "plugins" / "filter" / "prometheus_scrape_configs.py"


def test_the_plugin_is_pinned_with_its_schema_and_rendered_by_default():
    assert pinned_plugins()["prometheus"] == "852.v317db_5d17a_b_0"
    assert "prometheus" in role_vars()["__jenkins_controller_casc_plugins"]
    dummy, casc = render()
    assert casc["unclassified"]["prometheusConfiguration"] == {
        "path": "prometheus",
        "defaultNamespace": "default",
        "useAuthenticatedEndpoint": True,
        "collectDiskUsage": False,
    }


@pytest.mark.parametrize("core", CORES)
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        dict(jenkins_controller_metrics_path="metrics/jenkins", jenkins_controller_metrics_namespace="ci"),
        dict(jenkins_controller_build_discarder=dict(enabled=False)),
    ],
    ids=["defaults", "own-path-namespace", "no-discarder"],
)
def test_the_rendering_loads_with_the_plugin_on_both_lts_lines(overrides, core):
    dummy, casc = render(**overrides)
    assert "prometheusConfiguration" in casc["unclassified"]
    assert schema_errors(casc, core) == []


@pytest.mark.parametrize("core", CORES)
def test_without_the_plugin_nothing_is_rendered_and_the_key_would_be_refused(core):
    plugins = [p for p in role_vars()["jenkins_controller_plugins"] if p["name"] != "prometheus"]
    dummy, casc = render(jenkins_controller_plugins=plugins)
    assert "prometheusConfiguration" not in casc["unclassified"]
    without = {p["name"]: p["version"] for p in plugins}
    assert validate(casc, load_schema(core, without)) == []
    # The same key without the plugin: no configurator of that name (what Jenkins would refuse at start).
    casc["unclassified"]["prometheusConfiguration"] = {"useAuthenticatedEndpoint": True}
    errors = validate(casc, load_schema(core, without))
    assert [e.split(": ", 1)[0] for e in errors] == ["unclassified.prometheusConfiguration"], errors


@pytest.mark.parametrize(
    "fragment",
    [
        {"unclassified": {"prometheusConfiguration": {"useAuthenticatedEndpoint": False}}},
        {"unclassified": {"prometheusConfiguration": {"collectDiskUsage": True}}},
    ],
    ids=["open-endpoint", "disk-usage"],
)
def test_a_fragment_cannot_open_the_endpoint_or_walk_jenkins_home(fragment):
    with pytest.raises(Exception, match="set twice"):
        render(jenkins_controller_casc_fragments=[fragment])


def test_a_fragment_may_add_other_plugin_settings():
    fragment = {"unclassified": {"prometheusConfiguration": {"collectingMetricsPeriodInSeconds": 30}}}
    dummy, casc = render(jenkins_controller_casc_fragments=[fragment])
    assert casc["unclassified"]["prometheusConfiguration"]["collectingMetricsPeriodInSeconds"] == 30
    assert casc["unclassified"]["prometheusConfiguration"]["useAuthenticatedEndpoint"] is True
    assert schema_errors(casc, CORES[-1]) == []


def test_the_default_path_is_the_one_the_prometheus_playbook_scrapes():
    # The filter's default is the role's path, and playbooks/prometheus.yml passes the role's variable.
    default = re.search(r'jenkins_metrics_path="([^"]+)"', SCRAPE.read_text()).group(1)
    assert default == "/" + role_vars()["jenkins_controller_metrics_path"] + "/"
    playbook = (ROLE.parents[1] / "playbooks" / "prometheus.yml").read_text()
    assert "jenkins_metrics_path='/' ~ __prometheus_metrics_path ~ '/'" in playbook
    assert "jenkins_controller_metrics_path | default(" in playbook
    assert "/../roles/jenkins_controller/defaults/main.yml') | from_yaml).jenkins_controller_metrics_path" in playbook


def test_argument_specs_document_the_metrics_variables():
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    defaults = role_vars()
    for name in ("jenkins_controller_metrics_path", "jenkins_controller_metrics_namespace"):
        assert specs[name]["default"] == defaults[name], name
    assert specs["jenkins_controller_plugins"]["default"] == defaults["jenkins_controller_plugins"]


def test_the_role_checks_the_path_as_the_load_balancer_rule_does():
    # validate.yml refuses what the plugin could not serve; the ALB rule (filter alb_metrics_block_plan) refuses the
    # same paths, so a path the role accepts always gets its block rule.
    tasks = yaml.safe_load((ROLE / "tasks" / "validate.yml").read_text())
    check = next(t for t in tasks if t["name"] == "Check the metrics endpoint settings")
    that = check["ansible.builtin.assert"]["that"]
    assert "jenkins_controller_metrics_path is match('%s')" % ALB_PATH.pattern in that


# ---- The metrics scrape account (jenkins_controller_metrics_scrape_user) -------------------------------------------

SCRAPE_ACCOUNT = dict(jenkins_controller_metrics_scrape_user="prometheus")
LDAP = dict(
    jenkins_controller_security_realm="ldap",
    jenkins_controller_ldap={"server": "ldaps://ldap.example.com", "root_dn": "dc=example,dc=com"},
    jenkins_controller_authorization=dict(admin_groups=["ops"]),
)


def _entries(casc):
    return casc["jenkins"]["authorizationStrategy"]["globalMatrix"]["entries"]


@pytest.mark.parametrize("core", CORES)
def test_the_scrape_account_holds_read_and_metrics_view_only(core):
    dummy, casc = render(**SCRAPE_ACCOUNT)
    assert {"user": {"name": "prometheus", "permissions": ["Overall/Read", "Metrics/View"]}} in _entries(casc)
    assert [e for e in _entries(casc) if e.get("user", {}).get("name") == "prometheus"] == [
        {"user": {"name": "prometheus", "permissions": ["Overall/Read", "Metrics/View"]}}
    ]
    # The local realm creates it; its password is a secret file, never in jenkins.yaml.
    assert casc["jenkins"]["securityRealm"]["local"]["users"][1] == {
        "id": "prometheus",
        "password": "${JENKINS_METRICS_SCRAPE_PASSWORD}",
    }
    assert schema_errors(casc, core) == []


@pytest.mark.parametrize("core", CORES)
def test_a_directory_scrape_account_is_granted_not_created(core):
    dummy, casc = render(**SCRAPE_ACCOUNT, **LDAP)
    assert {"user": {"name": "prometheus", "permissions": ["Overall/Read", "Metrics/View"]}} in _entries(casc)
    assert "local" not in casc["jenkins"]["securityRealm"]
    assert schema_errors(casc, core) == []


def test_without_a_scrape_account_nothing_is_granted():
    dummy, casc = render()
    assert [e for e in _entries(casc) if "Metrics/View" in next(iter(e.values()))["permissions"]] == []
    assert [u["id"] for u in casc["jenkins"]["securityRealm"]["local"]["users"]] == ["admin"]


@pytest.mark.parametrize("core", CORES)
@pytest.mark.parametrize("permission", ["Metrics/Veiw", "Metrics.View", "Overall/Metrics"])
def test_a_permission_jenkins_does_not_define_is_refused(permission, core):
    # matrix-auth-3.2.8 AuthorizationContainer.java:222-231: "Failed to parse '<id>' --- no such permission".
    dummy, casc = render(**SCRAPE_ACCOUNT)
    _entries(casc)[-1]["user"]["permissions"] = ["Overall/Read", permission]
    errors = schema_errors(casc, core)
    assert [e.split(": ", 1)[0] for e in errors] == [
        "jenkins.authorizationStrategy.globalMatrix.entries[1].user.permissions[1]"
    ]
    assert "Failed to parse '%s' --- no such permission" % permission in errors[0]


@pytest.mark.parametrize("core", CORES)
def test_metrics_view_needs_the_plugin_that_defines_it(core):
    # Metrics/View is the metrics plugin's, which only the prometheus plugin brings here (its required dependency).
    dummy, casc = render(**SCRAPE_ACCOUNT)
    without = {name: version for name, version in pinned_plugins().items() if name != "prometheus"}
    casc["unclassified"].pop("prometheusConfiguration")
    errors = validate(casc, load_schema(core, without))
    assert [e.split(": ", 1)[0] for e in errors] == [
        "jenkins.authorizationStrategy.globalMatrix.entries[1].user.permissions[1]"
    ]


def test_the_schema_names_the_permissions_the_role_grants():
    granted = set(role_vars()["__jenkins_controller_metrics_scrape_permissions"])
    granted |= set(role_vars()["__jenkins_controller_read_permissions"]) | {"Overall/Administer"}
    for core in CORES:
        assert granted <= set(load_schema(core, pinned_plugins())["permissions"]), core
