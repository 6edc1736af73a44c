"""Outputs, each exported as ``${AWS::StackName}-<OutputKey>`` for other stacks to import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from troposphere import AWSHelperFn, Export, GetAtt, GetAZs, If, Join, Output, Select, Template

from . import names
from .network import Network
from .parameters import Parameters
from .tiers import Tier


def _add(t: Template, key: str, value: Any, description: str, condition: str | None = None) -> None:
    extra = {} if condition is None else {"Condition": condition}
    t.add_output(Output(key, Value=value, Description=description, Export=Export(names.export_name(key)), **extra))


def join_existing(values: Sequence[Any], conditions: Sequence[str | None]) -> AWSHelperFn:
    """Comma-join the values whose AZ exists.

    AZ conditions are nested (AZ C implies AZ B), so one ``Fn::If`` per AZ count
    picks a fully written-out list. ``Fn::If`` with ``AWS::NoValue`` inside a
    ``Fn::Join`` list is not documented to drop the element, so it is not used.
    """
    joined: AWSHelperFn = Join(",", [values[0]])
    for count in range(2, len(values) + 1):
        condition = conditions[count - 1]
        assert condition is not None, "only the first AZ exists unconditionally"
        joined = If(condition, Join(",", list(values[:count])), joined)
    return joined


def add_outputs(t: Template, params: Parameters, network: Network, tiers: Sequence[Tier]) -> None:
    """VPC, gateway, per-tier subnet and route-table outputs."""
    _add(t, "VpcId", network.vpc.ref(), "ID of the VPC")
    _add(t, "VpcCidrBlock", GetAtt(network.vpc, "CidrBlock"), "IPv4 CIDR block of the VPC")
    _add(t, "VpcIpv6CidrBlock", network.vpc_ipv6_block(), "Amazon-provided IPv6 /56 of the VPC")
    _add(t, names.output_key(names.INTERNET_GATEWAY), network.internet_gateway.ref(), "ID of the Internet Gateway")
    _add(
        t,
        names.output_key(names.EGRESS_ONLY_INTERNET_GATEWAY),
        network.egress_only_internet_gateway.ref(),
        "ID of the Egress-Only Internet Gateway",
    )
    azs = [Select(az, GetAZs("")) for az in range(len(params.az_conditions))]
    _add(t, "AvailabilityZones", join_existing(azs, params.az_conditions), "Availability Zones used, comma-separated")
    for tier in tiers:
        label = names.tier_prefix(tier.kind)
        for tier_subnet in tier.subnets:
            subnet = tier_subnet.subnet
            zone = names.az_letter(tier_subnet.az_index)
            _add(
                t,
                names.output_key(names.logical_id(subnet)),
                subnet.ref(),
                f"ID of the {tier.kind.value} subnet in AZ {zone}",
                tier_subnet.condition,
            )
        _add(
            t,
            f"{label}SubnetIds",
            join_existing([s.subnet.ref() for s in tier.subnets], [s.condition for s in tier.subnets]),
            f"IDs of the {tier.kind.value} subnets, comma-separated, in AZ order",
        )
        _add(
            t,
            names.output_key(names.logical_id(tier.route_table)),
            tier.route_table.ref(),
            f"ID of the {tier.kind.value} route table",
        )
