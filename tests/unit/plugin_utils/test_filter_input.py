"""The unconverged_* filters' input checks: each wrong input is an AnsibleFilterError with the message the filters'
own tests and users see; right input passes silently."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.plugin_utils._filter_input import check_dict, check_list, require_keys

CASES = [
    # (id, check, arguments, error message or None)
    ("list of dicts", check_list, ([{"a": 1}, {}], "x input"), None),
    ("empty list", check_list, ([], "x input"), None),
    ("not a list", check_list, ({"a": 1}, "x input"), "x input must be a list, got dict"),
    (
        "an item not a dict",
        check_list,
        ([{}, "s"], "x input"),
        "x input must be a list of dicts, got an item of type str",
    ),
    ("dict without keys asked", check_dict, ({}, "x state"), None),
    ("dict with its keys", check_dict, ({"a": 1, "b": 2}, "x input", ("a", "b")), None),
    ("not a dict", check_dict, ([], "x state"), "x state must be a dict, got list"),
    ("keys missing", check_dict, ({"a": 1}, "x input", ("a", "b", "c")), "x input lacks b, c"),
    ("item with its keys", require_keys, ({"name": "n", "cidr": "c"}, ("name", "cidr"), "x"), None),
    ("item named", require_keys, ({"name": "n"}, ("cidr", "az"), "x"), "x item 'n' lacks cidr, az"),
    ("item unnamed", require_keys, ({"cidr": "c"}, ("az",), "x"), "x item {'cidr': 'c'} lacks az"),
]


@pytest.mark.parametrize("check, arguments, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_filter_input_checks(check, arguments, message):
    if message is None:
        assert check(*arguments) is None
    else:
        with pytest.raises(AnsibleFilterError) as error:
            check(*arguments)
        assert error.value.message == message
