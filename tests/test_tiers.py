"""Subnet tiers: subnets, their addresses for every parameter set, route tables and where each route goes."""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from dualstack import SHIPPED, TemplateSpec, TierKind
from dualstack.model.spec import LARGEST_VPC_PREFIX
from dualstack.proofs.evaluate import (
    EXAMPLE_VPC_IPV6_BLOCK,
    Deployment,
    EvaluationError,
    evaluate,
    remembered_lookups,
)

from .conftest import ALL_SPECS, ALL_TIERS, LARGEST, az_params, rendered, spec_id

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LETTERS = "ABCDEF"
PREFIX = {
    TierKind.PUBLIC: "Public",
    TierKind.PRIVATE: "Private",
    TierKind.IPV6ONLY: "Ipv6Only",
    TierKind.ISOLATED: "Isolated",
    TierKind.EDGE: "Edge",
}
#: The kinds whose traffic NAT gateways carry (IPv4, or NAT64), so that each AZ has its own route table.
NAT_KINDS = (TierKind.PRIVATE, TierKind.IPV6ONLY)


@pytest.fixture(autouse=True)
def _lookups_found_once() -> Iterator[None]:
    """These tests evaluate the shared rendered templates (``rendered``, which nothing changes) thousands of times."""
    with remembered_lookups():
        yield


def _resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


# The routing model, written out independently of the code: the table.


def expected_routes(kind: TierKind, az: int, choices: dict[str, str]) -> dict[str, str]:
    """Where each default route of a subnet must go for one parameter set."""
    nat = choices.get("NatGateways", "None")
    zonal = f"NatGateway{LETTERS[az] if nat == 'PerAz' else 'A'}"
    nat_gateway = "RegionalNatGateway" if nat == "Regional" else zonal
    if kind is TierKind.PUBLIC:
        ipv6 = "EgressOnlyInternetGateway" if choices["PublicIpv6Routing"] == "EgressOnly" else "InternetGateway"
        return {"0.0.0.0/0": "InternetGateway", "::/0": ipv6}
    if kind is TierKind.PRIVATE:
        return {"::/0": "EgressOnlyInternetGateway"} | ({"0.0.0.0/0": nat_gateway} if nat != "None" else {})
    if kind is TierKind.IPV6ONLY:
        # NAT64 only through zonal NAT gateways.
        nat64 = nat in ("Single", "PerAz")
        return {"::/0": "EgressOnlyInternetGateway"} | ({"64:ff9b::/96": zonal} if nat64 else {})
    if kind is TierKind.EDGE:
        # Internet-facing load balancers: both families in and out through the Internet Gateway, whatever the choices.
        return {"0.0.0.0/0": "InternetGateway", "::/0": "InternetGateway"}
    return {}


def generic_routing_problems(deployment: Deployment, choices: dict[str, str]) -> list[str]:
    """What must hold for every subnet of every kind, known or new: each has its own route table association;
    IPv6 reaches the Internet Gateway only from public subnets under ``Bidirectional`` and from subnets tagged as
    meant to take IPv6 inbound (the edge tier), which always send ``::/0`` there; no IPv4 route takes the egress-only
    gateway; DNS64 is on exactly where a NAT64 route to a NAT gateway exists."""
    problems = []
    bidirectional = choices.get("PublicIpv6Routing") == "Bidirectional"
    for name, subnet in deployment.of_type("AWS::EC2::Subnet").items():
        if deployment.route_table_of(name) is None:
            problems.append(f"{name}: no route table")
        routes = deployment.routes_of(name)
        tags = {tag["Key"]: tag["Value"] for tag in subnet["Properties"].get("Tags", [])}
        inbound = tags.get("dualstack:ipv6-inbound") == "intended"
        if inbound and routes.get("::/0") != "InternetGateway":
            problems.append(f"{name}: tagged for IPv6 inbound, but ::/0 -> {routes.get('::/0')}")
        for destination, target in routes.items():
            ipv6 = ":" in destination
            allowed = inbound or (name.startswith("PublicSubnet") and bidirectional)
            if ipv6 and target == "InternetGateway" and not allowed:
                problems.append(f"{name}: {destination} -> InternetGateway")
            if not ipv6 and target == "EgressOnlyInternetGateway":
                problems.append(f"{name}: {destination} -> EgressOnlyInternetGateway")
        dns64 = subnet["Properties"].get("EnableDns64", False)
        if dns64 != routes.get("64:ff9b::/96", "").startswith("NatGateway"):
            problems.append(f"{name}: DNS64 {dns64} with routes {routes}")
    return problems


def choice_sets(spec: TemplateSpec) -> Iterator[dict[str, str]]:
    """Every combination of the deploy-time choices and AZ counts the template offers."""
    nat: list[str | None] = [None]
    if any(kind in NAT_KINDS for kind in spec.tiers):
        # Regional only where a tier routes IPv4 through NAT.
        nat = ["None", "Single", "PerAz", *(["Regional"] if TierKind.PRIVATE in spec.tiers else [])]
    for azs, routing, nat_gateways, flow_logs, ipv6_source in itertools.product(
        range(1, spec.max_azs + 1),
        ["EgressOnly", "Bidirectional"],
        nat,
        ["None", "CloudWatchLogs", "S3"],
        ["Amazon", "Ipam"],
    ):
        choices = {
            **az_params(spec, azs),
            "PublicIpv6Routing": routing,
            "FlowLogs": flow_logs,
            "Ipv6Source": ipv6_source,
        }
        if nat_gateways is not None:
            choices["NatGateways"] = nat_gateways
        if flow_logs == "S3":
            choices["FlowLogS3BucketArn"] = "arn:aws:s3:::example-flow-logs"
        if ipv6_source == "Ipam":
            choices["Ipv6IpamPoolId"] = "ipam-pool-0123456789abcdef0"
        yield choices


def _azs(choices: dict[str, str]) -> int:
    return int(choices.get("AzCount", "1"))


ROUTING_SPECS = (*SHIPPED, LARGEST)


@pytest.mark.parametrize("spec", ROUTING_SPECS, ids=spec_id)
def test_every_subnet_routes_exactly_as_its_tier_requires_for_every_parameter_set(spec: TemplateSpec) -> None:
    combinations = 0
    for choices in choice_sets(spec):
        deployment = evaluate(rendered(spec), choices)
        subnets = deployment.of_type("AWS::EC2::Subnet")
        assert len(subnets) == len(spec.tiers) * _azs(choices)
        for kind in spec.tiers:
            for az in range(_azs(choices)):
                name = f"{PREFIX[kind]}Subnet{LETTERS[az]}"
                assert deployment.routes_of(name) == expected_routes(kind, az, choices), (name, choices)
        combinations += 1
    assert combinations >= 36


@pytest.mark.parametrize("spec", ROUTING_SPECS, ids=spec_id)
def test_no_subnet_breaks_the_generic_routing_rules_for_any_parameter_set(spec: TemplateSpec) -> None:
    for choices in choice_sets(spec):
        assert generic_routing_problems(evaluate(rendered(spec), choices), choices) == [], choices


@pytest.mark.parametrize("spec", ROUTING_SPECS, ids=spec_id)
def test_dns64_is_on_exactly_where_a_nat64_route_exists(spec: TemplateSpec) -> None:
    for choices in choice_sets(spec):
        deployment = evaluate(rendered(spec), choices)
        for name, subnet in deployment.of_type("AWS::EC2::Subnet").items():
            dns64 = subnet["Properties"].get("EnableDns64", False)
            nat64 = deployment.routes_of(name).get("64:ff9b::/96", "")
            assert dns64 == nat64.startswith("NatGateway"), (name, choices)


@pytest.mark.parametrize("spec", ROUTING_SPECS, ids=spec_id)
def test_resources_exist_exactly_when_a_choice_needs_them(spec: TemplateSpec) -> None:
    for choices in choice_sets(spec):
        deployment = evaluate(rendered(spec), choices)
        types = [r["Type"] for r in deployment.resources.values()]
        nat = choices.get("NatGateways", "None")
        expected_nat = {"None": 0, "Single": 1, "PerAz": _azs(choices), "Regional": 1}[nat]
        assert types.count("AWS::EC2::NatGateway") == expected_nat, choices
        assert types.count("AWS::EC2::EIP") == (0 if nat == "Regional" else expected_nat), choices
        regional = deployment.resources.get("RegionalNatGateway")
        assert (regional is not None) is (nat == "Regional"), choices
        flow_logs = choices["FlowLogs"]
        assert types.count("AWS::EC2::FlowLog") == (flow_logs != "None"), choices
        assert types.count("AWS::Logs::LogGroup") == (flow_logs == "CloudWatchLogs"), choices
        assert ("FlowLogRole" in deployment.resources) == (flow_logs == "CloudWatchLogs"), choices
        # A route table per tier, or per tier and AZ where NAT routing can differ by AZ.
        tables = sum(_azs(choices) if kind in NAT_KINDS else 1 for kind in spec.tiers)
        assert types.count("AWS::EC2::RouteTable") == tables, choices
        for name in deployment.of_type("AWS::EC2::Subnet"):
            assert deployment.route_table_of(name) is not None, name


def test_nat_gateways_sit_in_their_own_az_public_subnet_with_their_own_address() -> None:
    deployment = evaluate(rendered(LARGEST), {"AzCount": "6", "NatGateways": "PerAz"})
    gateways = deployment.of_type("AWS::EC2::NatGateway")
    assert sorted(gateways) == [f"NatGateway{letter}" for letter in LETTERS]
    for name, gateway in gateways.items():
        letter = name[-1]
        assert gateway["Properties"]["SubnetId"] == f"<PublicSubnet{letter}>"
        assert gateway["Properties"]["AllocationId"] == f"<NatGatewayEip{letter}.AllocationId>"
    for eip in deployment.of_type("AWS::EC2::EIP").values():
        assert eip["Properties"]["Domain"] == "vpc"
        assert "InternetGatewayAttachment" in eip["DependsOn"]


def test_public_ipv6_route_is_one_resource_whose_target_switches() -> None:
    """Two routes for ::/0 under opposite conditions would collide on a stack update (create before delete)."""
    template = rendered(TemplateSpec())
    route = template["Resources"]["PublicIpv6DefaultRoute"]
    assert "Condition" not in route
    assert {"VpcIpv6CidrBlock", "InternetGatewayAttachment"} <= set(route["DependsOn"])
    assert route["Properties"]["EgressOnlyInternetGatewayId"] == {
        "Fn::If": ["PublicIpv6EgressOnly", {"Ref": "EgressOnlyInternetGateway"}, {"Ref": "AWS::NoValue"}]
    }
    assert template["Parameters"]["PublicIpv6Routing"]["Default"] == "EgressOnly"


def test_ipv4_routes_to_the_internet_gateway_wait_for_its_attachment(any_spec: TemplateSpec) -> None:
    for name, route in _resources_of(rendered(any_spec), "AWS::EC2::Route").items():
        if "GatewayId" in route["Properties"]:
            assert "InternetGatewayAttachment" in route["DependsOn"], name


def test_routes_and_subnets_reading_ipv6_depend_on_the_vpc_ipv6_block(any_spec: TemplateSpec) -> None:
    template = rendered(any_spec)
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::EC2::Subnet" or "DestinationIpv6CidrBlock" in props:
            assert "VpcIpv6CidrBlock" in resource["DependsOn"], name


@pytest.mark.parametrize("kind", ALL_TIERS, ids=str)
def test_subnet_properties_follow_the_tier_kind(kind: TierKind) -> None:
    subnets = _resources_of(rendered(LARGEST), "AWS::EC2::Subnet")
    mine = {k: v["Properties"] for k, v in subnets.items() if k.startswith(f"{PREFIX[kind]}Subnet")}
    assert len(mine) == LARGEST.max_azs
    for name, props in mine.items():
        assert props["AssignIpv6AddressOnCreation"] is True, name
        assert "Ipv6CidrBlock" in props, name
        public_ipv4 = {"Fn::If": ["MapPublicIpv4OnLaunch", True, False]}
        assert props.get("MapPublicIpOnLaunch", False) == (public_ipv4 if kind is TierKind.PUBLIC else False), name
        tags = {tag["Key"]: tag["Value"] for tag in props["Tags"]}
        assert (tags.get("dualstack:ipv6-inbound") == "intended") is (kind is TierKind.EDGE), name
        assert ("CidrBlock" in props) is (kind is not TierKind.IPV6ONLY), name
        assert props.get("Ipv6Native", False) is (kind is TierKind.IPV6ONLY), name
        if kind is TierKind.IPV6ONLY:
            assert props["PrivateDnsNameOptionsOnLaunch"]["HostnameType"] == "resource-name"
        else:
            assert "EnableDns64" not in props, name


@pytest.mark.parametrize("value", ["true", "false"])
def test_only_public_subnets_map_public_ipv4_on_launch_and_only_when_asked(value: str) -> None:
    template = rendered(LARGEST)
    assert template["Parameters"]["MapPublicIpOnLaunch"]["Default"] == "true"
    subnets = evaluate(template, {"AzCount": "6", "MapPublicIpOnLaunch": value}).of_type("AWS::EC2::Subnet")
    mapping = {name for name, subnet in subnets.items() if subnet["Properties"].get("MapPublicIpOnLaunch")}
    assert mapping == ({f"PublicSubnet{letter}" for letter in LETTERS} if value == "true" else set())


def test_subnet_availability_zones_come_from_getazs_never_a_zone_name(any_spec: TemplateSpec) -> None:
    for name, subnet in _resources_of(rendered(any_spec), "AWS::EC2::Subnet").items():
        az_index = LETTERS.index(name[-1])
        assert subnet["Properties"]["AvailabilityZone"] == {"Fn::Select": [az_index, {"Fn::GetAZs": ""}]}
        assert subnet.get("Condition") == (None if az_index == 0 else f"HasAz{name[-1]}"), name


# Intrinsic functions evaluated for every address choice


def _vpc_prefixes(spec: TemplateSpec) -> range:
    return range(LARGEST_VPC_PREFIX, spec.smallest_vpc_prefix + 1)


def _deploy(spec: TemplateSpec, azs: int, vpc_prefix: int, subnet_prefix: int, base: str = "10.0.0.0") -> Deployment:
    params = {**az_params(spec, azs), "VpcCidrBlock": f"{base}/{vpc_prefix}", "SubnetPrefixLength": str(subnet_prefix)}
    return evaluate(rendered(spec), params)


def _subnet_blocks(deployment: Deployment) -> list[tuple[str, Network | None, Network]]:
    blocks: list[tuple[str, Network | None, Network]] = []
    for name, resource in sorted(deployment.of_type("AWS::EC2::Subnet").items()):
        props = resource["Properties"]
        ipv4 = ipaddress.ip_network(props["CidrBlock"]) if "CidrBlock" in props else None
        blocks.append((name, ipv4, ipaddress.ip_network(props["Ipv6CidrBlock"])))
    return blocks


@pytest.mark.parametrize("spec", ALL_SPECS, ids=spec_id)
def test_subnet_cidrs_fit_the_vpc_and_never_overlap_for_every_parameter_set(spec: TemplateSpec) -> None:
    evaluated = 0
    for azs, vpc_prefix, subnet_prefix in itertools.product(
        range(1, spec.max_azs + 1), _vpc_prefixes(spec), spec.subnet_prefixes
    ):
        if subnet_prefix < vpc_prefix + spec.slot_bits:
            with pytest.raises(EvaluationError, match="Fn::Cidr"):
                _deploy(spec, azs, vpc_prefix, subnet_prefix)
            continue
        # Three address ranges for the full AZ count; the start of 10/8 for the others.
        for base in ("10.0.0.0", "172.16.0.0", "192.168.0.0")[: 3 if azs == spec.max_azs else 1]:
            vpc4 = ipaddress.ip_network(f"{base}/{vpc_prefix}")
            vpc6 = ipaddress.ip_network(EXAMPLE_VPC_IPV6_BLOCK)
            blocks = _subnet_blocks(_deploy(spec, azs, vpc_prefix, subnet_prefix, base))
            assert len(blocks) == azs * len(spec.tiers)
            for name, ipv4, ipv6 in blocks:
                if ipv4 is not None:
                    assert ipv4.subnet_of(vpc4), (name, ipv4, vpc4)  # type: ignore[arg-type]
                    assert ipv4.prefixlen == subnet_prefix, name
                assert ipv6.subnet_of(vpc6), (name, ipv6)  # type: ignore[arg-type]
                assert ipv6.prefixlen == 64, (name, ipv6)
            for (a, a4, a6), (b, b4, b6) in itertools.combinations(blocks, 2):
                assert a4 is None or b4 is None or not a4.overlaps(b4), (a, b)
                assert a6 != b6, (a, b)
            evaluated += 1
    assert evaluated > 0


@pytest.mark.parametrize("spec", ALL_SPECS, ids=spec_id)
def test_raising_the_az_count_or_changing_options_keeps_every_existing_subnet_cidr(spec: TemplateSpec) -> None:
    def blocks(choices: dict[str, str]) -> dict[str, tuple[Network | None, Network]]:
        return {name: (v4, v6) for name, v4, v6 in _subnet_blocks(evaluate(rendered(spec), choices))}

    before: dict[str, tuple[Network | None, Network]] = {}
    for azs in range(1, spec.max_azs + 1):
        now = blocks(az_params(spec, azs))
        assert {k: now[k] for k in before} == before, f"AzCount={azs} changed an existing subnet"
        assert len(now) == len(before) + len(spec.tiers)
        before = now
    for choices in itertools.islice(choice_sets(spec), 0, None, 7):
        if _azs(choices) == spec.max_azs:
            assert blocks(choices) == before, choices


def test_default_parameters_give_slash_24_subnets_from_the_start_of_the_vpc() -> None:
    subnets = evaluate(rendered(SHIPPED[1]), {}).of_type("AWS::EC2::Subnet")
    assert {k: v["Properties"]["CidrBlock"] for k, v in subnets.items()} == {
        "PublicSubnetA": "10.0.0.0/24",
        "PublicSubnetB": "10.0.1.0/24",
        "PrivateSubnetA": "10.0.3.0/24",
        "PrivateSubnetB": "10.0.4.0/24",
    }
    assert {k: v["Properties"]["Ipv6CidrBlock"] for k, v in subnets.items()} == {
        "PublicSubnetA": "2001:db8:1234:1a00::/64",
        "PublicSubnetB": "2001:db8:1234:1a01::/64",
        "PrivateSubnetA": "2001:db8:1234:1a03::/64",
        "PrivateSubnetB": "2001:db8:1234:1a04::/64",
    }


def test_every_select_index_is_in_range_in_the_region_with_fewest_zones() -> None:
    from cfnlint.helpers import AVAILABILITY_ZONES

    fewest = min(AVAILABILITY_ZONES, key=lambda region: len(AVAILABILITY_ZONES[region]))
    zones = list(AVAILABILITY_ZONES[fewest])
    for spec in ALL_SPECS:
        for azs in range(1, min(len(zones), spec.max_azs) + 1):
            evaluate(
                rendered(spec),
                {**az_params(spec, azs), **({"NatGateways": "PerAz"} if spec.uses_nat else {})},
                region=fewest,
                azs=zones,
            )
        if spec.max_azs > len(zones):
            with pytest.raises(EvaluationError, match="nonexistent value at index"):
                evaluate(rendered(spec), az_params(spec, len(zones) + 1), region=fewest, azs=zones)


@pytest.mark.parametrize("spec", [*SHIPPED, LARGEST], ids=spec_id)
def test_ipv4_from_ipam_cuts_every_subnet_from_the_allocated_block_for_every_netmask(spec: TemplateSpec) -> None:
    template = rendered(spec)
    netmasks = [int(n) for n in template["Parameters"]["Ipv4NetmaskLength"]["AllowedValues"]]
    assert netmasks == list(range(16, spec.smallest_vpc_prefix + 1))
    evaluated = 0
    for netmask, subnet_prefix in itertools.product(netmasks, spec.subnet_prefixes):
        choices = {
            **az_params(spec, spec.max_azs),
            "Ipv4Source": "Ipam",
            "Ipv4IpamPoolId": "ipam-pool-0123456789abcdef0",
            "Ipv4NetmaskLength": str(netmask),
            "SubnetPrefixLength": str(subnet_prefix),
        }
        if subnet_prefix < netmask + spec.slot_bits:
            with pytest.raises(EvaluationError, match="Fn::Cidr"):
                evaluate(template, choices)
            continue
        deployment = evaluate(template, choices)
        vpc = deployment.resources["Vpc"]["Properties"]
        assert "CidrBlock" not in vpc
        assert (vpc["Ipv4IpamPoolId"], vpc["Ipv4NetmaskLength"]) == ("ipam-pool-0123456789abcdef0", str(netmask))
        # The evaluator's stand-in for the block IPAM allocates.
        block = ipaddress.ip_network(f"10.64.0.0/{netmask}")
        ipv4 = [b for _, b, _ in _subnet_blocks(deployment) if b is not None]
        assert len(ipv4) == spec.max_azs * sum(kind.has_ipv4 for kind in spec.tiers)
        for a in ipv4:
            assert a.subnet_of(block), (a, block)  # type: ignore[arg-type]
            assert a.prefixlen == subnet_prefix, a
        assert not any(a.overlaps(b) for a, b in itertools.combinations(ipv4, 2))
        evaluated += 1
    assert evaluated > len(netmasks)


def test_ipv4_from_ipam_needs_a_pool_and_static_needs_no_pool() -> None:
    template = rendered(SHIPPED[0])
    with pytest.raises(EvaluationError, match="Ipv4IpamPoolId"):
        evaluate(template, {"Ipv4Source": "Ipam"})
    static = evaluate(template, {"Ipv4IpamPoolId": "ipam-pool-0123456789abcdef0"}).resources["Vpc"]["Properties"]
    assert static["CidrBlock"] == "10.0.0.0/16"
    assert "Ipv4IpamPoolId" not in static
    assert "Ipv4NetmaskLength" not in static


#: Builds with a subnet size per tier: the shipped private template, and every tier.
TIER_SIZE_SPECS = (SHIPPED[1], LARGEST)


def _tier_size_parameters(spec: TemplateSpec) -> list[str]:
    return [p for p in rendered(spec)["Parameters"] if p.endswith("SubnetPrefixLength") and p != "SubnetPrefixLength"]


def test_tiers_have_sizes_of_their_own_where_two_or_more_have_ipv4() -> None:
    assert [_tier_size_parameters(spec) for spec in SHIPPED] == [
        [],  # public only: SubnetPrefixLength is its size
        ["PublicSubnetPrefixLength", "PrivateSubnetPrefixLength"],
        [],  # the IPv6-only tier has no IPv4
        ["PublicSubnetPrefixLength", "PrivateSubnetPrefixLength", "EdgeSubnetPrefixLength"],
    ]
    assert _tier_size_parameters(TemplateSpec(name="off", tiers=SHIPPED[1].tiers, tier_sizes=False)) == []
    assert _tier_size_parameters(TemplateSpec(name="on", tier_sizes=True)) == ["PublicSubnetPrefixLength"]


@pytest.mark.parametrize("spec", TIER_SIZE_SPECS, ids=spec_id)
def test_each_tier_size_stays_inside_its_slot_and_overlaps_nothing_for_every_slot_size(spec: TemplateSpec) -> None:
    template = rendered(spec)
    tiers = [kind for kind in spec.tiers if kind.has_ipv4]
    evaluated = 0
    for slot_prefix in spec.subnet_prefixes:
        vpc = ipaddress.IPv4Network(f"10.0.0.0/{LARGEST_VPC_PREFIX}")
        slots = list(vpc.subnets(new_prefix=slot_prefix))
        for kind, size in itertools.product(tiers, ["Same", *map(str, spec.subnet_prefixes)]):
            # One tier at its own size, and every other tier at a different size of its own.
            others = {f"{PREFIX[k]}SubnetPrefixLength": str(spec.subnet_prefixes[-1]) for k in tiers if k != kind}
            choices = {
                **az_params(spec, spec.max_azs),
                "SubnetPrefixLength": str(slot_prefix),
                f"{PREFIX[kind]}SubnetPrefixLength": size,
                **others,
            }
            if size != "Same" and int(size) < slot_prefix:
                # Refused as CloudFormation refuses it, before anything exists: the lookup has no entry.
                with pytest.raises(EvaluationError, match=f"no mapping entry SubnetSizes.{slot_prefix}.{size} "):
                    evaluate(template, choices)
                continue
            blocks = _subnet_blocks(evaluate(template, choices))
            ipv4 = [(name, b) for name, b, _ in blocks if b is not None]
            for name, block in ipv4:
                tier = next(k for k in tiers if name.startswith(f"{PREFIX[k]}Subnet"))
                wanted = choices.get(f"{PREFIX[tier]}SubnetPrefixLength", "Same")
                assert block.prefixlen == (slot_prefix if wanted == "Same" else int(wanted)), (name, block)
                # At the start of the subnet's own slot, as when every tier has the slot's size.
                slot = slots[spec.slot(tier, LETTERS.index(name[-1]))]
                assert block.subnet_of(slot), (name, block, slot)  # type: ignore[arg-type]
                assert block.network_address == slot.network_address, (name, block, slot)
            assert not any(a.overlaps(b) for (_, a), (_, b) in itertools.combinations(ipv4, 2))
            evaluated += 1
    assert evaluated > len(spec.subnet_prefixes)
