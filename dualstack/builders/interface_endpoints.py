"""Session Manager without NAT: the ssm, ssmmessages and ec2messages interface endpoints (``InterfaceEndpoints``).

Off by default (``None``). With ``SessionManager``, each of the three services gets one interface endpoint with a
network interface in each AZ's subnet of the template's first tier that may hold them (``kinds.
interface_endpoint_tier``: private before IPv6-only before isolated), so instances with no route to the internet
reach Systems Manager, and Session Manager works with ``NatGateways=None``.

- Address type: ``dualstack`` in dual-stack subnets, ``ipv6`` in IPv6-only ones, and the same ``DnsRecordIpType``
  ("IP address types", AWS PrivateLink guide:
  https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html#aws-service-ip-address-type).
  SERVICES_IPV6 below cites which of the three services take IPv6.
- Private DNS on: ``ssm.<region>.amazonaws.com`` and the others resolve to the endpoints inside the VPC, which needs
  ``EnableDnsSupport`` and ``EnableDnsHostnames`` (both on). A VPC takes one endpoint per service with private DNS,
  so there is one set for the whole VPC, reached from every subnet over the VPC's local routes.
- A security group admits HTTPS (443) from the VPC's IPv4 range and its IPv6 /56, and nothing else; its one egress
  rule matches no traffic (AWS CDK's ``MATCH_NO_TRAFFIC`` in ``aws-ec2/lib/security-group.ts``): an endpoint
  answers, it never opens a connection, and security groups are stateful.

Every endpoint is billed per hour in each AZ it has an interface in, and per GB (``proofs/costs.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from troposphere import Equals, GetAtt, Sub, Template, ec2

from dualstack.builders import naming
from dualstack.builders.endpoints import in_use
from dualstack.builders.network import Network, tcp_rule
from dualstack.builders.parameters import Parameters, add_choice
from dualstack.builders.tiers import Tier
from dualstack.model import kinds, names
from dualstack.model.choices import INTERFACE_ENDPOINTS_NONE, INTERFACE_ENDPOINTS_SESSION_MANAGER

HTTPS = 443
#: A rule that matches no packet (ICMP type 252, code 86, to 255.255.255.255/32): without an egress rule a new group
#: allows all IPv4 out (AWS CDK, ``aws-ec2/lib/security-group.ts``, ``MATCH_NO_TRAFFIC``).
NO_TRAFFIC = ec2.SecurityGroupRule(
    IpProtocol="icmp",
    FromPort=252,
    ToPort=86,
    CidrIp="255.255.255.255/32",
    Description="No traffic out: it only answers",
)


@dataclass(frozen=True)
class InterfaceEndpoints:
    """What ``InterfaceEndpoints=SessionManager`` adds; all of it exists under ``HasSessionManagerEndpoints``."""

    tier: Tier
    security_group: ec2.SecurityGroup
    endpoints: tuple[ec2.VPCEndpoint, ...]


def _add_parameter(t: Template, tier: kinds.TierKind) -> None:
    choice = add_choice(
        t,
        names.PRIVATE_ACCESS_GROUP,
        "Interface endpoints (billed per hour and AZ)",
        names.INTERFACE_ENDPOINTS_PARAM,
        [INTERFACE_ENDPOINTS_NONE, INTERFACE_ENDPOINTS_SESSION_MANAGER],
        (
            f"SessionManager: ssm, ssmmessages and ec2messages interface endpoints in each AZ's {tier.name} subnet, "
            "with private DNS, so instances reach Session Manager without NAT. About $0.03 an hour per AZ."
        ),
    )
    t.add_condition(names.HAS_INTERFACE_ENDPOINTS, Equals(choice.ref(), INTERFACE_ENDPOINTS_SESSION_MANAGER))


def add_interface_endpoints(
    t: Template, params: Parameters, network: Network, tiers: Sequence[Tier]
) -> InterfaceEndpoints | None:
    """The parameter, the security group and the three endpoints; ``None`` (and no parameter) for a template with no
    tier that may hold them."""
    kind = kinds.interface_endpoint_tier([tier.kind for tier in tiers])
    if kind is None:
        return None
    tier = next(tier for tier in tiers if tier.kind is kind)
    _add_parameter(t, kind)
    condition = names.HAS_INTERFACE_ENDPOINTS
    security_group = t.add_resource(
        ec2.SecurityGroup(
            names.INTERFACE_ENDPOINT_SECURITY_GROUP,
            # It names the VPC's /56, which exists only once the block is associated.
            DependsOn=[network.ipv6_cidr_block],
            VpcId=network.vpc.ref(),
            # GroupDescription is create-only: this text stays once released.
            GroupDescription="dualstack interface endpoints: HTTPS from the VPC IPv4 and IPv6 ranges",
            SecurityGroupIngress=[
                tcp_rule(HTTPS, "HTTPS from the VPC's IPv4 range", CidrIp=GetAtt(network.vpc, "CidrBlock")),
                tcp_rule(HTTPS, "HTTPS from the VPC's IPv6 range", CidrIpv6=network.vpc_ipv6_block()),
            ],
            SecurityGroupEgress=[NO_TRAFFIC],
            Tags=naming.name_tags("interface-endpoints"),
            Condition=condition,
        )
    )
    address_type = kind.interface_endpoint_address_type()
    subnets = in_use([(s.az_index, s.subnet.ref()) for s in tier.subnets], params.az_conditions)
    endpoints = tuple(
        t.add_resource(
            ec2.VPCEndpoint(
                declared.logical_id,
                VpcId=network.vpc.ref(),
                VpcEndpointType="Interface",
                ServiceName=Sub(f"com.amazonaws.${{AWS::Region}}.{declared.service}"),
                SubnetIds=subnets,
                SecurityGroupIds=[GetAtt(security_group, "GroupId")],
                IpAddressType=address_type,
                DnsOptions=ec2.DnsOptionsSpecification(DnsRecordIpType=address_type),
                PrivateDnsEnabled=True,
                Tags=naming.name_tags(declared.service),
                Condition=condition,
            )
        )
        for declared in kinds.INTERFACE_ENDPOINTS
    )
    return InterfaceEndpoints(tier, security_group, endpoints)
