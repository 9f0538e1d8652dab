"""jenkins_casc_check: the role's check of jenkins.yaml before it writes it holds the document against the manifest the
bake left on the host (the pre-flight's checks: core, Java, plugins at their resolved versions, dependencies) when
there is one, against the role's pins only when there is none, says which it used, and never falls back to the pins
from a manifest it cannot read."""

import json

import pytest

from ansible_collections.jenkins_ha.aws.plugins.filter.jenkins_preflight import casc_check
from tests.unit.filter.test_jenkins_preflight import manifest
from tests.unit.jenkins_controller.test_casc_template import render, role_vars

PATH = "/usr/share/jenkins/ref/jenkins-ha-manifest.json"
PINS = role_vars()["jenkins_controller_plugins"]
WITHOUT_PROMETHEUS = [p for p in PINS if p["name"] != "prometheus"]
# A prometheus key the role's template does not render when prometheus is not pinned: only a fragment brings it.
PROMETHEUS_FRAGMENT = [{"unclassified": {"prometheusConfiguration": {"path": "metrics"}}}]


def document(pins=None, fragments=()):
    overrides = {"jenkins_controller_casc_fragments": list(fragments)}
    if pins is not None:
        overrides["jenkins_controller_plugins"] = pins
    return render(**overrides)[1]


# case: (document's pins, fragments), manifest text (None: no file), pins passed to the check,
#       expected source (start), expected error lines (each a start)
CASES = {
    "no manifest, the pins accept it": ((None, ()), None, PINS, "the role's pins (Jenkins 2.568.2", []),
    # Valid for an image with prometheus, invalid for pins without it: without a manifest the pins decide.
    "no manifest, the pins refuse it": (
        (WITHOUT_PROMETHEUS, PROMETHEUS_FRAGMENT),
        None,
        WITHOUT_PROMETHEUS,
        "the role's pins (Jenkins 2.568.2 and jenkins_controller_plugins; no image manifest at " + PATH + ")",
        ["unclassified.prometheusConfiguration: unknown attribute"],
    ),
    # ... and with the manifest of an image that has prometheus, the image decides: accepted.
    "the manifest accepts what the pins refuse": (
        (WITHOUT_PROMETHEUS, PROMETHEUS_FRAGMENT),
        json.dumps(manifest()),
        WITHOUT_PROMETHEUS,
        "the image manifest " + PATH + " (Jenkins 2.568.2, Java 21, ",
        [],
    ),
    # Valid for the pins, but the image was baked without prometheus.
    "the manifest refuses what the pins accept": (
        (None, ()),
        json.dumps(manifest(drop=["prometheus"])),
        PINS,
        "the image manifest " + PATH,
        ["unclassified.prometheusConfiguration: unknown attribute"],
    ),
    "the manifest's Java": (
        (None, ()),
        json.dumps(manifest(java=17)),
        PINS,
        "the image manifest " + PATH + " (Jenkins 2.568.2, Java 17, ",
        ["(image): Jenkins 2.568.2 does not start on Java 17"],
    ),
    "the manifest's core": (
        (None, ()),
        json.dumps(manifest(core="2.541.3", java=17)),
        PINS,
        "the image manifest " + PATH + " (Jenkins 2.541.3, Java 17, ",
        [],
    ),
    "a required dependency the image lacks": (
        (None, ()),
        json.dumps(manifest(drop=["caffeine-api"])),
        PINS,
        "the image manifest",
        ["(image): plugin configuration-as-code 2117.vc05a_0b_e6b_f4e: needs plugin caffeine-api, which is not"],
    ),
    # prometheus 852.v317db_5d17a_b_0 declares coverage >= 2.7.0 as optional (pom.xml): present and older stops it.
    "an optional dependency older than declared": (
        (None, ()),
        json.dumps(manifest(coverage="2.6.0")),
        PINS,
        "the image manifest",
        ["(image): plugin prometheus 852.v317db_5d17a_b_0: needs coverage 2.7.0 or newer when it is installed"],
    ),
    "an optional dependency at the version declared": (
        (None, ()),
        json.dumps(manifest(coverage="2.7.0")),
        PINS,
        "the image manifest",
        [],
    ),
    "a manifest that is not JSON": (
        (None, ()),
        '{"jenkins": ',
        PINS,
        "the image manifest " + PATH,
        ["(manifest): " + PATH + " is not JSON (Expecting value"],
    ),
    "a manifest that is no object": ((None, ()), "[]", PINS, "the image manifest", ["(manifest): " + PATH + " holds"]),
    "a manifest without core": (
        (None, ()),
        json.dumps({"format": 1, "plugins": {}}),
        PINS,
        "the image manifest " + PATH,
        ["(manifest): " + PATH + ": the image manifest names no Jenkins core version (key jenkins)"],
    ),
    # An empty file is no manifest either: the bake always writes one.
    "an empty manifest": ((None, ()), "", PINS, "the image manifest", ["(manifest): " + PATH + " is not JSON"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_casc_check(case):
    (doc_pins, fragments), text, pins, source, expected = CASES[case]
    result = casc_check(document(doc_pins, fragments), text, PATH, "2.568.2", pins)
    assert result["source"].startswith(source), result
    assert len(result["errors"]) == len(expected), result["errors"]
    for line, start in zip(result["errors"], expected):
        assert line.startswith(start), line
    if text is not None and expected and expected[0].startswith("(manifest)"):
        assert line.endswith("; the check does not fall back to the role's pins")
