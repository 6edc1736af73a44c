"""Outputs: what other stacks import."""

from __future__ import annotations

from typing import Any

from dualstack import TemplateSpec
from dualstack.evaluate import evaluate, ref_id

from .conftest import az_params, rendered


def test_every_output_is_exported_as_stack_name_dash_key(any_spec: TemplateSpec) -> None:
    for key, output in rendered(any_spec)["Outputs"].items():
        assert output["Export"]["Name"] == {"Fn::Sub": f"${{AWS::StackName}}-{key}"}
        assert output["Description"], key


def test_export_names_are_unique_once_evaluated(any_spec: TemplateSpec) -> None:
    outputs = evaluate(rendered(any_spec), az_params(any_spec, any_spec.max_azs), stack_name="net").outputs
    exports = [o["Export"] for o in outputs.values()]
    assert len(exports) == len(set(exports)) == len(rendered(any_spec)["Outputs"])


def test_subnet_outputs_exist_exactly_for_the_subnets_that_exist(any_spec: TemplateSpec) -> None:
    for azs in range(1, any_spec.max_azs + 1):
        deployment = evaluate(rendered(any_spec), az_params(any_spec, azs))
        subnets = sorted(deployment.of_type("AWS::EC2::Subnet"))
        assert len(subnets) == azs
        per_subnet = sorted(k for k in deployment.outputs if k.startswith("PublicSubnet") and k != "PublicSubnetIds")
        assert per_subnet == [f"{s}Id" for s in subnets]
        assert deployment.outputs["PublicSubnetIds"]["Value"] == ",".join(ref_id(s) for s in subnets)
        zones = deployment.outputs["AvailabilityZones"]["Value"].split(",")
        assert zones == [
            r["Properties"]["AvailabilityZone"] for _, r in sorted(deployment.of_type("AWS::EC2::Subnet").items())
        ]


def test_vpc_and_gateway_outputs_point_at_their_resources(shipped: dict[str, Any]) -> None:
    outputs = evaluate(shipped).outputs
    assert outputs["VpcId"]["Value"] == ref_id("Vpc")
    assert outputs["VpcCidrBlock"]["Value"] == "10.0.0.0/16"
    assert outputs["VpcIpv6CidrBlock"]["Value"].endswith("::/56")
    assert outputs["InternetGatewayId"]["Value"] == ref_id("InternetGateway")
    assert outputs["EgressOnlyInternetGatewayId"]["Value"] == ref_id("EgressOnlyInternetGateway")
    assert outputs["PublicRouteTableId"]["Value"] == ref_id("PublicRouteTable")
