"""The optional test instance: exists only when asked for, reachable over IPv4 SSH only, IPv6 out."""

from __future__ import annotations

from typing import Any

import pytest

from dualstack import SHIPPED, TemplateSpec
from dualstack.evaluate import EvaluationError, evaluate

from .conftest import rendered

INSTANCE_RESOURCES = {"TestInstance", "TestInstanceSecurityGroup", "TestInstanceRole", "TestInstanceProfile"}
ON = {"CreateTestInstance": "true", "SshIngressCidr": "203.0.113.7/32"}


def _deploy(choices: dict[str, str], spec: TemplateSpec = SHIPPED[0]) -> Any:
    return evaluate(rendered(spec), choices, region="eu-west-1")


@pytest.mark.parametrize("spec", SHIPPED, ids=lambda s: s.name)
def test_instance_resources_and_outputs_exist_exactly_when_asked_for(spec: TemplateSpec) -> None:
    off = _deploy({}, spec)
    assert not INSTANCE_RESOURCES & set(off.resources)
    assert not [k for k in off.outputs if k.startswith("TestInstance")]
    on = _deploy(ON, spec)
    assert set(on.resources) >= INSTANCE_RESOURCES
    assert {k for k in on.outputs if k.startswith("TestInstance")} == {
        "TestInstanceId",
        "TestInstancePublicIp",
        "TestInstanceSshCommand",
        "TestInstanceSessionCommand",
    }


def test_rules_refuse_the_instance_without_an_ssh_source() -> None:
    with pytest.raises(EvaluationError, match="set SshIngressCidr to the IPv4 range you connect from"):
        _deploy({"CreateTestInstance": "true"})
    parameter = rendered(SHIPPED[0])["Parameters"]["SshIngressCidr"]
    assert parameter["Default"] == ""


def test_security_group_admits_ssh_over_ipv4_from_one_range_and_nothing_over_ipv6() -> None:
    group = _deploy(ON).resources["TestInstanceSecurityGroup"]["Properties"]
    assert group["SecurityGroupIngress"] == [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "203.0.113.7/32", "Description": "SSH over IPv4"}
    ]
    assert not [rule for rule in group["SecurityGroupIngress"] if "CidrIpv6" in rule or "SourcePrefixListId" in rule]
    egress = {(r["IpProtocol"], r.get("CidrIp") or r.get("CidrIpv6")) for r in group["SecurityGroupEgress"]}
    assert egress == {("-1", "0.0.0.0/0"), ("-1", "::/0")}


def test_instance_is_hardened_and_gets_both_address_families_in_the_first_public_subnet() -> None:
    deployment = _deploy(ON)
    props = deployment.resources["TestInstance"]["Properties"]
    assert props["MetadataOptions"]["HttpTokens"] == "required"
    assert props["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True
    assert props["IamInstanceProfile"] == "<TestInstanceProfile>"
    assert "KeyName" not in props, "an empty KeyName means Session Manager only"
    (interface,) = props["NetworkInterfaces"]
    assert interface["SubnetId"] == "<PublicSubnetA>"
    assert interface["AssociatePublicIpAddress"] is True
    assert interface["GroupSet"] == ["<TestInstanceSecurityGroup>"]
    # One IPv6 address EC2 picks from the subnet, none fixed: a replaced instance (a new AMI) must not need an
    # address its predecessor still holds.
    assert interface["Ipv6AddressCount"] == 1
    assert "Ipv6Addresses" not in interface
    assert not {"Ipv6Addresses", "PrivateIpAddress"} & set(props)
    with_key = _deploy({**ON, "KeyName": "laptop"}).resources["TestInstance"]["Properties"]
    assert with_key["KeyName"] == "laptop"


def test_ami_comes_from_the_public_ubuntu_ssm_parameter_in_every_region() -> None:
    parameter = rendered(SHIPPED[0])["Parameters"]["TestInstanceImageId"]
    assert parameter["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    assert parameter["Default"].startswith("/aws/service/canonical/ubuntu/server/24.04/")
    assert "amd64" in parameter["Default"]


def test_instance_waits_for_the_public_routes_so_its_first_boot_is_online() -> None:
    instance = rendered(SHIPPED[0])["Resources"]["TestInstance"]
    assert {"PublicIpv4DefaultRoute", "PublicIpv6DefaultRoute", "PublicSubnetRouteTableAssociationA"} <= set(
        instance["DependsOn"]
    )


def test_instance_role_trusts_only_ec2_and_holds_only_the_ssm_managed_policy() -> None:
    role = _deploy(ON).resources["TestInstanceRole"]["Properties"]
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert statement["Action"] == ["sts:AssumeRole"]
    assert role["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]
    assert "Policies" not in role


def test_ready_to_paste_commands() -> None:
    outputs = _deploy(ON).outputs
    assert outputs["TestInstanceSshCommand"]["Value"] == "ssh ubuntu@<TestInstance.PublicIp>"
    assert (
        outputs["TestInstanceSessionCommand"]["Value"]
        == "aws ssm start-session --target <TestInstance> --region eu-west-1"
    )
