"""DNS64 on a subnet whose route table cannot carry NAT64."""

from __future__ import annotations

import ipaddress
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import (
    NAT64_PREFIX,
    SubnetRouting,
    conditions_of,
    dedupe,
    exists,
    is_true,
    may_carry_nat64,
    properties,
    resolve,
    scenario_text,
    scenarios,
    type_of,
)

#: Where a route may take the NAT64 prefix to be translated: a NAT gateway, or, for NAT64 elsewhere, a transit
#: gateway (a central egress VPC's NAT gateway) or a network interface (a NAT instance). Not an Internet Gateway or an
#: egress-only gateway, which pass IPv6 as it is.
TRANSLATING_TARGETS = ("NatGatewayId", "TransitGatewayId", "NetworkInterfaceId")


def _translates(routes: list[tuple[str, dict[str, Any]]]) -> bool:
    """Whether the route that carries 64:ff9b::/96 (the longest prefix holding it wins: a /96 over a ::/0) goes to a
    target that can translate it."""
    prefix = ipaddress.ip_network(NAT64_PREFIX)
    holding = []
    for _, props in routes:
        try:
            network = ipaddress.ip_network(str(props.get("DestinationIpv6CidrBlock")), strict=False)
        except ValueError:
            continue
        if network.version == 6 and network.supernet_of(prefix):  # type: ignore[arg-type]
            holding.append((network.prefixlen, props))
    if not holding:
        return False
    _, carrier = max(holding, key=lambda item: item[0])
    return any(key in carrier for key in TRANSLATING_TARGETS)


class Dns64WithoutNat64(CloudFormationLintRule):
    """3. DNS64 on a subnet whose route table cannot carry NAT64."""

    id = "E9603"
    shortdesc = "A subnet with EnableDns64 needs its 64:ff9b::/96 traffic routed to NAT64"
    description = (
        "DNS64 answers for IPv4-only names with addresses in 64:ff9b::/96; unless the subnet's route table sends "
        "that prefix to a NAT gateway (NAT64), every IPv4-only destination becomes unreachable from the subnet."
    )
    source_url = "https://github.com/terraform-aws-modules/terraform-aws-vpc/issues/972"
    tags = ["dualstack", "ipv6", "dns64", "nat64"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for name, subnet in cfn.get_resources("AWS::EC2::Subnet").items():
            if "EnableDns64" not in properties(subnet):
                continue
            routing = SubnetRouting(cfn, name, may_carry_nat64)
            for scenario in scenarios(cfn, conditions_of(subnet) | routing.conditions()):
                if not exists(subnet, scenario):
                    continue
                if not is_true(resolve(cfn, properties(subnet), scenario).get("EnableDns64")):
                    continue
                table = routing.table(scenario)
                if table is not None and type_of(cfn, table) != "AWS::EC2::RouteTable":
                    continue  # a table from a parameter or another stack: its routes are not in this template
                if routing.associated_elsewhere(scenario) or _translates(routing.routes(scenario)):
                    continue
                where = f"its route table {table} has" if table else "it has no route table association, so"
                message = (
                    f"{name} enables DNS64 but {where} no {NAT64_PREFIX} route to a NAT gateway (or a transit gateway "
                    "or network interface that leads to NAT64)"
                    f"{scenario_text(scenario)}: IPv4-only destinations are unreachable"
                )
                matches.append(RuleMatch(["Resources", name, "Properties", "EnableDns64"], message))
        return dedupe(matches)
