"""What the dual-stack rules share: reading references, conditions and a subnet's routes, on cfn-lint's own API.

cfn-lint loads each rule file of ``--append-rules DIR`` by its path; a file whose name starts with an underscore,
like this one, is not taken for a rule. The rules import it as ``dualstack.lint_rules._helpers``, so dualstack must
be installed where cfn-lint runs (``pip install 'dualstack[lint]'``).

Rules that depend on conditions (``Condition`` on a resource, ``Fn::If`` in a property) look at each combination of
condition values that cfn-lint's solver says some parameter set can produce (``cfn.conditions.build_scenarios``),
and never at one that none can; a value under a combination is cfn-lint's ``cfn.get_value_from_scenario``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from typing import Any

import networkx
from cfnlint.rules import RuleMatch

from dualstack.model.names import IPV6_INBOUND_TAG

Path = list[str | int]
Scenario = dict[str, bool]

NAT64_PREFIX = "64:ff9b::/96"


# Reading templates


def properties(resource: dict[str, Any]) -> dict[str, Any]:
    props = resource.get("Properties", {})
    return props if isinstance(props, dict) else {}


def ref_target(value: Any) -> str | None:
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


def walk(value: Any, path: Path) -> Iterator[tuple[Any, Path]]:
    """Every node below ``value``, with its path."""
    yield value, path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, [*path, index])


def reaches(cfn: Any, start: str, goal: str) -> bool:
    """Whether CloudFormation must create ``goal`` before ``start``: a path of DependsOn, Ref, Fn::GetAtt or Fn::Sub
    from one to the other in cfn-lint's graph of the template."""
    graph = getattr(cfn.graph, "graph", None)
    if graph is None or start not in graph or goal not in graph:
        return False
    return bool(networkx.has_path(graph, start, goal))


# Conditions


def if_conditions(value: Any) -> set[str]:
    names = set()
    for node, _ in walk(value, []):
        arg = node.get("Fn::If") if isinstance(node, dict) else None
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            names.add(arg[0])
    return names


def conditions_of(*resources: dict[str, Any]) -> set[str]:
    names = set()
    for resource in resources:
        if isinstance(resource.get("Condition"), str):
            names.add(resource["Condition"])
        names |= if_conditions(resource.get("Properties", {}))
    return names


def scenarios(cfn: Any, names: Iterable[str]) -> Iterator[Scenario]:
    """Every combination of these conditions that some parameter set produces (one empty one if none)."""
    known = set(cfn.template.get("Conditions", {}) or {})
    wanted = {name: {True, False} for name in sorted(set(names) & known)}
    if not wanted:
        yield {}
        return
    yield from cfn.conditions.build_scenarios(wanted)


def resolve(cfn: Any, properties: dict[str, Any], scenario: Scenario) -> dict[str, Any]:
    """``properties`` with each property's ``Fn::If`` decided by ``scenario`` and ``AWS::NoValue`` dropped."""
    if not scenario:
        return properties
    resolved: dict[str, Any] = cfn.get_value_from_scenario(properties, scenario)
    return resolved


def exists(resource: dict[str, Any], scenario: Scenario) -> bool:
    condition = resource.get("Condition")
    return not isinstance(condition, str) or scenario.get(condition, True)


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def branches(value: Any) -> Iterator[Any]:
    """Each value an ``Fn::If`` tree can take, whatever the conditions."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        arg = value["Fn::If"]
        if isinstance(arg, list) and len(arg) == 3:
            yield from branches(arg[1])
            yield from branches(arg[2])
            return
    yield value


# Subnets and their routes


def association_targets(cfn: Any, subnet: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, a)
        for name, a in cfn.get_resources("AWS::EC2::SubnetRouteTableAssociation").items()
        if any(ref_target(b) == subnet for b in branches(properties(a).get("SubnetId")))
    ]


def routes_for_tables(cfn: Any, tables: set[str]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, r)
        for name, r in cfn.get_resources("AWS::EC2::Route").items()
        if any(ref_target(b) in tables for b in branches(properties(r).get("RouteTableId")))
    ]


def same_block(value: Any, block: str) -> bool:
    """Whether ``value`` is the address block ``block``, however it is written (``64:FF9B::0/96``)."""
    try:
        return isinstance(value, str) and ipaddress.ip_network(value, strict=False) == ipaddress.ip_network(block)
    except ValueError:
        return False


def may_overlap(value: Any, block: str) -> bool:
    """Whether a route's destination ``value`` (any ``Fn::If`` branch) can overlap ``block``: true for a value
    that is not a literal address block (a parameter, a function), which only a deploy decides."""
    for branch in branches(value):
        if not isinstance(branch, str):
            return branch is not None
        try:
            network = ipaddress.ip_network(branch, strict=False)
        except ValueError:
            continue
        if network.version == 6 and network.overlaps(ipaddress.ip_network(block)):
            return True
    return False


def may_carry_nat64(route: dict[str, Any]) -> bool:
    """A route whose destination can be the NAT64 prefix: only those decide the NAT64 rules."""
    return may_overlap(properties(route).get("DestinationIpv6CidrBlock"), NAT64_PREFIX)


class SubnetRouting:
    """A subnet, the associations that may give it a route table, and those tables' routes: all of them, or only
    those ``keep`` (a route resource) says can matter to the rule. The conditions of a route that cannot matter would
    only multiply the combinations checked (cfn-lint's solver stops at 128) and repeat each finding."""

    def __init__(self, cfn: Any, subnet: str, keep: Any = None) -> None:
        self.cfn = cfn
        self.associations = association_targets(cfn, subnet)
        tables = {
            t for _, a in self.associations for b in branches(properties(a).get("RouteTableId")) if (t := ref_target(b))
        }
        self.candidates = [(n, r) for n, r in routes_for_tables(cfn, tables) if keep is None or keep(r)]

    def conditions(self) -> set[str]:
        return conditions_of(*(a for _, a in self.associations), *(r for _, r in self.candidates))

    def associated_elsewhere(self, scenario: Scenario) -> bool:
        """Whether the subnet's association in ``scenario`` names a table this template cannot see into (an
        ``Fn::ImportValue``, say): not the same as having no association."""
        for _, association in self.associations:
            if exists(association, scenario):
                table = resolve(self.cfn, properties(association), scenario).get("RouteTableId")
                return table is not None and ref_target(table) is None
        return False

    def table(self, scenario: Scenario) -> str | None:
        for _, association in self.associations:
            if exists(association, scenario):
                return ref_target(resolve(self.cfn, properties(association), scenario).get("RouteTableId"))
        return None

    def routes(self, scenario: Scenario) -> list[tuple[str, dict[str, Any]]]:
        """``(route name, resolved properties)`` of the subnet's route table in ``scenario``."""
        table = self.table(scenario)
        result = []
        for name, route in self.candidates:
            if not exists(route, scenario):
                continue
            props = resolve(self.cfn, properties(route), scenario)
            if ref_target(props.get("RouteTableId")) == table:
                result.append((name, props))
        return result


def marked_for_ipv6_inbound(resource: dict[str, Any]) -> bool:
    """Whether the resource carries the tag that says it is meant to take IPv6 from the internet (``names.py``)."""
    tags = properties(resource).get("Tags")
    return isinstance(tags, list) and any(
        isinstance(tag, dict) and (tag.get("Key"), tag.get("Value")) == IPV6_INBOUND_TAG for tag in tags
    )


def type_of(cfn: Any, name: str | None) -> str | None:
    resource = cfn.get_resources().get(name or "")
    return resource.get("Type") if resource else None


def dedupe(matches: list[RuleMatch]) -> list[RuleMatch]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for match in matches:
        key = ("/".join(map(str, match.path)), match.message)
        if key not in seen:
            seen.add(key)
            unique.append(match)
    return unique


def scenario_text(scenario: Scenario) -> str:
    chosen = [f"{name}={value}" for name, value in sorted(scenario.items())]
    return f" (when {', '.join(chosen)})" if chosen else ""


# The rules


def literal_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def subnets_turned_on(
    cfn: Any, options: Iterable[str], *, skip: Any = None, keep: Any = None
) -> Iterator[tuple[str, SubnetRouting, Scenario, list[str]]]:
    """Each subnet that sets one of the boolean ``options`` (unless ``skip(subnet)``), with its routing, under each
    combination of conditions in which it exists and one of them is true; with the options true there.

    Only the conditions that decide whether the subnet exists and sets the options count, with those of its routes:
    not those of its other properties (its IPv4 address, say), which would repeat each finding."""
    wanted = tuple(options)
    for name, subnet in cfn.get_resources("AWS::EC2::Subnet").items():
        given = [option for option in wanted if option in properties(subnet)]
        if not given or (skip is not None and skip(subnet)):
            continue
        routing = SubnetRouting(cfn, name, keep)
        relevant = {"Condition": subnet.get("Condition"), "Properties": {o: properties(subnet)[o] for o in given}}
        for scenario in scenarios(cfn, conditions_of(relevant) | routing.conditions()):
            if not exists(subnet, scenario):
                continue
            resolved = resolve(cfn, properties(subnet), scenario)
            on = [option for option in given if is_true(resolved.get(option))]
            if on:
                yield name, routing, scenario, on
