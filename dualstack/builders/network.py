"""The VPC, its Amazon-provided IPv6 block and both internet gateways."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from troposphere import GetAtt, If, NoValue, Select, Template, ec2

from dualstack.builders import naming
from dualstack.builders.parameters import Parameters
from dualstack.model import names
from dualstack.model.spec import VPC_IPV6_PREFIX


@dataclass(frozen=True)
class Network:
    """Handles to the VPC-wide resources, for the tiers and outputs to build on."""

    vpc: ec2.VPC
    ipv6_cidr_block: ec2.VPCCidrBlock
    internet_gateway: ec2.InternetGateway
    internet_gateway_attachment: ec2.VPCGatewayAttachment
    egress_only_internet_gateway: ec2.EgressOnlyInternetGateway

    def vpc_ipv6_block(self) -> Select:
        """The VPC's IPv6 /56. Whatever reads it must ``DependsOn`` ``ipv6_cidr_block``:
        until that association exists, ``Ipv6CidrBlocks`` is empty and ``Fn::Select``
        fails with "cannot select nonexistent value at index 0"."""
        return Select(0, GetAtt(self.vpc, "Ipv6CidrBlocks"))


def tcp_rule(port: int, description: str, **peer: Any) -> ec2.SecurityGroupRule:
    """One TCP port to or from ``peer`` (``CidrIp=...``, ``CidrIpv6=...``): a security group rule of this module's
    options (interface endpoints, the Instance Connect Endpoint)."""
    return ec2.SecurityGroupRule(IpProtocol="tcp", FromPort=port, ToPort=port, Description=description, **peer)


def add_network(t: Template, params: Parameters) -> Network:
    """Add the VPC (IPv4 from the parameter or IPAM), its IPv6 /56 (Amazon's or from IPAM), the Internet Gateway
    (attached) and the egress-only one."""
    ipv4_ipam = names.IPV4_FROM_IPAM
    vpc = t.add_resource(
        ec2.VPC(
            names.VPC,
            # Exactly one IPv4 source: the CIDR parameter, or a pool and a netmask (each needs the other). All
            # three are create-only: switching the source replaces the VPC.
            CidrBlock=If(ipv4_ipam, NoValue, params.vpc_cidr_block.ref()),
            Ipv4IpamPoolId=If(ipv4_ipam, params.ipv4_ipam_pool_id.ref(), NoValue),
            Ipv4NetmaskLength=If(ipv4_ipam, params.ipv4_netmask_length.ref(), NoValue),
            EnableDnsSupport=True,
            EnableDnsHostnames=True,
            Tags=naming.name_tags(),
        )
    )
    from_ipam = names.IPV6_FROM_IPAM
    ipv6_cidr_block = t.add_resource(
        ec2.VPCCidrBlock(
            names.VPC_IPV6_CIDR_BLOCK,
            VpcId=vpc.ref(),
            AmazonProvidedIpv6CidrBlock=If(from_ipam, NoValue, True),
            Ipv6IpamPoolId=If(from_ipam, params.ipv6_ipam_pool_id.ref(), NoValue),
            Ipv6NetmaskLength=If(from_ipam, VPC_IPV6_PREFIX, NoValue),
        )
    )
    internet_gateway = t.add_resource(ec2.InternetGateway(names.INTERNET_GATEWAY, Tags=naming.name_tags("igw")))
    attachment = t.add_resource(
        ec2.VPCGatewayAttachment(
            names.INTERNET_GATEWAY_ATTACHMENT, VpcId=vpc.ref(), InternetGatewayId=internet_gateway.ref()
        )
    )
    egress_only = t.add_resource(
        ec2.EgressOnlyInternetGateway(
            names.EGRESS_ONLY_INTERNET_GATEWAY, VpcId=vpc.ref(), Tags=naming.name_tags("eigw")
        )
    )
    return Network(vpc, ipv6_cidr_block, internet_gateway, attachment, egress_only)
