"""Subnet tiers: a subnet per AZ, the tier's route table, its default routes and associations."""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import Cidr, GetAZs, Select, Template, ec2

from . import names
from .network import Network
from .parameters import Parameters, when_az
from .spec import SUBNET_IPV6_PREFIX, TemplateSpec, TierKind

IPV4_DEFAULT = "0.0.0.0/0"
IPV6_DEFAULT = "::/0"


@dataclass(frozen=True)
class TierSubnet:
    """One subnet of a tier and the condition (if any) under which it exists."""

    subnet: ec2.Subnet
    az_index: int
    condition: str | None


@dataclass(frozen=True)
class Tier:
    """What a tier added to the template."""

    kind: TierKind
    subnets: tuple[TierSubnet, ...]
    route_table: ec2.RouteTable
    routes: tuple[ec2.Route, ...]


def _subnet(
    t: Template, spec: TemplateSpec, params: Parameters, network: Network, kind: TierKind, az: int
) -> TierSubnet:
    slot = spec.slot(kind, az)
    # The IPv4 block comes from the VpcCidrBlock parameter through Ref, and the
    # IPv6 one through Fn::Select of the VPC's Ipv6CidrBlocks: both are forms the
    # documentation lists as allowed inside Fn::Cidr (Ref and Fn::Select), unlike
    # Fn::GetAtt directly inside Fn::Cidr.
    ipv4 = Select(slot, Cidr(params.vpc_cidr_block.ref(), spec.subnet_slots, params.ipv4_cidr_bits()))
    ipv6 = Select(slot, Cidr(network.vpc_ipv6_block(), spec.subnet_slots, 128 - SUBNET_IPV6_PREFIX))
    subnet = t.add_resource(
        ec2.Subnet(
            names.tier_resource(kind, "Subnet", az),
            DependsOn=[network.ipv6_cidr_block],
            VpcId=network.vpc.ref(),
            AvailabilityZone=Select(az, GetAZs("")),
            CidrBlock=ipv4,
            Ipv6CidrBlock=ipv6,
            MapPublicIpOnLaunch=kind is TierKind.PUBLIC,
            AssignIpv6AddressOnCreation=True,
            Tags=names.name_tags(f"{kind.value}-{names.az_letter(az).lower()}"),
            **when_az(params, az),
        )
    )
    return TierSubnet(subnet, az, params.az_conditions[az])


def add_public_tier(t: Template, spec: TemplateSpec, params: Parameters, network: Network) -> Tier:
    """The public tier: IPv4 ``0.0.0.0/0`` to the Internet Gateway, IPv6 ``::/0`` to the egress-only one.

    One route table serves every AZ: both gateways are regional, so nothing differs per AZ.
    """
    kind = TierKind.PUBLIC
    route_table = t.add_resource(
        ec2.RouteTable(
            names.tier_resource(kind, "RouteTable"), VpcId=network.vpc.ref(), Tags=names.name_tags(kind.value)
        )
    )
    ipv4_route = t.add_resource(
        ec2.Route(
            names.tier_resource(kind, "Ipv4DefaultRoute"),
            # A route to an Internet Gateway that is not yet attached fails to create.
            DependsOn=[network.internet_gateway_attachment],
            RouteTableId=route_table.ref(),
            DestinationCidrBlock=IPV4_DEFAULT,
            GatewayId=network.internet_gateway.ref(),
        )
    )
    ipv6_route = t.add_resource(
        ec2.Route(
            names.tier_resource(kind, "Ipv6DefaultRoute"),
            # An IPv6 route is refused until the VPC has its IPv6 block.
            DependsOn=[network.ipv6_cidr_block],
            RouteTableId=route_table.ref(),
            DestinationIpv6CidrBlock=IPV6_DEFAULT,
            EgressOnlyInternetGatewayId=network.egress_only_internet_gateway.ref(),
        )
    )
    subnets = []
    for az in range(spec.max_azs):
        tier_subnet = _subnet(t, spec, params, network, kind, az)
        t.add_resource(
            ec2.SubnetRouteTableAssociation(
                names.tier_resource(kind, "SubnetRouteTableAssociation", az),
                SubnetId=tier_subnet.subnet.ref(),
                RouteTableId=route_table.ref(),
                **when_az(params, az),
            )
        )
        subnets.append(tier_subnet)
    return Tier(kind, tuple(subnets), route_table, (ipv4_route, ipv6_route))
