"""Gateway endpoints: which route tables get S3 and DynamoDB, for every AZ count, and only when asked."""

from __future__ import annotations

import pytest

from dualstack import SHIPPED, TemplateSpec
from dualstack.proofs.evaluate import evaluate

from .conftest import LARGEST, az_params, rendered, spec_id

LETTERS = "ABCDEF"
ON = {"GatewayEndpoints": "S3AndDynamoDB"}


def _tables(prefix: str, azs: int) -> set[str]:
    return {f"{prefix}RouteTable{LETTERS[az]}" for az in range(azs)}


def expected_endpoints(spec: TemplateSpec, azs: int) -> dict[str, tuple[str, set[str]]]:
    """Written out by hand: dual-stack tiers that leave the VPC (public, private, edge) get S3 over both families and
    DynamoDB over IPv4; IPv6-only tiers get S3 over IPv6; isolated tiers get nothing."""
    names = {kind.name for kind in spec.tiers}
    dual_stack = {"PublicRouteTable"} | (_tables("Private", azs) if "private" in names else set())
    dual_stack |= {"EdgeRouteTable"} if "edge" in names else set()
    expected = {
        "S3GatewayEndpoint": ("dualstack", dual_stack),
        "DynamoDbGatewayEndpoint": ("ipv4", dual_stack),
    }
    if "ipv6only" in names:
        expected["S3Ipv6GatewayEndpoint"] = ("ipv6", _tables("Ipv6Only", azs))
    return expected


@pytest.mark.parametrize("spec", [*SHIPPED, LARGEST], ids=spec_id)
def test_endpoints_sit_on_the_tables_of_every_tier_that_leaves_the_vpc_for_every_az_count(spec: TemplateSpec) -> None:
    for azs in range(1, spec.max_azs + 1):
        deployment = evaluate(rendered(spec), {**az_params(spec, azs), **ON})
        endpoints = deployment.of_type("AWS::EC2::VPCEndpoint")
        found = {
            name: (e["Properties"]["IpAddressType"], {t.strip("<>") for t in e["Properties"]["RouteTableIds"]})
            for name, e in endpoints.items()
        }
        assert found == expected_endpoints(spec, azs), azs
        for name, endpoint in endpoints.items():
            props = endpoint["Properties"]
            assert props["VpcEndpointType"] == "Gateway"
            service = "dynamodb" if name.startswith("DynamoDb") else "s3"
            assert props["ServiceName"] == f"com.amazonaws.us-east-1.{service}"
            assert len(props["RouteTableIds"]) == len(set(props["RouteTableIds"]))
            assert f"{name}Id" in deployment.outputs, name


@pytest.mark.parametrize("spec", [*SHIPPED, LARGEST], ids=spec_id)
def test_no_endpoint_and_no_endpoint_output_by_default(spec: TemplateSpec) -> None:
    template = rendered(spec)
    assert template["Parameters"]["GatewayEndpoints"]["Default"] == "None"
    deployment = evaluate(template, az_params(spec, spec.max_azs))
    assert deployment.of_type("AWS::EC2::VPCEndpoint") == {}
    assert not [key for key in deployment.outputs if "Endpoint" in key]


def test_isolated_route_table_never_gets_an_endpoint() -> None:
    deployment = evaluate(rendered(LARGEST), {"AzCount": "6", **ON})
    endpoints = deployment.of_type("AWS::EC2::VPCEndpoint").values()
    tables = {t.strip("<>") for e in endpoints for t in e["Properties"]["RouteTableIds"]}
    assert "IsolatedRouteTable" not in tables
    assert "PublicRouteTable" in tables
