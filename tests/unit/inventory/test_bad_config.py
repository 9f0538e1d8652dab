"""The jenkins_ec2 inventory plugin with bad configuration (wrong types, unknown keys, malformed values) and with an
identity AWS refuses (tests/unit/bad_input's refusal): an AnsibleError (what ansible-inventory reports as a failed source) naming the problem, never a
traceback, and no host listed. test_jenkins_ec2.py::TestBadConfig holds the first table."""

import pytest
from ansible.errors import AnsibleError

REGION = {"regions": ["us-east-1"]}

CASES = [
    ("regions not a list of names", {"regions": [{"name": "us-east-1"}]}, "regions"),
    ("an empty region", {"regions": [""]}, "regions"),
    ("a malformed region", {"regions": ["Ireland"]}, "Ireland"),
    ("filters not a dict", dict(REGION, filters=["tag:Name=x"]), "filters"),
    ("stacks not a list", dict(REGION, stacks={"prod": True}), "stacks"),
    ("autoscaling not a bool", dict(REGION, autoscaling="sometimes"), "autoscaling"),
    ("extra_hostvars not a list", dict(REGION, extra_hostvars={"a": 1}), "extra_hostvars"),
    ("a typo in an option name", dict(REGION, stack_names=["prod"]), "stack_names"),
    ("an aws_ec2 option", dict(REGION, hostvars_prefix="aws_"), "hostvars_prefix"),
    ("an unknown extra host variable", dict(REGION, extra_hostvars=["network_interface"]), "network_interface"),
]


@pytest.mark.parametrize("config, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_config_is_a_clear_error(aws, run_inventory, config, message):
    with pytest.raises(AnsibleError, match=message):
        run_inventory(config)


def test_a_malformed_region_is_refused_before_any_call(denied, run_inventory):
    with pytest.raises(AnsibleError, match="'regions' holds us-east1, not region names"):
        run_inventory({"regions": ["us-east-1", "us-east1"]})
    assert denied == []


def test_an_identity_without_permission_gets_a_clear_error(denied, run_inventory):
    with pytest.raises(AnsibleError, match="UnauthorizedOperation.*not authorized to perform: ec2:DescribeInstances"):
        run_inventory(dict(REGION, stacks=["prod"]))
    assert denied == ["DescribeInstances"]
