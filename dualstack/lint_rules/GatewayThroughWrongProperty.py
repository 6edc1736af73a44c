"""An Internet Gateway and an egress-only one given through each other's property."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import branches, dedupe, properties, ref_target, type_of


class GatewayThroughWrongProperty(CloudFormationLintRule):
    """4. An Internet Gateway and an egress-only one given through each other's property."""

    id = "E9604"
    shortdesc = "Egress-only and Internet Gateways must be given through their own route property"
    description = (
        "An AWS::EC2::EgressOnlyInternetGateway belongs in EgressOnlyInternetGatewayId and only for IPv6 "
        "destinations; an AWS::EC2::InternetGateway belongs in GatewayId."
    )
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-route.html"
    tags = ["dualstack", "routing"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for name, route in cfn.get_resources("AWS::EC2::Route").items():
            props = properties(route)
            for prop, wrong, right in (
                ("GatewayId", "AWS::EC2::EgressOnlyInternetGateway", "EgressOnlyInternetGatewayId"),
                ("EgressOnlyInternetGatewayId", "AWS::EC2::InternetGateway", "GatewayId"),
            ):
                for branch in branches(props.get(prop)):
                    target = ref_target(branch)
                    if type_of(cfn, target) == wrong:
                        message = f"{name} gives {wrong} {target} as {prop}; use {right}"
                        matches.append(RuleMatch(["Resources", name, "Properties", prop], message))
            if "EgressOnlyInternetGatewayId" in props and "DestinationCidrBlock" in props:
                message = (
                    f"{name} sends the IPv4 destination DestinationCidrBlock to an egress-only gateway, "
                    "which carries IPv6 only"
                )
                matches.append(RuleMatch(["Resources", name, "Properties", "DestinationCidrBlock"], message))
        return dedupe(matches)
