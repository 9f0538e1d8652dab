"""validate(): one table per rule of docs/jcasc-schema.md, over a small hand-written schema (format 1)."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.jcasc_errors import FilterModule
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import _implementations, validate

TYPES = {
    "Root": {
        "attributes": {
            "text": {"type": "string"},
            "count": {"type": "int"},
            "big": {"type": "long"},
            "ratio": {"type": "double"},
            "flag": {"type": "boolean"},
            "password": {"type": "secret"},
            "mode": {"type": "enum", "values": ["NORMAL", "EXCLUSIVE"]},
            "tags": {"type": "string", "multiple": True},
            "old": {"type": "string", "deprecated": True},
            "internal": {"type": "string", "restricted": "NoExternalUse"},
            "issuer": {"type": "Issuer"},
            "issuers": {"type": "Issuer", "multiple": True},
            "child": {"type": "Child"},
            "free": {"type": "Free"},
        }
    },
    "Issuer": {"abstract": True},
    "Standard": {"names": {"Issuer": ["standard", "defaultIssuer"]}, "attributes": {"salt": {"type": "string"}}},
    "Other": {"names": {"Issuer": ["other"]}, "attributes": {}},
    "Child": {"attributes": {"name": {"type": "string"}}},
    "Free": {"unmodelled": True},
}
SCHEMA = {
    "roots": {"root": {"type": "Root"}, "cat": {"attributes": {"child": {"type": "Child", "aliases": ["kid"]}}}},
    "types": TYPES,
    "implementations": _implementations(TYPES),
}

ACCEPTED = [
    pytest.param({}, id="empty"),
    pytest.param(None, id="null-document"),
    pytest.param({"root": None}, id="null-root"),
    pytest.param({"root": {"text": "x", "count": 3, "big": "12", "ratio": "0.5", "flag": "false"}}, id="scalars"),
    pytest.param({"root": {"count": "-1", "flag": True, "password": "${SECRET}"}}, id="integer-string-bool"),
    pytest.param({"root": {"count": "${COUNT}"}}, id="interpolated-scalar"),
    pytest.param({"root": {"mode": "EXCLUSIVE", "tags": ["a", "b"]}}, id="enum-list"),
    pytest.param({"root": {"issuer": "standard"}}, id="implementation-by-name"),
    pytest.param({"root": {"issuer": {"defaultIssuer": {"salt": "s"}}}}, id="implementation-mapping"),
    pytest.param({"root": {"issuer": {"STANDARD": None}}}, id="implementation-any-case"),
    pytest.param({"root": {"issuers": ["other", {"standard": {}}]}}, id="implementation-list"),
    pytest.param({"root": {"child": {"name": "n"}}, "cat": {"kid": {"name": "m"}}}, id="nested-and-alias"),
    pytest.param({"ROOT": {"TEXT": "x"}}, id="names-any-case"),
    pytest.param({"root": {"free": {"anything": [1, {"goes": True}]}}}, id="unmodelled-free"),
    pytest.param({"x-anchors": {"whatever": 1}, "root": {}}, id="x-prefixed-root-skipped"),
]


@pytest.mark.parametrize("document", ACCEPTED)
def test_accepted(document):
    assert validate(document, SCHEMA) == []


REFUSED = [
    pytest.param({"nope": {}}, ["nope: no loaded component provides"], id="rule1-root"),
    pytest.param({"root": {"txt": "x"}}, ["root.txt: unknown attribute"], id="rule2-attribute"),
    pytest.param({"root": {"child": {"nam": 1}}}, ["root.child.nam: unknown attribute"], id="rule2-nested"),
    pytest.param({"root": {"old": "x"}}, ["root.old: 'old' is deprecated"], id="rule3-deprecated"),
    pytest.param({"root": {"internal": "x"}}, ["root.internal: 'internal' is restricted"], id="restricted"),
    pytest.param(
        {"root": {"issuer": "missing"}}, ["root.issuer: no Issuer implementation named 'missing'"], id="rule4"
    ),
    pytest.param({"root": {"issuer": {"standard": {}, "other": {}}}}, ["root.issuer: a single-key"], id="rule4-two"),
    pytest.param(
        {"root": {"issuer": {"standard": {"pepper": 1}}}}, ["root.issuer.standard.pepper: unknown"], id="impl-attr"
    ),
    pytest.param({"root": {"issuers": ["other", "nope"]}}, ["root.issuers[1]: no Issuer"], id="rule4-in-list"),
    pytest.param({"root": {"count": "two"}}, ["root.count: an integer expected"], id="rule5-int"),
    pytest.param({"root": {"count": True}}, ["root.count: an integer expected"], id="rule5-bool-is-not-int"),
    pytest.param({"root": {"count": 1.5}}, ["root.count: an integer expected"], id="rule5-float-is-not-int"),
    pytest.param({"root": {"ratio": "half"}}, ["root.ratio: a number expected"], id="rule5-double"),
    pytest.param({"root": {"flag": "yes"}}, ["root.flag: true or false expected"], id="rule5-boolean"),
    pytest.param({"root": {"mode": "exclusive"}}, ["root.mode: one of NORMAL, EXCLUSIVE"], id="rule5-enum"),
    pytest.param({"root": {"text": ["a"]}}, ["root.text: a string expected, got a list"], id="rule5-list-for-scalar"),
    pytest.param({"root": {"tags": "a"}}, ["root.tags: a list expected"], id="rule5-scalar-for-list"),
    pytest.param({"root": {"child": [{"name": "n"}]}}, ["root.child: one value expected"], id="rule5-list-for-object"),
    pytest.param({"root": {"child": "n"}}, ["root.child: a mapping expected"], id="rule5-scalar-for-object"),
    pytest.param(
        {"root": {"issuers": [{"standard": {"salt": ["x"]}}]}},
        ["root.issuers[0].standard.salt: a string"],
        id="path-index",
    ),
    pytest.param(["root"], ["(document): a mapping"], id="not-a-mapping"),
    pytest.param({"root": {"txt": 1, "count": "x"}, "nope": 1}, ["root.txt", "root.count", "nope"], id="all-errors"),
]


@pytest.mark.parametrize("document,expected", REFUSED)
def test_refused(document, expected):
    errors = validate(document, SCHEMA)
    assert len(errors) == len(expected), errors
    for line, prefix in zip(errors, expected):
        assert line.startswith(prefix), (line, prefix)


def test_filter_takes_role_plugin_list_and_reports_missing_schema():
    filters = FilterModule().filters()
    plugins = [{"name": "configuration-as-code", "version": "2117.vc05a_0b_e6b_f4e"}]
    assert filters["jcasc_errors"]({"jenkins": {"numExecutors": 0}}, "2.541.3", plugins) == []
    assert filters["jcasc_errors"]({"credentials": {}}, "2.541.3", plugins) == [
        "credentials: no loaded component provides this root key"
    ]
    with pytest.raises(AnsibleFilterError, match="no JCasC schema for core 2.400.1"):
        filters["jcasc_errors"]({}, "2.400.1", plugins)
    with pytest.raises(AnsibleFilterError, match="plugins must be"):
        filters["jcasc_errors"]({}, "2.541.3", "configuration-as-code")
    assert filters["jcasc_plugin_errors"]({"ec2-fleet": "4.3.0.549.vf2a_da_a_d19b_5e"}, "2.504.3")
