"""Plugin resolution (plugins/module_utils/jenkins_plugins.py), driven by update-center fixture tables."""

import base64
import hashlib

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_plugins import (
    PluginResolutionError,
    compare_versions,
    compatibility_errors,
    decode_sha256,
    java_core_error,
    java_major_of_package,
    java_majors_for_core,
    parse_update_center,
    plan,
    resolve,
    update_center_url_for_core,
)


def dep(name, version, optional=False):
    return {"name": name, "version": version, "optional": optional}


def plugin(name, version, *deps, core="2.400"):
    return {
        "name": name,
        "version": version,
        "url": "https://uc/{0}.hpi".format(name),
        "sha256": base64.b64encode(hashlib.sha256(name.encode()).digest()).decode(),
        "requiredCore": core,
        "dependencies": list(deps),
    }


# A small world modelled on the real plugins: ec2-fleet needs the AWS SDK and ssh-slaves; ssh-slaves needs
# ssh-credentials, which needs credentials; configuration-as-code needs snakeyaml-api.
UC = {
    "plugins": {
        "ec2-fleet": plugin(
            "ec2-fleet",
            "4.1.0",
            dep("aws-java-sdk2-ec2", "2.0"),
            dep("ssh-slaves", "3.0"),
            dep("job-dsl", "1.0", optional=True),
        ),
        "aws-java-sdk2-ec2": plugin("aws-java-sdk2-ec2", "2.5"),
        "ssh-slaves": plugin("ssh-slaves", "3.1", dep("ssh-credentials", "300")),
        "ssh-credentials": plugin("ssh-credentials", "310", dep("credentials", "1300")),
        "credentials": plugin("credentials", "1400"),
        "configuration-as-code": plugin("configuration-as-code", "1900.v1", dep("snakeyaml-api", "2.0")),
        "snakeyaml-api": plugin("snakeyaml-api", "2.3"),
        "job-dsl": plugin("job-dsl", "1.90"),
        "needs-new-core": plugin("needs-new-core", "1.0", core="2.999"),
        "needs-new-core-dep": plugin("needs-new-core-dep", "1.0", dep("needs-new-core", "1.0")),
        "needs-future-credentials": plugin("needs-future-credentials", "1.0", dep("credentials", "9999")),
        "wants-new-job-dsl": plugin("wants-new-job-dsl", "1.0", dep("job-dsl", "2.0", optional=True)),
    }
}
VERSIONS = {
    "plugins": {
        "credentials": {"1300": plugin("credentials", "1300"), "1350": plugin("credentials", "1350")},
        "ssh-credentials": {"300": plugin("ssh-credentials", "300", dep("credentials", "1350"))},
        "ssh-slaves": {"3.0": plugin("ssh-slaves", "3.0", dep("ssh-credentials", "300"))},
        "aws-java-sdk2-ec2": {"2.0": plugin("aws-java-sdk2-ec2", "2.0")},
        "ec2-fleet": {"4.0.0": plugin("ec2-fleet", "4.0.0", dep("aws-java-sdk2-ec2", "2.0"))},
    }
}


def versions_of(resolved):
    return {name: p["version"] for name, p in resolved.items()}


RESOLVE_CASES = [
    pytest.param(
        [{"name": "ec2-fleet", "version": "4.1.0"}],
        {},
        {
            "ec2-fleet": "4.1.0",
            "aws-java-sdk2-ec2": "2.5",
            "ssh-slaves": "3.1",
            "ssh-credentials": "310",
            "credentials": "1400",
        },
        id="transitive-deps-latest-optional-skipped",
    ),
    pytest.param(
        [{"name": "ec2-fleet", "version": "4.1.0"}],
        {"latest_dependencies": False},
        {
            "ec2-fleet": "4.1.0",
            "aws-java-sdk2-ec2": "2.0",
            "ssh-slaves": "3.0",
            "ssh-credentials": "300",
            # ssh-slaves 3.0 -> ssh-credentials 300 -> credentials >= 1350 (highest requirement wins)
            "credentials": "1350",
        },
        id="lowest-required-deps",
    ),
    pytest.param(
        [{"name": "ec2-fleet", "version": "4.1.0"}, {"name": "credentials", "version": "1400"}],
        {},
        {
            "ec2-fleet": "4.1.0",
            "aws-java-sdk2-ec2": "2.5",
            "ssh-slaves": "3.1",
            "ssh-credentials": "310",
            "credentials": "1400",
        },
        id="pinned-dependency-satisfies",
    ),
    pytest.param(
        [{"name": "ec2-fleet", "version": "4.0.0"}],
        {},
        {"ec2-fleet": "4.0.0", "aws-java-sdk2-ec2": "2.5"},
        id="older-pin-from-plugin-versions",
    ),
    pytest.param(
        [{"name": "configuration-as-code"}],
        {},
        {"configuration-as-code": "1900.v1", "snakeyaml-api": "2.3"},
        id="latest-when-no-version",
    ),
    pytest.param(
        [{"name": "job-dsl", "version": "1.90"}, {"name": "job-dsl", "version": "1.90"}],
        {},
        {"job-dsl": "1.90"},
        id="duplicate-same-version",
    ),
    pytest.param(
        # ssh-credentials 310 (latest) needs credentials >= 1300: a pin at 1300 is enough.
        [{"name": "ec2-fleet", "version": "4.1.0"}, {"name": "credentials", "version": "1300"}],
        {},
        {
            "ec2-fleet": "4.1.0",
            "aws-java-sdk2-ec2": "2.5",
            "ssh-slaves": "3.1",
            "ssh-credentials": "310",
            "credentials": "1300",
        },
        id="pin-at-minimum",
    ),
]


@pytest.mark.parametrize("requested, options, expected", RESOLVE_CASES)
def test_resolve(requested, options, expected):
    assert versions_of(resolve(requested, UC, plugin_versions=VERSIONS, **options)) == expected


ERROR_CASES = [
    pytest.param([{"name": "nope", "version": "1"}], {}, "plugin 'nope' is not in the update center", id="unknown"),
    pytest.param([{"name": "job-dsl", "version": "1.0"}], {}, "version 1.0 is not available", id="missing-version"),
    pytest.param(
        [
            {"name": "ec2-fleet", "version": "4.1.0"},
            {"name": "ssh-slaves", "version": "3.0"},
            {"name": "credentials", "version": "1300"},
        ],
        {"latest_dependencies": False},
        "version conflict: ssh-credentials:300 requires credentials >= 1350, but credentials is pinned to 1300",
        id="pinned-too-old",
    ),
    pytest.param(
        [{"name": "needs-future-credentials", "version": "1.0"}],
        {},
        "requires credentials >= 9999, but the update center offers only 1400",
        id="uc-too-old",
    ),
    pytest.param(
        [{"name": "needs-new-core", "version": "1.0"}],
        {"core_version": "2.500"},
        "needs-new-core:1.0 needs Jenkins 2.999 or newer, the controller runs 2.500",
        id="core-too-old",
    ),
    pytest.param(
        # A dependency's requirement counts as much as the pinned plugin's: the message names the dependency.
        [{"name": "needs-new-core-dep", "version": "1.0"}],
        {"core_version": "2.541.3"},
        "needs-new-core:1.0 needs Jenkins 2.999 or newer, the controller runs 2.541.3",
        id="dependency-needs-newer-core",
    ),
    pytest.param(
        # An optional dependency is not added, but pinned older than declared it stops the plugin at start.
        [{"name": "wants-new-job-dsl", "version": "1.0"}, {"name": "job-dsl", "version": "1.90"}],
        {"core_version": "2.541.3"},
        "wants-new-job-dsl:1.0 needs plugin job-dsl 2.0 or newer when it is installed (an optional dependency), the"
        " set has 1.90",
        id="optional-dependency-too-old",
    ),
    pytest.param(
        [{"name": "job-dsl", "version": "1.90"}, {"name": "job-dsl", "version": "1.80"}],
        {},
        "listed twice",
        id="duplicate-different-versions",
    ),
]


@pytest.mark.parametrize("requested, options, message", ERROR_CASES)
def test_resolve_errors(requested, options, message):
    with pytest.raises(PluginResolutionError) as err:
        resolve(requested, UC, plugin_versions=VERSIONS, **options)
    assert message in str(err.value)


def test_resolved_metadata_is_complete():
    resolved = resolve([{"name": "ec2-fleet", "version": "4.1.0"}], UC, plugin_versions=VERSIONS)
    assert resolved["ec2-fleet"]["requested"] is True
    assert resolved["credentials"]["requested"] is False
    assert resolved["credentials"]["required_by"] == ["ssh-credentials:310"]
    assert resolved["ec2-fleet"]["dependencies"] == ["aws-java-sdk2-ec2", "ssh-slaves"]
    assert resolved["ec2-fleet"]["sha256"] == hashlib.sha256(b"ec2-fleet").hexdigest()
    assert "job-dsl" not in resolved


@pytest.mark.parametrize(
    "left, right, expected",
    [
        ("1.0", "1.0", 0),
        ("1.0", "1.0.1", -1),
        ("1.10", "1.9", 1),
        ("1.0-beta-2", "1.0", -1),
        ("1.0-alpha", "1.0-beta", -1),
        ("1.0-rc1", "1.0", -1),
        ("1.0-SNAPSHOT", "1.0", -1),
        ("2.0-1", "2.0", 1),
        ("1953.v148f87d74b_1e", "1900.v1", 1),
        ("1.46.0-1236.v23b_d48e53e5e", "1.46.0", 1),
        ("2.401.3", "2.401.10", -1),
    ],
)
def test_compare_versions(left, right, expected):
    assert compare_versions(left, right) == expected
    swapped = {"left": right, "right": left}
    assert compare_versions(**swapped) == -expected


def test_parse_update_center_jsonp_and_plain():
    assert parse_update_center('updateCenter.post(\n{"plugins": {}}\n);')["plugins"] == {}
    assert parse_update_center('{"plugins": {"a": {}}}')["plugins"] == {"a": {}}
    with pytest.raises(PluginResolutionError):
        parse_update_center("<html>proxy error</html>")
    with pytest.raises(PluginResolutionError):
        parse_update_center('{"core": {}}')


def test_decode_sha256_base64_and_hex():
    digest = hashlib.sha256(b"x")
    assert decode_sha256(base64.b64encode(digest.digest()).decode()) == digest.hexdigest()
    assert decode_sha256(digest.hexdigest().upper()) == digest.hexdigest()
    assert decode_sha256(None) is None
    with pytest.raises(PluginResolutionError):
        decode_sha256("bm90IGEgZGlnZXN0")


def test_plan():
    resolved = {n: {"version": v} for n, v in {"a": "2", "b": "1", "c": "1", "d": "1.0"}.items()}
    assert plan(resolved, {"a": "1", "b": "1", "d": "2.0"}) == [("a", "upgrade"), ("c", "install"), ("d", "downgrade")]


@pytest.mark.parametrize(
    "url, core, expected",
    [
        (
            "https://updates.jenkins.io/update-center.json",
            "2.568.2",
            "https://updates.jenkins.io/update-center.json?version=2.568.2",
        ),
        ("https://mirror/uc.json?id=default", "2.541.3", "https://mirror/uc.json?id=default&version=2.541.3"),
        ("https://mirror/uc.json?version=2.555.1", "2.568.2", "https://mirror/uc.json?version=2.555.1"),
        ("https://updates.jenkins.io/update-center.json", None, "https://updates.jenkins.io/update-center.json"),
    ],
)
def test_update_center_url_asks_for_the_core_tier(url, core, expected):
    assert update_center_url_for_core(url, core) == expected


def _resolved(name, version, requires=(), core=None, optional=()):
    return {"name": name, "version": version, "requires": list(requires), "required_core": core, "optional": optional}


@pytest.mark.parametrize(
    "plugins, core, expected",
    [
        ([_resolved("a", "1", [("b", "2")]), _resolved("b", "2")], "2.541.3", []),
        ([_resolved("a", "1", [("b", "2")])], "2.541.3", ["a:1 needs plugin b 2 or newer, which is missing"]),
        (
            [_resolved("a", "1", [("b", "2")]), _resolved("b", "1.9")],
            "2.541.3",
            ["a:1 needs plugin b 2 or newer, the set has 1.9"],
        ),
        (
            [_resolved("a", "1", core="2.555.1"), _resolved("c", "1", core="2.541.1")],
            "2.541.3",
            ["a:1 needs Jenkins 2.555.1 or newer, the controller runs 2.541.3"],
        ),
        ([_resolved("a", "1", core="2.555.1")], "2.568.2", []),
        ([_resolved("a", "1", core="2.555.1")], None, []),
        # Optional dependencies (PluginWrapper.java:996-1006 at jenkins-2.568.2): absent or new enough is fine,
        # in the set and older stops the plugin.
        ([_resolved("a", "1", optional=[("b", "2")])], "2.541.3", []),
        ([_resolved("a", "1", optional=[("b", "2")]), _resolved("b", "2.1")], "2.541.3", []),
        (
            [_resolved("a", "1", optional=[("b", "2")]), _resolved("b", "1.9")],
            "2.541.3",
            ["a:1 needs plugin b 2 or newer when it is installed (an optional dependency), the set has 1.9"],
        ),
        ([_resolved("a", "1", optional=[("b", "2")]), _resolved("b", "1.9")], None, ["a:1 needs plugin b 2"]),
    ],
)
def test_compatibility_errors_as_jenkins_checks_at_start(plugins, core, expected):
    errors = compatibility_errors({p["name"]: p for p in plugins}, core)
    assert len(errors) == len(expected) and all(e.startswith(x) for e, x in zip(errors, expected)), errors


@pytest.mark.parametrize(
    "core, majors",
    [
        ("2.462.3", [11, 17, 21]),
        ("2.479.3", [17, 21]),
        ("2.528.3", [17, 21]),
        ("2.534", [17, 21, 25]),
        ("2.541.3", [17, 21, 25]),
        ("2.544", [17, 21, 25]),
        ("2.545", [21, 25]),
        ("2.555.1", [21, 25]),
        ("2.568.2", [21, 25]),
        ("2.440.3", []),
    ],
)
def test_java_majors_for_core(core, majors):
    assert java_majors_for_core(core) == majors


@pytest.mark.parametrize(
    "package, major",
    [
        ("openjdk-17-jre-headless", 17),
        ("openjdk-21-jre-headless", 21),
        ("temurin-21-jre", 21),
        ("temurin-25-jdk", 25),
        ("java-21-openjdk-headless", 21),
        ("default-jre-headless", None),
        ("", None),
    ],
)
def test_java_major_of_package(package, major):
    assert java_major_of_package(package) == major


@pytest.mark.parametrize(
    "core, java, message",
    [
        ("2.568.2", 21, None),
        ("2.568.2", 25, None),
        ("2.541.3", 17, None),
        ("2.568.2", 17, "Jenkins 2.568.2 does not start on Java 17: it runs on Java 21 or 25"),
        ("2.541.3", 11, "Jenkins 2.541.3 does not start on Java 11: it runs on Java 17 or 21 or 25"),
        ("2.568.2", None, "the Java major version is unknown"),
        ("2.400.1", 17, "older than the cores this collection knows"),
    ],
)
def test_java_core_error(core, java, message):
    error = java_core_error(core, java)
    if message is None:
        assert error is None
    else:
        assert message in error


def test_java_table_agrees_with_the_generated_core_schemas():
    # The schema generator reads SUPPORTED_JAVA_VERSIONS from each core tag independently (docs/jcasc-schema.md).
    import json
    from pathlib import Path

    schemas = Path(__file__).resolve().parents[3] / "plugins" / "module_utils" / "jcasc" / "schemas" / "core"
    files = sorted(schemas.glob("*.json"))
    assert files, "no core schemas"
    for path in files:
        schema = json.loads(path.read_text())
        assert java_majors_for_core(schema["version"]) == schema["java"], path.name
