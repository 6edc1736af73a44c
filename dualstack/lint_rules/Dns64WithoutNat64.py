"""DNS64 on a subnet whose route table cannot carry NAT64."""

from __future__ import annotations

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
    same_block,
    scenario_text,
    scenarios,
)


class Dns64WithoutNat64(CloudFormationLintRule):
    """3. DNS64 on a subnet whose route table cannot carry NAT64."""

    id = "E9603"
    shortdesc = "A subnet with EnableDns64 needs a 64:ff9b::/96 route to a NAT gateway"
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
                nat64 = [
                    route
                    for route, props in routing.routes(scenario)
                    if same_block(props.get("DestinationIpv6CidrBlock"), NAT64_PREFIX) and "NatGatewayId" in props
                ]
                if nat64:
                    continue
                where = f"its route table {table} has" if table else "it has no route table association, so"
                message = (
                    f"{name} enables DNS64 but {where} no {NAT64_PREFIX} route to a NAT gateway"
                    f"{scenario_text(scenario)}: IPv4-only destinations are unreachable"
                )
                matches.append(RuleMatch(["Resources", name, "Properties", "EnableDns64"], message))
        return dedupe(matches)
