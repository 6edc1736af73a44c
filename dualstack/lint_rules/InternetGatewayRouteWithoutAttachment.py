"""A route to an Internet Gateway that may be created before the gateway is attached."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import Path, branches, dedupe, properties, reaches, ref_target


class InternetGatewayRouteWithoutAttachment(CloudFormationLintRule):
    """2. A route to an Internet Gateway that may be created before the gateway is attached."""

    id = "E9602"
    shortdesc = "Routes to an Internet Gateway must depend on its VPCGatewayAttachment"
    description = (
        "A route whose target is an Internet Gateway fails to create while the gateway is not yet attached to the "
        "VPC; without a DependsOn path to the AWS::EC2::VPCGatewayAttachment, CloudFormation may create it first."
    )
    source_url = "https://github.com/widdix/aws-cf-templates/pull/471"
    tags = ["dualstack", "routing", "dependson"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        gateways = set(cfn.get_resources("AWS::EC2::InternetGateway"))
        attachments: dict[str, list[str]] = {g: [] for g in gateways}
        for name, attachment in cfn.get_resources("AWS::EC2::VPCGatewayAttachment").items():
            gateway = ref_target(properties(attachment).get("InternetGatewayId"))
            if gateway in attachments:
                attachments[gateway].append(name)
        matches = []
        for name, route in cfn.get_resources("AWS::EC2::Route").items():
            for branch in branches(properties(route).get("GatewayId")):
                gateway = ref_target(branch)
                if gateway is None or gateway not in gateways:
                    continue
                if any(reaches(cfn, name, a) for a in attachments[gateway]):
                    continue
                path: Path = ["Resources", name, "Properties", "GatewayId"]
                if attachments[gateway]:
                    message = (
                        f"{name} routes to {gateway} with no DependsOn path to {' or '.join(attachments[gateway])}: "
                        f"add DependsOn: {attachments[gateway][0]}"
                    )
                else:
                    message = f"{name} routes to {gateway}, which no AWS::EC2::VPCGatewayAttachment attaches to a VPC"
                matches.append(RuleMatch(path, message))
        return dedupe(matches)
