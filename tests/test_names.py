"""Logical IDs are part of every deployed stack: renaming one replaces the resource. These pin them."""

from __future__ import annotations

from typing import Any

from dualstack import TemplateSpec

from .conftest import rendered

# Written out by hand: a change here is a breaking change for every deployed stack.
DUALSTACK_VPC_RESOURCES = {
    "Vpc": "AWS::EC2::VPC",
    "VpcIpv6CidrBlock": "AWS::EC2::VPCCidrBlock",
    "InternetGateway": "AWS::EC2::InternetGateway",
    "InternetGatewayAttachment": "AWS::EC2::VPCGatewayAttachment",
    "EgressOnlyInternetGateway": "AWS::EC2::EgressOnlyInternetGateway",
    "PublicRouteTable": "AWS::EC2::RouteTable",
    "PublicIpv4DefaultRoute": "AWS::EC2::Route",
    "PublicIpv6DefaultRoute": "AWS::EC2::Route",
    "PublicSubnetA": "AWS::EC2::Subnet",
    "PublicSubnetB": "AWS::EC2::Subnet",
    "PublicSubnetC": "AWS::EC2::Subnet",
    "PublicSubnetRouteTableAssociationA": "AWS::EC2::SubnetRouteTableAssociation",
    "PublicSubnetRouteTableAssociationB": "AWS::EC2::SubnetRouteTableAssociation",
    "PublicSubnetRouteTableAssociationC": "AWS::EC2::SubnetRouteTableAssociation",
}

DUALSTACK_VPC_OUTPUTS = {
    "VpcId",
    "VpcCidrBlock",
    "VpcIpv6CidrBlock",
    "InternetGatewayId",
    "EgressOnlyInternetGatewayId",
    "AvailabilityZones",
    "PublicSubnetAId",
    "PublicSubnetBId",
    "PublicSubnetCId",
    "PublicSubnetIds",
    "PublicRouteTableId",
}


def _types(template: dict[str, Any]) -> dict[str, str]:
    return {k: v["Type"] for k, v in template["Resources"].items()}


def test_dualstack_vpc_logical_ids_are_unchanged() -> None:
    assert _types(rendered(TemplateSpec())) == DUALSTACK_VPC_RESOURCES


def test_dualstack_vpc_parameter_and_output_names_are_unchanged() -> None:
    template = rendered(TemplateSpec())
    assert set(template["Parameters"]) == {"VpcCidrBlock", "SubnetPrefixLength", "AzCount"}
    assert set(template["Outputs"]) == DUALSTACK_VPC_OUTPUTS


def test_a_larger_az_maximum_only_adds_logical_ids() -> None:
    smaller = _types(rendered(TemplateSpec(max_azs=3)))
    larger = _types(rendered(TemplateSpec(max_azs=6)))
    assert {k: larger[k] for k in smaller} == smaller
    assert "PublicSubnetF" in larger
