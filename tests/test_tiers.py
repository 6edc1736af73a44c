"""The public tier: subnets, their addresses for every parameter set, the route table and its routes."""

from __future__ import annotations

import ipaddress
import itertools
from typing import Any

import pytest

from dualstack import TemplateSpec
from dualstack.evaluate import EXAMPLE_VPC_IPV6_BLOCK, EvaluationError, evaluate, ref_id
from dualstack.spec import LARGEST_VPC_PREFIX

from .conftest import ALL_SPECS, az_params, rendered

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def _routes(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return _resources_of(template, "AWS::EC2::Route")


def test_public_ipv4_default_route_targets_internet_gateway_after_attachment(shipped: dict[str, Any]) -> None:
    (route,) = [r for r in _routes(shipped).values() if r["Properties"].get("DestinationCidrBlock") == "0.0.0.0/0"]
    assert route["Properties"]["GatewayId"] == {"Ref": "InternetGateway"}
    assert route["Properties"]["RouteTableId"] == {"Ref": "PublicRouteTable"}
    assert "InternetGatewayAttachment" in route["DependsOn"]


def test_public_ipv6_default_route_targets_egress_only_gateway(shipped: dict[str, Any]) -> None:
    (route,) = [r for r in _routes(shipped).values() if r["Properties"].get("DestinationIpv6CidrBlock") == "::/0"]
    props = route["Properties"]
    assert props["EgressOnlyInternetGatewayId"] == {"Ref": "EgressOnlyInternetGateway"}
    assert props["RouteTableId"] == {"Ref": "PublicRouteTable"}
    assert "GatewayId" not in props, "::/0 to the Internet Gateway would expose every instance over IPv6"
    assert "VpcIpv6CidrBlock" in route["DependsOn"]


def test_no_route_sends_ipv6_to_the_internet_gateway(any_spec: TemplateSpec) -> None:
    for name, route in _routes(rendered(any_spec)).items():
        if "DestinationIpv6CidrBlock" in route["Properties"]:
            assert route["Properties"].get("GatewayId") != {"Ref": "InternetGateway"}, name


def test_public_route_table_has_exactly_the_two_default_routes(shipped: dict[str, Any]) -> None:
    routes = [r["Properties"] for r in _routes(shipped).values()]
    destinations = sorted(p.get("DestinationCidrBlock") or p["DestinationIpv6CidrBlock"] for p in routes)
    assert destinations == ["0.0.0.0/0", "::/0"]


def test_every_public_subnet_is_associated_with_the_public_route_table(any_spec: TemplateSpec) -> None:
    template = rendered(any_spec)
    subnets = _resources_of(template, "AWS::EC2::Subnet")
    associations = _resources_of(template, "AWS::EC2::SubnetRouteTableAssociation")
    associated = {}
    for association in associations.values():
        subnet = association["Properties"]["SubnetId"]["Ref"]
        assert association["Properties"]["RouteTableId"] == {"Ref": "PublicRouteTable"}
        assert association.get("Condition") == subnets[subnet].get("Condition"), subnet
        associated[subnet] = association
    assert set(associated) == set(subnets)


def test_public_subnets_assign_public_ipv4_and_ipv6_on_launch(any_spec: TemplateSpec) -> None:
    subnets = _resources_of(rendered(any_spec), "AWS::EC2::Subnet")
    assert len(subnets) == any_spec.max_azs
    for name, subnet in subnets.items():
        props = subnet["Properties"]
        assert props["MapPublicIpOnLaunch"] is True, name
        assert props["AssignIpv6AddressOnCreation"] is True, name
        assert props["VpcId"] == {"Ref": "Vpc"}, name


def test_subnets_reading_the_ipv6_block_depend_on_its_association(any_spec: TemplateSpec) -> None:
    for name, subnet in _resources_of(rendered(any_spec), "AWS::EC2::Subnet").items():
        assert "Ipv6CidrBlocks" in repr(subnet["Properties"]["Ipv6CidrBlock"]), name
        assert "VpcIpv6CidrBlock" in subnet["DependsOn"], name


def test_subnet_availability_zones_come_from_getazs_never_a_zone_name(any_spec: TemplateSpec) -> None:
    subnets = _resources_of(rendered(any_spec), "AWS::EC2::Subnet")
    for az_index, name in enumerate(sorted(subnets)):
        assert subnets[name]["Properties"]["AvailabilityZone"] == {"Fn::Select": [az_index, {"Fn::GetAZs": ""}]}


def test_first_az_subnet_is_unconditional_and_later_ones_need_their_az(any_spec: TemplateSpec) -> None:
    subnets = _resources_of(rendered(any_spec), "AWS::EC2::Subnet")
    assert "Condition" not in subnets["PublicSubnetA"]
    for letter in "BCDEF"[: any_spec.max_azs - 1]:
        assert subnets[f"PublicSubnet{letter}"]["Condition"] == f"HasAz{letter}"


# Intrinsic functions evaluated for every parameter set


def _vpc_prefixes(spec: TemplateSpec) -> range:
    return range(LARGEST_VPC_PREFIX, spec.smallest_vpc_prefix + 1)


def _choices(spec: TemplateSpec) -> list[tuple[int, int, int]]:
    """(AZ count, VPC prefix, subnet prefix) for every value the parameters allow."""
    return list(itertools.product(range(1, spec.max_azs + 1), _vpc_prefixes(spec), spec.subnet_prefixes))


def _deploy(spec: TemplateSpec, azs: int, vpc_prefix: int, subnet_prefix: int, base: str = "10.0.0.0") -> Any:
    params = {**az_params(spec, azs), "VpcCidrBlock": f"{base}/{vpc_prefix}", "SubnetPrefixLength": str(subnet_prefix)}
    return evaluate(rendered(spec), params)


def _subnet_blocks(deployment: Any) -> list[tuple[str, Network, Network]]:
    return [
        (
            name,
            ipaddress.ip_network(r["Properties"]["CidrBlock"]),
            ipaddress.ip_network(r["Properties"]["Ipv6CidrBlock"]),
        )
        for name, r in sorted(deployment.of_type("AWS::EC2::Subnet").items())
    ]


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda s: f"{s.name}-{s.max_azs}az")
def test_subnet_cidrs_fit_the_vpc_and_never_overlap_for_every_parameter_set(spec: TemplateSpec) -> None:
    evaluated = 0
    for azs, vpc_prefix, subnet_prefix in _choices(spec):
        fits = subnet_prefix >= vpc_prefix + spec.slot_bits
        if not fits:
            with pytest.raises(EvaluationError, match="Fn::Cidr"):
                _deploy(spec, azs, vpc_prefix, subnet_prefix)
            continue
        for base in ("10.0.0.0", "172.16.0.0", "192.168.0.0"):
            deployment = _deploy(spec, azs, vpc_prefix, subnet_prefix, base)
            vpc4 = ipaddress.ip_network(f"{base}/{vpc_prefix}")
            vpc6 = ipaddress.ip_network(EXAMPLE_VPC_IPV6_BLOCK)
            blocks = _subnet_blocks(deployment)
            assert len(blocks) == azs
            for name, ipv4, ipv6 in blocks:
                assert ipv4.subnet_of(vpc4), (name, ipv4, vpc4)  # type: ignore[arg-type]
                assert ipv4.prefixlen == subnet_prefix, name
                assert ipv6.subnet_of(vpc6), (name, ipv6)  # type: ignore[arg-type]
                assert ipv6.prefixlen == 64, (name, ipv6)
            for (a, a4, a6), (b, b4, b6) in itertools.combinations(blocks, 2):
                assert not a4.overlaps(b4), (a, b)
                assert a6 != b6, (a, b)
            zones = [r["Properties"]["AvailabilityZone"] for r in deployment.of_type("AWS::EC2::Subnet").values()]
            assert len(set(zones)) == azs
            evaluated += 1
    assert evaluated > 0


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda s: f"{s.name}-{s.max_azs}az")
def test_raising_the_az_count_keeps_every_existing_subnet_cidr(spec: TemplateSpec) -> None:
    for subnet_prefix in spec.subnet_prefixes:
        before: dict[str, tuple[Network, Network]] = {}
        for azs in range(1, spec.max_azs + 1):
            now = {name: (v4, v6) for name, v4, v6 in _subnet_blocks(_deploy(spec, azs, 16, subnet_prefix))}
            assert {k: now[k] for k in before} == before, f"AzCount={azs} changed an existing subnet"
            assert len(now) == len(before) + 1
            before = now


def test_default_parameters_give_two_slash_24_subnets_from_the_start_of_the_vpc() -> None:
    deployment = evaluate(rendered(TemplateSpec()), {})
    subnets = deployment.of_type("AWS::EC2::Subnet")
    assert {k: v["Properties"]["CidrBlock"] for k, v in subnets.items()} == {
        "PublicSubnetA": "10.0.0.0/24",
        "PublicSubnetB": "10.0.1.0/24",
    }
    assert {k: v["Properties"]["Ipv6CidrBlock"] for k, v in subnets.items()} == {
        "PublicSubnetA": "2001:db8:1234:1a00::/64",
        "PublicSubnetB": "2001:db8:1234:1a01::/64",
    }
    routes = deployment.of_type("AWS::EC2::Route")
    assert routes["PublicIpv6DefaultRoute"]["Properties"]["EgressOnlyInternetGatewayId"] == ref_id(
        "EgressOnlyInternetGateway"
    )


def test_every_select_index_is_in_range_in_the_region_with_fewest_zones() -> None:
    from cfnlint.helpers import AVAILABILITY_ZONES

    fewest = min(AVAILABILITY_ZONES, key=lambda region: len(AVAILABILITY_ZONES[region]))
    zones = list(AVAILABILITY_ZONES[fewest])
    for spec in ALL_SPECS:
        for azs in range(1, min(len(zones), spec.max_azs) + 1):
            evaluate(rendered(spec), az_params(spec, azs), region=fewest, azs=zones)
        if spec.max_azs > len(zones):
            with pytest.raises(EvaluationError, match="nonexistent value at index"):
                evaluate(rendered(spec), {"AzCount": str(len(zones) + 1)}, region=fewest, azs=zones)
