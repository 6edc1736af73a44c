"""Outputs: what other stacks import."""

from __future__ import annotations

from typing import Any

from dualstack import SHIPPED, TemplateSpec
from dualstack.proofs.evaluate import evaluate, ref_id

from .conftest import az_params, rendered


def _everything(spec: TemplateSpec) -> dict[str, str]:
    """Choices under which every conditional output exists."""
    choices = {
        **az_params(spec, spec.max_azs),
        "FlowLogs": "CloudWatchLogs",
        "CreateTestInstance": "true",
        "SshIngressCidr": "203.0.113.7/32",
        "GatewayEndpoints": "S3AndDynamoDB",
        "CreateInstanceConnectEndpoint": "true",
        "EncryptionControl": "Monitor",
    }
    if "InterfaceEndpoints" in rendered(spec)["Parameters"]:
        choices["InterfaceEndpoints"] = "SessionManager"
    return choices | ({"NatGateways": "PerAz"} if spec.uses_nat else {})


def test_every_output_is_exported_as_stack_name_dash_key(any_spec: TemplateSpec) -> None:
    for key, output in rendered(any_spec)["Outputs"].items():
        assert output["Export"]["Name"] == {"Fn::Sub": f"${{AWS::StackName}}-{key}"}
        assert output["Description"], key


def test_export_names_are_unique_once_evaluated(any_spec: TemplateSpec) -> None:
    outputs = evaluate(rendered(any_spec), _everything(any_spec), stack_name="net").outputs
    nat = rendered(any_spec)["Parameters"].get("NatGateways", {}).get("AllowedValues", [])
    if "Regional" in nat:
        regional = evaluate(rendered(any_spec), {**_everything(any_spec), "NatGateways": "Regional"}, stack_name="net")
        outputs |= regional.outputs
    # Where the region has no encryption control, an output says so instead.
    outputs |= evaluate(rendered(any_spec), _everything(any_spec), stack_name="net", region="ap-northeast-2").outputs
    exports = [o["Export"] for o in outputs.values()]
    assert len(exports) == len(set(exports)) == len(rendered(any_spec)["Outputs"])


def test_subnet_and_route_table_outputs_exist_exactly_for_what_exists(any_spec: TemplateSpec) -> None:
    for azs in range(1, any_spec.max_azs + 1):
        deployment = evaluate(rendered(any_spec), az_params(any_spec, azs))
        subnets = deployment.of_type("AWS::EC2::Subnet")
        tables = deployment.of_type("AWS::EC2::RouteTable")
        for name in [*subnets, *tables]:
            assert deployment.outputs[f"{name}Id"]["Value"] == ref_id(name)
        per_resource = {k.removesuffix("Id") for k in deployment.outputs if k[:-2] in rendered(any_spec)["Resources"]}
        assert per_resource & ({*subnets, *tables}) == {*subnets, *tables}
        for kind in any_spec.tiers:
            prefix = {
                "public": "Public",
                "private": "Private",
                "ipv6only": "Ipv6Only",
                "isolated": "Isolated",
                "edge": "Edge",
            }[kind.name]
            mine = sorted(s for s in subnets if s.startswith(f"{prefix}Subnet"))
            assert len(mine) == azs
            assert deployment.outputs[f"{prefix}SubnetIds"]["Value"] == ",".join(ref_id(s) for s in mine)
            if kind.name in ("private", "ipv6only"):
                assert deployment.outputs[f"{prefix}RouteTableIds"]["Value"] == ",".join(
                    ref_id(f"{prefix}RouteTable{s[-1]}") for s in mine
                )
        zones = deployment.outputs["AvailabilityZones"]["Value"].split(",")
        public = [r for name, r in sorted(subnets.items()) if name.startswith("PublicSubnet")]
        assert zones == [r["Properties"]["AvailabilityZone"] for r in public]


def test_nat_gateway_outputs_exist_exactly_for_the_nat_gateways_that_exist() -> None:
    template = rendered(SHIPPED[1])
    assert "NatGateways" in template["Parameters"]
    for nat, expected in (("None", []), ("Single", ["A"]), ("PerAz", ["A", "B", "C"])):
        outputs = evaluate(template, {"AzCount": "3", "NatGateways": nat}).outputs
        assert sorted(k for k in outputs if k.startswith("NatGateway") and k.endswith("Id")) == [
            f"NatGateway{z}Id" for z in expected
        ]
        for z in expected:
            assert outputs[f"NatGateway{z}PublicIp"]["Value"] == ref_id(f"NatGatewayEip{z}")


def test_vpc_and_gateway_outputs_point_at_their_resources(shipped: dict[str, Any]) -> None:
    outputs = evaluate(shipped).outputs
    assert outputs["VpcId"]["Value"] == ref_id("Vpc")
    assert outputs["VpcCidrBlock"]["Value"] == "10.0.0.0/16"
    assert outputs["VpcIpv6CidrBlock"]["Value"].endswith("::/56")
    assert outputs["InternetGatewayId"]["Value"] == ref_id("InternetGateway")
    assert outputs["EgressOnlyInternetGatewayId"]["Value"] == ref_id("EgressOnlyInternetGateway")
    assert outputs["PublicRouteTableId"]["Value"] == ref_id("PublicRouteTable")
