"""What a deployed stack must route where, read from the table of tier kinds: the checks ``dualstack verify`` makes.

Pure functions of what EC2 describes (``DescribeRouteTables``' routes) and of the stack's parameters and outputs;
``commands/verify.py`` asks AWS and feeds them.
"""

from __future__ import annotations

from typing import Any

from dualstack.model import choices, kinds
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


def _leads_out(route: dict[str, Any]) -> bool:
    """A route to a way out of the VPC that the table of tier kinds governs: the Internet Gateway, the egress-only
    gateway or a NAT gateway. Routes to anything else (a transit gateway, a peering connection, a VPN gateway) are
    the network's owner's to add."""
    gateway = str(route.get("GatewayId", ""))
    return gateway.startswith("igw-") or bool(route.get("EgressOnlyInternetGatewayId") or route.get("NatGatewayId"))


def _default_routes(route_table: dict[str, Any]) -> dict[str, str]:
    """The routes ``verify`` checks: each destination the table routes, and any other route to a way out. Routing
    takes the longest matching prefix ("Route priority", VPC User Guide), so a more specific route to the Internet
    Gateway (``2000::/3``, ``0.0.0.0/1``) would carry the traffic a default route was meant to."""
    routes = {}
    checked = routed_destinations()
    for route in route_table["Routes"]:
        destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        active = route.get("State", "active") == "active"
        if destination and active and (destination in checked or _leads_out(route)):
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


def interface_endpoint_service(region: str, service: str) -> str:
    """The ``ServiceName`` of an interface endpoint of ``service`` in ``region``, as ``builders/interface_endpoints.py``
    writes it: ``Sub("com.amazonaws.${AWS::Region}.<service>")``."""
    return f"com.amazonaws.{region}.{service}"


def interface_endpoint_problems(
    endpoint: dict[str, Any], service_name: str, subnets: list[str], address_type: str
) -> list[str]:
    """What is wrong with a Session Manager interface endpoint as ``DescribeVpcEndpoints`` shows it: not an
    interface endpoint of ``service_name`` (``interface_endpoint_service``), not in exactly ``subnets`` (the hosting
    tier's, one per AZ in use), another ``IpAddressType`` or ``DnsOptions.DnsRecordIpType`` than ``address_type``,
    or no private DNS. The values are botocore's ``VpcEndpointType``, ``IpAddressType`` and ``DnsRecordIpType``
    enums (``botocore/data/ec2/2016-11-15/service-2.json``)."""
    problems = []
    if endpoint.get("VpcEndpointType") != "Interface":
        problems.append(f"is a {endpoint.get('VpcEndpointType')} endpoint")
    if endpoint.get("ServiceName") != service_name:
        problems.append(f"serves {endpoint.get('ServiceName')} (expected {service_name})")
    actual = sorted(endpoint.get("SubnetIds", []))
    if actual != sorted(subnets):
        problems.append(f"in {', '.join(actual) or 'no subnet'} (expected {', '.join(sorted(subnets))})")
    if endpoint.get("IpAddressType") != address_type:
        problems.append(f"IpAddressType {endpoint.get('IpAddressType')} (expected {address_type})")
    record_type = (endpoint.get("DnsOptions") or {}).get("DnsRecordIpType")
    if record_type != address_type:
        problems.append(f"DnsRecordIpType {record_type} (expected {address_type})")
    if not endpoint.get("PrivateDnsEnabled"):
        problems.append("private DNS off")
    return problems


#: The exclusions of ``DescribeVpcEncryptionControls`` (``ResourceExclusions``) for the gateways a stack attaches,
#: the members of botocore's ``VpcEncryptionControlExclusions`` shape that ``builders/encryption.py`` enables.
ALWAYS_EXCLUDED = ("InternetGateway", "EgressOnlyInternetGateway")
NAT_EXCLUDED = "NatGateway"
#: botocore's ``VpcEncryptionControlState`` and ``VpcEncryptionControlExclusionState`` enums (same file): the settled
#: states (the others are ``*-in-progress``, ``*-failed``, ``creating``, ``deleting``..., and ``enabling``,
#: ``disabling``, ``disabled``).
CONTROL_AVAILABLE = "available"
EXCLUSION_ENABLED = "enabled"


def encryption_control_problems(control: dict[str, Any], vpc: str, mode: str, nat_offered: bool) -> list[str]:
    """What is wrong with the stack's VPC encryption control as ``DescribeVpcEncryptionControls`` shows it: another
    VPC or mode, not settled (not ``available``: ``enforce-in-progress``, ``enforce-failed`` and the like say the
    mode asked for is not, or not yet, in force), and under enforce an exclusion of a gateway the stack attaches
    that is not ``enabled`` (the NAT gateways' wherever the template offers them, as ``builders/encryption.py`` sets
    it)."""
    problems = []
    if control.get("VpcId") != vpc:
        problems.append(f"controls {control.get('VpcId')}, not {vpc}")
    if control.get("Mode") != mode:
        problems.append(f"mode {control.get('Mode')} (expected {mode})")
    if control.get("State") != CONTROL_AVAILABLE:
        message = control.get("StateMessage")
        problems.append(
            f"state {control.get('State')}{f' ({message})' if message else ''} (expected {CONTROL_AVAILABLE})"
        )
    if mode == choices.ENCRYPTION_MODES[choices.ENCRYPTION_ENFORCE]:
        exclusions = control.get("ResourceExclusions") or {}
        for gateway in (*ALWAYS_EXCLUDED, *((NAT_EXCLUDED,) if nat_offered else ())):
            state = (exclusions.get(gateway) or {}).get("State")
            if state != EXCLUSION_ENABLED:
                problems.append(f"{gateway} exclusion {state or 'absent'} (expected {EXCLUSION_ENABLED})")
    return problems
