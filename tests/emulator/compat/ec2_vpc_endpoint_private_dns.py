"""EC2 CreateVpcEndpoint with private DNS: refused where AWS refuses it.

An interface endpoint with private DNS (the default for AWS services) puts a private hosted zone for the service's
regional name (ssm.<region>.amazonaws.com) into the VPC. AWS refuses it when the VPC lacks enableDnsSupport or
enableDnsHostnames (CreateVpcEndpoint, PrivateDnsEnabled: "you must set the following VPC attributes to true"), and
when an endpoint of the VPC already holds that name ("private-dns-enabled cannot be set because there is already a
conflicting DNS domain for ... in the VPC", hashicorp/terraform-provider-aws#17269). moto accepts both: a VPC whose
instances could not resolve the endpoint, and a second endpoint a real rerun would fail on, pass unnoticed.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "CreateVpcEndpoint accepts private DNS without the VPC's DNS attributes and a second endpoint for the same name"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def apply():
    if _patcher.active:
        return
    from moto.ec2.exceptions import InvalidParameter
    from moto.ec2.models.vpcs import VPCBackend

    stock = VPCBackend.create_vpc_endpoint

    def create_vpc_endpoint(self, vpc_id, service_name, endpoint_type, *args, **kwargs):
        interface = (endpoint_type or "").lower() == "interface"
        if interface and kwargs.get("private_dns_enabled") is not False:
            vpc = self.get_vpc(vpc_id)
            if not (vpc.enable_dns_support and vpc.enable_dns_hostnames):
                raise InvalidParameter(
                    "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set "
                    "to true for {0}".format(vpc_id)
                )
            for endpoint in self.vpc_end_points.values():
                if (
                    endpoint.vpc_id == vpc_id
                    and endpoint.service_name == service_name
                    and endpoint.private_dns_enabled
                    and endpoint.state != "deleted"
                ):
                    raise InvalidParameter(
                        "private-dns-enabled cannot be set because there is already a conflicting DNS domain for "
                        "{0} in the VPC {1}".format(_regional_name(service_name), vpc_id)
                    )
        return stock(self, vpc_id, service_name, endpoint_type, *args, **kwargs)

    _patcher.setattr(VPCBackend, "create_vpc_endpoint", create_vpc_endpoint)
    _patcher.active = True


def _regional_name(service_name):
    """com.amazonaws.us-east-1.ssm -> ssm.us-east-1.amazonaws.com"""
    parts = service_name.split(".")
    return "{0}.{1}.amazonaws.com".format(".".join(parts[3:]), parts[2]) if len(parts) > 3 else service_name


def remove():
    _patcher.restore()
