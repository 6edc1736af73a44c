"""Outputs, each exported as ``${AWS::StackName}-<OutputKey>`` for other stacks to import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from troposphere import AWSHelperFn, Export, GetAtt, GetAZs, If, Join, Output, Select, Sub, Template

from dualstack.builders import naming
from dualstack.builders.encryption import EncryptionControl
from dualstack.builders.endpoints import GatewayEndpoint
from dualstack.builders.flowlogs import FlowLogs
from dualstack.builders.instance_connect import InstanceConnect
from dualstack.builders.interface_endpoints import InterfaceEndpoints
from dualstack.builders.nat import NatGateways
from dualstack.builders.network import Network
from dualstack.builders.parameters import Parameters
from dualstack.builders.testinstance import TestInstance
from dualstack.builders.tiers import Tier
from dualstack.model import names


def _add(t: Template, key: str, value: Any, description: str, condition: str | None = None) -> None:
    extra = {} if condition is None else {"Condition": condition}
    t.add_output(Output(key, Value=value, Description=description, Export=Export(naming.export_name(key)), **extra))


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


def _add_tier(t: Template, tier: Tier) -> None:
    kind = tier.kind.name
    for tier_subnet in tier.subnets:
        subnet = tier_subnet.subnet
        zone = names.az_letter(tier_subnet.az_index)
        key = names.output_key(naming.logical_id(subnet))
        _add(t, key, subnet.ref(), f"ID of the {kind} subnet in AZ {zone}", tier_subnet.condition)
    _add(
        t,
        names.tier_ids_output_key(tier.kind, "Subnet"),
        join_existing([s.subnet.ref() for s in tier.subnets], [s.condition for s in tier.subnets]),
        f"IDs of the {kind} subnets, comma-separated, in AZ order",
    )
    for table in tier.route_tables:
        key = names.output_key(naming.logical_id(table.route_table))
        where = "shared by every AZ" if table.az_index is None else f"of AZ {names.az_letter(table.az_index)}"
        _add(t, key, table.route_table.ref(), f"ID of the {kind} route table {where}", table.condition)
    if len(tier.route_tables) > 1:
        _add(
            t,
            names.tier_ids_output_key(tier.kind, "RouteTable"),
            join_existing([r.route_table.ref() for r in tier.route_tables], [r.condition for r in tier.route_tables]),
            f"IDs of the {kind} route tables, comma-separated, in AZ order",
        )


def add_outputs(
    t: Template,
    params: Parameters,
    network: Network,
    tiers: Sequence[Tier],
    nat: NatGateways | None,
    endpoints: Sequence[GatewayEndpoint],
    flow_logs: FlowLogs,
    test_instance: TestInstance,
    interface_endpoints: InterfaceEndpoints | None,
    instance_connect: InstanceConnect,
    encryption: EncryptionControl,
) -> None:
    """VPC, gateway, per-tier subnet and route-table, NAT gateway, endpoint, flow log and encryption outputs."""
    _add(t, names.VPC_ID_OUTPUT, network.vpc.ref(), "ID of the VPC")
    _add(t, "VpcCidrBlock", GetAtt(network.vpc, "CidrBlock"), "IPv4 CIDR block of the VPC")
    _add(t, "VpcIpv6CidrBlock", network.vpc_ipv6_block(), "IPv6 /56 of the VPC")
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
        _add_tier(t, tier)
    for gateway in nat.gateways if nat is not None else ():
        key = naming.logical_id(gateway.gateway)
        zone = names.az_letter(gateway.az_index)
        _add(t, names.output_key(key), gateway.gateway.ref(), f"ID of the NAT gateway in AZ {zone}", gateway.condition)
        _add(
            t,
            f"{key}PublicIp",
            gateway.eip.ref(),
            f"Public IPv4 address of the NAT gateway in AZ {zone}",
            gateway.condition,
        )
    if nat is not None and nat.regional is not None:
        _add(
            t,
            names.output_key(names.REGIONAL_NAT_GATEWAY),
            nat.regional.ref(),
            "ID of the regional NAT gateway",
            names.NAT_GATEWAY_REGIONAL,
        )
    for item in endpoints:
        key = names.output_key(naming.logical_id(item.endpoint))
        _add(
            t,
            key,
            item.endpoint.ref(),
            f"ID of the gateway endpoint of {item.description}",
            names.HAS_GATEWAY_ENDPOINTS,
        )
    _add(t, names.output_key(names.FLOW_LOG), flow_logs.flow_log.ref(), "ID of the VPC flow log", names.HAS_FLOW_LOGS)
    _add(
        t,
        "FlowLogDestination",
        flow_logs.destination,
        "ARN of the flow log's CloudWatch Logs group or S3 bucket",
        names.HAS_FLOW_LOGS,
    )
    instance = test_instance.instance
    only = names.CREATE_TEST_INSTANCE
    _add(t, names.output_key(names.TEST_INSTANCE), instance.ref(), "ID of the test instance", only)
    _add(t, "TestInstancePublicIp", GetAtt(instance, "PublicIp"), "Public IPv4 address of the test instance", only)
    _add(
        t,
        "TestInstanceSshCommand",
        Sub("ssh ubuntu@${TestInstance.PublicIp}"),
        "SSH to it over IPv4",
        names.TEST_INSTANCE_SSH,
    )
    _add(
        t,
        "TestInstanceSessionCommand",
        Sub("aws ssm start-session --target ${TestInstance} --region ${AWS::Region}"),
        "Log in through Session Manager",
        only,
    )
    if interface_endpoints is not None:
        has = names.HAS_INTERFACE_ENDPOINTS
        for endpoint in interface_endpoints.endpoints:
            key = naming.logical_id(endpoint)
            _add(t, names.output_key(key), endpoint.ref(), f"ID of the {key} interface endpoint", has)
        group = interface_endpoints.security_group
        _add(
            t,
            names.output_key(names.INTERFACE_ENDPOINT_SECURITY_GROUP),
            GetAtt(group, "GroupId"),
            "ID of the interface endpoints' security group",
            has,
        )
    has_eice = names.HAS_INSTANCE_CONNECT
    _add(
        t,
        names.output_key(names.INSTANCE_CONNECT_ENDPOINT),
        instance_connect.endpoint.ref(),
        "ID of the EC2 Instance Connect Endpoint",
        has_eice,
    )
    _add(
        t,
        names.output_key(names.INSTANCE_CONNECT_SECURITY_GROUP),
        GetAtt(instance_connect.security_group, "GroupId"),
        "Its security group: admit SSH from it",
        has_eice,
    )
    _add(
        t,
        names.output_key(names.ENCRYPTION_CONTROL),
        encryption.control.ref(),
        "ID of the VPC encryption control",
        names.HAS_ENCRYPTION_CONTROL,
    )
    # Why there is no control, for the console's Outputs tab (exported like every output).
    _add(
        t,
        "EncryptionControlNotCreated",
        Sub("none: ${AWS::Region} has no AWS::EC2::VPCEncryptionControl"),
        "Why none was made",
        names.ENCRYPTION_CONTROL_UNAVAILABLE,
    )
