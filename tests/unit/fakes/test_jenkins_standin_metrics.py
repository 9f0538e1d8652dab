"""The stand-in serves the prometheus plugin's endpoint as the plugin does (fake/jenkins/Metrics.java): only while the
plugin is loaded, at the configured path, 403 without Metrics/View when the endpoint is authenticated, the text
exposition format with the namespace's metric names otherwise."""

import base64

import pytest

from tests.unit.jenkins_controller.test_casc_template import render

from .standin_helpers import make, real_schemas_or_skip, request, wait_answering, write_plugin

MATRIX = """\
jenkins:
  securityRealm:
    local:
      allowsSignup: false
      users:
        - id: admin
          password: admin-secret
        - id: prometheus
          password: scrape-secret
        - id: reader
          password: reader-secret
  authorizationStrategy:
    globalMatrix:
      entries:
        - user:
            name: admin
            permissions:
              - Overall/Administer
        - user:
            name: prometheus
            permissions:
              - Metrics/View
        - user:
            name: reader
            permissions:
              - Overall/Read
"""
ROLE_METRICS = """\
unclassified:
  prometheusConfiguration:
    path: prometheus
    defaultNamespace: default
    useAuthenticatedEndpoint: true
    collectDiskUsage: false
"""


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode("{0}:{1}".format(user, password).encode()).decode()}


def start(war, tmp_path, instances, casc, plugins, secrets=None, expected=200):
    """The stand-in on `casc` with these plugins installed and these secret files; returns it once it answers, and
    the /login answer's body."""
    standin = make(war, tmp_path, casc)
    for name, value in (secrets or {}).items():
        (standin.secrets / name).write_text(value + "\n")
    instances.append(standin)
    (standin.home / "plugins").mkdir()
    for name, version in plugins.items():
        write_plugin(standin.home / "plugins" / (name + ".jpi"), Short_Name=name, Plugin_Version=version)
    standin.start(wait=False)
    status, dummy, body = wait_answering(standin)
    assert status == expected, body
    return standin, body


@pytest.fixture(name="pins")
def fixture_pins():
    pins = real_schemas_or_skip()
    return {name: pins[name] for name in ("configuration-as-code", "matrix-auth", "prometheus")}


CASES = [
    # (who, path, status)
    (None, "/prometheus/", 403),
    (("reader", "reader-secret"), "/prometheus/", 403),
    (("prometheus", "scrape-secret"), "/prometheus/", 200),
    (("prometheus", "scrape-secret"), "/prometheus", 200),
    (("admin", "admin-secret"), "/prometheus/", 200),
    (("admin", "admin-secret"), "/prometheus/other", 404),
    (("prometheus", "wrong"), "/prometheus/", 401),
]


def test_the_role_configuration_needs_metrics_view(standin_war, tmp_path, instances, pins):
    standin, dummy = start(standin_war, tmp_path, instances, MATRIX + ROLE_METRICS, pins)
    for who, path, expected in CASES:
        status, headers, body = request(standin.url + path, headers=basic(*who) if who else None)
        assert status == expected, (who, path, body)
        if status == 200:
            assert headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
            assert "\ndefault_jenkins_up 1.0\n" in body
            assert 'default_jenkins_executors_queue_length{label="built-in",} 0.0' in body
    # Prometheus' own scrape user holds only Metrics/View: the rest of Jenkins stays closed to it.
    assert request(standin.url + "/api/json", headers=basic("prometheus", "scrape-secret"))[0] == 403


def test_the_plugin_default_is_an_open_endpoint_at_its_own_path(standin_war, tmp_path, instances, pins):
    casc = MATRIX + "unclassified:\n  prometheusConfiguration:\n    path: metrics/jenkins\n    defaultNamespace: ci\n"
    standin, dummy = start(standin_war, tmp_path, instances, casc, pins)
    status, dummy, body = request(standin.url + "/metrics/jenkins")
    assert status == 200 and "\nci_jenkins_up 1.0\n" in body
    assert request(standin.url + "/metrics/other", headers=basic("admin", "admin-secret"))[0] == 404
    assert request(standin.url + "/prometheus/", headers=basic("admin", "admin-secret"))[0] == 404


def test_without_the_plugin_there_is_no_endpoint(standin_war, tmp_path, instances, pins):
    plugins = {k: v for k, v in pins.items() if k != "prometheus"}
    # Without the plugin (and the metrics plugin it brings) Metrics/View is no permission at all: not granted here.
    standin, dummy = start(standin_war, tmp_path, instances, MATRIX.replace("Metrics/View", "Overall/Read"), plugins)
    assert request(standin.url + "/prometheus/", headers=basic("admin", "admin-secret"))[0] == 404


def test_the_roles_scrape_account_reads_the_endpoint_and_nothing_it_may_not(standin_war, tmp_path, instances, pins):
    """jenkins.yaml as the role renders it with jenkins_controller_metrics_scrape_user: the account (created by the
    local realm, its password a secret file) scrapes; an account without Metrics/View does not."""
    text, dummy = render(jenkins_controller_metrics_scrape_user="prometheus", jenkins_controller_fleet_enabled=False)
    secrets = {"JENKINS_METRICS_SCRAPE_PASSWORD": "scrape-secret-123"}
    standin, dummy = start(standin_war, tmp_path, instances, text, pins, secrets)
    scrape = basic("prometheus", "scrape-secret-123")
    status, dummy, body = request(standin.url + "/prometheus/", headers=scrape)
    assert status == 200 and "\ndefault_jenkins_up 1.0\n" in body, body
    assert request(standin.url + "/prometheus/", headers=basic("prometheus", "wrong"))[0] == 401
    assert request(standin.url + "/prometheus/")[0] == 403
    # Overall/Read: it may read, but not manage (reload needs Overall/Manage).
    assert request(standin.url + "/api/json", headers=scrape)[0] == 200
    assert request(standin.url + "/configuration-as-code/reload", method="POST", headers=scrape)[0] == 403


def test_an_account_without_metrics_view_is_refused(standin_war, tmp_path, instances, pins):
    casc = MATRIX.replace("- Metrics/View", "- Overall/Read") + ROLE_METRICS
    standin, dummy = start(standin_war, tmp_path, instances, casc, pins)
    status, dummy, body = request(standin.url + "/prometheus/", headers=basic("prometheus", "scrape-secret"))
    assert status == 403, body
    assert request(standin.url + "/api/json", headers=basic("prometheus", "scrape-secret"))[0] == 200


@pytest.mark.parametrize("permission", ["Metrics/Veiw", "Metrics/View"])
def test_a_permission_no_loaded_plugin_defines_stops_the_start(standin_war, tmp_path, instances, pins, permission):
    """As matrix-auth 3.2.8 (AuthorizationContainer.java:222-231) through JCasC: Jenkins does not start. A misspelt
    id, or Metrics/View without the prometheus plugin (the metrics plugin's permission)."""
    plugins = pins if permission != "Metrics/View" else {k: v for k, v in pins.items() if k != "prometheus"}
    dummy, body = start(
        standin_war, tmp_path, instances, MATRIX.replace("Metrics/View", permission), plugins, expected=503
    )
    assert "Failed to parse '%s' --- no such permission" % permission in body
