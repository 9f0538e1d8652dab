"""desired_tags follows the amazon.aws tags/purge_tags semantics plus forced identity tags."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import desired_tags

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
