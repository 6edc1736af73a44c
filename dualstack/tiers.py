"""Subnet tiers: a subnet per AZ, route tables, default routes and associations, per tier kind.

| kind     | IPv4                                   | IPv6                                            |
| -------- | -------------------------------------- | ----------------------------------------------- |
| public   | 0.0.0.0/0 -> Internet Gateway          | ::/0 -> egress-only (or Internet Gateway)        |
| private  | 0.0.0.0/0 -> NAT gateway, when any     | ::/0 -> egress-only                              |
| ipv6only | none                                   | ::/0 -> egress-only; 64:ff9b::/96 -> NAT, DNS64  |
| isolated | no default route                       | no default route                                 |

Public and isolated tiers share one route table across AZs (nothing in them differs
per AZ); private and IPv6-only tiers have one per AZ, so each AZ can route to its
own NAT gateway, and switching ``NatGateways`` never re-associates a subnet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from troposphere import Cidr, GetAZs, If, NoValue, Select, Template, ec2

from . import names
from .nat import NatGateways
from .network import Network
from .parameters import Parameters, when, when_az
from .spec import SUBNET_IPV6_PREFIX, TemplateSpec, TierKind

IPV4_DEFAULT = "0.0.0.0/0"
IPV6_DEFAULT = "::/0"
#: The well-known prefix that DNS64 synthesises addresses in, and NAT64 translates.
NAT64_PREFIX = "64:ff9b::/96"


@dataclass(frozen=True)
class TierSubnet:
    """One subnet of a tier and the condition (if any) under which it exists."""

    subnet: ec2.Subnet
    az_index: int
    condition: str | None


@dataclass(frozen=True)
class TierRouteTable:
    """A tier's route table; ``az_index`` is ``None`` for a table every AZ of the tier shares."""

    route_table: ec2.RouteTable
    az_index: int | None
    condition: str | None


@dataclass(frozen=True)
class Tier:
    """What a tier added to the template."""

    kind: TierKind
    subnets: tuple[TierSubnet, ...]
    route_tables: tuple[TierRouteTable, ...]
    #: Every route the tier may have, whatever the conditions.
    routes: tuple[ec2.Route, ...]
    #: One per subnet, in AZ order.
    associations: tuple[ec2.SubnetRouteTableAssociation, ...]


def _shares_route_table(kind: TierKind) -> bool:
    return not kind.uses_nat


def add_subnets(
    t: Template, spec: TemplateSpec, params: Parameters, network: Network, kind: TierKind
) -> tuple[TierSubnet, ...]:
    """One subnet per AZ: an IPv4 block (unless IPv6-only) and an IPv6 /64, both at the tier's stable slot."""
    subnets = []
    for az in range(spec.max_azs):
        slot = spec.slot(kind, az)
        extra: dict[str, Any] = {}
        if kind.has_ipv4:
            # The IPv4 block comes from the VpcCidrBlock parameter through Ref, and the IPv6
            # one through Fn::Select of the VPC's Ipv6CidrBlocks: the documented functions
            # inside Fn::Cidr are Ref and Fn::Select (Fn::GetAtt directly inside is not).
            extra["CidrBlock"] = Select(
                slot, Cidr(params.vpc_cidr_block.ref(), spec.subnet_slots, params.ipv4_cidr_bits())
            )
        else:
            extra["Ipv6Native"] = True
            # DNS64 synthesises 64:ff9b::/96 addresses for IPv4-only names: useful only when a
            # NAT gateway translates them (the NAT64 route), harmful otherwise.
            extra["EnableDns64"] = If(names.HAS_NAT_GATEWAYS, True, False)
            # Instances in IPv6-only subnets must be named after their ID.
            extra["PrivateDnsNameOptionsOnLaunch"] = ec2.PrivateDnsNameOptionsOnLaunch(
                HostnameType="resource-name", EnableResourceNameDnsAAAARecord=True, EnableResourceNameDnsARecord=False
            )
        if kind is TierKind.PUBLIC:
            extra["MapPublicIpOnLaunch"] = True
        subnet = t.add_resource(
            ec2.Subnet(
                names.tier_resource(kind, "Subnet", az),
                # Reads the VPC's Ipv6CidrBlocks, which is empty until the association exists.
                DependsOn=[network.ipv6_cidr_block],
                VpcId=network.vpc.ref(),
                AvailabilityZone=Select(az, GetAZs("")),
                Ipv6CidrBlock=Select(slot, Cidr(network.vpc_ipv6_block(), spec.subnet_slots, 128 - SUBNET_IPV6_PREFIX)),
                AssignIpv6AddressOnCreation=True,
                Tags=names.name_tags(f"{kind.value}-{names.az_letter(az).lower()}"),
                **extra,
                **when_az(params, az),
            )
        )
        subnets.append(TierSubnet(subnet, az, params.az_conditions[az]))
    return tuple(subnets)


def _route_tables(
    t: Template, params: Parameters, network: Network, kind: TierKind, azs: int
) -> tuple[TierRouteTable, ...]:
    if _shares_route_table(kind):
        table = ec2.RouteTable(
            names.tier_resource(kind, "RouteTable"), VpcId=network.vpc.ref(), Tags=names.name_tags(kind.value)
        )
        return (TierRouteTable(t.add_resource(table), None, None),)
    tables = []
    for az in range(azs):
        table = ec2.RouteTable(
            names.tier_resource(kind, "RouteTable", az),
            VpcId=network.vpc.ref(),
            Tags=names.name_tags(f"{kind.value}-{names.az_letter(az).lower()}"),
            **when_az(params, az),
        )
        tables.append(TierRouteTable(t.add_resource(table), az, params.az_conditions[az]))
    return tuple(tables)


def _add_routes(
    t: Template, network: Network, kind: TierKind, table: TierRouteTable, nat: NatGateways | None
) -> list[ec2.Route]:
    az = table.az_index
    route_table_id = table.route_table.ref()
    if kind is TierKind.PUBLIC:
        ipv4 = t.add_resource(
            ec2.Route(
                names.tier_resource(kind, "Ipv4DefaultRoute"),
                # A route to an Internet Gateway that is not yet attached fails to create.
                DependsOn=[network.internet_gateway_attachment],
                RouteTableId=route_table_id,
                DestinationCidrBlock=IPV4_DEFAULT,
                GatewayId=network.internet_gateway.ref(),
            )
        )
        egress_only = names.PUBLIC_IPV6_EGRESS_ONLY
        ipv6 = t.add_resource(
            ec2.Route(
                names.tier_resource(kind, "Ipv6DefaultRoute"),
                # An IPv6 route is refused until the VPC has its IPv6 block; the Internet
                # Gateway must be attached before a route can point at it.
                DependsOn=[network.ipv6_cidr_block, network.internet_gateway_attachment],
                RouteTableId=route_table_id,
                DestinationIpv6CidrBlock=IPV6_DEFAULT,
                EgressOnlyInternetGatewayId=If(egress_only, network.egress_only_internet_gateway.ref(), NoValue),
                GatewayId=If(egress_only, NoValue, network.internet_gateway.ref()),
                # One route whose target switches, not two conditional routes: on a switch,
                # CloudFormation would create the new ::/0 route before deleting the old one
                # and fail on the duplicate. troposphere's check counts both Fn::If targets as
                # set; exactly one is for every parameter set (tests/test_tiers.py proves it).
                validation=False,
            )
        )
        return [ipv4, ipv6]
    if kind is TierKind.ISOLATED:
        return []
    assert az is not None, "NAT tiers have a route table per AZ"
    egress = t.add_resource(
        ec2.Route(
            names.tier_resource(kind, "Ipv6DefaultRoute", az),
            DependsOn=[network.ipv6_cidr_block],
            RouteTableId=route_table_id,
            DestinationIpv6CidrBlock=IPV6_DEFAULT,
            EgressOnlyInternetGatewayId=network.egress_only_internet_gateway.ref(),
            **when(table.condition),
        )
    )
    if nat is None:
        return [egress]
    via_nat: dict[str, Any] = (
        {"DestinationCidrBlock": IPV4_DEFAULT}
        if kind is TierKind.PRIVATE
        else {"DestinationIpv6CidrBlock": NAT64_PREFIX, "DependsOn": [network.ipv6_cidr_block]}
    )
    through_nat = t.add_resource(
        ec2.Route(
            names.tier_resource(kind, "Ipv4DefaultRoute" if kind is TierKind.PRIVATE else "Nat64Route", az),
            RouteTableId=route_table_id,
            NatGatewayId=nat.target(az),
            **via_nat,
            **when(names.nat_route_condition(az)),
        )
    )
    return [egress, through_nat]


def add_tier(
    t: Template,
    spec: TemplateSpec,
    params: Parameters,
    network: Network,
    kind: TierKind,
    subnets: tuple[TierSubnet, ...],
    nat: NatGateways | None,
) -> Tier:
    """Route tables, routes and associations for a tier's subnets."""
    tables = _route_tables(t, params, network, kind, spec.max_azs)
    routes = [route for table in tables for route in _add_routes(t, network, kind, table, nat)]
    associations = []
    for tier_subnet in subnets:
        az = tier_subnet.az_index
        table = tables[0] if len(tables) == 1 else tables[az]
        association = ec2.SubnetRouteTableAssociation(
            names.tier_resource(kind, "SubnetRouteTableAssociation", az),
            SubnetId=tier_subnet.subnet.ref(),
            RouteTableId=table.route_table.ref(),
            **when_az(params, az),
        )
        associations.append(t.add_resource(association))
    return Tier(kind, subnets, tables, tuple(routes), tuple(associations))
