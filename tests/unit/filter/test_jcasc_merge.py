"""jcasc_merge: fragments merge as configuration-as-code's default errorOnConflict strategy merges its sources
(mappings recursively, sequences appended, a scalar given twice refused, kinds that differ refused)."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.jcasc_merge import FilterModule, jcasc_merge

BASE = {"jenkins": {"systemMessage": "hi", "clouds": [{"eC2Fleet": {"name": "agents"}}]}, "unclassified": {}}

OK_CASES = [
    pytest.param(BASE, [], None, BASE, id="no-fragments"),
    pytest.param(BASE, None, None, BASE, id="none-is-no-fragments"),
    pytest.param(
        BASE,
        [{"jenkins": {"quietPeriod": 2}}],
        None,
        {
            "jenkins": {"systemMessage": "hi", "clouds": [{"eC2Fleet": {"name": "agents"}}], "quietPeriod": 2},
            "unclassified": {},
        },
        id="new-attribute-added",
    ),
    pytest.param(
        BASE,
        [{"jenkins": {"clouds": [{"eC2Fleet": {"name": "gpu"}}]}}],
        None,
        {
            "jenkins": {
                "systemMessage": "hi",
                "clouds": [{"eC2Fleet": {"name": "agents"}}, {"eC2Fleet": {"name": "gpu"}}],
            },
            "unclassified": {},
        },
        id="sequence-appended",
    ),
    pytest.param(
        BASE,
        [{"unclassified": {"timestamper": {"allPipelines": True}}}, {"tool": {"git": {"installations": []}}}],
        None,
        {**BASE, "unclassified": {"timestamper": {"allPipelines": True}}, "tool": {"git": {"installations": []}}},
        id="two-fragments-new-roots",
    ),
    pytest.param(
        BASE,
        [{"jenkins": {"labelString": "a"}}],
        ["jenkins.securityRealm"],
        {"jenkins": {**BASE["jenkins"], "labelString": "a"}, "unclassified": {}},
        id="protected-path-untouched",
    ),
]


@pytest.mark.parametrize("document,fragments,protected,expected", OK_CASES)
def test_merge(document, fragments, protected, expected):
    before = repr(document)
    assert jcasc_merge(document, fragments, protected) == expected
    assert repr(document) == before, "the input document must not change"


ERROR_CASES = [
    pytest.param(
        BASE,
        [{"jenkins": {"systemMessage": "other"}}],
        None,
        "jenkins.systemMessage: set twice, the second time in fragment 1",
        id="scalar-conflict",
    ),
    pytest.param(
        BASE,
        [{"jenkins": {"systemMessage": "hi"}}],
        None,
        "jenkins.systemMessage: set twice",
        id="same-scalar-still-conflicts",
    ),
    pytest.param(
        BASE,
        [{}, {"jenkins": {"clouds": {"x": 1}}}],
        None,
        "jenkins.clouds: a sequence before, a mapping in fragment 2",
        id="kinds-differ",
    ),
    pytest.param(
        BASE,
        [{"a": 1}, {"a": 2}],
        None,
        "a: set twice, the second time in fragment 2",
        id="fragments-conflict-with-each-other",
    ),
    pytest.param(
        BASE,
        ["jenkins: {}"],
        None,
        "fragment 1 must be a mapping of JCasC root keys, got a scalar",
        id="fragment-not-mapping",
    ),
    pytest.param(BASE, {"jenkins": {}}, None, "the fragments must be a list of mappings", id="fragments-not-list"),
    pytest.param(["x"], [], None, "the JCasC document must be a mapping", id="document-not-mapping"),
    pytest.param(
        BASE,
        [{"jenkins": {"authorizationStrategy": {"loggedInUsersCanDoAnything": {}}}}],
        ["jenkins.securityRealm", "jenkins.authorizationStrategy"],
        "fragment 1 sets jenkins.authorizationStrategy, which the stack's own settings own",
        id="protected-path",
    ),
]


@pytest.mark.parametrize("document,fragments,protected,message", ERROR_CASES)
def test_merge_refused(document, fragments, protected, message):
    with pytest.raises(AnsibleFilterError, match="Cannot merge the JCasC fragments") as err:
        jcasc_merge(document, fragments, protected)
    assert message in str(err.value)


def test_registered():
    assert FilterModule().filters() == {"jcasc_merge": jcasc_merge}
