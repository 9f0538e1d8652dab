"""roles/stack_config refuses a stack whose network ACLs would pass AWS's default quota of 20 rules per ACL before
anything is created (review of issue 20: network.yml found out half-way, after the VPC and subnets existed).

The role runs alone on localhost with the demo stack description, no AWS needed; the rule counts the rules with the
filter that writes them (plugins/filter/network_acls.py, table-tested in tests/unit/filter/test_network_acls.py)."""

from __future__ import annotations

from tests.unit.stack_config.test_validation import _role_playbook, _run


def test_too_many_alb_cidrs_are_refused_up_front_with_the_other_broken_rules(tmp_path):
    cidrs = ["10.{0}.0.0/16".format(n) for n in range(9)]
    result = _run(
        _role_playbook(tmp_path, []),
        {"jenkins_ha_alb_ingress_cidrs": cidrs, "jenkins_ha_admin_cidrs": ["192.0.2.1/24"]},
    )
    assert result.rc != 0
    output = " ".join(result.output.split())
    assert (
        "The public network ACL demo-public-acl would need 23 inbound rules, more than the 20 AWS allows by default"
        in output
    ), result.output[-3000:]
    # Reported with the malformed CIDR in one message, and before any AWS call.
    assert "Malformed CIDR(s): 192.0.2.1/24" in output and "Nothing was created." in output


def test_an_internal_alb_counts_in_the_private_tier(tmp_path):
    # Public tier: 5 rules + 2 listeners per CIDR = 19; private tier with them: 7 + 2 per CIDR = 21.
    cidrs = ["10.{0}.0.0/16".format(n) for n in range(7)]
    assert _run(_role_playbook(tmp_path, []), {"jenkins_ha_alb_ingress_cidrs": cidrs}).rc == 0
    internal = _run(
        _role_playbook(tmp_path, []), {"jenkins_ha_alb_ingress_cidrs": cidrs, "jenkins_ha_alb_internal": True}
    )
    assert internal.rc != 0
    assert "The private network ACL demo-private-acl would need 21 inbound rules" in " ".join(internal.output.split())
