"""Every filter of plugins/filter given values of the wrong type: an AnsibleFilterError (or, for the filters that
return their verdict, an error in the result) whose message says what was expected, never a Python exception from
inside the filter (TypeError, AttributeError, KeyError), which Ansible reports without naming the filter's input."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter import java_runtime as java_runtime_filters
from ansible_collections.jenkins_ha.aws.plugins.filter import jcasc_errors as jcasc_filters
from ansible_collections.jenkins_ha.aws.plugins.filter import jenkins_java as jenkins_java_filters
from ansible_collections.jenkins_ha.aws.plugins.filter import jenkins_preflight as jenkins_preflight_filters
from ansible_collections.jenkins_ha.aws.plugins.filter import unconverged as unconverged_filters
from ansible_collections.jenkins_ha.aws.plugins.filter import unconverged_iam as unconverged_iam_filters

FILTERS = {}
for module in (
    java_runtime_filters,
    jcasc_filters,
    jenkins_java_filters,
    jenkins_preflight_filters,
    unconverged_filters,
    unconverged_iam_filters,
):
    FILTERS.update(module.FilterModule().filters())

UNCONVERGED = [name for name in FILTERS if name.startswith("unconverged_") and name != "unconverged_iam_policies"]

# (filter, arguments, words the error must contain)
RAISING = []
for name in UNCONVERGED:
    RAISING += [
        (name, ("subnets", []), ["must be a list"]),
        (name, ([], {"a": 1}), ["must be a list"]),
        (name, ([None], []), ["list of dicts"]),
        (name, ([{}], None), ["must be a list"]),
    ]
RAISING += [
    ("unconverged_iam_policies", ("policy", [], "jenkins-ha"), ["must be a list"]),
    ("unconverged_iam_policies", ([5], [], "jenkins-ha"), ["list of dicts"]),
    ("unconverged_iam_roles", ([{"name": "r"}], []), ["lacks", "assume_role_policy_document"]),
    (
        "unconverged_iam_roles",
        ([{"name": "r", "assume_role_policy_document": "{not json", "managed_policy_arns": []}], []),
        ["not a JSON policy document"],
    ),
    (
        "unconverged_iam_roles",
        ([{"name": "r", "assume_role_policy_document": "[1]", "managed_policy_arns": []}], []),
        ["not a JSON object"],
    ),
    ("java_runtime", (["openjdk-21-jre-headless"], 21), ["mapping major -> package"]),
    ("java_runtime", ({"twenty-one": "openjdk-21-jre-headless"}, 21), ["not a Java major version"]),
    ("java_major", (None,), ["cannot read a Java version"]),
    ("java_major", ({"stderr": 'openjdk version "21.0.5"'},), ["cannot read a Java version"]),
]

RETURNING = [
    ("java_runtime", ({21: "openjdk-21-jre-headless"}, "twenty-one"), "java_min_version must be a Java major version"),
    ("java_runtime", ({21: "openjdk-21-jre-headless"}, None), "java_min_version must be a Java major version"),
]


@pytest.mark.parametrize("name, args, words", RAISING, ids=["{0}{1!r}".format(c[0], c[1])[:90] for c in RAISING])
def test_wrong_types_raise_a_filter_error(name, args, words):
    with pytest.raises(AnsibleFilterError) as error:
        FILTERS[name](*args)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("name, args, message", RETURNING, ids=["{0}{1!r}".format(c[0], c[1]) for c in RETURNING])
def test_wrong_types_give_an_error_in_the_verdict(name, args, message):
    assert message in FILTERS[name](*args)["error"]


# The filters that validate a document or a version: each wrong type must come back as a filter error (or as the
# filter's own verdict), never as a Python exception.
ANY_ERROR = [
    ("jenkins_java_error", (None, 21)),
    ("jenkins_java_error", ("2.541.3", "twenty-one")),
    pytest.param(
        "jenkins_java_error",
        (["2.541.3"], 21),
        # Found by this table, left to the filter's owner: str(['2.541.3']) is taken as a core version.
        marks=pytest.mark.xfail(strict=True, reason="jenkins_java_error accepts a list as the core version"),
    ),
    ("jcasc_errors", ("jenkins: {}", "2.541.3", {})),
    ("jcasc_errors", ({"jenkins": {}}, None, {})),
    ("jcasc_errors", ({"jenkins": {}}, "2.541.3", "configuration-as-code")),
    ("jcasc_plugin_errors", ("configuration-as-code", "2.541.3")),
    ("jcasc_plugin_errors", ({"configuration-as-code": "1.0"}, ["2.541.3"])),
]
# jenkins_casc_check: the verdict's errors (the filter returns a mapping, never empty).
CASC_CHECK = [
    ({"jenkins": {}}, {"jenkins": "2.568.2"}, "/m.json", "2.568.2", {}),  # a parsed manifest instead of its text
    ({"jenkins": {}}, "7", "/m.json", "2.568.2", {}),
    ("jenkins: {}", '{"jenkins": "2.568.2", "plugins": {}}', "/m.json", "2.568.2", {}),
    ({"jenkins": {}}, '{"jenkins": "2.568.2", "plugins": []}', "/m.json", "2.568.2", {}),
    ({"jenkins": {}}, '{"jenkins": "2.568.2", "plugins": {}, "java": "21"}', "/m.json", "2.568.2", {}),
]
ANY_ERROR += [("jenkins_casc_check", args) for args in CASC_CHECK]
ANY_ERROR += [("jenkins_casc_check", ({"jenkins": {}}, None, "/m.json", None, {}))]


@pytest.mark.parametrize("name, args", ANY_ERROR)
def test_validating_filters_answer_wrong_types_with_an_error(name, args):
    try:
        verdict = FILTERS[name](*args)
    except AnsibleFilterError as error:
        assert str(error)
        return
    assert verdict.get("errors") if isinstance(verdict, dict) else verdict, "{0} accepted {1!r}".format(name, args)
