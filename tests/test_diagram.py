"""The picture beside each template: drawn from the template itself, so it shows exactly what deploys."""

from __future__ import annotations

import copy
import itertools
import re
from typing import Any

import pytest

from dualstack import SHIPPED, TemplateSpec, TierKind
from dualstack.proofs.evaluate import evaluate, ref_id
from dualstack.render.diagram import condition_text, markdown, mermaid, route_table_rows, routes

from .conftest import LARGEST, TEMPLATES, rendered, spec_id

NODE = re.compile(r"^\s+(\w+)(\[|\(\[|\{\{)\"")


def test_the_default_template_routes_ipv4_to_the_internet_gateway_and_ipv6_out_only() -> None:
    """Written from the pattern itself, not from the code: what the default picture must say."""
    assert route_table_rows(rendered(TemplateSpec())) == [
        ("PublicRouteTable", "0.0.0.0/0", "InternetGateway", "always"),
        ("PublicRouteTable", "::/0", "EgressOnlyInternetGateway", "if PublicIpv6EgressOnly"),
        ("PublicRouteTable", "::/0", "InternetGateway", "if not PublicIpv6EgressOnly"),
    ]


def _choices(spec: TemplateSpec) -> list[dict[str, str]]:
    azs = [{}] if spec.max_azs == 1 else [{"AzCount": str(n)} for n in range(1, spec.max_azs + 1)]
    nat = [{}] if spec.tiers == (TierKind.PUBLIC,) else [{"NatGateways": v} for v in ("None", "Single", "PerAz")]
    routing = [{"PublicIpv6Routing": v} for v in ("EgressOnly", "Bidirectional")]
    return [a | n | r for a, n, r in itertools.product(azs, nat, routing)]


@pytest.mark.parametrize("spec", [*SHIPPED, LARGEST], ids=spec_id)
def test_the_arrows_that_hold_for_a_parameter_set_are_exactly_the_routes_it_deploys(spec: TemplateSpec) -> None:
    """evaluate.py (independent of diagram.py) resolves the template; the picture must agree for every choice."""
    template = rendered(spec)
    for choices in _choices(spec):
        deployment = evaluate(template, choices)
        deployed = {
            (props["RouteTableId"], props.get("DestinationCidrBlock") or props["DestinationIpv6CidrBlock"], target)
            for props in (r["Properties"] for r in deployment.of_type("AWS::EC2::Route").values())
            for key, target in props.items()
            if key.endswith("Id") and key != "RouteTableId"
        }
        drawn = {
            (ref_id(r.table), r.destination, ref_id(r.target))
            for r in routes(template)
            if r.name in deployment.resources and all(deployment.conditions[c] == v for c, v in r.when)
        }
        assert drawn == deployed, choices
        assert deployed, choices


def _nodes(lines: list[str]) -> list[str]:
    return [m.group(1) for line in lines if (m := NODE.match(line))]


@pytest.mark.parametrize("spec", [*SHIPPED, LARGEST], ids=spec_id)
def test_every_subnet_route_table_and_gateway_is_drawn_once_and_every_association_joins_them(
    spec: TemplateSpec,
) -> None:
    template = rendered(spec)
    lines = mermaid(template)
    drawn_types = ("Subnet", "RouteTable", "InternetGateway", "EgressOnlyInternetGateway", "NatGateway")
    expected = [n for n, b in template["Resources"].items() if b["Type"].removeprefix("AWS::EC2::") in drawn_types]
    assert sorted(_nodes(lines)) == sorted(expected)
    for name, body in template["Resources"].items():
        if body["Type"] == "AWS::EC2::SubnetRouteTableAssociation":
            props = body["Properties"]
            link = "-.-" if "Condition" in body else "---"
            assert f"  {props['SubnetId']['Ref']} {link} {props['RouteTableId']['Ref']}" in lines, name


def test_the_picture_follows_the_template_not_a_description_of_it() -> None:
    template = copy.deepcopy(rendered(TemplateSpec()))
    route = template["Resources"]["PublicIpv4DefaultRoute"]["Properties"]
    route["GatewayId"] = {"Ref": "EgressOnlyInternetGateway"}
    template["Resources"]["PublicSubnetA"]["Condition"] = "HasAzC"
    lines = mermaid(template)
    assert '  PublicRouteTable -->|"0.0.0.0/0"| EgressOnlyInternetGateway' in lines
    assert '  PublicRouteTable -->|"0.0.0.0/0"| InternetGateway' not in lines
    assert any(line.startswith("    PublicSubnetA[") and "if HasAzC" in line for line in lines)


def test_conditions_are_spelled_out_from_the_template() -> None:
    conditions: dict[str, Any] = rendered(TemplateSpec())["Conditions"]
    assert condition_text(conditions["PublicIpv6EgressOnly"]) == "`PublicIpv6Routing` = `EgressOnly`"
    assert condition_text(conditions["HasAzC"]) == "`AzCount` = `3`"
    assert condition_text(conditions["HasAzB"]) == "(`AzCount` = `2`) or (`AzCount` = `3`)"


def test_each_shipped_diagram_is_the_one_its_template_gives() -> None:
    for spec in SHIPPED:
        committed = (TEMPLATES / f"{spec.name}.md").read_text(encoding="utf-8")
        assert committed == markdown(rendered(spec), f"{spec.name}.yaml")
        assert committed.count("```mermaid\n") == 1
