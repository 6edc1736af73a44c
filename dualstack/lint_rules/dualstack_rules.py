"""cfn-lint rules for the dual-stack VPC mistakes that the stock rules let through.

Usable on any template:

    cfn-lint template.yaml --append-rules path/to/dualstack/lint_rules

This file is self-contained (cfn-lint loads each file of an appended directory on
its own), so copying it into another repository's rules directory works too.

Rules that depend on conditions (``Condition`` on a resource, ``Fn::If`` in a
property) look at each combination of condition values that cfn-lint's solver
says some parameter set can produce, and never at one that none can.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

Path = list[str | int]
Scenario = dict[str, bool]

_NO_VALUE = object()
_NAT64_PREFIX = "64:ff9b::/96"


# Reading templates


def _resources(cfn: Any, resource_type: str | None = None) -> dict[str, dict[str, Any]]:
    resources = cfn.template.get("Resources", {})
    if not isinstance(resources, dict):
        return {}
    return {
        name: r
        for name, r in resources.items()
        if isinstance(r, dict) and (resource_type is None or r.get("Type") == resource_type)
    }


def _properties(resource: dict[str, Any]) -> dict[str, Any]:
    props = resource.get("Properties", {})
    return props if isinstance(props, dict) else {}


def _target(value: Any) -> str | None:
    """The logical ID a ``Ref`` or ``Fn::GetAtt`` names (pseudo parameters excluded)."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref" and isinstance(arg, str) and not arg.startswith("AWS::"):
            return arg
        if key == "Fn::GetAtt":
            if isinstance(arg, str):
                return arg.split(".", 1)[0]
            if isinstance(arg, list) and arg and isinstance(arg[0], str):
                return arg[0]
    return None


def _walk(value: Any, path: Path) -> Iterator[tuple[Any, Path]]:
    """Every node below ``value``, with its path."""
    yield value, path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, [*path, index])


def _references(value: Any) -> set[str]:
    """Names a value refers to through ``Ref``, ``Fn::GetAtt`` or ``Fn::Sub``."""
    names = set()
    for node, _ in _walk(value, []):
        target = _target(node)
        if target is not None:
            names.add(target)
        if isinstance(node, dict) and "Fn::Sub" in node:
            text = node["Fn::Sub"][0] if isinstance(node["Fn::Sub"], list) else node["Fn::Sub"]
            if isinstance(text, str):
                for piece in text.split("${")[1:]:
                    name = piece.split("}", 1)[0].split(".", 1)[0]
                    if name and not name.startswith(("AWS::", "!")):
                        names.add(name)
    return names


def _depends_on(resource: dict[str, Any]) -> set[str]:
    value = resource.get("DependsOn", [])
    return {value} if isinstance(value, str) else {v for v in value if isinstance(v, str)}


class _Dependencies:
    """Which resources CloudFormation must create before which (DependsOn, Ref, GetAtt, Sub)."""

    def __init__(self, cfn: Any) -> None:
        resources = _resources(cfn)
        self.edges = {
            name: (_depends_on(r) | _references(r.get("Properties", {}))) & set(resources)
            for name, r in resources.items()
        }

    def reaches(self, start: str, goal: str) -> bool:
        seen, stack = {start}, [start]
        while stack:
            for nxt in self.edges.get(stack.pop(), ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False


# Conditions


def _if_conditions(value: Any) -> set[str]:
    names = set()
    for node, _ in _walk(value, []):
        arg = node.get("Fn::If") if isinstance(node, dict) else None
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            names.add(arg[0])
    return names


def _conditions_of(*resources: dict[str, Any]) -> set[str]:
    names = set()
    for resource in resources:
        if isinstance(resource.get("Condition"), str):
            names.add(resource["Condition"])
        names |= _if_conditions(resource.get("Properties", {}))
    return names


def _scenarios(cfn: Any, names: Iterable[str]) -> Iterator[Scenario]:
    """Every combination of these conditions that some parameter set produces (one empty one if none)."""
    known = set(cfn.template.get("Conditions", {}) or {})
    wanted = {name: {True, False} for name in sorted(set(names) & known)}
    if not wanted:
        yield {}
        return
    yield from cfn.conditions.build_scenarios(wanted)


def _resolve(value: Any, scenario: Scenario) -> Any:
    """``value`` with every ``Fn::If`` decided by ``scenario`` and ``AWS::NoValue`` dropped."""
    if isinstance(value, dict):
        if len(value) == 1 and "Fn::If" in value:
            arg = value["Fn::If"]
            if isinstance(arg, list) and len(arg) == 3 and arg[0] in scenario:
                return _resolve(arg[1] if scenario[arg[0]] else arg[2], scenario)
        if value == {"Ref": "AWS::NoValue"}:
            return _NO_VALUE
        resolved = {k: _resolve(v, scenario) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not _NO_VALUE}
    if isinstance(value, list):
        return [v for v in (_resolve(item, scenario) for item in value) if v is not _NO_VALUE]
    return value


def _exists(resource: dict[str, Any], scenario: Scenario) -> bool:
    condition = resource.get("Condition")
    return not isinstance(condition, str) or scenario.get(condition, True)


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _branches(value: Any) -> Iterator[Any]:
    """Each value an ``Fn::If`` tree can take, whatever the conditions."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        arg = value["Fn::If"]
        if isinstance(arg, list) and len(arg) == 3:
            yield from _branches(arg[1])
            yield from _branches(arg[2])
            return
    yield value


# Subnets and their routes


def _association_targets(cfn: Any, subnet: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, a)
        for name, a in _resources(cfn, "AWS::EC2::SubnetRouteTableAssociation").items()
        if any(_target(b) == subnet for b in _branches(_properties(a).get("SubnetId")))
    ]


def _routes_for_tables(cfn: Any, tables: set[str]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, r)
        for name, r in _resources(cfn, "AWS::EC2::Route").items()
        if any(_target(b) in tables for b in _branches(_properties(r).get("RouteTableId")))
    ]


class _SubnetRouting:
    """A subnet, the associations that may give it a route table, and those tables' routes."""

    def __init__(self, cfn: Any, subnet: str) -> None:
        self.associations = _association_targets(cfn, subnet)
        tables = {
            t for _, a in self.associations for b in _branches(_properties(a).get("RouteTableId")) if (t := _target(b))
        }
        self.candidates = _routes_for_tables(cfn, tables)

    def conditions(self) -> set[str]:
        return _conditions_of(*(a for _, a in self.associations), *(r for _, r in self.candidates))

    def table(self, scenario: Scenario) -> str | None:
        for _, association in self.associations:
            if _exists(association, scenario):
                return _target(_resolve(_properties(association).get("RouteTableId"), scenario))
        return None

    def routes(self, scenario: Scenario) -> list[tuple[str, dict[str, Any]]]:
        """``(route name, resolved properties)`` of the subnet's route table in ``scenario``."""
        table = self.table(scenario)
        result = []
        for name, route in self.candidates:
            if not _exists(route, scenario):
                continue
            props = _resolve(_properties(route), scenario)
            if _target(props.get("RouteTableId")) == table:
                result.append((name, props))
        return result


def _type_of(cfn: Any, name: str | None) -> str | None:
    resource = _resources(cfn).get(name or "")
    return resource.get("Type") if resource else None


def _dedupe(matches: list[RuleMatch]) -> list[RuleMatch]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for match in matches:
        key = ("/".join(map(str, match.path)), match.message)
        if key not in seen:
            seen.add(key)
            unique.append(match)
    return unique


def _scenario_text(scenario: Scenario) -> str:
    chosen = [f"{name}={value}" for name, value in sorted(scenario.items())]
    return f" (when {', '.join(chosen)})" if chosen else ""


# The rules


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
        vpcs = set(_resources(cfn, "AWS::EC2::VPC"))
        blocks: dict[str, list[str]] = {vpc: [] for vpc in vpcs}
        for name, block in _resources(cfn, "AWS::EC2::VPCCidrBlock").items():
            props = _properties(block)
            ipv6 = {"AmazonProvidedIpv6CidrBlock", "Ipv6CidrBlock", "Ipv6IpamPoolId", "Ipv6Pool"} & set(props)
            vpc = _target(props.get("VpcId"))
            if ipv6 and vpc in blocks:
                blocks[vpc].append(name)
        deps = _Dependencies(cfn)
        matches = []
        for name, resource in _resources(cfn).items():
            for node, path in _walk(resource.get("Properties", {}), ["Resources", name, "Properties"]):
                if not (isinstance(node, dict) and "Fn::GetAtt" in node and len(node) == 1):
                    continue
                arg = node["Fn::GetAtt"]
                vpc, attribute = arg.split(".", 1) if isinstance(arg, str) else [*arg, None, None][:2]
                if vpc not in vpcs or attribute != "Ipv6CidrBlocks":
                    continue
                if not blocks[vpc]:
                    message = f"{name} reads {vpc}.Ipv6CidrBlocks, but no AWS::EC2::VPCCidrBlock gives {vpc} IPv6"
                elif any(deps.reaches(name, block) for block in blocks[vpc]):
                    continue
                else:
                    message = (
                        f"{name} reads {vpc}.Ipv6CidrBlocks in {path[3]} with no DependsOn path "
                        f"to {' or '.join(blocks[vpc])}: add DependsOn: {blocks[vpc][0]}"
                    )
                matches.append(RuleMatch(path, message))
        return _dedupe(matches)


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
        gateways = set(_resources(cfn, "AWS::EC2::InternetGateway"))
        attachments: dict[str, list[str]] = {g: [] for g in gateways}
        for name, attachment in _resources(cfn, "AWS::EC2::VPCGatewayAttachment").items():
            gateway = _target(_properties(attachment).get("InternetGatewayId"))
            if gateway in attachments:
                attachments[gateway].append(name)
        deps = _Dependencies(cfn)
        matches = []
        for name, route in _resources(cfn, "AWS::EC2::Route").items():
            for branch in _branches(_properties(route).get("GatewayId")):
                gateway = _target(branch)
                if gateway not in gateways or any(deps.reaches(name, a) for a in attachments[gateway]):
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
        return _dedupe(matches)


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
        for name, subnet in _resources(cfn, "AWS::EC2::Subnet").items():
            if "EnableDns64" not in _properties(subnet):
                continue
            routing = _SubnetRouting(cfn, name)
            for scenario in _scenarios(cfn, _conditions_of(subnet) | routing.conditions()):
                if not _exists(subnet, scenario):
                    continue
                if not _is_true(_resolve(_properties(subnet), scenario).get("EnableDns64")):
                    continue
                table = routing.table(scenario)
                nat64 = [
                    route
                    for route, props in routing.routes(scenario)
                    if props.get("DestinationIpv6CidrBlock") == _NAT64_PREFIX and "NatGatewayId" in props
                ]
                if nat64:
                    continue
                where = f"its route table {table} has" if table else "it has no route table association, so"
                message = (
                    f"{name} enables DNS64 but {where} no {_NAT64_PREFIX} route to a NAT gateway"
                    f"{_scenario_text(scenario)}: IPv4-only destinations are unreachable"
                )
                matches.append(RuleMatch(["Resources", name, "Properties", "EnableDns64"], message))
        return _dedupe(matches)


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
        for name, route in _resources(cfn, "AWS::EC2::Route").items():
            props = _properties(route)
            for prop, wrong, right in (
                ("GatewayId", "AWS::EC2::EgressOnlyInternetGateway", "EgressOnlyInternetGatewayId"),
                ("EgressOnlyInternetGatewayId", "AWS::EC2::InternetGateway", "GatewayId"),
            ):
                for branch in _branches(props.get(prop)):
                    target = _target(branch)
                    if _type_of(cfn, target) == wrong:
                        message = f"{name} gives {wrong} {target} as {prop}; use {right}"
                        matches.append(RuleMatch(["Resources", name, "Properties", prop], message))
            if "EgressOnlyInternetGatewayId" in props and "DestinationCidrBlock" in props:
                message = (
                    f"{name} sends the IPv4 destination DestinationCidrBlock to an egress-only gateway, "
                    "which carries IPv6 only"
                )
                matches.append(RuleMatch(["Resources", name, "Properties", "DestinationCidrBlock"], message))
        return _dedupe(matches)


def _literal_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


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
        sections = {"Resources": _resources(cfn), "Outputs": cfn.template.get("Outputs", {}) or {}}
        for section, items in sections.items():
            for node, path in _walk(items, [section]):
                if not (isinstance(node, dict) and len(node) == 1 and isinstance(node.get("Fn::Select"), list)):
                    continue
                arg = node["Fn::Select"]
                if len(arg) != 2 or not isinstance(arg[1], dict) or "Fn::Cidr" not in arg[1]:
                    continue
                index, cidr = _literal_int(arg[0]), arg[1]["Fn::Cidr"]
                count = _literal_int(cidr[1]) if isinstance(cidr, list) and len(cidr) == 3 else None
                if index is not None and count is not None and index >= count:
                    message = f"Fn::Select index {index} is not below the Fn::Cidr count {count} it selects from"
                    matches.append(RuleMatch([*path, "Fn::Select", 0], message))
        for name, subnet in _resources(cfn, "AWS::EC2::Subnet").items():
            base: Path = ["Resources", name, "Properties", "Ipv6CidrBlock"]
            for node, path in _walk(_properties(subnet).get("Ipv6CidrBlock"), base):
                if isinstance(node, dict) and isinstance(node.get("Fn::Cidr"), list) and len(node["Fn::Cidr"]) == 3:
                    bits = _literal_int(node["Fn::Cidr"][2])
                    if bits is not None and bits != 64:
                        message = (
                            f"{name}'s Ipv6CidrBlock uses Fn::Cidr cidrBits {bits}, giving /{128 - bits}; "
                            "IPv6 subnets are /64s (cidrBits 64)"
                        )
                        matches.append(RuleMatch([*path, "Fn::Cidr", 2], message))
        return _dedupe(matches)


class ThirdZoneWithoutCondition(CloudFormationLintRule):
    """6. A third (or later) Availability Zone used unconditionally."""

    id = "W9606"
    shortdesc = "Fn::Select on Fn::GetAZs at index 2 or more should be conditional"
    description = (
        "Some regions (and some accounts in others) have only two Availability Zones; a resource that always "
        "selects the third or a later one makes the stack fail there. Put it under a condition."
    )
    source_url = "https://github.com/aws-samples/1click-hpc/issues/1"
    tags = ["dualstack", "availability-zones"]

    def _unguarded(self, value: Any, path: Path) -> Iterator[tuple[Any, Path]]:
        """Nodes not inside any Fn::If branch."""
        if isinstance(value, dict):
            if "Fn::If" in value:
                return
            yield value, path
            for key, item in value.items():
                yield from self._unguarded(item, [*path, key])
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from self._unguarded(item, [*path, index])

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for name, resource in _resources(cfn).items():
            if "Condition" in resource:
                continue
            for node, path in self._unguarded(resource.get("Properties", {}), ["Resources", name, "Properties"]):
                arg = node.get("Fn::Select")
                if not (
                    isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict) and "Fn::GetAZs" in arg[1]
                ):
                    continue
                index = _literal_int(arg[0])
                if index is not None and index >= 2:
                    message = (
                        f"{name} always uses Availability Zone index {index}: the stack fails where a region or "
                        "account has only two zones; give the resource a condition"
                    )
                    matches.append(RuleMatch([*path, "Fn::Select", 0], message))
        return _dedupe(matches)


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
            _target(_properties(block).get("SubnetId"))
            for block in _resources(cfn, "AWS::EC2::SubnetCidrBlock").values()
            if {"Ipv6CidrBlock", "Ipv6IpamPoolId"} & set(_properties(block))
        }
        matches = []
        for name, subnet in _resources(cfn, "AWS::EC2::Subnet").items():
            if name in added_later:
                continue
            for scenario in _scenarios(cfn, _conditions_of(subnet)):
                props = _resolve(_properties(subnet), scenario)
                if "Ipv6CidrBlock" in props or "Ipv6IpamPoolId" in props:
                    continue
                for option in ("AssignIpv6AddressOnCreation", "Ipv6Native", "EnableDns64"):
                    if _is_true(props.get(option)):
                        message = f"{name} sets {option} but has no Ipv6CidrBlock{_scenario_text(scenario)}"
                        matches.append(RuleMatch(["Resources", name, "Properties", option], message))
        return _dedupe(matches)


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
        for name, subnet in _resources(cfn, "AWS::EC2::Subnet").items():
            if "MapPublicIpOnLaunch" not in _properties(subnet):
                continue
            routing = _SubnetRouting(cfn, name)
            # Only the conditions that decide whether the subnet exists and maps public IPv4, not those of its
            # other properties (its address, say), which would repeat each finding.
            relevant = {
                "Condition": subnet.get("Condition"),
                "Properties": {"MapPublicIpOnLaunch": _properties(subnet)["MapPublicIpOnLaunch"]},
            }
            for scenario in _scenarios(cfn, _conditions_of(relevant) | routing.conditions()):
                if not _exists(subnet, scenario):
                    continue
                if not _is_true(_resolve(_properties(subnet), scenario).get("MapPublicIpOnLaunch")):
                    continue
                for route, props in routing.routes(scenario):
                    target = _target(props.get("GatewayId"))
                    destination = props.get("DestinationIpv6CidrBlock")
                    if not isinstance(destination, str) or _type_of(cfn, target) != "AWS::EC2::InternetGateway":
                        continue
                    if ipaddress.ip_network(destination, strict=False).prefixlen != 0:
                        continue
                    message = (
                        f"{name} maps public IPv4 on launch and {route} sends ::/0 to {target}"
                        f"{_scenario_text(scenario)}: its instances' IPv6 addresses are reachable from the internet "
                        "unless their security groups hold; an egress-only gateway allows only outbound IPv6"
                    )
                    matches.append(RuleMatch(["Resources", name, "Properties", "MapPublicIpOnLaunch"], message))
        return _dedupe(matches)
