"""The role's check before it writes jenkins.yaml (tasks/casc_check.yml, included by configure.yml) run by
ansible-playbook on localhost with a manifest file in a temporary directory: the manifest the bake left on the host
decides when there is one (a document the pins accept and the image cannot load is refused, and the other way round
accepted), the role's pins only when there is none, the failure names the source, and a manifest that is not one
fails the check rather than falling back to the pins. The filter's cases: tests/unit/filter/test_jenkins_casc_check.py.
"""

import json

import pytest

from tests.unit.filter.test_jenkins_casc_check import PROMETHEUS_FRAGMENT, WITHOUT_PROMETHEUS
from tests.unit.filter.test_jenkins_preflight import manifest

from .role_play import include_role_tasks, run_play

STACK = {
    "jenkins_controller_url": "https://jenkins.example.com/",
    "jenkins_controller_fleet_asg_name": "demo-agents-asg",
    "jenkins_controller_fleet_region": "eu-west-1",
}
PINS_REFUSE = {
    "jenkins_controller_plugins": WITHOUT_PROMETHEUS,
    "jenkins_controller_casc_fragments": PROMETHEUS_FRAGMENT,
}

KEY = "unclassified.prometheusConfiguration: unknown attribute"
# case: role variables, manifest file content (None: no file), expected failure texts ({path}: the file; none: accepted)
CASES = {
    "pins, accepted": ({}, None, ()),
    "pins, refused": (
        PINS_REFUSE,
        None,
        (
            "Checked against the role's pins (Jenkins 2.568.2 and jenkins_controller_plugins; no image manifest at {path})",
            KEY,
        ),
    ),
    "manifest, accepts what the pins refuse": (PINS_REFUSE, json.dumps(manifest()), ()),
    "manifest, refuses what the pins accept": (
        {},
        json.dumps(manifest(drop=["prometheus"])),
        ("Checked against the image manifest {path} (Jenkins 2.568.2, Java 21, ", KEY),
    ),
    "manifest that is not JSON": (
        {},
        "not a manifest",
        (
            "Checked against the image manifest {path}: (manifest): {path} is not JSON",
            "does not fall back to the role's pins",
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_check_holds_jenkins_yaml_against_the_hosts_manifest(tmp_path, case):
    variables, content, failure = CASES[case]
    path = tmp_path / "jenkins-ha-manifest.json"
    if content is not None:
        path.write_text(content)
    rc, output = run_play(
        tmp_path,
        [include_role_tasks("casc_check.yml")],
        dict(STACK, jenkins_controller_manifest_file=str(path), **variables),
    )
    if not failure:
        assert rc == 0, output
        return
    assert rc != 0, output
    assert "jenkins.yaml was not written: Jenkins would refuse it." in output, output
    for text in failure:
        assert text.format(path=path) in output, output
