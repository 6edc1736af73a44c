"""NAT gateways: each in its AZ's public subnet with its own Elastic IP, or one regional NAT gateway for the VPC,
as ``NatGateways`` asks.

A regional NAT gateway (``AvailabilityMode: regional``) is attached to the VPC, not to a subnet, and with no
``AvailabilityZoneAddresses`` AWS allocates its public addresses and follows the AZs that use it ("Regional NAT
gateways", VPC User Guide: https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html). Every
property that identifies it is create-only, so switching to or from it replaces the NAT gateways.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from troposphere import AWSHelperFn, GetAtt, If, Template, ec2

from dualstack.builders import naming
from dualstack.builders.network import Network
from dualstack.builders.parameters import Parameters, when
from dualstack.model import kinds, names


@dataclass(frozen=True)
class NatGateway:
    az_index: int
    gateway: ec2.NatGateway
    eip: ec2.EIP
    condition: str


@dataclass(frozen=True)
class NatGateways:
    """The NAT gateways a template may create: one per AZ, the first AZ's shared when ``NatGateways=Single``."""

    gateways: tuple[NatGateway, ...]
    #: ``None`` where the template offers no ``Regional`` choice (no tier routes IPv4 through NAT).
    regional: ec2.NatGateway | None

    def target(self, az_index: int) -> AWSHelperFn:
        """The NAT gateway an AZ's subnets route to: their own with ``PerAz``, the first AZ's with ``Single``."""
        first = self.gateways[0].gateway.ref()
        if az_index == 0:
            return first
        return If(names.NAT_GATEWAY_PER_AZ, self.gateways[az_index].gateway.ref(), first)


def add_nat_gateways(
    t: Template, params: Parameters, network: Network, public_subnets: Sequence[ec2.Subnet]
) -> NatGateways | None:
    """One Elastic IP and NAT gateway per AZ in that AZ's public subnet, each existing only when its condition
    holds; ``None`` when no tier routes through NAT."""
    if params.nat_gateways is None:
        return None
    gateways = []
    for az, public_subnet in enumerate(public_subnets):
        condition = names.nat_gateway_condition(az)
        tag = f"nat-{names.az_letter(az).lower()}"
        eip = t.add_resource(
            ec2.EIP(
                names.nat_gateway_eip(az),
                # An Elastic IP in a VPC without an attached Internet Gateway cannot be associated.
                DependsOn=[network.internet_gateway_attachment],
                Domain="vpc",
                Tags=naming.name_tags(tag),
                **when(condition),
            )
        )
        gateway = t.add_resource(
            ec2.NatGateway(
                names.nat_gateway(az),
                AllocationId=GetAtt(eip, "AllocationId"),
                SubnetId=public_subnet.ref(),
                Tags=naming.name_tags(tag),
                **when(condition),
            )
        )
        gateways.append(NatGateway(az, gateway, eip, condition))
    offered = params.nat_gateways.properties["AllowedValues"]
    if not any(value in offered for value in kinds.nat_values(lambda mode: mode.regional)):
        return NatGateways(tuple(gateways), None)
    regional = t.add_resource(
        ec2.NatGateway(
            names.REGIONAL_NAT_GATEWAY,
            # AWS gives it a route table with a route to the Internet Gateway, which must be attached.
            DependsOn=[network.internet_gateway_attachment],
            AvailabilityMode="regional",
            ConnectivityType="public",
            VpcId=network.vpc.ref(),
            Tags=naming.name_tags("nat"),
            **when(names.NAT_GATEWAY_REGIONAL),
        )
    )
    return NatGateways(tuple(gateways), regional)
