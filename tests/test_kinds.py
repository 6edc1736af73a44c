"""The table of tier kinds: its rows against facts written out by hand, and everything that must agree with it."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from dualstack import TemplateSpec, build_template
from dualstack.commands.generate import _parser
from dualstack.model import kinds, names
from dualstack.model.kinds import (
    IPV4_DEFAULT,
    IPV6_DEFAULT,
    KINDS,
    NAT64_PREFIX,
    NAT_GATEWAYS,
    PUBLIC_IPV6_ROUTING,
    ROUTE_TARGET_PROPERTY,
    Route,
    Target,
    TierKind,
    always,
    by_choice,
)
from dualstack.model.spec import SpecError, parse_tiers
from dualstack.proofs.evaluate import evaluate
from dualstack.render.text import render

from .conftest import ROOT, RULES_DIR, az_params, lint
from .test_layers import _imports
from .test_tiers import generic_routing_problems

IGW, EIGW, NAT = Target.INTERNET_GATEWAY, Target.EGRESS_ONLY_INTERNET_GATEWAY, Target.NAT_GATEWAY
RNAT = Target.REGIONAL_NAT_GATEWAY
ZONAL: dict[str, Target | None] = {"None": None, "Single": NAT, "PerAz": NAT}

# Written out by hand, in subnet-slot order: a wrong row of the table fails here.
ROWS = {
    # name: (prefix, has IPv4, maps public IPv4, shared route table)
    "public": ("Public", True, True, True),
    "private": ("Private", True, False, False),
    "ipv6only": ("Ipv6Only", False, False, False),
    "isolated": ("Isolated", True, False, True),
    "edge": ("Edge", True, False, True),
}

#: The word of each route in its logical ID (PrivateIpv4DefaultRouteB): released names, never to change.
ROUTE_NAMES = {
    "public": {IPV4_DEFAULT: "Ipv4DefaultRoute", IPV6_DEFAULT: "Ipv6DefaultRoute"},
    "private": {IPV4_DEFAULT: "Ipv4DefaultRoute", IPV6_DEFAULT: "Ipv6DefaultRoute"},
    "ipv6only": {NAT64_PREFIX: "Nat64Route", IPV6_DEFAULT: "Ipv6DefaultRoute"},
    "isolated": {},
    "edge": {IPV4_DEFAULT: "Ipv4DefaultRoute", IPV6_DEFAULT: "Ipv6DefaultRoute"},
}


def routes_by_hand(name: str, nat: str, routing: str) -> dict[str, Target]:
    """Where each kind's routes go for one parameter set."""
    via_nat = {"None": None, "Single": NAT, "PerAz": NAT, "Regional": RNAT}[nat]
    # NAT64 through a regional NAT gateway is not documented: no NAT64 route under Regional.
    nat64 = {"None": None, "Single": NAT, "PerAz": NAT, "Regional": None}[nat]
    if name == "public":
        return {IPV4_DEFAULT: IGW, IPV6_DEFAULT: EIGW if routing == "EgressOnly" else IGW}
    if name == "private":
        return {IPV6_DEFAULT: EIGW} | ({IPV4_DEFAULT: via_nat} if via_nat else {})
    if name == "ipv6only":
        return {IPV6_DEFAULT: EIGW} | ({NAT64_PREFIX: nat64} if nat64 else {})
    if name == "edge":
        return {IPV4_DEFAULT: IGW, IPV6_DEFAULT: IGW}
    return {}


# The rows are read through kinds._declare(), the function that declares them, so that make mutate (which
# mutates function bodies only) reaches them.


def test_the_table_holds_the_five_kinds_in_subnet_slot_order_with_their_facts() -> None:
    table = kinds._declare()
    assert [kind.name for kind in table] == list(ROWS)
    for kind in table:
        assert (kind.prefix, kind.has_ipv4, kind.maps_public_ipv4, kind.shared_route_table) == ROWS[kind.name]
        assert {route.destination: route.name for route in kind.routes} == ROUTE_NAMES[kind.name]
    assert (TierKind.PUBLIC, TierKind.PRIVATE, TierKind.IPV6ONLY, TierKind.ISOLATED, TierKind.EDGE) == KINDS
    # Only the edge tier is meant to take IPv6 from the internet.
    assert [kind.name for kind in table if kind.takes_ipv6_inbound] == ["edge"]


@pytest.mark.parametrize(("nat", "routing"), list(itertools.product(NAT_GATEWAYS.values, PUBLIC_IPV6_ROUTING.values)))
def test_each_kind_routes_where_the_hand_written_table_says_for_every_choice(nat: str, routing: str) -> None:
    choices = {"NatGateways": nat, "PublicIpv6Routing": routing}
    for kind in kinds._declare():
        assert kind.expected_routes(choices) == routes_by_hand(kind.name, nat, routing), kind.name
        assert kind.dns64(choices) is (kind.name == "ipv6only" and nat in ("Single", "PerAz")), kind.name
        assert kind.uses_nat() is (kind.name in ("private", "ipv6only")), kind.name


def test_missing_choices_take_the_parameter_defaults() -> None:
    assert TierKind.PUBLIC.expected_routes({}) == {IPV4_DEFAULT: IGW, IPV6_DEFAULT: EIGW}
    assert TierKind.PRIVATE.expected_routes({}) == {IPV6_DEFAULT: EIGW}
    assert not TierKind.IPV6ONLY.dns64({})
    assert PUBLIC_IPV6_ROUTING.default() == "EgressOnly"
    assert NAT_GATEWAYS.default() == "None"


def test_a_parameter_value_outside_the_choice_is_refused_not_read_as_no_route() -> None:
    with pytest.raises(ValueError, match=r"^PublicIpv6Routing='Both' is not one of EgressOnly, Bidirectional$"):
        TierKind.PUBLIC.expected_routes({"PublicIpv6Routing": "Both"})
    with pytest.raises(ValueError, match=r"^NatGateways='none' is not one of None, Single, PerAz, Regional$"):
        TierKind.PRIVATE.expected_routes({"NatGateways": "none"})


def test_nat_gateway_of_an_az_is_its_own_with_per_az_and_the_first_otherwise() -> None:
    assert [kinds.nat_gateway_az({"NatGateways": "PerAz"}, az) for az in range(3)] == [0, 1, 2]
    assert [kinds.nat_gateway_az({"NatGateways": "Single"}, az) for az in range(3)] == [0, 0, 0]
    assert [Target.NAT_GATEWAY.logical_id(az) for az in range(3)] == ["NatGatewayA", "NatGatewayB", "NatGatewayC"]
    assert Target.REGIONAL_NAT_GATEWAY.logical_id(2) == "RegionalNatGateway"
    assert Target.INTERNET_GATEWAY.logical_id(2) == "InternetGateway"
    assert Target.EGRESS_ONLY_INTERNET_GATEWAY.logical_id(1) == "EgressOnlyInternetGateway"


def test_route_target_properties_are_properties_of_aws_ec2_route() -> None:
    assert ROUTE_TARGET_PROPERTY == {
        IGW: "GatewayId",
        EIGW: "EgressOnlyInternetGatewayId",
        NAT: "NatGatewayId",
        RNAT: "NatGatewayId",
    }
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", "AWS::EC2::Route").schema
    assert set(ROUTE_TARGET_PROPERTY.values()) <= set(schema["properties"])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Route("R", IPV6_DEFAULT, ((None, IGW),), PUBLIC_IPV6_ROUTING), "give a target for each of"),
        (lambda: by_choice("R", IPV6_DEFAULT, NAT_GATEWAYS, dict.fromkeys(NAT_GATEWAYS.values)), "never exists"),
        (lambda: always("R", IPV4_DEFAULT, NAT), "only through the NatGateways choice"),
        (lambda: by_choice("R", IPV6_DEFAULT, NAT_GATEWAYS, {**ZONAL, "Regional": None}), "NAT64"),
        (lambda: by_choice("R", NAT64_PREFIX, NAT_GATEWAYS, {**ZONAL, "Regional": RNAT}), "regional NAT gateway"),
        (lambda: always("R", IPV4_DEFAULT, RNAT), "only through the NatGateways choice"),
        (lambda: always("R", IPV4_DEFAULT, EIGW), "carries only IPv6"),
        (lambda: _kind(prefix="public"), "capitalised word"),
        (lambda: _kind(routes=TierKind.PRIVATE.routes), "route table per AZ"),
        (lambda: _kind(has_ipv4=False, maps_public_ipv4=True), "needs an IPv4 block"),
        (lambda: _kind(routes=(always("A", IPV6_DEFAULT, EIGW), always("B", IPV6_DEFAULT, IGW))), "one route"),
        (lambda: _kind(has_ipv4=False, routes=(always("A", IPV4_DEFAULT, IGW),)), "IPv4 route in a tier without"),
        (lambda: _kind(takes_ipv6_inbound=True), "takes IPv6 inbound exactly when ::/0 always goes to the Internet"),
        (lambda: _kind(routes=(always("A", IPV6_DEFAULT, IGW),)), "takes IPv6 inbound exactly when"),
        (
            lambda: _kind(routes=(always("A", IPV4_DEFAULT, IGW),), hosts_interface_endpoints=True),
            "interface endpoints belong in tiers with no route to the Internet Gateway",
        ),
    ],
)
def test_a_kind_that_cannot_be_built_is_refused_when_declared(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def _kind(**changes: Any) -> TierKind:
    fields: dict[str, Any] = {
        "name": "egress6",
        "prefix": "Egress6",
        "has_ipv4": True,
        "maps_public_ipv4": False,
        "shared_route_table": True,
        "routes": (),
    }
    return TierKind(**(fields | changes))


# Everything else that names kinds reads the table.


def test_logical_id_prefixes_come_from_the_table() -> None:
    assert [names.tier_prefix(kind) for kind in KINDS] == ["Public", "Private", "Ipv6Only", "Isolated", "Edge"]
    assert names.tier_resource(TierKind.PRIVATE, "Ipv4DefaultRoute", 1) == "PrivateIpv4DefaultRouteB"


def test_the_command_line_offers_the_kinds_of_the_table_in_order() -> None:
    text = " ".join(_parser("generate.py").format_help().split())
    assert "subnet tiers, comma-separated, from public,private,ipv6only,isolated,edge (default: public)" in text
    assert parse_tiers("isolated,public") == (TierKind.PUBLIC, TierKind.ISOLATED)


def test_the_table_imports_nothing_of_the_package_nor_troposphere_and_verify_reads_only_the_table() -> None:
    # tests/test_layers.py holds every module to its layer; these two hold to more.
    table = _imports(ROOT / "dualstack" / "model" / "kinds.py")
    assert all(not name.startswith(("dualstack", "troposphere", "boto", "awacs")) for name in table), table
    checks = _imports(ROOT / "dualstack" / "proofs" / "verify.py")
    ours = {name for name in checks if name.startswith("dualstack")}
    assert "dualstack.model.kinds" in ours
    # The choices' values too (model/choices.py), stated once for the builders and the checks alike.
    allowed = ("dualstack.model.kinds", "dualstack.model.choices")
    assert all(name.startswith(allowed) or name == "dualstack.model" for name in ours), ours


# docs/routing.md's table states each kind's row in words.

WORDS = {IGW: "Internet Gateway", EIGW: "egress-only gateway", NAT: "NAT gateway", RNAT: "regional NAT gateway"}


def _readme_rows() -> dict[str, list[str]]:
    text = (ROOT / "docs" / "routing.md").read_text(encoding="utf-8")
    section = "\n".join(line for line in text.splitlines() if line.startswith("|"))
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in section.splitlines()]
    assert rows[0] == ["tier", "IPv4 out", "IPv4 in from the internet", "IPv6 out", "IPv6 in from the internet"]
    return {row[0]: row[1:] for row in rows[2:]}


def _states(cell: str, route: Route | None) -> None:
    if route is None:
        assert cell.startswith(("none", "no IPv4")), cell
        return
    for target in route.possible_targets():
        assert WORDS[target] in cell, (cell, target)
    for target in set(WORDS) - set(route.possible_targets()):
        assert WORDS[target] not in cell, (cell, target)
    if route.choice is not None:
        assert f"`{route.choice.parameter}" in cell, cell


def test_the_readme_routing_table_states_each_row_of_the_table() -> None:
    rows = _readme_rows()
    table = kinds._declare()
    assert list(rows) == [kind.name for kind in table]
    for kind in table:
        ipv4_out, ipv4_in, ipv6_out, ipv6_in = rows[kind.name]
        by_destination = {route.destination: route for route in kind.routes}
        _states(ipv4_out if kind.has_ipv4 else ipv4_out.split(";")[0], by_destination.get(IPV4_DEFAULT))
        if NAT64_PREFIX in by_destination:
            assert NAT64_PREFIX in ipv4_out, ipv4_out
            assert "`NatGateways`" in ipv4_out, ipv4_out
        _states(ipv6_out, by_destination.get(IPV6_DEFAULT))
        ipv4_route = by_destination.get(IPV4_DEFAULT)
        # IPv4 in where the tier's IPv4 goes to the Internet Gateway (a public address: the instance's or its
        # load balancer's).
        assert ipv4_in.startswith("yes") is (ipv4_route is not None and IGW in ipv4_route.possible_targets()), ipv4_in
        ipv6_route = by_destination.get(IPV6_DEFAULT)
        exposed = ipv6_route is not None and IGW in ipv6_route.possible_targets()
        assert ("yes" in ipv6_in) is exposed, ipv6_in
        # "no" first, unless the tier always takes IPv6 from the internet (the edge tier): then "yes".
        assert re.match(r"yes\b" if kind.takes_ipv6_inbound else r"(\*\*)?no\b", ipv6_in), ipv6_in


# Adding a kind: declared in the table with its name, and nothing else.

EGRESS6 = TierKind(
    name="egress6",
    prefix="Egress6",
    has_ipv4=True,
    maps_public_ipv4=False,
    shared_route_table=True,
    routes=(always("Ipv6DefaultRoute", IPV6_DEFAULT, EIGW),),
)
TRANSIT = TierKind(
    name="transit",
    prefix="Transit",
    has_ipv4=True,
    maps_public_ipv4=False,
    shared_route_table=False,
    routes=(
        always("Ipv6DefaultRoute", IPV6_DEFAULT, EIGW),
        by_choice("Nat64Route", NAT64_PREFIX, NAT_GATEWAYS, {**ZONAL, "Regional": None}),
    ),
)


def test_a_kind_declared_only_in_the_table_builds_a_template_that_lints_and_routes_as_declared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kinds, "KINDS", (*KINDS, EGRESS6, TRANSIT))
    tiers = parse_tiers("transit,public,egress6")
    assert tiers == (TierKind.PUBLIC, EGRESS6, TRANSIT)
    spec = TemplateSpec(name="new-kinds", max_azs=3, tiers=tiers)
    text = render(build_template(spec), "yaml")
    findings = [
        str(match)
        for match in lint(text, regions=["us-east-1", "eu-west-1"], include_checks=["I"], append_rules=[RULES_DIR])
    ]
    assert all(finding.startswith("[I9608") for finding in findings), findings
    template = json.loads(render(build_template(spec), "json"))
    assert {"Egress6RouteTable", "Egress6Ipv6DefaultRoute", "TransitRouteTableC", "TransitNat64RouteB"} <= set(
        template["Resources"]
    )
    # No tier of it routes IPv4 through NAT, so the regional NAT gateway is not offered.
    offered = template["Parameters"]["NatGateways"]["AllowedValues"]
    assert offered == ["None", "Single", "PerAz"]
    assert "RegionalNatGateway" not in template["Resources"]
    for azs, nat, routing in itertools.product((1, 3), offered, PUBLIC_IPV6_ROUTING.values):
        choices = {**az_params(spec, azs), "NatGateways": nat, "PublicIpv6Routing": routing}
        deployment = evaluate(template, choices)
        assert generic_routing_problems(deployment, choices) == [], choices
        for az in range(azs):
            letter = "ABC"[az]
            assert deployment.routes_of(f"Egress6Subnet{letter}") == {"::/0": "EgressOnlyInternetGateway"}
            nat_gateway = f"NatGateway{letter if nat == 'PerAz' else 'A'}"
            assert deployment.routes_of(f"TransitSubnet{letter}") == {"::/0": "EgressOnlyInternetGateway"} | (
                {"64:ff9b::/96": nat_gateway} if nat in ("Single", "PerAz") else {}
            )


def test_a_kind_missing_from_the_table_is_refused_by_the_spec() -> None:
    with pytest.raises(SpecError, match="not in the table of tier kinds"):
        TemplateSpec(tiers=(TierKind.PUBLIC, EGRESS6))


def test_the_extending_guide_names_places_that_exist() -> None:
    guide = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
    places = {
        "dualstack/model/kinds.py": [
            "_declare",
            "KINDS",
            "Target",
            "ROUTE_TARGET_PROPERTY",
            "always",
            "by_choice",
            "Choice",
        ],
        "dualstack/builders/tiers.py": ["CHOICE_CONDITIONS", "_target_ref"],
        "dualstack/builders/parameters.py": ["add_parameter", "add_choice"],
        "dualstack/model/spec.py": ["SHIPPED"],
        "tests/test_kinds.py": ["ROWS", "routes_by_hand", "test_a_kind_declared_only_in_the_table_builds_a_template"],
        "tests/test_tiers.py": ["expected_routes"],
    }
    for path, symbols in places.items():
        assert f"`{path}`" in guide or f"({path.replace('dualstack/', '../dualstack/')})" in guide, path
        source = (ROOT / path).read_text(encoding="utf-8")
        for symbol in symbols:
            assert symbol in guide, symbol
            assert re.search(rf"\b(def |class )?{re.escape(symbol)}\b", source), (path, symbol)


@pytest.mark.parametrize(("field", "value"), [("name", "private"), ("prefix", "Private")])
def test_a_table_where_two_kinds_share_a_name_or_prefix_is_refused(
    monkeypatch: pytest.MonkeyPatch, field: str, value: str
) -> None:
    clash = _kind(**{field: value})
    monkeypatch.setattr(kinds, "KINDS", (*KINDS, clash))
    with pytest.raises(SpecError, match=f"share a {field}"):
        TemplateSpec()
