"""jcasc.requirement_errors: what Jenkins core's PluginWrapper.resolvePluginDependencies refuses at start
(jenkins-2.541.3 core/src/main/java/hudson/PluginWrapper.java:960-1022, the same at jenkins-2.568.2:958-1020), one table.
"""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import requirement_errors

FLEET = {
    "core": "2.541.3",
    "plugins": {"credentials": None, "ssh-slaves": "3.1000.v1"},
    "optional": {"workflow-job": "1500.v1", "matrix-auth": None},
}

CASES = [
    # core, installed (besides ec2-fleet 4.0), complete, expected lines
    ("2.541.3", {"credentials": "1.0", "ssh-slaves": "3.1000.v1"}, True, []),
    (
        "2.504.3",
        {"credentials": "1.0", "ssh-slaves": "3.1000.v1"},
        True,
        ["needs Jenkins 2.541.3 or newer, core is 2.504.3"],
    ),
    ("2.541.3", {"ssh-slaves": "3.1000.v1"}, True, ["needs plugin credentials, which is not installed"]),
    ("2.541.3", {"ssh-slaves": "3.1000.v1"}, False, []),  # the role's pins: dependencies come with the bake
    (
        "2.541.3",
        {"credentials": "1.0", "ssh-slaves": "3.999.v1"},
        True,
        ["needs ssh-slaves 3.1000.v1 or newer, 3.999.v1"],
    ),
    # optional: absent is fine, installed at or past the minimum is fine, older stops the plugin
    ("2.541.3", {"credentials": "1", "ssh-slaves": "3.1000.v1", "workflow-job": "1500.v1"}, True, []),
    ("2.541.3", {"credentials": "1", "ssh-slaves": "3.1000.v1", "workflow-job": "1600.v2"}, True, []),
    (
        "2.541.3",
        {"credentials": "1", "ssh-slaves": "3.1000.v1", "workflow-job": "1400.v9"},
        True,
        ["needs workflow-job 1500.v1 or newer when it is installed (an optional dependency), 1400.v9 is installed"],
    ),
    (
        "2.541.3",
        {"credentials": "1", "ssh-slaves": "3.1000.v1", "workflow-job": "1400.v9"},
        False,
        ["(an optional dependency)"],
    ),
    # a BOM-managed optional minimum (null) is not known: nothing to hold the installed version against
    ("2.541.3", {"credentials": "1", "ssh-slaves": "3.1000.v1", "matrix-auth": "0.1"}, True, []),
]


@pytest.mark.parametrize("core, installed, complete, expected", CASES)
def test_requirement_errors(core, installed, complete, expected):
    errors = requirement_errors(core, {"ec2-fleet": FLEET}, dict(installed, **{"ec2-fleet": "4.0"}), complete)
    assert len(errors) == len(expected), errors
    for line, words in zip(errors, expected):
        assert line.startswith("ec2-fleet 4.0: ") and words in line


def test_a_schema_without_optional_dependencies_is_read_as_before():
    old = {"core": "2.541.3", "plugins": {"credentials": None}}
    assert requirement_errors("2.541.3", {"ec2-fleet": old}, {"ec2-fleet": "4.0", "workflow-job": "1"}, True) == [
        "ec2-fleet 4.0: needs plugin credentials, which is not installed"
    ]
