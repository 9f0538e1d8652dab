"""java_runtime / java_major: one table of (inputs, expected decision) cases per function."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.java_runtime import FilterModule, java_major, java_runtime

BOOKWORM = {17: "openjdk-17-jre-headless"}
TRIXIE = {21: "openjdk-21-jre-headless"}
TEMURIN = "https://packages.adoptium.net/artifactory/deb"
TEMURIN_KEY = "https://packages.adoptium.net/artifactory/api/gpg/key/public"


def decision(package="", source="", major=None, error=""):
    return {"package": package, "source": source, "major": major, "error": error}


OK_CASES = [
    pytest.param(TRIXIE, 21, {}, decision("openjdk-21-jre-headless", "release", 21), id="debian13-default-21"),
    pytest.param(BOOKWORM, 17, {}, decision("openjdk-17-jre-headless", "release", 17), id="debian12-min-17"),
    pytest.param(
        {"17": "openjdk-17-jre-headless"},
        "17",
        {},
        decision("openjdk-17-jre-headless", "release", 17),
        id="string-keys",
    ),
    pytest.param(
        {17: "java-17-openjdk-headless", 21: "java-21-openjdk-headless"},
        17,
        {},
        decision("java-17-openjdk-headless", "release", 17),
        id="oldest-fitting-major",
    ),
    pytest.param(
        {17: "java-17-openjdk-headless", 21: "java-21-openjdk-headless"},
        21,
        {},
        decision("java-21-openjdk-headless", "release", 21),
        id="skips-too-old",
    ),
    pytest.param(
        BOOKWORM,
        21,
        {"package": "temurin-21-jre", "repo_url": TEMURIN, "repo_key_url": TEMURIN_KEY},
        decision("temurin-21-jre", "repository", 21),
        id="debian12-temurin-repo",
    ),
    pytest.param(
        TRIXIE,
        21,
        {"package": "temurin-25-jre", "repo_url": TEMURIN, "repo_key_url": TEMURIN_KEY},
        decision("temurin-25-jre", "repository", 25),
        id="repo-wins-over-release",
    ),
    pytest.param(
        BOOKWORM,
        21,
        {"package": "zulu21-ca-jre-headless"},
        decision("zulu21-ca-jre-headless", "package", 21),
        id="explicit-package-from-configured-sources",
    ),
    pytest.param(
        {},
        21,
        {"package": "default-jre-headless"},
        decision("default-jre-headless", "package", None),
        id="package-without-major-checked-after-install",
    ),
]


@pytest.mark.parametrize("available, minimum, options, expected", OK_CASES)
def test_java_runtime_choice(available, minimum, options, expected):
    assert java_runtime(available, minimum, prefix="jenkins_agent", **options) == expected


ERROR_CASES = [
    pytest.param(
        BOOKWORM,
        21,
        {"release": "Debian 12"},
        [
            "Debian 12 ships no Java 21 or newer (only Java 17 (openjdk-17-jre-headless))",
            "set jenkins_agent_java_repo_url, jenkins_agent_java_repo_key_url and jenkins_agent_java_package",
            "temurin-21-jre",
        ],
        id="debian12-needs-a-java21-source",
    ),
    pytest.param(
        {},
        21,
        {"release": "RedHat 8"},
        ["No Java package is known for RedHat 8: set jenkins_agent_java_package"],
        id="unknown-release",
    ),
    pytest.param(
        BOOKWORM,
        21,
        {"repo_url": TEMURIN, "repo_key_url": TEMURIN_KEY},
        ["jenkins_agent_java_repo_url is set: set jenkins_agent_java_package", "temurin-21-jre"],
        id="repo-without-package",
    ),
    pytest.param(
        BOOKWORM,
        21,
        {"repo_url": TEMURIN, "package": "temurin-21-jre"},
        ["without jenkins_agent_java_repo_key_url"],
        id="repo-without-key",
    ),
    pytest.param(
        BOOKWORM,
        21,
        {"repo_key_url": TEMURIN_KEY, "package": "temurin-21-jre"},
        ["jenkins_agent_java_repo_key_url is set but jenkins_agent_java_repo_url is not"],
        id="key-without-repo",
    ),
    pytest.param(
        BOOKWORM,
        21,
        {"package": "openjdk-17-jre-headless"},
        ["jenkins_agent_java_package openjdk-17-jre-headless is Java 17, older than jenkins_agent_java_min_version 21"],
        id="explicit-package-too-old",
    ),
    pytest.param(TRIXIE, "twenty-one", {}, ["jenkins_agent_java_min_version must be a Java major"], id="bad-minimum"),
    pytest.param(TRIXIE, 7, {}, ["must be 8 or more"], id="minimum-too-low"),
]


@pytest.mark.parametrize("available, minimum, options, fragments", ERROR_CASES)
def test_java_runtime_errors_name_the_variables(available, minimum, options, fragments):
    result = java_runtime(available, minimum, prefix="jenkins_agent", **options)
    assert result["package"] == ""
    for fragment in fragments:
        assert fragment in result["error"]


def test_java_runtime_without_prefix_names_bare_variables():
    assert java_runtime(BOOKWORM, 21)["error"].count("java_repo_url") == 1


def test_java_runtime_rejects_a_malformed_table():
    with pytest.raises(AnsibleFilterError, match="mapping"):
        java_runtime(["openjdk-17-jre-headless"], 17)
    with pytest.raises(AnsibleFilterError, match="not a Java major"):
        java_runtime({"latest": "openjdk-17-jre-headless"}, 17)


MAJOR_CASES = [
    pytest.param('openjdk version "21.0.5" 2024-10-15\nOpenJDK Runtime Environment', 21, id="openjdk-21"),
    pytest.param('openjdk version "17.0.13" 2024-10-15', 17, id="openjdk-17"),
    pytest.param('openjdk version "25" 2025-09-16', 25, id="feature-only"),
    pytest.param('java version "1.8.0_392"', 8, id="legacy-1x"),
    pytest.param('openjdk version "11.0.2" 2019-01-15', 11, id="eleven-not-legacy"),
    pytest.param('Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version "21.0.2" 2024-01-16', 21, id="after-a-notice"),
]


@pytest.mark.parametrize("output, expected", MAJOR_CASES)
def test_java_major(output, expected):
    assert java_major(output) == expected


@pytest.mark.parametrize("output", ["", "bash: java: command not found", None])
def test_java_major_without_a_version_fails(output):
    with pytest.raises(AnsibleFilterError, match="cannot read a Java version"):
        java_major(output)


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {"java_runtime", "java_major"}
