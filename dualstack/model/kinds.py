"""The tier kinds, as one table: what each kind of subnet tier is and where its traffic goes.

Everything that builds, checks or documents routing reads this table: ``tiers.py``
builds subnets, route tables and routes from it, ``verify.py`` derives what a
deployed stack must route where from it and the stack's parameters, and the
command line's ``--tiers`` list and the logical-ID prefixes come from it. It
imports neither troposphere nor boto3, so each of them can read it.

A route is data: a destination, the kind of target it goes to, and the
deploy-time choice (a template Parameter) it depends on, if any. One map turns a
target kind into the property of ``AWS::EC2::Route`` that names it, as AWS CDK's
``routerTypeToPropName`` does in ``aws-ec2/lib/vpc.ts``.

Adding a kind: declare it in ``_declare`` below (see ``docs/extending.md``).

What is derived from a row is a plain method, not a property, and the rows are declared inside
a function: ``make mutate`` (mutmut) mutates only undecorated function bodies.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

IPV4_DEFAULT = "0.0.0.0/0"
IPV6_DEFAULT = "::/0"
#: The well-known prefix that DNS64 synthesises addresses in, and NAT64 translates (RFC 6052).
NAT64_PREFIX = "64:ff9b::/96"


class Target(enum.Enum):
    """What a route can send traffic to. The value is the logical ID of the resource (per AZ for NAT gateways)."""

    INTERNET_GATEWAY = "InternetGateway"
    EGRESS_ONLY_INTERNET_GATEWAY = "EgressOnlyInternetGateway"
    NAT_GATEWAY = "NatGateway"
    #: One NAT gateway for the whole VPC (``AvailabilityMode: regional``), spanning its AZs.
    REGIONAL_NAT_GATEWAY = "RegionalNatGateway"

    def logical_id(self, az_index: int) -> str:
        """The target an AZ's route goes to: ``InternetGateway``, or ``NatGatewayB`` for AZ B's NAT gateway."""
        return f"{self.value}{az_letter(az_index)}" if self is Target.NAT_GATEWAY else self.value


#: The ``AWS::EC2::Route`` property that names each kind of target (CDK's ``routerTypeToPropName``).
ROUTE_TARGET_PROPERTY: Mapping[Target, str] = {
    Target.INTERNET_GATEWAY: "GatewayId",
    Target.EGRESS_ONLY_INTERNET_GATEWAY: "EgressOnlyInternetGatewayId",
    Target.NAT_GATEWAY: "NatGatewayId",
    Target.REGIONAL_NAT_GATEWAY: "NatGatewayId",
}
#: The targets that are NAT gateways: they exist only through the ``NatGateways`` choice.
NAT_TARGETS = frozenset({Target.NAT_GATEWAY, Target.REGIONAL_NAT_GATEWAY})


@dataclass(frozen=True)
class Choice:
    """A deploy-time choice that routing depends on: a template Parameter and its allowed values, default first."""

    parameter: str
    values: tuple[str, ...]

    def default(self) -> str:
        return self.values[0]


PUBLIC_IPV6_ROUTING = Choice("PublicIpv6Routing", ("EgressOnly", "Bidirectional"))


@dataclass(frozen=True)
class NatMode:
    """One value of ``NatGateways``: which NAT gateways there are, and whose each AZ routes to. The routes of the
    table, the template's conditions on the choice, ``make verify`` and the costs all read these."""

    value: str
    #: NAT gateways in the AZs: the first AZ's, or one per AZ. They carry IPv4 and NAT64.
    zonal: bool = False
    #: Each AZ routes to its own zonal NAT gateway; otherwise every AZ to the first AZ's.
    per_az: bool = False
    #: One regional NAT gateway for the VPC: IPv4 only (NAT64 needs a gateway of one AZ: ``Route.__post_init__``).
    regional: bool = False

    @property
    def has_nat(self) -> bool:
        return self.zonal or self.regional


NAT_MODES = (
    NatMode("None"),
    NatMode("Single", zonal=True),
    NatMode("PerAz", zonal=True, per_az=True),
    NatMode("Regional", regional=True),
)
NAT_GATEWAYS = Choice("NatGateways", tuple(mode.value for mode in NAT_MODES))
#: Whether subnets of kinds that map public IPv4 (``maps_public_ipv4``) give each instance an address at launch.
MAP_PUBLIC_IPV4 = Choice("MapPublicIpOnLaunch", ("true", "false"))


def nat_values(holds: Callable[[NatMode], bool]) -> tuple[str, ...]:
    """The ``NatGateways`` values whose mode ``holds``, in the choice's order: ``nat_values(lambda m: m.zonal)``."""
    return tuple(mode.value for mode in NAT_MODES if holds(mode))


@dataclass(frozen=True)
class Route:
    """One route of a tier's route tables.

    ``targets`` maps each value of ``choice`` to where the route goes under it, ``None`` meaning
    no route. Without a choice the route always goes to ``targets[None]``.
    """

    #: The route's word in its logical ID: ``PublicIpv6DefaultRoute``, ``PrivateIpv4DefaultRouteB``.
    name: str
    destination: str
    targets: tuple[tuple[str | None, Target | None], ...]
    choice: Choice | None = None

    def __post_init__(self) -> None:
        expected: tuple[str | None, ...] = (None,) if self.choice is None else self.choice.values
        if tuple(value for value, _ in self.targets) != expected:
            raise ValueError(f"{self.name}: give a target for each of {expected}, in that order")
        if all(target is None for _, target in self.targets):
            raise ValueError(f"{self.name}: a route that never exists")
        if NAT_TARGETS & set(self.possible_targets()) and self.choice != NAT_GATEWAYS:
            raise ValueError(f"{self.name}: NAT gateways exist only through the {NAT_GATEWAYS.parameter} choice")
        if self.is_ipv6() and Target.REGIONAL_NAT_GATEWAY in self.possible_targets():
            # AWS documents NAT64 for NAT gateways in one AZ ("NAT gateway basics", VPC User Guide); the guide to
            # regional NAT gateways (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html)
            # says nothing of IPv6, NAT64 or DNS64, so nothing here relies on it.
            raise ValueError(f"{self.name}: NAT64 through a regional NAT gateway is not documented")
        if self.is_ipv6() and self.destination != NAT64_PREFIX and Target.NAT_GATEWAY in self.possible_targets():
            raise ValueError(f"{self.name}: a NAT gateway translates only {NAT64_PREFIX} of IPv6 (NAT64)")
        if not self.is_ipv6() and Target.EGRESS_ONLY_INTERNET_GATEWAY in self.possible_targets():
            raise ValueError(f"{self.name}: an egress-only gateway carries only IPv6")

    def is_ipv6(self) -> bool:
        return ":" in self.destination

    def possible_targets(self) -> tuple[Target, ...]:
        """Every target the route may have, in the order of the choice's values, without repeats."""
        return tuple(dict.fromkeys(target for _, target in self.targets if target is not None))

    def optional(self) -> bool:
        """Whether some value of the choice leaves the route out."""
        return any(target is None for _, target in self.targets)

    def target(self, choices: Mapping[str, str]) -> Target | None:
        """Where the route goes for a deployed stack's parameter values (defaults where one is missing).

        Raises ``ValueError`` for a value outside the choice's: it says nothing about where the route goes."""
        if self.choice is None:
            return self.targets[0][1]
        chosen = choices.get(self.choice.parameter, self.choice.default())
        if chosen not in self.choice.values:
            raise ValueError(f"{self.choice.parameter}={chosen!r} is not one of {', '.join(self.choice.values)}")
        return dict(self.targets)[chosen]


def always(name: str, destination: str, target: Target) -> Route:
    """A route that every stack has, to the same target."""
    return Route(name, destination, ((None, target),))


def by_choice(name: str, destination: str, choice: Choice, targets: Mapping[str, Target | None]) -> Route:
    """A route whose target (or whose existence) a deploy-time choice decides."""
    return Route(name, destination, tuple((value, targets[value]) for value in choice.values), choice)


@dataclass(frozen=True)
class TierKind:
    """A kind of subnet tier: one row of the table.

    The order of ``KINDS`` is the order of subnet slots within a template.
    """

    #: How ``--tiers`` and tags name the kind.
    name: str
    #: The first word of each of its logical IDs and output keys.
    prefix: str
    #: Whether its subnets have an IPv4 block; without one they are IPv6-native.
    has_ipv4: bool
    #: Whether its subnets give each instance a public IPv4 address at launch (as ``MapPublicIpOnLaunch`` says).
    maps_public_ipv4: bool
    #: One route table every AZ shares, or one per AZ (needed to route each AZ to its own NAT gateway).
    shared_route_table: bool
    routes: tuple[Route, ...]
    #: Whether its subnets are meant to take IPv6 from the internet (internet-facing load balancers): they carry
    #: ``names.IPV6_INBOUND_TAG``, so lint rule I9608 does not report their ``::/0`` to the Internet Gateway.
    takes_ipv6_inbound: bool = False
    #: Whether Session Manager's interface endpoints (``InterfaceEndpoints=SessionManager``) may sit in its subnets:
    #: kinds whose instances have no public address. The first such tier of a template holds them.
    hosts_interface_endpoints: bool = False

    PUBLIC: ClassVar[TierKind]
    PRIVATE: ClassVar[TierKind]
    IPV6ONLY: ClassVar[TierKind]
    ISOLATED: ClassVar[TierKind]
    EDGE: ClassVar[TierKind]

    def __post_init__(self) -> None:
        if not (self.prefix[:1].isupper() and self.prefix.isalnum()):
            raise ValueError(f"{self.name}: the prefix must be a capitalised word, such as Public")
        if self.shared_route_table and self.uses_nat():
            raise ValueError(f"{self.name}: routes to NAT gateways need a route table per AZ")
        if self.maps_public_ipv4 and not self.has_ipv4:
            raise ValueError(f"{self.name}: mapping public IPv4 needs an IPv4 block")
        destinations = [route.destination for route in self.routes]
        if len(set(destinations)) != len(destinations):
            raise ValueError(f"{self.name}: each destination may have one route")
        if any(not route.is_ipv6() for route in self.routes) and not self.has_ipv4:
            raise ValueError(f"{self.name}: an IPv4 route in a tier without IPv4")
        ipv6_default = [route for route in self.routes if route.destination == IPV6_DEFAULT]
        inbound = bool(ipv6_default) and ipv6_default[0].possible_targets() == (Target.INTERNET_GATEWAY,)
        if self.hosts_interface_endpoints and self.reaches_internet_gateway():
            raise ValueError(f"{self.name}: interface endpoints belong in tiers with no route to the Internet Gateway")
        if self.takes_ipv6_inbound is not inbound:
            raise ValueError(
                f"{self.name}: a tier takes IPv6 inbound exactly when ::/0 always goes to the Internet Gateway"
            )

    def __str__(self) -> str:
        return self.name

    def uses_nat(self) -> bool:
        """Whether a NAT gateway carries some of its traffic (IPv4, or NAT64)."""
        return any(NAT_TARGETS & set(route.possible_targets()) for route in self.routes)

    def interface_endpoint_address_type(self) -> str:
        """The ``IpAddressType`` (and ``DnsRecordIpType``) of an interface endpoint in its subnets: ``dualstack``
        needs subnets with both families, ``ipv6`` IPv6-only ones (PrivateLink guide, "IP address types")."""
        return "dualstack" if self.has_ipv4 else "ipv6"

    def reaches_internet_gateway(self) -> bool:
        """Whether some route may go to the Internet Gateway (what VPC Block Public Access stops unless excluded)."""
        return any(Target.INTERNET_GATEWAY in route.possible_targets() for route in self.routes)

    def leaves_vpc(self) -> bool:
        """Whether some route takes its traffic out of the VPC (so gateway endpoints belong on its tables)."""
        return bool(self.routes)

    def nat64_route(self) -> Route | None:
        """The route of the NAT64 prefix to a NAT gateway, if the kind has one."""
        for route in self.routes:
            if route.destination == NAT64_PREFIX and Target.NAT_GATEWAY in route.possible_targets():
                return route
        return None

    def dns64(self, choices: Mapping[str, str]) -> bool:
        """The DNS64 rule: on exactly where the NAT64 route exists. DNS64 hands out ``64:ff9b::/96``
        addresses for IPv4-only names; without a NAT gateway to translate them they lead nowhere."""
        route = self.nat64_route()
        return route is not None and route.target(choices) is Target.NAT_GATEWAY

    def maps_public_ipv4_on_launch(self, choices: Mapping[str, str]) -> bool:
        """Whether the kind's subnets map public IPv4 on launch for a stack's parameter values."""
        return self.maps_public_ipv4 and choices.get(MAP_PUBLIC_IPV4.parameter, MAP_PUBLIC_IPV4.default()) == "true"

    def expected_routes(self, choices: Mapping[str, str]) -> dict[str, Target]:
        """``{destination: target}`` of this kind's route tables for a stack's parameter values."""
        expected = {}
        for route in self.routes:
            target = route.target(choices)
            if target is not None:
                expected[route.destination] = target
        return expected


@dataclass(frozen=True)
class GatewayEndpoint:
    """A gateway endpoint (``GatewayEndpoints=S3AndDynamoDB``): on the route tables of every tier kind that leaves
    the VPC and has IPv4 (``for_ipv4``) or is IPv6-only; ``address_type`` is its ``IpAddressType``."""

    logical_id: str
    service: str
    address_type: str
    for_ipv4: bool
    #: Its ``Name`` tag, after the stack name.
    tag: str

    def serves(self, kind: TierKind) -> bool:
        return kind.leaves_vpc() and kind.has_ipv4 == self.for_ipv4


#: ``dualstack`` needs subnets with both families and ``ipv6`` IPv6-only subnets (PrivateLink guide, "Gateway
#: endpoints", "IP address type"), so S3 has one of each; DynamoDB's gateway endpoints support only IPv4 (PrivateLink
#: guide, "Gateway endpoints for Amazon DynamoDB").
GATEWAY_ENDPOINTS = (
    GatewayEndpoint("S3GatewayEndpoint", "s3", "dualstack", for_ipv4=True, tag="s3"),
    GatewayEndpoint("S3Ipv6GatewayEndpoint", "s3", "ipv6", for_ipv4=False, tag="s3-ipv6"),
    GatewayEndpoint("DynamoDbGatewayEndpoint", "dynamodb", "ipv4", for_ipv4=True, tag="ddb"),
)


@dataclass(frozen=True)
class InterfaceEndpoint:
    """An interface endpoint of ``InterfaceEndpoints=SessionManager``: one network interface in each AZ's subnet of
    the template's first tier that ``hosts_interface_endpoints``, with private DNS on."""

    logical_id: str
    #: ``com.amazonaws.<region>.<service>``.
    service: str


#: What Session Manager needs without a route to the internet: ssm, ssmmessages, and ec2messages ("Step 6:
#: (Optional) Use AWS PrivateLink to set up a VPC endpoint for Systems Manager", Systems Manager User Guide).
INTERFACE_ENDPOINTS = (
    InterfaceEndpoint("SsmEndpoint", "ssm"),
    InterfaceEndpoint("SsmMessagesEndpoint", "ssmmessages"),
    InterfaceEndpoint("Ec2MessagesEndpoint", "ec2messages"),
)


def interface_endpoint_tier(tiers: Sequence[TierKind]) -> TierKind | None:
    """The tier whose subnets hold the interface endpoints: the first in slot order that may (``private`` before
    ``ipv6only``); ``None`` when no tier may, and the template offers none. Private DNS lets a VPC have one
    endpoint per service, so there is one set for the whole VPC, reached from every subnet."""
    return next((kind for kind in tiers if kind.hosts_interface_endpoints), None)


def nat_gateway_az(choices: Mapping[str, str], az_index: int) -> int:
    """The AZ whose NAT gateway an AZ's subnets route to: their own with ``PerAz``, else the first AZ's."""
    per_az = nat_values(lambda mode: mode.per_az)
    return az_index if choices.get(NAT_GATEWAYS.parameter) in per_az else 0


def az_letter(az_index: int) -> str:
    """``A`` for the first AZ of ``Fn::GetAZs``, ``B`` for the second, and so on."""
    return string.ascii_uppercase[az_index]


def _declare() -> tuple[TierKind, ...]:
    """The table. Declared in a function so that ``make mutate`` reaches its rows: mutmut mutates only the
    bodies of functions."""
    igw, eigw, nat = Target.INTERNET_GATEWAY, Target.EGRESS_ONLY_INTERNET_GATEWAY, Target.NAT_GATEWAY
    regional = Target.REGIONAL_NAT_GATEWAY
    via_nat = {m.value: nat if m.zonal else regional if m.regional else None for m in NAT_MODES}
    # NAT64 only through NAT gateways of one AZ each: see Route.__post_init__.
    nat64_via_nat = {m.value: nat if m.zonal else None for m in NAT_MODES}
    public = TierKind(
        # IPv4 public through the Internet Gateway; IPv6 per PublicIpv6Routing.
        name="public",
        prefix="Public",
        has_ipv4=True,
        maps_public_ipv4=True,
        shared_route_table=True,
        routes=(
            always("Ipv4DefaultRoute", IPV4_DEFAULT, igw),
            # One route whose target switches, never two conditional ones: see tiers.py.
            by_choice(
                "Ipv6DefaultRoute", IPV6_DEFAULT, PUBLIC_IPV6_ROUTING, {"EgressOnly": eigw, "Bidirectional": igw}
            ),
        ),
    )
    private = TierKind(
        # IPv4 out through NAT gateways when there are any; IPv6 out through the egress-only gateway.
        name="private",
        prefix="Private",
        has_ipv4=True,
        maps_public_ipv4=False,
        shared_route_table=False,
        routes=(
            always("Ipv6DefaultRoute", IPV6_DEFAULT, eigw),
            by_choice("Ipv4DefaultRoute", IPV4_DEFAULT, NAT_GATEWAYS, via_nat),
        ),
        hosts_interface_endpoints=True,
    )
    ipv6only = TierKind(
        # No IPv4; IPv6 out through the egress-only gateway; NAT64 (and DNS64) through zonal NAT gateways.
        name="ipv6only",
        prefix="Ipv6Only",
        has_ipv4=False,
        maps_public_ipv4=False,
        shared_route_table=False,
        routes=(
            always("Ipv6DefaultRoute", IPV6_DEFAULT, eigw),
            by_choice("Nat64Route", NAT64_PREFIX, NAT_GATEWAYS, nat64_via_nat),
        ),
        hosts_interface_endpoints=True,
    )
    isolated = TierKind(
        # No default route in either family: the VPC only.
        name="isolated",
        prefix="Isolated",
        has_ipv4=True,
        maps_public_ipv4=False,
        shared_route_table=True,
        routes=(),
        hosts_interface_endpoints=True,
    )
    edge = TierKind(
        # Internet-facing load balancers: IPv4 and IPv6 both ways through the Internet Gateway; no public IPv4 for
        # instances (a load balancer brings its own). Last in slot order, so no other tier's subnets move.
        name="edge",
        prefix="Edge",
        has_ipv4=True,
        maps_public_ipv4=False,
        shared_route_table=True,
        routes=(always("Ipv4DefaultRoute", IPV4_DEFAULT, igw), always("Ipv6DefaultRoute", IPV6_DEFAULT, igw)),
        takes_ipv6_inbound=True,
    )
    return public, private, ipv6only, isolated, edge


#: Every tier kind, in subnet-slot order.
KINDS: tuple[TierKind, ...] = _declare()
TierKind.PUBLIC, TierKind.PRIVATE, TierKind.IPV6ONLY, TierKind.ISOLATED, TierKind.EDGE = KINDS
