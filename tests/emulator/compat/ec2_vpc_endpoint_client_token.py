"""EC2 CreateVpcEndpoint with a ClientToken: a retried request returns the endpoint the first one created.

moto stores the token and ignores it, so a create retried after a lost response (botocore's retry, the fault proxy
of tests/faults) makes a second endpoint. AWS answers the same endpoint for the same token and parameters, and
IdempotentParameterMismatch for the same token with other parameters (EC2 API reference, "Ensuring idempotency").
"""

from __future__ import annotations

from ._util import Patcher

GAP = "CreateVpcEndpoint ignores ClientToken: a retried create makes a second endpoint"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def apply():
    if _patcher.active:
        return
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.vpcs import VPCBackend

    stock = VPCBackend.create_vpc_endpoint

    def create_vpc_endpoint(self, vpc_id, service_name, *args, **kwargs):
        token = kwargs.get("client_token")
        if token:
            for endpoint in self.vpc_end_points.values():
                if endpoint.client_token != token or endpoint.state == "deleted":
                    continue
                if (endpoint.vpc_id, endpoint.service_name) != (vpc_id, service_name):
                    raise EC2ClientError(
                        "IdempotentParameterMismatch",
                        "The client token {0} was used with different parameters.".format(token),
                    )
                return endpoint
        return stock(self, vpc_id, service_name, *args, **kwargs)

    _patcher.setattr(VPCBackend, "create_vpc_endpoint", create_vpc_endpoint)
    _patcher.active = True


def remove():
    _patcher.restore()
