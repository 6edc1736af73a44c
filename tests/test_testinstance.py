"""The optional test instance: exists only when asked for, reachable over IPv4 SSH only, IPv6 out."""

from __future__ import annotations

from typing import Any

import pytest

from dualstack import SHIPPED, TemplateSpec
from dualstack.proofs.evaluate import EvaluationError, evaluate

from .conftest import rendered

INSTANCE_RESOURCES = {"TestInstance", "TestInstanceSecurityGroup", "TestInstanceRole", "TestInstanceProfile"}
ON = {"CreateTestInstance": "true", "SshIngressCidr": "203.0.113.7/32"}
SESSION_MANAGER_ONLY = {"CreateTestInstance": "true"}


def _deploy(choices: dict[str, str], spec: TemplateSpec = SHIPPED[0]) -> Any:
    return evaluate(rendered(spec), choices, region="eu-west-1")


@pytest.mark.parametrize("spec", SHIPPED, ids=lambda s: s.name)
def test_instance_resources_and_outputs_exist_exactly_when_asked_for(spec: TemplateSpec) -> None:
    off = _deploy({}, spec)
    assert not INSTANCE_RESOURCES & set(off.resources)
    assert not [k for k in off.outputs if k.startswith("TestInstance")]
    on = _deploy(ON, spec)
    assert set(on.resources) >= INSTANCE_RESOURCES | {"TestInstanceSshIngress"}
    assert {k for k in on.outputs if k.startswith("TestInstance")} == {
        "TestInstanceId",
        "TestInstancePublicIp",
        "TestInstanceSshCommand",
        "TestInstanceSessionCommand",
    }
    session_only = _deploy(SESSION_MANAGER_ONLY, spec)
    assert set(session_only.resources) >= INSTANCE_RESOURCES
    assert "TestInstanceSshIngress" not in session_only.resources
    assert "TestInstanceSshCommand" not in session_only.outputs
    assert "TestInstanceSshIngress" not in _deploy({"SshIngressCidr": "203.0.113.7/32"}, spec).resources


def test_without_an_ssh_source_the_instance_admits_nothing_and_is_reached_through_session_manager() -> None:
    parameter = rendered(SHIPPED[0])["Parameters"]["SshIngressCidr"]
    assert parameter["Default"] == ""
    resources = _deploy(SESSION_MANAGER_ONLY).resources
    assert not [r for r in resources.values() if r["Type"] == "AWS::EC2::SecurityGroupIngress"]
    assert "SecurityGroupIngress" not in resources["TestInstanceSecurityGroup"]["Properties"]
    assert "KeyName" not in resources["TestInstance"]["Properties"]


def test_ssh_is_its_own_resource_admitting_ipv4_from_one_range_and_nothing_over_ipv6() -> None:
    resources = _deploy(ON).resources
    group = resources["TestInstanceSecurityGroup"]["Properties"]
    assert "SecurityGroupIngress" not in group, "a rule inside the group hides behind Fn::If from scanners"
    rules = {k: r for k, r in resources.items() if r["Type"] == "AWS::EC2::SecurityGroupIngress"}
    assert rules == {
        "TestInstanceSshIngress": {
            "Type": "AWS::EC2::SecurityGroupIngress",
            "DependsOn": [],
            "Properties": {
                "GroupId": "<TestInstanceSecurityGroup.GroupId>",
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "CidrIp": "203.0.113.7/32",
                "Description": "SSH over IPv4",
            },
        }
    }
    # In the template itself the rule is plain values, no Fn::If, for scanners that evaluate nothing.
    raw = rendered(SHIPPED[0])["Resources"]["TestInstanceSshIngress"]
    assert raw["Condition"] == "TestInstanceSsh"
    assert "Fn::If" not in repr(raw["Properties"])
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


@pytest.mark.parametrize("source", ["0.0.0.0/0", "203.0.113.7/0"])
def test_the_template_itself_refuses_ssh_from_the_whole_internet(source: str) -> None:
    # The console and a plain aws cloudformation deploy skip precheck: the parameter's pattern must refuse /0.
    for spec in SHIPPED:
        with pytest.raises(EvaluationError, match="SshIngressCidr"):
            evaluate(rendered(spec), {"CreateTestInstance": "true", "SshIngressCidr": source})
        assert evaluate(rendered(spec), {"CreateTestInstance": "true", "SshIngressCidr": "203.0.113.0/1"})
