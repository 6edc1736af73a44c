"""The VPC, its IPv6 block and the two gateways."""

from __future__ import annotations

from typing import Any

from dualstack import TemplateSpec


def test_vpc_has_dns_support_and_hostnames_and_cidr_from_parameter(shipped: dict[str, Any]) -> None:
    vpc = shipped["Resources"]["Vpc"]
    assert vpc["Type"] == "AWS::EC2::VPC"
    assert vpc["Properties"]["EnableDnsSupport"] is True
    assert vpc["Properties"]["EnableDnsHostnames"] is True
    # The parameter, unless the IPv4 source is IPAM: then a pool and a netmask instead.
    assert vpc["Properties"]["CidrBlock"] == {
        "Fn::If": ["Ipv4FromIpam", {"Ref": "AWS::NoValue"}, {"Ref": "VpcCidrBlock"}]
    }
    assert vpc["Properties"]["Ipv4IpamPoolId"] == {
        "Fn::If": ["Ipv4FromIpam", {"Ref": "Ipv4IpamPoolId"}, {"Ref": "AWS::NoValue"}]
    }


def test_both_gateways_belong_to_the_vpc(shipped: dict[str, Any]) -> None:
    resources = shipped["Resources"]
    attachment = resources["InternetGatewayAttachment"]
    assert attachment["Type"] == "AWS::EC2::VPCGatewayAttachment"
    assert attachment["Properties"] == {"InternetGatewayId": {"Ref": "InternetGateway"}, "VpcId": {"Ref": "Vpc"}}
    eigw = resources["EgressOnlyInternetGateway"]
    assert eigw["Type"] == "AWS::EC2::EgressOnlyInternetGateway"
    assert eigw["Properties"]["VpcId"] == {"Ref": "Vpc"}


def test_every_taggable_resource_has_a_name_tag_built_from_the_stack_name(shipped: dict[str, Any]) -> None:
    untaggable = {
        "AWS::EC2::VPCCidrBlock",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::IAM::InstanceProfile",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::Logs::QueryDefinition",
        "Custom::DefaultSecurityGroupRules",
    }
    names = set()
    for logical_id, resource in shipped["Resources"].items():
        if resource["Type"] in untaggable:
            assert "Tags" not in resource["Properties"], logical_id
            continue
        tags = {t["Key"]: t["Value"] for t in resource["Properties"]["Tags"]}
        assert tags["Name"]["Fn::Sub"].startswith("${AWS::StackName}"), logical_id
        names.add((resource["Type"], tags["Name"]["Fn::Sub"]))
    tagged = [r for r in shipped["Resources"].values() if r["Type"] not in untaggable]
    assert len(names) == len(tagged), "two resources of one type share a Name tag"


def test_ipv6_block_comes_from_amazon_by_default_and_from_the_ipam_pool_when_chosen() -> None:
    from dualstack.proofs.evaluate import evaluate

    from .conftest import rendered

    template = rendered(TemplateSpec())
    amazon = evaluate(template).resources["VpcIpv6CidrBlock"]["Properties"]
    assert amazon == {"AmazonProvidedIpv6CidrBlock": True, "VpcId": "<Vpc>"}
    pool = "ipam-pool-0123456789abcdef0"
    ipam = evaluate(template, {"Ipv6Source": "Ipam", "Ipv6IpamPoolId": pool}).resources["VpcIpv6CidrBlock"]
    assert ipam["Properties"] == {"Ipv6IpamPoolId": pool, "Ipv6NetmaskLength": 56, "VpcId": "<Vpc>"}
