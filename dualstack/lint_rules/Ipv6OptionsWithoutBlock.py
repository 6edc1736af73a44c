"""IPv6 subnet options on a subnet that has no IPv6 block."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import (
    conditions_of,
    dedupe,
    is_true,
    properties,
    ref_target,
    resolve,
    scenario_text,
    scenarios,
)


class Ipv6OptionsWithoutBlock(CloudFormationLintRule):
    """7. IPv6 subnet options on a subnet that has no IPv6 block."""

    id = "E9607"
    shortdesc = "AssignIpv6AddressOnCreation, Ipv6Native and EnableDns64 need the subnet's IPv6 block"
    description = (
        "A subnet that assigns IPv6 addresses on launch, is IPv6-native or enables DNS64 needs an IPv6 block: "
        "Ipv6CidrBlock, an IPv6 IPAM allocation, or an AWS::EC2::SubnetCidrBlock for it; EC2 refuses it otherwise."
    )
    source_url = "https://github.com/terraform-aws-modules/terraform-aws-vpc/issues/930"
    tags = ["dualstack", "ipv6", "subnet"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        added_later = {
            ref_target(properties(block).get("SubnetId"))
            for block in cfn.get_resources("AWS::EC2::SubnetCidrBlock").values()
            if {"Ipv6CidrBlock", "Ipv6IpamPoolId"} & set(properties(block))
        }
        matches = []
        for name, subnet in cfn.get_resources("AWS::EC2::Subnet").items():
            if name in added_later:
                continue
            for scenario in scenarios(cfn, conditions_of(subnet)):
                props = resolve(cfn, properties(subnet), scenario)
                if "Ipv6CidrBlock" in props or "Ipv6IpamPoolId" in props:
                    continue
                for option in ("AssignIpv6AddressOnCreation", "Ipv6Native", "EnableDns64"):
                    if is_true(props.get(option)):
                        message = f"{name} sets {option} but has no Ipv6CidrBlock{scenario_text(scenario)}"
                        matches.append(RuleMatch(["Resources", name, "Properties", option], message))
        return dedupe(matches)
