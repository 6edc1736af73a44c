"""Logical IDs are part of every deployed stack: renaming one replaces the resource. These pin them."""

from __future__ import annotations

from typing import Any

from dualstack import SHIPPED, TemplateSpec

from .conftest import rendered

# Written out by hand: a change here is a breaking change for every deployed stack.
NETWORK = {
    "Vpc": "AWS::EC2::VPC",
    "VpcIpv6CidrBlock": "AWS::EC2::VPCCidrBlock",
    "InternetGateway": "AWS::EC2::InternetGateway",
    "InternetGatewayAttachment": "AWS::EC2::VPCGatewayAttachment",
    "EgressOnlyInternetGateway": "AWS::EC2::EgressOnlyInternetGateway",
    "S3GatewayEndpoint": "AWS::EC2::VPCEndpoint",
    "DynamoDbGatewayEndpoint": "AWS::EC2::VPCEndpoint",
    "FlowLog": "AWS::EC2::FlowLog",
    "FlowLogGroup": "AWS::Logs::LogGroup",
    "FlowLogRole": "AWS::IAM::Role",
    "FlowLogBytesQuery": "AWS::Logs::QueryDefinition",
    "FlowLogInboundIpv6Query": "AWS::Logs::QueryDefinition",
    "FlowLogUnencryptedQuery": "AWS::Logs::QueryDefinition",
    "DefaultSecurityGroupRules": "Custom::DefaultSecurityGroupRules",
    "DefaultSecurityGroupFunction": "AWS::Lambda::Function",
    "DefaultSecurityGroupRole": "AWS::IAM::Role",
    "DefaultSecurityGroupLogGroup": "AWS::Logs::LogGroup",
    "TestInstance": "AWS::EC2::Instance",
    "TestInstanceSecurityGroup": "AWS::EC2::SecurityGroup",
    "TestInstanceSshIngress": "AWS::EC2::SecurityGroupIngress",
    "TestInstanceRole": "AWS::IAM::Role",
    "TestInstanceProfile": "AWS::IAM::InstanceProfile",
    "TestInstanceInstanceConnectIngress": "AWS::EC2::SecurityGroupIngress",
    "InstanceConnectEndpoint": "AWS::EC2::InstanceConnectEndpoint",
    "InstanceConnectSecurityGroup": "AWS::EC2::SecurityGroup",
    "VpcEncryptionControl": "AWS::EC2::VPCEncryptionControl",
}
#: Where a tier may hold them (private, IPv6-only): Session Manager's interface endpoints.
INTERFACE = {
    "InterfaceEndpointSecurityGroup": "AWS::EC2::SecurityGroup",
    "SsmEndpoint": "AWS::EC2::VPCEndpoint",
    "SsmMessagesEndpoint": "AWS::EC2::VPCEndpoint",
    "Ec2MessagesEndpoint": "AWS::EC2::VPCEndpoint",
}
PUBLIC = {
    "PublicRouteTable": "AWS::EC2::RouteTable",
    "PublicIpv4DefaultRoute": "AWS::EC2::Route",
    "PublicIpv6DefaultRoute": "AWS::EC2::Route",
    **{f"PublicSubnet{z}": "AWS::EC2::Subnet" for z in "ABC"},
    **{f"PublicSubnetRouteTableAssociation{z}": "AWS::EC2::SubnetRouteTableAssociation" for z in "ABC"},
    **{f"PublicBpaExclusion{z}": "AWS::EC2::VPCBlockPublicAccessExclusion" for z in "ABC"},
}
NAT = {
    **{f"NatGateway{z}": "AWS::EC2::NatGateway" for z in "ABC"},
    **{f"NatGatewayEip{z}": "AWS::EC2::EIP" for z in "ABC"},
}
PRIVATE = {
    **{f"PrivateSubnet{z}": "AWS::EC2::Subnet" for z in "ABC"},
    **{f"PrivateRouteTable{z}": "AWS::EC2::RouteTable" for z in "ABC"},
    **{f"PrivateIpv4DefaultRoute{z}": "AWS::EC2::Route" for z in "ABC"},
    **{f"PrivateIpv6DefaultRoute{z}": "AWS::EC2::Route" for z in "ABC"},
    **{f"PrivateSubnetRouteTableAssociation{z}": "AWS::EC2::SubnetRouteTableAssociation" for z in "ABC"},
}
IPV6ONLY = {
    **{f"Ipv6OnlySubnet{z}": "AWS::EC2::Subnet" for z in "ABC"},
    **{f"Ipv6OnlyRouteTable{z}": "AWS::EC2::RouteTable" for z in "ABC"},
    **{f"Ipv6OnlyIpv6DefaultRoute{z}": "AWS::EC2::Route" for z in "ABC"},
    **{f"Ipv6OnlyNat64Route{z}": "AWS::EC2::Route" for z in "ABC"},
    **{f"Ipv6OnlySubnetRouteTableAssociation{z}": "AWS::EC2::SubnetRouteTableAssociation" for z in "ABC"},
}
EDGE = {
    "EdgeRouteTable": "AWS::EC2::RouteTable",
    "EdgeIpv4DefaultRoute": "AWS::EC2::Route",
    "EdgeIpv6DefaultRoute": "AWS::EC2::Route",
    **{f"EdgeSubnet{z}": "AWS::EC2::Subnet" for z in "ABC"},
    **{f"EdgeSubnetRouteTableAssociation{z}": "AWS::EC2::SubnetRouteTableAssociation" for z in "ABC"},
    **{f"EdgeBpaExclusion{z}": "AWS::EC2::VPCBlockPublicAccessExclusion" for z in "ABC"},
}
RESOURCES = {
    "dualstack-vpc": NETWORK | PUBLIC,
    "dualstack-vpc-private": NETWORK
    | PUBLIC
    | NAT
    | PRIVATE
    | INTERFACE
    | {"RegionalNatGateway": "AWS::EC2::NatGateway"},
    "dualstack-vpc-ipv6only": NETWORK
    | PUBLIC
    | NAT
    | IPV6ONLY
    | INTERFACE
    | {"S3Ipv6GatewayEndpoint": "AWS::EC2::VPCEndpoint"},
    "dualstack-vpc-web": NETWORK
    | PUBLIC
    | NAT
    | PRIVATE
    | EDGE
    | INTERFACE
    | {"RegionalNatGateway": "AWS::EC2::NatGateway"},
}

COMMON_PARAMETERS = {
    "VpcCidrBlock",
    "SubnetPrefixLength",
    "Ipv6Source",
    "Ipv6IpamPoolId",
    "Ipv4Source",
    "Ipv4IpamPoolId",
    "Ipv4NetmaskLength",
    "AzCount",
    "PublicIpv6Routing",
    "MapPublicIpOnLaunch",
    "GatewayEndpoints",
    "FlowLogs",
    "FlowLogRetentionDays",
    "FlowLogS3BucketArn",
    "FlowLogKmsKeyArn",
    "FlowLogAggregationSeconds",
    "RestrictDefaultSecurityGroup",
    "BlockPublicAccessExclusion",
    "CreateTestInstance",
    "TestInstanceType",
    "TestInstanceImageId",
    "KeyName",
    "SshIngressCidr",
    "CreateInstanceConnectEndpoint",
    "EncryptionControl",
}
PARAMETERS = {
    "dualstack-vpc": COMMON_PARAMETERS,
    "dualstack-vpc-private": COMMON_PARAMETERS
    | {"NatGateways", "PublicSubnetPrefixLength", "PrivateSubnetPrefixLength", "InterfaceEndpoints"},
    "dualstack-vpc-ipv6only": COMMON_PARAMETERS | {"NatGateways", "InterfaceEndpoints"},
    "dualstack-vpc-web": COMMON_PARAMETERS
    | {
        "NatGateways",
        "PublicSubnetPrefixLength",
        "PrivateSubnetPrefixLength",
        "EdgeSubnetPrefixLength",
        "InterfaceEndpoints",
    },
}

COMMON_OUTPUTS = {
    "VpcId",
    "VpcCidrBlock",
    "VpcIpv6CidrBlock",
    "InternetGatewayId",
    "EgressOnlyInternetGatewayId",
    "AvailabilityZones",
    "FlowLogId",
    "FlowLogDestination",
    "S3GatewayEndpointId",
    "DynamoDbGatewayEndpointId",
    "PublicSubnetAId",
    "PublicSubnetBId",
    "PublicSubnetCId",
    "PublicSubnetIds",
    "PublicRouteTableId",
    "TestInstanceId",
    "TestInstancePublicIp",
    "TestInstanceSshCommand",
    "TestInstanceSessionCommand",
    "InstanceConnectEndpointId",
    "InstanceConnectSecurityGroupId",
    "VpcEncryptionControlId",
    "EncryptionControlNotCreated",
}
INTERFACE_OUTPUTS = {
    "SsmEndpointId",
    "SsmMessagesEndpointId",
    "Ec2MessagesEndpointId",
    "InterfaceEndpointSecurityGroupId",
}
NAT_OUTPUTS = {f"NatGateway{z}{suffix}" for z in "ABC" for suffix in ("Id", "PublicIp")}


def _tier_outputs(prefix: str) -> set[str]:
    return {
        *(f"{prefix}Subnet{z}Id" for z in "ABC"),
        f"{prefix}SubnetIds",
        *(f"{prefix}RouteTable{z}Id" for z in "ABC"),
        f"{prefix}RouteTableIds",
    }


OUTPUTS = {
    "dualstack-vpc": COMMON_OUTPUTS,
    "dualstack-vpc-private": COMMON_OUTPUTS
    | NAT_OUTPUTS
    | INTERFACE_OUTPUTS
    | _tier_outputs("Private")
    | {"RegionalNatGatewayId"},
    "dualstack-vpc-ipv6only": COMMON_OUTPUTS
    | NAT_OUTPUTS
    | INTERFACE_OUTPUTS
    | _tier_outputs("Ipv6Only")
    | {"S3Ipv6GatewayEndpointId"},
    "dualstack-vpc-web": COMMON_OUTPUTS
    | NAT_OUTPUTS
    | INTERFACE_OUTPUTS
    | _tier_outputs("Private")
    | {"RegionalNatGatewayId", *(f"EdgeSubnet{z}Id" for z in "ABC"), "EdgeSubnetIds", "EdgeRouteTableId"},
}


def _types(template: dict[str, Any]) -> dict[str, str]:
    return {k: v["Type"] for k, v in template["Resources"].items()}


def test_every_shipped_template_is_pinned() -> None:
    assert {spec.name for spec in SHIPPED} == set(RESOURCES) == set(PARAMETERS) == set(OUTPUTS)


def test_logical_ids_are_unchanged(shipped_spec: TemplateSpec) -> None:
    assert _types(rendered(shipped_spec)) == RESOURCES[shipped_spec.name]


def test_parameter_names_are_unchanged(shipped_spec: TemplateSpec) -> None:
    assert set(rendered(shipped_spec)["Parameters"]) == PARAMETERS[shipped_spec.name]


def test_output_keys_are_unchanged(shipped_spec: TemplateSpec) -> None:
    assert set(rendered(shipped_spec)["Outputs"]) == OUTPUTS[shipped_spec.name]


def test_a_larger_az_maximum_only_adds_logical_ids() -> None:
    smaller = _types(rendered(TemplateSpec(max_azs=3)))
    larger = _types(rendered(TemplateSpec(max_azs=6)))
    assert {k: larger[k] for k in smaller} == smaller
    assert "PublicSubnetF" in larger
