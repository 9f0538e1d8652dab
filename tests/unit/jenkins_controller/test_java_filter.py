"""The jenkins_java_error filter: which Java each supported Jenkins line starts on (table from Main.java)."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.jenkins_java import FilterModule

jenkins_java_error = FilterModule().filters()["jenkins_java_error"]


@pytest.mark.parametrize(
    "core, java, expected",
    [
        # The supported combinations (role README): Debian 13 openjdk-21 runs both lines; Debian 12 openjdk-17
        # only 2.541.x; Temurin 21 on Debian 12 runs both.
        ("2.568.2", "openjdk-21-jre-headless", ""),
        ("2.541.3", "openjdk-21-jre-headless", ""),
        ("2.541.3", "openjdk-17-jre-headless", ""),
        ("2.568.2", "temurin-21-jre", ""),
        ("2.568.2", "java-21-openjdk-headless", ""),
        ("2.568.2", 25, ""),
        ("2.568.2", "21", ""),
        ("2.568.2", "openjdk-17-jre-headless", "Jenkins 2.568.2 does not start on Java 17: it runs on Java 21 or 25"),
        ("2.555.1", 17, "Jenkins 2.555.1 does not start on Java 17"),
        ("2.541.3", 11, "does not start on Java 11"),
        ("2.568.2", "default-jre-headless", "the Java major version is unknown"),
    ],
)
def test_jenkins_java_error(core, java, expected):
    result = jenkins_java_error(core, java)
    if expected:
        assert expected in result
    else:
        assert result == ""


@pytest.mark.parametrize("core, java", [("", 21), ("2.568.2", True)])
def test_bad_input(core, java):
    with pytest.raises(AnsibleFilterError):
        jenkins_java_error(core, java)
