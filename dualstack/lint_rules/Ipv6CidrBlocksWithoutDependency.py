"""Reading a VPC's Ipv6CidrBlocks before its IPv6 VPCCidrBlock exists."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import dedupe, properties, reaches, ref_target, walk


class Ipv6CidrBlocksWithoutDependency(CloudFormationLintRule):
    """1. Reading a VPC's Ipv6CidrBlocks before its IPv6 VPCCidrBlock exists."""

    id = "E9601"
    shortdesc = "Whatever reads a VPC's Ipv6CidrBlocks must depend on the VPC's IPv6 VPCCidrBlock"
    description = (
        "A VPC's Ipv6CidrBlocks is empty until its AWS::EC2::VPCCidrBlock exists; a resource that reads it with no "
        "DependsOn path to that block can be created first and fails with 'Fn::Select cannot select nonexistent "
        "value at index 0'."
    )
    source_url = "https://github.com/aws/aws-cdk/issues/28843"
    tags = ["dualstack", "ipv6", "dependson"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        vpcs = set(cfn.get_resources("AWS::EC2::VPC"))
        blocks: dict[str, list[str]] = {vpc: [] for vpc in vpcs}
        for name, block in cfn.get_resources("AWS::EC2::VPCCidrBlock").items():
            props = properties(block)
            ipv6 = {"AmazonProvidedIpv6CidrBlock", "Ipv6CidrBlock", "Ipv6IpamPoolId", "Ipv6Pool"} & set(props)
            vpc = ref_target(props.get("VpcId"))
            if ipv6 and vpc in blocks:
                blocks[vpc].append(name)
        matches = []
        for name, resource in cfn.get_resources().items():
            for node, path in walk(resource.get("Properties", {}), ["Resources", name, "Properties"]):
                if not (isinstance(node, dict) and "Fn::GetAtt" in node and len(node) == 1):
                    continue
                arg = node["Fn::GetAtt"]
                # "Vpc.Ipv6CidrBlocks" or [Vpc, Ipv6CidrBlocks]; another shape (cfn-lint's E1010 reports it) names
                # no VPC here.
                parts = arg.split(".", 1) if isinstance(arg, str) else arg if isinstance(arg, list) else []
                if len(parts) != 2 or not all(isinstance(part, str) for part in parts):
                    continue
                vpc, attribute = str(parts[0]), str(parts[1])
                if vpc not in vpcs or attribute != "Ipv6CidrBlocks":
                    continue
                if not blocks[vpc]:
                    message = f"{name} reads {vpc}.Ipv6CidrBlocks, but no AWS::EC2::VPCCidrBlock gives {vpc} IPv6"
                elif any(reaches(cfn, name, block) for block in blocks[vpc]):
                    continue
                else:
                    message = (
                        f"{name} reads {vpc}.Ipv6CidrBlocks in {path[3]} with no DependsOn path "
                        f"to {' or '.join(blocks[vpc])}: add DependsOn: {blocks[vpc][0]}"
                    )
                matches.append(RuleMatch(path, message))
        return dedupe(matches)
