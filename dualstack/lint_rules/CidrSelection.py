"""Selecting past the end of Fn::Cidr; IPv6 subnets that are not /64."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import Path, dedupe, literal_int, properties, walk


class CidrSelection(CloudFormationLintRule):
    """5. Selecting past the end of Fn::Cidr; IPv6 subnets that are not /64."""

    id = "E9605"
    shortdesc = "Fn::Select within Fn::Cidr's count, and /64 IPv6 subnet blocks"
    description = (
        "Fn::Select of an index not below the count of the Fn::Cidr it selects from fails at deploy time; "
        "a subnet's Ipv6CidrBlock cut with Fn::Cidr must use 64 cidrBits, because IPv6 subnets are /64s."
    )
    source_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html"
    )
    tags = ["dualstack", "cidr"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        sections = {"Resources": cfn.get_resources(), "Outputs": cfn.template.get("Outputs", {}) or {}}
        for section, items in sections.items():
            for node, path in walk(items, [section]):
                if not (isinstance(node, dict) and len(node) == 1 and isinstance(node.get("Fn::Select"), list)):
                    continue
                arg = node["Fn::Select"]
                if len(arg) != 2 or not isinstance(arg[1], dict) or "Fn::Cidr" not in arg[1]:
                    continue
                index, cidr = literal_int(arg[0]), arg[1]["Fn::Cidr"]
                count = literal_int(cidr[1]) if isinstance(cidr, list) and len(cidr) == 3 else None
                if index is not None and count is not None and index >= count:
                    message = f"Fn::Select index {index} is not below the Fn::Cidr count {count} it selects from"
                    matches.append(RuleMatch([*path, "Fn::Select", 0], message))
        for name, subnet in cfn.get_resources("AWS::EC2::Subnet").items():
            base: Path = ["Resources", name, "Properties", "Ipv6CidrBlock"]
            for node, path in walk(properties(subnet).get("Ipv6CidrBlock"), base):
                if isinstance(node, dict) and isinstance(node.get("Fn::Cidr"), list) and len(node["Fn::Cidr"]) == 3:
                    bits = literal_int(node["Fn::Cidr"][2])
                    if bits is not None and bits != 64:
                        message = (
                            f"{name}'s Ipv6CidrBlock uses Fn::Cidr cidrBits {bits}, giving /{128 - bits}; "
                            "IPv6 subnets are /64s (cidrBits 64)"
                        )
                        matches.append(RuleMatch([*path, "Fn::Cidr", 2], message))
        return dedupe(matches)
