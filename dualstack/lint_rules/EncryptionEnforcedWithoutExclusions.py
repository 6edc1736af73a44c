"""A VPC encryption control in enforce mode without the exclusions of the gateways the template attaches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import (
    branches,
    conditions_of,
    exists,
    properties,
    ref_target,
    resolve,
    scenario_text,
    scenarios,
)

#: What each kind of gateway is called, and the exclusion property of ``AWS::EC2::VPCEncryptionControl`` it needs.
GATEWAYS = {
    "InternetGatewayId": ("an Internet Gateway", "InternetGatewayExclusionInput"),
    "VpnGatewayId": ("a virtual private gateway", "VirtualPrivateGatewayExclusionInput"),
    "AWS::EC2::EgressOnlyInternetGateway": (
        "an egress-only Internet Gateway",
        "EgressOnlyInternetGatewayExclusionInput",
    ),
    "AWS::EC2::NatGateway": ("a NAT gateway", "NatGatewayExclusionInput"),
}


def _refs(value: Any) -> set[str]:
    """The logical IDs a property may name, whatever its ``Fn::If`` chooses."""
    return {name for branch in branches(value) if (name := ref_target(branch)) is not None}


def _gateways(cfn: Any) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``(logical ID, resource, GATEWAYS key)`` for each gateway the template may attach to a VPC."""
    for name, attachment in cfn.get_resources("AWS::EC2::VPCGatewayAttachment").items():
        for key in ("InternetGatewayId", "VpnGatewayId"):
            if key in properties(attachment):
                yield name, attachment, key
    for name, gateway in cfn.get_resources("AWS::EC2::EgressOnlyInternetGateway").items():
        yield name, gateway, "AWS::EC2::EgressOnlyInternetGateway"
    for name, gateway in cfn.get_resources("AWS::EC2::NatGateway").items():
        yield name, gateway, "AWS::EC2::NatGateway"


def _vpcs(cfn: Any, props: dict[str, Any]) -> set[str]:
    """The VPCs a gateway's (attachment's) properties may attach it to: its ``VpcId`` (an attachment, an egress-only
    gateway, a regional NAT gateway), or the ``VpcId`` of the subnet in its ``SubnetId`` (a zonal NAT gateway)."""
    subnets = cfn.get_resources("AWS::EC2::Subnet")
    vpcs = _refs(props.get("VpcId"))
    for subnet in _refs(props.get("SubnetId")):
        if subnet in subnets:
            vpcs |= _refs(properties(subnets[subnet]).get("VpcId"))
    return vpcs


class EncryptionEnforcedWithoutExclusions(CloudFormationLintRule):
    """11. Enforce mode that would refuse the template's own gateways."""

    id = "E9611"
    shortdesc = "An enforce-mode VPC encryption control must exclude the gateways the template attaches"
    description = (
        "In enforce mode, VPC Encryption Controls refuse an Internet Gateway, an egress-only Internet Gateway, a NAT "
        "gateway or a virtual private gateway unless its exclusion is enabled: their traffic leaves the VPC, which "
        "cannot encrypt it. An AWS::EC2::VPCEncryptionControl whose Mode can be enforce while the template attaches "
        "such a gateway to the same VPC must set the matching ExclusionInput to enable in that case."
    )
    source_url = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-encryption-controls.html"
    tags = ["dualstack", "encryption"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        gateways = list(_gateways(cfn))
        matches = []
        for name, control in cfn.get_resources("AWS::EC2::VPCEncryptionControl").items():
            if not any(value == "enforce" for value in branches(properties(control).get("Mode"))):
                continue
            vpcs = _refs(properties(control).get("VpcId"))
            missing: set[str] = set()  # one finding per control and exclusion, however many gateways need it
            for gateway, resource, key in gateways:
                what, exclusion = GATEWAYS[key]
                if exclusion in missing or not vpcs & _vpcs(cfn, properties(resource)):
                    continue
                for scenario in scenarios(cfn, conditions_of(control, resource)):
                    if not (exists(control, scenario) and exists(resource, scenario)):
                        continue
                    props = resolve(cfn, properties(control), scenario)
                    if props.get("Mode") != "enforce" or props.get(exclusion) == "enable":
                        continue
                    if not _refs(props.get("VpcId")) & _vpcs(cfn, resolve(cfn, properties(resource), scenario)):
                        continue
                    message = (
                        f"{name} enforces encryption in transit on the VPC that {gateway} gives {what}"
                        f"{scenario_text(scenario)}, without excluding it: set {exclusion} to enable, or creating "
                        "or keeping the gateway is refused"
                    )
                    path = ["Resources", name, "Properties", exclusion if exclusion in properties(control) else "Mode"]
                    matches.append(RuleMatch(path, message))
                    missing.add(exclusion)
                    break
        return matches
