"""A DNS64 subnet whose NAT64 route goes to a regional NAT gateway."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import (
    NAT64_PREFIX,
    dedupe,
    exists,
    may_carry_nat64,
    properties,
    ref_target,
    resolve,
    same_block,
    scenario_text,
    subnets_turned_on,
)


class Nat64ThroughRegionalNatGateway(CloudFormationLintRule):
    """9. NAT64 sent to a regional NAT gateway, where AWS documents none."""

    id = "E9609"
    shortdesc = "A DNS64 subnet's 64:ff9b::/96 route must go to a zonal NAT gateway, not a regional one"
    description = (
        "AWS documents NAT64 for NAT gateways of one Availability Zone; its page on regional NAT gateways "
        "(AvailabilityMode: regional) does not offer it, so a DNS64 subnet whose 64:ff9b::/96 route goes to one "
        "cannot count on reaching IPv4-only destinations. Send that prefix to a zonal NAT gateway."
    )
    source_url = "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html"
    tags = ["dualstack", "ipv6", "dns64", "nat64"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        gateways = cfn.get_resources("AWS::EC2::NatGateway")
        matches = []
        for name, routing, scenario, _ in subnets_turned_on(cfn, ["EnableDns64"], keep=may_carry_nat64):
            for route, props in routing.routes(scenario):
                if not same_block(props.get("DestinationIpv6CidrBlock"), NAT64_PREFIX):
                    continue
                gateway = ref_target(props.get("NatGatewayId"))
                if gateway not in gateways or not exists(gateways[gateway], scenario):
                    continue
                mode = resolve(cfn, properties(gateways[gateway]), scenario).get("AvailabilityMode")
                if mode != "regional":
                    continue
                message = (
                    f"{name} enables DNS64 and {route} sends {NAT64_PREFIX} to {gateway}, a regional NAT gateway"
                    f"{scenario_text(scenario)}: AWS documents NAT64 only for zonal NAT gateways; route it to "
                    "the subnet's own AZ's NAT gateway"
                )
                matches.append(RuleMatch(["Resources", route, "Properties", "NatGatewayId"], message))
        return dedupe(matches)
