"""desired_tags follows the amazon.aws tags/purge_tags semantics plus forced identity tags; resource_tags_differ
compares user tags only (aws:* are AWS's own)."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import desired_tags, resource_tags_differ

CURRENT = {"Name": "fs", "a": "1", "aws:cloudformation:stack-name": "x"}

CASES = [
    # (id, current, tags, purge_tags, forced, expected)
    ("tags unset keeps everything", CURRENT, None, True, None, CURRENT),
    (
        "purge drops unlisted but not aws:",
        CURRENT,
        {"b": "2"},
        True,
        None,
        {"b": "2", "aws:cloudformation:stack-name": "x"},
    ),
    ("no purge merges", CURRENT, {"a": "9", "b": "2"}, False, None, dict(CURRENT, a="9", b="2")),
    (
        "forced wins over tags",
        CURRENT,
        {"Name": "other"},
        True,
        {"Name": "fs"},
        {"Name": "fs", "aws:cloudformation:stack-name": "x"},
    ),
    ("forced added when tags unset", {}, None, True, {"Name": "fs"}, {"Name": "fs"}),
    ("values become strings", {}, {"n": 1, "b": True}, True, None, {"n": "1", "b": "True"}),
    ("current None", None, {"a": "1"}, True, None, {"a": "1"}),
]


@pytest.mark.parametrize("current, tags, purge, forced, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_desired_tags(current, tags, purge, forced, expected):
    assert desired_tags(current, tags, purge, forced) == expected


RESOURCE_CASES = [
    # (id, desired, live tags, differ)
    ("tags not managed", None, {"a": "1"}, False),
    ("equal", {"a": "1"}, {"a": "1"}, False),
    ("values compared as strings", {"n": 1}, {"n": "1"}, False),
    ("aws: tags ignored on both sides", {"a": "1"}, {"a": "1", "aws:autoscaling:groupName": "g"}, False),
    ("a tag to purge", {"a": "1"}, {"a": "1", "b": "2"}, True),
    ("a tag to set", {"a": "1", "b": "2"}, {"a": "1"}, True),
    ("no live tags", {"a": "1"}, None, True),
    ("empty desired purges all", {}, {"a": "1"}, True),
]


@pytest.mark.parametrize("desired, live, differ", [c[1:] for c in RESOURCE_CASES], ids=[c[0] for c in RESOURCE_CASES])
def test_resource_tags_differ(desired, live, differ):
    assert resource_tags_differ(desired, {"tags": live}) is differ
