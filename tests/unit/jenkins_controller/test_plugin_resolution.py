"""Plugin resolution (plugins/module_utils/jenkins_plugins.py), driven by update-center fixture tables."""

import base64
import hashlib

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_plugins import (
    PluginResolutionError,
    compare_versions,
    decode_sha256,
    parse_update_center,
    plan,
    resolve,
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
        "needs-future-credentials": plugin("needs-future-credentials", "1.0", dep("credentials", "9999")),
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
        "needs Jenkins >= 2.999",
        id="core-too-old",
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
