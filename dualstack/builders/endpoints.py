"""Gateway endpoints for S3 and DynamoDB, on the route tables of every tier that leaves the VPC.

Free ("There is no additional charge for using gateway endpoints", AWS PrivateLink guide, "Gateway
endpoints": https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html), and they keep S3 and
DynamoDB traffic off NAT gateways, which bill per GB. An endpoint adds a route to the service's prefix list in
each table it is given; the longest prefix wins over ``0.0.0.0/0`` and ``::/0``.

Which tables: those of tier kinds with a route out of the VPC (``TierKind.leaves_vpc()``), read from the table
of tier kinds; isolated tiers, which reach only the VPC, get none. The endpoint's ``IpAddressType`` decides
which prefix lists it routes (same page, "IP address type"): ``dualstack`` (both) is "supported only if all
selected subnets have both IPv4 and IPv6 address ranges", ``ipv6`` "only if all selected subnets are IPv6
only subnets". So S3 gets one endpoint for the dual-stack tiers' tables and one for the IPv6-only tiers'.
DynamoDB's gateway endpoint is IPv4 only, on the dual-stack tiers' tables: "Gateway endpoints for DynamoDB
support only IPv4" (AWS PrivateLink guide, "Gateway endpoints for Amazon DynamoDB":
https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-ddb.html; lint rule E9610 holds templates to it).
IPv6 clients reach S3 through the endpoint by its dual-stack name, ``s3.dualstack.<region>.amazonaws.com`` (Amazon S3
User Guide, "Using dual-stack endpoints").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from troposphere import If, Sub, Template, ec2

from dualstack.builders import naming
from dualstack.builders.network import Network
from dualstack.builders.parameters import Parameters
from dualstack.builders.tiers import Tier
from dualstack.model import kinds, names


@dataclass(frozen=True)
class GatewayEndpoint:
    endpoint: ec2.VPCEndpoint
    description: str


def in_use(items: Sequence[tuple[int | None, Any]], az_conditions: tuple[str | None, ...]) -> Any:
    """The values whose AZ exists (``None``: every AZ's), as one list per AZ count: AZ conditions are nested (AZ C
    implies AZ B), so ``Fn::If`` per count picks a written-out list (no ``AWS::NoValue`` inside a list)."""

    def upto(count: int) -> list[Any]:
        return [value for az_index, value in items if az_index is None or az_index < count]

    chosen: Any = upto(1)
    for count in range(2, len(az_conditions) + 1):
        if any(az_index == count - 1 for az_index, _ in items):
            condition = az_conditions[count - 1]
            assert condition is not None, "only the first AZ exists unconditionally"
            chosen = If(condition, upto(count), chosen)
    return chosen


def _tables_in_use(tiers: Sequence[Tier], az_conditions: tuple[str | None, ...]) -> Any:
    """The tiers' route tables that exist (``in_use``)."""
    return in_use([(r.az_index, r.route_table.ref()) for tier in tiers for r in tier.route_tables], az_conditions)


def add_gateway_endpoints(
    t: Template, params: Parameters, network: Network, tiers: Sequence[Tier]
) -> tuple[GatewayEndpoint, ...]:
    """The S3 and DynamoDB gateway endpoints, when ``GatewayEndpoints`` asks for them."""
    made = []
    for declared in kinds.GATEWAY_ENDPOINTS:
        served = [tier for tier in tiers if declared.serves(tier.kind)]
        if not served:
            continue
        what = "S3" if declared.service == "s3" else "DynamoDB"
        description = f"{what}, for the {'dual-stack' if declared.for_ipv4 else 'IPv6-only'} tiers"
        endpoint = ec2.VPCEndpoint(
            declared.logical_id,
            VpcId=network.vpc.ref(),
            VpcEndpointType="Gateway",
            ServiceName=Sub(f"com.amazonaws.${{AWS::Region}}.{declared.service}"),
            IpAddressType=declared.address_type,
            RouteTableIds=_tables_in_use(served, params.az_conditions),
            Tags=naming.name_tags(declared.tag),
            Condition=names.HAS_GATEWAY_ENDPOINTS,
        )
        made.append(GatewayEndpoint(t.add_resource(endpoint), description))
    return tuple(made)
