"""A picture of a template: its subnets, route tables, routes and gateways, as Mermaid in Markdown.

Everything is read from the rendered template (``render.document``), never from a description of it, so the
picture cannot drift from what CloudFormation deploys: a subnet is drawn because the template has an
``AWS::EC2::Subnet``, an arrow because it has an ``AWS::EC2::Route``. Where a resource exists, or a route goes, only
under a condition, the picture says which (``if HasAzB``, ``if not PublicIpv6EgressOnly``) and draws it dashed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

SUBNET = "AWS::EC2::Subnet"
ROUTE_TABLE = "AWS::EC2::RouteTable"
ROUTE = "AWS::EC2::Route"
ASSOCIATION = "AWS::EC2::SubnetRouteTableAssociation"
#: Resources a route can send traffic to, and how each is drawn.
GATEWAYS = {
    "AWS::EC2::InternetGateway": "Internet Gateway",
    "AWS::EC2::EgressOnlyInternetGateway": "Egress-only Internet Gateway",
    "AWS::EC2::NatGateway": "NAT gateway",
}
DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")

#: A choice of condition values: ``(("HasAzB", True), ("NatGatewayPerAz", False))``.
When = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Route:
    """One arrow: traffic for ``destination`` in ``table`` goes to ``target`` when ``when`` holds."""

    name: str
    table: str
    destination: str
    target: str
    when: When


def _branches(value: Any, when: When = ()) -> Iterator[tuple[When, Any]]:
    """Each value ``value`` can take, with the condition values that choose it (``Fn::If`` expanded)."""
    if isinstance(value, Mapping) and list(value) == ["Fn::If"]:
        condition, if_true, if_false = value["Fn::If"]
        yield from _branches(if_true, (*when, (condition, True)))
        yield from _branches(if_false, (*when, (condition, False)))
    else:
        yield when, value


def _ref(value: Any) -> str | None:
    if isinstance(value, Mapping) and list(value) == ["Ref"] and value["Ref"] != "AWS::NoValue":
        return str(value["Ref"])
    return None


def _resource_when(body: Mapping[str, Any]) -> When:
    return ((body["Condition"], True),) if "Condition" in body else ()


def routes(template: Mapping[str, Any]) -> list[Route]:
    """Every route of ``template``, one per target it can take, in the template's order."""
    resources = template.get("Resources", {})
    found = []
    for name, body in resources.items():
        if body["Type"] != ROUTE:
            continue
        props = body.get("Properties", {})
        table = _ref(props.get("RouteTableId"))
        destination = next((props[k] for k in DESTINATIONS if k in props), None)
        if table is None or not isinstance(destination, str):
            continue
        for key, value in props.items():
            if key == "RouteTableId" or not key.endswith("Id"):
                continue
            for when, leaf in _branches(value, _resource_when(body)):
                target = _ref(leaf)
                if target is not None:
                    found.append(Route(name, table, destination, target, when))
    return found


def _when_text(when: When) -> str:
    """``if HasAzB and not NatGatewayPerAz``; empty when ``when`` asks nothing."""
    return "if " + " and ".join(c if value else f"not {c}" for c, value in when) if when else ""


def _label(*lines: str) -> str:
    return '"' + "<br/>".join(line.replace('"', "#quot;") for line in lines if line) + '"'


def _subnet_lines(props: Mapping[str, Any]) -> list[str]:
    az = props.get("AvailabilityZone")
    lines = []
    if isinstance(az, Mapping) and list(az) == ["Fn::Select"]:
        lines.append(f"AZ {az['Fn::Select'][0]} of the region's")
    families = []
    if "CidrBlock" in props:
        families.append("IPv4")
    if "Ipv6CidrBlock" in props:
        families.append("IPv6 /64")
    lines.append(" + ".join(families) + (" (IPv6-only)" if props.get("Ipv6Native") is True else ""))
    for when, value in _branches(props.get("MapPublicIpOnLaunch")):
        if value is True:
            lines.append(" ".join(filter(None, ("public IPv4 on launch", _when_text(when)))))
    return lines


def mermaid(template: Mapping[str, Any]) -> list[str]:
    """The flowchart of ``template``'s subnets, route tables, routes and gateways."""
    resources: Mapping[str, Any] = template.get("Resources", {})
    lines = ["flowchart LR"]

    def node(name: str, text: list[str], shape: tuple[str, str]) -> str:
        body = resources[name]
        label = _label(name, *text, _when_text(_resource_when(body)))
        return f"  {name}{shape[0]}{label}{shape[1]}"

    vpcs = [n for n, b in resources.items() if b["Type"] == "AWS::EC2::VPC"]
    for vpc in vpcs:
        lines.append(f'  subgraph {vpc}["{vpc}"]')
        for name, body in resources.items():
            props = body.get("Properties", {})
            if body["Type"] == SUBNET and _ref(props.get("VpcId")) == vpc:
                lines.append("  " + node(name, _subnet_lines(props), ("[", "]")))
        for name, body in resources.items():
            props = body.get("Properties", {})
            if body["Type"] == ROUTE_TABLE and _ref(props.get("VpcId")) == vpc:
                lines.append("  " + node(name, ["route table"], ("([", "])")))
        lines.append("  end")
    for name, body in resources.items():
        if body["Type"] in GATEWAYS:
            lines.append(node(name, [GATEWAYS[body["Type"]]], ("{{", "}}")))
    for name, body in resources.items():
        props = body.get("Properties", {})
        if body["Type"] == ASSOCIATION:
            subnet, table = _ref(props.get("SubnetId")), _ref(props.get("RouteTableId"))
            if subnet and table:
                lines.append(f"  {subnet} {'-.-' if 'Condition' in body else '---'} {table}")
        elif body["Type"] == "AWS::EC2::NatGateway" and (subnet := _ref(props.get("SubnetId"))):
            lines.append(f'  {name} -.-|"in"| {subnet}')
    for route in routes(template):
        label = _label(route.destination, _when_text(route.when))
        arrow = "-.->" if route.when else "-->"
        lines.append(f"  {route.table} {arrow}|{label}| {route.target}")
    return lines


def route_table_rows(template: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """``(route table, destination, target, when)`` for every route: the picture as text."""
    return [(r.table, r.destination, r.target, _when_text(r.when) or "always") for r in routes(template)]


def condition_text(expression: Any) -> str:
    """A condition of the template in words: ``AzCount = 3 or AzCount = 2``."""
    if isinstance(expression, Mapping) and len(expression) == 1:
        ((function, argument),) = expression.items()
        if function == "Fn::Equals":
            left, right = (f"`{_ref(a)}`" if _ref(a) else f"`{a}`" for a in argument)
            return f"{left} = {right}"
        if function == "Fn::Not":
            return f"not ({condition_text(argument[0])})"
        if function in ("Fn::And", "Fn::Or"):
            joiner = " and " if function == "Fn::And" else " or "
            return joiner.join(f"({condition_text(a)})" for a in argument)
        if function == "Condition":
            return f"`{argument}`"
    return f"`{expression}`"


def _conditions_used(template: Mapping[str, Any]) -> list[str]:
    used: dict[str, None] = {}
    for body in template.get("Resources", {}).values():
        if body["Type"] in (SUBNET, ROUTE_TABLE, ASSOCIATION, *GATEWAYS) and "Condition" in body:
            used[body["Condition"]] = None
    for route in routes(template):
        used.update((c, None) for c, _ in route.when)
    return [c for c in template.get("Conditions", {}) if c in used]


def markdown(template: Mapping[str, Any], source: str) -> str:
    """The Markdown file shipped beside ``source`` (a template file name)."""
    rows = "\n".join(f"| `{t}` | `{d}` | `{g}` | {w} |" for t, d, g, w in route_table_rows(template))
    conditions = "".join(
        f"- `{name}`: {condition_text(template['Conditions'][name])}\n" for name in _conditions_used(template)
    )
    return (
        f"# {source}: subnets, route tables and gateways\n"
        "\n"
        f"Generated from `{source}` by `generate.py` (`dualstack/render/diagram.py`); `make check` fails when it is "
        "stale.\n"
        "Dashed: a resource or route that exists only when the condition named holds (the conditions are in the\n"
        "template's `Conditions`, set by its parameters). An AZ number is the index into the region's zones.\n"
        "\n"
        "```mermaid\n" + "\n".join(mermaid(template)) + "\n```\n"
        "\n"
        "| route table | destination | target | when |\n"
        "| --- | --- | --- | --- |\n" + rows + "\n"
        "\n"
        "Conditions, from the template's parameters:\n"
        "\n" + conditions
    )
