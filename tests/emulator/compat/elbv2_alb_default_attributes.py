"""ALB default attributes (amazon.aws.elb_application_lb reads them from DescribeLoadBalancerAttributes).

Stock moto starts every load balancer with only access_logs.s3.bucket/prefix, deletion_protection.enabled and
load_balancing.cross_zone.enabled; it leaves out idle_timeout.timeout_seconds and access_logs.s3.enabled on
purpose ("for TF compatibility"). AWS always lists an application load balancer's attributes with their defaults,
and elb_application_lb indexes them directly (KeyError 'idle_timeout_timeout_seconds' / 'access_logs_s3_enabled').
"""

from __future__ import annotations

from ._util import Patcher

GAP = (
    "DescribeLoadBalancerAttributes of a new ALB omits idle_timeout.timeout_seconds, access_logs.s3.enabled, "
    "routing.http2.enabled, routing.http.drop_invalid_header_fields.enabled and other defaults; "
    "amazon.aws.elb_application_lb fails with KeyError 'idle_timeout_timeout_seconds'"
)
MOTO_VERSION = "5.2.5"

# AWS's defaults for an application load balancer (ELBv2 API reference, LoadBalancerAttribute).
ALB_DEFAULTS = {
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    "deletion_protection.enabled": "false",
    "idle_timeout.timeout_seconds": "60",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "routing.http2.enabled": "true",
    "waf.fail_open.enabled": "false",
}

_patcher = Patcher()


def apply():
    if _patcher.active:
        return
    from moto.elbv2.models import FakeLoadBalancer

    stock_init = FakeLoadBalancer.__init__

    def __init__(self, *args, **kwargs):
        stock_init(self, *args, **kwargs)
        if self.type == "application":
            for key, value in ALB_DEFAULTS.items():
                self.attrs.setdefault(key, value)

    _patcher.setattr(FakeLoadBalancer, "__init__", __init__)
    _patcher.active = True


def remove():
    _patcher.restore()
