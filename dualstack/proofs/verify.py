"""What a deployed stack must route where, read from the table of tier kinds: the checks ``dualstack verify`` makes.

Pure functions of what EC2 describes (``DescribeRouteTables``' routes) and of the stack's parameters and outputs;
``commands/verify.py`` asks AWS and feeds them.
"""

from __future__ import annotations

from typing import Any

from dualstack.model import kinds
from dualstack.model.kinds import IPV4_DEFAULT, IPV6_DEFAULT, NAT64_PREFIX, Target, TierKind

#: Targets a deployed route table may hold that no tier kind routes to (something outside the stack added the route):
#: shown by their ID, so that the problem names them.
OTHER_ROUTE_TARGET_PROPERTIES = ("TransitGatewayId", "NetworkInterfaceId")


def _route_target(route: dict[str, Any]) -> str:
    """The ID of what a route of ``DescribeRouteTables`` goes to. EC2 names it in the property of the same name as
    ``AWS::EC2::Route``'s, so the table of tier kinds (``ROUTE_TARGET_PROPERTY``) says where to look, in a fixed
    order (sorted), then ``OTHER_ROUTE_TARGET_PROPERTIES``."""
    for key in (*sorted(set(kinds.ROUTE_TARGET_PROPERTY.values())), *OTHER_ROUTE_TARGET_PROPERTIES):
        if route.get(key):
            return str(route[key])
    return "unknown"


def routed_destinations() -> frozenset[str]:
    """The destinations whose routes are checked: the default routes, NAT64, and any other the table routes."""
    return frozenset({IPV4_DEFAULT, IPV6_DEFAULT, NAT64_PREFIX}) | {
        route.destination for kind in kinds.KINDS for route in kind.routes
    }


def _default_routes(route_table: dict[str, Any]) -> dict[str, str]:
    routes = {}
    checked = routed_destinations()
    for route in route_table["Routes"]:
        destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        if destination in checked and route.get("State", "active") == "active":
            routes[destination] = _route_target(route)
    return routes


def target_output(target: Target, az_index: int, parameters: dict[str, str]) -> str:
    """The output key of the gateway a route of the AZ at ``az_index`` must go to (its own AZ's NAT gateway or
    the first AZ's, as ``NatGateways`` says)."""
    nat_az = kinds.nat_gateway_az(parameters, az_index)
    return f"{target.logical_id(nat_az)}Id"


def expected_routes(
    kind: TierKind, az_index: int, parameters: dict[str, str], outputs: dict[str, str]
) -> dict[str, str]:
    """Destination -> the ID of the gateway it must go to, read from the table of tier kinds for the stack's
    parameters. Where the stack lacks the gateway's output, a description that matches no route."""
    expected = {}
    for destination, target in kind.expected_routes(parameters).items():
        key = target_output(target, az_index, parameters)
        expected[destination] = outputs.get(key, f"the {key} output, which the stack lacks")
    return expected


def route_problems(actual: dict[str, str], expected: dict[str, str]) -> list[str]:
    """Each destination routed other than expected: to another target, to nothing, or where no route belongs."""
    wrong = []
    for destination in sorted(set(actual) | set(expected)):
        if destination not in expected:
            wrong.append(f"{destination} -> {actual[destination]} (expected no route)")
        elif actual.get(destination) != expected[destination]:
            wrong.append(f"{destination} -> {actual.get(destination, 'nothing')} (expected {expected[destination]})")
    return wrong


def dns64_check(dns64: bool, actual: dict[str, str], expected_on: bool) -> tuple[bool, str]:
    """The DNS64 rule on a deployed subnet: DNS64 on exactly where its NAT64 route to a NAT gateway is, and
    both as the stack's parameters ask."""
    nat64 = actual.get(NAT64_PREFIX, "").startswith("nat-")
    evidence = (
        f"DNS64 {'on' if dns64 else 'off'}, {NAT64_PREFIX} route to a NAT gateway {'present' if nat64 else 'absent'}"
        f"; both expected {'on' if expected_on else 'off'}"
    )
    return dns64 == nat64 == expected_on, evidence
