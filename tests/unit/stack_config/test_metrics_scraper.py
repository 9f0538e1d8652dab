"""roles/stack_config refuses a metrics scraper that is not one (issue 19): node exporter answers anyone who reaches
TCP 9100, so jenkins_ha_metrics_scraper_cidrs must be IPv4 CIDRs of at most a /8 each and
jenkins_ha_metrics_scraper_security_group_id a security group id; every message names the variable.

The role runs alone on localhost with the demo description (no AWS). It reports every broken rule of a description
at once, so one run takes all the bad values of the table (a role run costs seconds) and each must be named."""

from __future__ import annotations

from tests.unit.stack_config.test_validation import _role_playbook, _run

BAD_CIDRS = {
    # value: what the message must say about it
    "10.0.0.300/24": "is not an IPv4 CIDR",
    "10.99.0.7/24": "is not an IPv4 CIDR",  # host bits set
    "prometheus.example.com": "is not an IPv4 CIDR",
}
TOO_WIDE = ["0.0.0.0/0", "10.0.0.0/7"]
BAD_GROUP = "sg-0123456789abcdef"  # 16 digits: neither the old (8) nor the new (17) form


def _text(result):
    return " ".join(result.output.split())


def test_bad_scrapers_are_refused_naming_the_variable(tmp_path):
    result = _run(
        _role_playbook(tmp_path, []),
        {
            "jenkins_ha_metrics_scraper_cidrs": ["10.99.0.0/24"] + list(BAD_CIDRS) + TOO_WIDE,
            "jenkins_ha_metrics_scraper_security_group_id": BAD_GROUP,
        },
    )
    assert result.rc != 0
    text = _text(result)
    assert "jenkins_ha_metrics_scraper_cidrs: {0} is not an IPv4 CIDR".format(", ".join(BAD_CIDRS)) in text, text[
        -3000:
    ]
    assert "jenkins_ha_metrics_scraper_cidrs must list the scraper's networks, each a /8 or narrower" in text
    assert "jenkins_ha_metrics_scraper_security_group_id '{0}' is not a security group id".format(BAD_GROUP) in text
    assert "10.99.0.0/24" not in text.split("jenkins_ha_metrics_scraper_cidrs:", 1)[1].split("is not")[0]


def test_a_scraper_network_and_group_pass(tmp_path):
    result = _run(
        _role_playbook(tmp_path, []),
        {
            "jenkins_ha_metrics_scraper_cidrs": ["10.99.0.0/24", "10.0.0.0/8", "192.0.2.7/32"],
            "jenkins_ha_metrics_scraper_security_group_id": "sg-0123456789abcdef0",
        },
    )
    assert result.rc == 0, result.output[-3000:]
