"""A public subnet whose IPv6 default route makes every instance reachable."""

from __future__ import annotations

import ipaddress
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import (
    SubnetRouting,
    conditions_of,
    dedupe,
    exists,
    is_true,
    properties,
    ref_target,
    resolve,
    scenario_text,
    scenarios,
    type_of,
)


class PublicSubnetIpv6Exposed(CloudFormationLintRule):
    """8. A public subnet whose IPv6 default route makes every instance reachable."""

    id = "I9608"
    shortdesc = "A public IPv4 subnet that sends ::/0 to an Internet Gateway exposes every instance over IPv6"
    description = (
        "Instances in a subnet whose route table sends ::/0 to an Internet Gateway can be reached at their IPv6 "
        "addresses from the whole internet unless their security groups hold. Where IPv6 only needs to go out, "
        "route ::/0 to an AWS::EC2::EgressOnlyInternetGateway instead. Informational: it may be deliberate."
    )
    source_url = "https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html"
    tags = ["dualstack", "ipv6", "exposure"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for name, subnet in cfn.get_resources("AWS::EC2::Subnet").items():
            if "MapPublicIpOnLaunch" not in properties(subnet):
                continue
            routing = SubnetRouting(cfn, name)
            # Only the conditions that decide whether the subnet exists and maps public IPv4, not those of its
            # other properties (its address, say), which would repeat each finding.
            relevant = {
                "Condition": subnet.get("Condition"),
                "Properties": {"MapPublicIpOnLaunch": properties(subnet)["MapPublicIpOnLaunch"]},
            }
            for scenario in scenarios(cfn, conditions_of(relevant) | routing.conditions()):
                if not exists(subnet, scenario):
                    continue
                if not is_true(resolve(cfn, properties(subnet), scenario).get("MapPublicIpOnLaunch")):
                    continue
                for route, props in routing.routes(scenario):
                    target = ref_target(props.get("GatewayId"))
                    destination = props.get("DestinationIpv6CidrBlock")
                    if not isinstance(destination, str) or type_of(cfn, target) != "AWS::EC2::InternetGateway":
                        continue
                    if ipaddress.ip_network(destination, strict=False).prefixlen != 0:
                        continue
                    message = (
                        f"{name} maps public IPv4 on launch and {route} sends ::/0 to {target}"
                        f"{scenario_text(scenario)}: its instances' IPv6 addresses are reachable from the internet "
                        "unless their security groups hold; an egress-only gateway allows only outbound IPv6"
                    )
                    matches.append(RuleMatch(["Resources", name, "Properties", "MapPublicIpOnLaunch"], message))
        return dedupe(matches)
