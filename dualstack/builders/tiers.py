"""Subnet tiers: a subnet per AZ, route tables, routes and associations, built from the table of tier kinds.

What each kind routes where, whether it has IPv4 and whether its route table is shared
or per AZ is data in ``kinds.py``; this module turns a row of that table into
resources. Public and isolated tiers share one route table across AZs (nothing in them
differs per AZ); private and IPv6-only tiers have one per AZ, so each AZ can route to
its own NAT gateway, and switching ``NatGateways`` never re-associates a subnet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from troposphere import AWSHelperFn, Cidr, GetAtt, GetAZs, If, NoValue, Select, Template, ec2

from dualstack.builders import naming
from dualstack.builders.nat import NatGateways
from dualstack.builders.network import Network
from dualstack.builders.parameters import Parameters, when, when_az
from dualstack.model import kinds, names
from dualstack.model.choices import EGRESS_ONLY
from dualstack.model.kinds import ROUTE_TARGET_PROPERTY, Route, Target, TierKind
from dualstack.model.spec import SUBNET_IPV6_PREFIX, TemplateSpec


@dataclass(frozen=True)
class ChoiceConditions:
    """The template Conditions on a deploy-time choice that routing reads."""

    #: The values under which the conditions hold.
    holds_for: frozenset[str]
    #: The condition anywhere in the template.
    anywhere: str
    #: The condition for a resource of one AZ (which holds only where that AZ is used).
    in_az: Callable[[int], str]


#: The conditions on each choice a route of ``kinds.py`` can depend on, one per set of values a route needs.
CHOICE_CONDITIONS: dict[kinds.Choice, tuple[ChoiceConditions, ...]] = {
    kinds.PUBLIC_IPV6_ROUTING: (
        ChoiceConditions(
            frozenset({EGRESS_ONLY}), names.PUBLIC_IPV6_EGRESS_ONLY, lambda az: names.PUBLIC_IPV6_EGRESS_ONLY
        ),
    ),
    kinds.NAT_GATEWAYS: (
        ChoiceConditions(
            frozenset(kinds.nat_values(lambda m: m.has_nat)), names.HAS_NAT_GATEWAYS, names.nat_route_condition
        ),
        ChoiceConditions(
            frozenset(kinds.nat_values(lambda m: m.zonal)), names.HAS_ZONAL_NAT_GATEWAYS, names.nat64_route_condition
        ),
        ChoiceConditions(
            frozenset(kinds.nat_values(lambda m: m.regional)),
            names.NAT_GATEWAY_REGIONAL,
            lambda az: names.NAT_GATEWAY_REGIONAL,
        ),
    ),
}


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


def add_subnets(
    t: Template, spec: TemplateSpec, params: Parameters, network: Network, kind: TierKind
) -> tuple[TierSubnet, ...]:
    """One subnet per AZ: an IPv4 block (unless IPv6-only) and an IPv6 /64, both at the tier's stable slot."""
    subnets = []
    for az in range(spec.max_azs):
        slot = spec.slot(kind, az)
        extra: dict[str, Any] = {}
        if kind.has_ipv4:
            # The IPv4 block is cut from the VPC's CidrBlock attribute, which is the VpcCidrBlock parameter or
            # what IPAM allocated: Fn::GetAtt inside Fn::Cidr is the Fn::Cidr reference's own example
            # (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html)
            # and what AWS CDK's AwsIpam emits (aws-ec2/lib/ip-addresses.ts).
            # With sizes per tier, the tier's subnet is the first block of its size in the slot: the whole slot
            # when the size is Same (so the address is the slot's, as without them), else a smaller block at its
            # start, never outside the slot, so subnets of different sizes cannot overlap.
            slot_block = Select(
                slot, Cidr(GetAtt(network.vpc, "CidrBlock"), spec.subnet_slots, params.ipv4_cidr_bits())
            )
            extra["CidrBlock"] = (
                Select(0, Cidr(slot_block, 1, params.tier_ipv4_cidr_bits(kind)))
                if kind in spec.sized_tiers
                else slot_block
            )
        else:
            extra["Ipv6Native"] = True
            # Instances in IPv6-only subnets must be named after their ID.
            extra["PrivateDnsNameOptionsOnLaunch"] = ec2.PrivateDnsNameOptionsOnLaunch(
                HostnameType="resource-name", EnableResourceNameDnsAAAARecord=True, EnableResourceNameDnsARecord=False
            )
        nat64 = kind.nat64_route()
        if nat64 is not None:
            # The DNS64 rule: on exactly where the NAT64 route exists (kinds.TierKind.dns64).
            extra["EnableDns64"] = If(_conditions(nat64).anywhere, True, False)
        if kind.maps_public_ipv4:
            # Not create-only on AWS::EC2::Subnet: switching it updates the subnet in place.
            extra["MapPublicIpOnLaunch"] = If(names.MAP_PUBLIC_IPV4, True, False)
        subnet = t.add_resource(
            ec2.Subnet(
                names.tier_resource(kind, "Subnet", az),
                # Reads the VPC's Ipv6CidrBlocks, which is empty until the association exists.
                DependsOn=[network.ipv6_cidr_block],
                VpcId=network.vpc.ref(),
                AvailabilityZone=Select(az, GetAZs("")),
                Ipv6CidrBlock=Select(slot, Cidr(network.vpc_ipv6_block(), spec.subnet_slots, 128 - SUBNET_IPV6_PREFIX)),
                AssignIpv6AddressOnCreation=True,
                Tags=naming.name_tags(f"{kind.name}-{names.az_letter(az).lower()}", inbound=kind.takes_ipv6_inbound),
                **extra,
                **when_az(params, az),
            )
        )
        subnets.append(TierSubnet(subnet, az, params.az_conditions[az]))
    return tuple(subnets)


def _route_tables(
    t: Template, params: Parameters, network: Network, kind: TierKind, azs: int
) -> tuple[TierRouteTable, ...]:
    if kind.shared_route_table:
        table = ec2.RouteTable(
            names.tier_resource(kind, "RouteTable"), VpcId=network.vpc.ref(), Tags=naming.name_tags(kind.name)
        )
        return (TierRouteTable(t.add_resource(table), None, None),)
    tables = []
    for az in range(azs):
        table = ec2.RouteTable(
            names.tier_resource(kind, "RouteTable", az),
            VpcId=network.vpc.ref(),
            Tags=naming.name_tags(f"{kind.name}-{names.az_letter(az).lower()}"),
            **when_az(params, az),
        )
        tables.append(TierRouteTable(t.add_resource(table), az, params.az_conditions[az]))
    return tuple(tables)


def _conditions(route: Route, values: frozenset[str] | None = None) -> ChoiceConditions:
    """The conditions that hold exactly for ``values`` of the route's choice (by default, where the route exists)."""
    assert route.choice is not None, f"{route.name} depends on no choice"
    if values is None:
        values = frozenset(value for value, target in route.targets if value is not None and target is not None)
    for conditions in CHOICE_CONDITIONS[route.choice]:
        if conditions.holds_for == values:
            return conditions
    raise ValueError(f"{route.name}: no condition holds exactly for {sorted(values)}")


def _target_ref(target: Target, network: Network, nat: NatGateways | None, az: int | None) -> AWSHelperFn:
    if target is Target.INTERNET_GATEWAY:
        return network.internet_gateway.ref()
    if target is Target.EGRESS_ONLY_INTERNET_GATEWAY:
        return network.egress_only_internet_gateway.ref()
    assert nat is not None, "a tier that routes to NAT gateways makes the template offer them"
    if target is Target.REGIONAL_NAT_GATEWAY:
        assert nat.regional is not None, "a tier that routes to the regional NAT gateway makes the template offer it"
        return nat.regional.ref()
    assert az is not None, "routes to NAT gateways are per AZ (kinds.TierKind checks it)"
    return nat.target(az)


def _target_properties(route: Route, network: Network, nat: NatGateways | None, az: int | None) -> dict[str, Any]:
    """The target property (``ROUTE_TARGET_PROPERTY``) of each target the route may have.

    A target that a choice switches is one route whose properties are ``Fn::If`` on that choice, not two
    conditional routes: on a switch, CloudFormation would create the new route before deleting the old one
    and fail on the duplicate destination.
    """
    targets = route.possible_targets()
    if len(targets) == 1:
        return {ROUTE_TARGET_PROPERTY[targets[0]]: _target_ref(targets[0], network, nat, az)}
    assert route.choice is not None, "a route whose target switches depends on a choice"
    every = frozenset(route.choice.values)

    def chosen_by(target: Target) -> frozenset[str]:
        return frozenset(value for value, t in route.targets if value is not None and t is target)

    by_property: dict[str, list[Target]] = {}
    for target in targets:
        by_property.setdefault(ROUTE_TARGET_PROPERTY[target], []).append(target)
    properties: dict[str, Any] = {}
    for prop, sharing in by_property.items():
        if len(sharing) == 2:
            # Two targets named by the same property (a zonal or the regional NAT gateway): one Fn::If between them.
            first, second = sharing
            condition = _conditions(route, chosen_by(first)).anywhere
            properties[prop] = If(
                condition, _target_ref(first, network, nat, az), _target_ref(second, network, nat, az)
            )
            continue
        (target,) = sharing
        ref = _target_ref(target, network, nat, az)
        try:
            properties[prop] = If(_conditions(route, chosen_by(target)).anywhere, ref, NoValue)
        except ValueError:
            properties[prop] = If(_conditions(route, every - chosen_by(target)).anywhere, NoValue, ref)
    return properties


def _add_routes(
    t: Template, network: Network, kind: TierKind, table: TierRouteTable, nat: NatGateways | None
) -> list[ec2.Route]:
    added = []
    for route in kind.routes:
        if nat is None and route.choice == kinds.NAT_GATEWAYS:
            # The template offers no NAT gateways, so the choice this route depends on does not exist.
            continue
        depends_on: list[Any] = []
        if route.is_ipv6():
            # An IPv6 route is refused until the VPC has its IPv6 block.
            depends_on.append(network.ipv6_cidr_block)
        if Target.INTERNET_GATEWAY in route.possible_targets():
            # A route to an Internet Gateway that is not yet attached fails to create.
            depends_on.append(network.internet_gateway_attachment)
        destination = "DestinationIpv6CidrBlock" if route.is_ipv6() else "DestinationCidrBlock"
        switches = len(route.possible_targets()) > 1
        condition = table.condition
        if route.optional():
            # Holds where the choice asks for the route (and, for a table of one AZ, where that AZ is used).
            conditions = _conditions(route)
            condition = conditions.anywhere if table.az_index is None else conditions.in_az(table.az_index)
        properties: dict[str, Any] = {
            "RouteTableId": table.route_table.ref(),
            destination: route.destination,
            **_target_properties(route, network, nat, table.az_index),
            **when(condition),
        }
        if depends_on:
            properties["DependsOn"] = depends_on
        if switches:
            # troposphere's check counts both Fn::If targets of a switched route as set; exactly one is
            # for every parameter set (tests/test_tiers.py proves it).
            properties["validation"] = False
        resource = ec2.Route(names.tier_resource(kind, route.name, table.az_index), **properties)
        added.append(t.add_resource(resource))
    return added


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
        table = tables[0] if kind.shared_route_table else tables[az]
        association = ec2.SubnetRouteTableAssociation(
            names.tier_resource(kind, "SubnetRouteTableAssociation", az),
            SubnetId=tier_subnet.subnet.ref(),
            RouteTableId=table.route_table.ref(),
            **when_az(params, az),
        )
        associations.append(t.add_resource(association))
    return Tier(kind, subnets, tables, tuple(routes), tuple(associations))
