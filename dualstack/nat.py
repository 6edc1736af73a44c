"""NAT gateways: each in its AZ's public subnet with its own Elastic IP, when ``NatGateways`` asks for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from troposphere import AWSHelperFn, GetAtt, If, Template, ec2

from . import names
from .network import Network
from .parameters import Parameters, when


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
                Tags=names.name_tags(tag),
                **when(condition),
            )
        )
        gateway = t.add_resource(
            ec2.NatGateway(
                names.nat_gateway(az),
                AllocationId=GetAtt(eip, "AllocationId"),
                SubnetId=public_subnet.ref(),
                Tags=names.name_tags(tag),
                **when(condition),
            )
        )
        gateways.append(NatGateway(az, gateway, eip, condition))
    return NatGateways(tuple(gateways))
