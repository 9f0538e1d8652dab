"""jenkins_ha_vpc_endpoints and jenkins_ha_alb_access_logs are stack variables: declared in the role's argument spec
(so stack_config no longer refuses them as unknown), defaulted to what network.yml and alb.yml assumed, and a
service name that is not an offered endpoint is refused before any AWS call. Whole-role runs on localhost, no AWS."""

from __future__ import annotations

import pytest

from tests.unit.stack_config.test_validation import _role_playbook, _run

SHOW = [
    {
        "name": "Show",
        "ansible.builtin.debug": {"msg": "VARS {{ [jenkins_ha_vpc_endpoints, jenkins_ha_alb_access_logs] }}"},
    }
]


def test_defaults_are_what_the_playbooks_assumed(tmp_path):
    result = _run(_role_playbook(tmp_path, SHOW))
    assert result.rc == 0, result.output[-3000:]
    assert "VARS [['ssm', 'ec2', 'autoscaling'], True]" in result.output


@pytest.mark.parametrize(
    "given",
    [
        {"jenkins_ha_vpc_endpoints": ["ssm", "logs"]},
        {"jenkins_ha_vpc_endpoints": []},
        {"jenkins_ha_alb_access_logs": False},
    ],
)
def test_a_stack_may_set_them(tmp_path, given):
    result = _run(_role_playbook(tmp_path, []), given)
    assert result.rc == 0, result.output[-3000:]
    assert "Unknown stack variable" not in result.output


def test_an_endpoint_service_not_offered_is_refused(tmp_path):
    result = _run(_role_playbook(tmp_path, []), {"jenkins_ha_vpc_endpoints": ["ssm", "ssmm"]})
    assert result.rc != 0
    assert "jenkins_ha_vpc_endpoints" in result.output and "ssmm" in result.output, result.output[-3000:]
