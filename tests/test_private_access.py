"""Session Manager's interface endpoints, the EC2 Instance Connect Endpoint and VPC Encryption Controls, over every
evaluated combination of the choices they depend on. Expected subnets and exclusions are written out by hand here,
not read from the table of tier kinds."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from dualstack import SHIPPED, TemplateSpec
from dualstack.commands import precheck
from dualstack.model import cfndata
from dualstack.model.kinds import TierKind
from dualstack.proofs.costs import bill, cost_line
from dualstack.proofs.evaluate import EXAMPLE_VPC_IPV6_BLOCK, Deployment, evaluate

from .conftest import LARGEST, ROOT, az_params, rendered, spec_id

LETTERS = "ABCDEF"
SPECS = (*SHIPPED, LARGEST, TemplateSpec(name="v6-isolated", tiers=(TierKind.PUBLIC, TierKind.IPV6ONLY)))
#: Written out by hand: the tier whose subnets hold the endpoints (private before IPv6-only before isolated) and the
#: address type of its subnets; none in a template of public subnets alone.
HOSTS = {
    "dualstack-vpc": None,
    "dualstack-vpc-private": ("PrivateSubnet", "dualstack"),
    "dualstack-vpc-ipv6only": ("Ipv6OnlySubnet", "ipv6"),
    "dualstack-vpc-web": ("PrivateSubnet", "dualstack"),
    "all-tiers": ("PrivateSubnet", "dualstack"),
    "v6-isolated": ("Ipv6OnlySubnet", "ipv6"),
}
SERVICES = {"SsmEndpoint": "ssm", "SsmMessagesEndpoint": "ssmmessages", "Ec2MessagesEndpoint": "ec2messages"}
#: The gateways each exclusion property is for, by resource type (and the property that marks an IGW attachment).
EXCLUSION_OF = {
    "AWS::EC2::VPCGatewayAttachment": "InternetGatewayExclusionInput",
    "AWS::EC2::EgressOnlyInternetGateway": "EgressOnlyInternetGatewayExclusionInput",
    "AWS::EC2::NatGateway": "NatGatewayExclusionInput",
}


def _nat_values(template: dict[str, Any]) -> list[str | None]:
    declared = template["Parameters"].get("NatGateways")
    return [None] if declared is None else list(declared["AllowedValues"])


def _choices(spec: TemplateSpec, azs: int, nat: str | None, **more: str) -> dict[str, str]:
    return {**az_params(spec, azs), **({} if nat is None else {"NatGateways": nat}), **more}


def _interface(deployment: Deployment) -> dict[str, dict[str, Any]]:
    return {
        name: e["Properties"]
        for name, e in deployment.of_type("AWS::EC2::VPCEndpoint").items()
        if e["Properties"]["VpcEndpointType"] == "Interface"
    }


@pytest.mark.parametrize("spec", SPECS, ids=spec_id)
def test_session_manager_endpoints_sit_in_each_az_of_their_tier_with_its_address_type(spec: TemplateSpec) -> None:
    template = rendered(spec)
    host = HOSTS[spec.name]
    if host is None:
        assert "InterfaceEndpoints" not in template["Parameters"]
        assert not [
            r
            for r in template["Resources"].values()
            if r["Type"] == "AWS::EC2::VPCEndpoint" and r["Properties"]["VpcEndpointType"] == "Interface"
        ]
        return
    prefix, address_type = host
    assert template["Parameters"]["InterfaceEndpoints"]["Default"] == "None"
    combinations = 0
    for azs, nat, chosen in itertools.product(
        range(1, spec.max_azs + 1), _nat_values(template), ["None", "SessionManager"]
    ):
        deployment = evaluate(template, _choices(spec, azs, nat, InterfaceEndpoints=chosen))
        endpoints = _interface(deployment)
        group = deployment.resources.get("InterfaceEndpointSecurityGroup")
        if chosen == "None":
            assert endpoints == {}, (azs, nat)
            assert group is None, (azs, nat)
            assert not [k for k in deployment.outputs if k in {f"{n}Id" for n in SERVICES}]
            continue
        expected_subnets = sorted(f"<{prefix}{LETTERS[az]}>" for az in range(azs))
        assert set(endpoints) == set(SERVICES), (azs, nat)
        for name, props in endpoints.items():
            assert props["ServiceName"] == f"com.amazonaws.us-east-1.{SERVICES[name]}"
            assert sorted(props["SubnetIds"]) == expected_subnets, (name, azs, nat)
            # The address type matches the subnets it sits in, as the deployment has them.
            subnets = [deployment.resources[s.strip("<>")]["Properties"] for s in props["SubnetIds"]]
            actual_type = "dualstack" if all("CidrBlock" in s for s in subnets) else "ipv6"
            assert props["IpAddressType"] == actual_type == address_type, name
            assert props["DnsOptions"] == {"DnsRecordIpType": address_type}, name
            assert props["PrivateDnsEnabled"] is True
            assert props["SecurityGroupIds"] == ["<InterfaceEndpointSecurityGroup.GroupId>"]
            assert f"{name}Id" in deployment.outputs
        combinations += 1
        assert group is not None
        ingress = group["Properties"]["SecurityGroupIngress"]
        assert [(r["IpProtocol"], r["FromPort"], r["ToPort"]) for r in ingress] == [("tcp", 443, 443)] * 2
        vpc = deployment.resources["Vpc"]["Properties"]["CidrBlock"]
        assert {r.get("CidrIp") or r.get("CidrIpv6") for r in ingress} == {vpc, EXAMPLE_VPC_IPV6_BLOCK}
        # Its one egress rule matches no packet (ICMP type 252, code 86, to the broadcast address).
        assert group["Properties"]["SecurityGroupEgress"] == [
            {
                "IpProtocol": "icmp",
                "FromPort": 252,
                "ToPort": 86,
                "CidrIp": "255.255.255.255/32",
                "Description": "No traffic out: it only answers",
            }
        ]
    assert combinations >= spec.max_azs


def test_interface_endpoint_hours_are_billed_per_endpoint_and_az() -> None:
    private = rendered(SHIPPED[1])
    deployment = evaluate(private, {"AzCount": "3", "InterfaceEndpoints": "SessionManager"})
    assert bill(deployment).interface_endpoint_hours == 9
    assert bill(deployment).gateway_endpoints == 0
    # 3 endpoints x 3 AZs x $0.01 = $0.09 an hour, x 730 = $65.70 a month.
    line = cost_line(deployment, "us-east-1")
    assert line.startswith("cost: $0.090/h (about $66/month) (9 interface endpoint-hours x $0.010)")
    assert "plus $0.010/GB through interface endpoints" in line
    both = evaluate(
        private, {"AzCount": "2", "InterfaceEndpoints": "SessionManager", "GatewayEndpoints": "S3AndDynamoDB"}
    )
    assert (bill(both).interface_endpoint_hours, bill(both).gateway_endpoints) == (6, 2)


@pytest.mark.parametrize("spec", [*SHIPPED, LARGEST], ids=spec_id)
def test_instance_connect_endpoint_sits_in_the_first_public_subnet_and_only_sends_ssh(spec: TemplateSpec) -> None:
    template = rendered(spec)
    assert template["Parameters"]["CreateInstanceConnectEndpoint"]["Default"] == "false"
    for chosen, instance in itertools.product(["false", "true"], ["false", "true"]):
        deployment = evaluate(
            template,
            {**az_params(spec, spec.max_azs), "CreateInstanceConnectEndpoint": chosen, "CreateTestInstance": instance},
        )
        endpoints = deployment.of_type("AWS::EC2::InstanceConnectEndpoint")
        if chosen == "false":
            assert endpoints == {}
            assert "InstanceConnectSecurityGroup" not in deployment.resources
            assert "TestInstanceInstanceConnectIngress" not in deployment.resources
            continue
        (endpoint,) = endpoints.values()
        assert endpoint["Properties"]["SubnetId"] == "<PublicSubnetA>"
        assert endpoint["Properties"]["PreserveClientIp"] is False
        group = deployment.resources["InstanceConnectSecurityGroup"]["Properties"]
        assert "SecurityGroupIngress" not in group
        vpc = deployment.resources["Vpc"]["Properties"]["CidrBlock"]
        # SSH out to the VPC's IPv4 range and its /56: EC2 makes the endpoint dual-stack in a dual-stack subnet.
        egress = [
            (r["IpProtocol"], r["FromPort"], r["ToPort"], r.get("CidrIp") or r.get("CidrIpv6"))
            for r in group["SecurityGroupEgress"]
        ]
        assert egress == [("tcp", 22, 22, vpc), ("tcp", 22, 22, EXAMPLE_VPC_IPV6_BLOCK)]
        ingress = deployment.resources.get("TestInstanceInstanceConnectIngress")
        assert (ingress is not None) is (instance == "true")
        if ingress is not None:
            props = ingress["Properties"]
            assert (props["FromPort"], props["ToPort"]) == (22, 22)
            assert props["SourceSecurityGroupId"] == "<InstanceConnectSecurityGroup.GroupId>"
            assert "CidrIp" not in props
            assert "CidrIpv6" not in props
        assert {"InstanceConnectEndpointId", "InstanceConnectSecurityGroupId"} <= set(deployment.outputs)


def _gateways(deployment: Deployment) -> dict[str, str]:
    """Each gateway the deployment attaches to its VPC, and the exclusion property it needs under enforce."""
    found = {}
    for name, resource in deployment.resources.items():
        prop = EXCLUSION_OF.get(resource["Type"])
        if prop is not None and (
            resource["Type"] != "AWS::EC2::VPCGatewayAttachment" or "InternetGatewayId" in resource["Properties"]
        ):
            found[name] = prop
    return found


@pytest.mark.parametrize("spec", [*SHIPPED, LARGEST], ids=spec_id)
def test_an_enforced_control_excludes_every_gateway_present_for_every_choice(spec: TemplateSpec) -> None:
    template = rendered(spec)
    assert template["Parameters"]["EncryptionControl"]["Default"] == "None"
    seen = set()
    for azs, nat, chosen, region in itertools.product(
        sorted({1, spec.max_azs}),
        _nat_values(template),
        ["None", "Monitor", "Enforce"],
        ["us-east-1", "ap-northeast-2"],
    ):
        deployment = evaluate(template, _choices(spec, azs, nat, EncryptionControl=chosen), region=region)
        controls = deployment.of_type("AWS::EC2::VPCEncryptionControl")
        # ap-northeast-2 has no such resource type in the pinned cfn-lint's schemas: none is made there, and an output
        # says so when one was asked for.
        made = chosen != "None" and region == "us-east-1"
        assert bool(controls) is made, (chosen, region)
        assert ("EncryptionControlNotCreated" in deployment.outputs) is (chosen != "None" and not made)
        if not made:
            continue
        props = controls["VpcEncryptionControl"]["Properties"]
        assert props["VpcId"] == "<Vpc>"
        assert props["Mode"] == chosen.lower()
        exclusions = {k: v for k, v in props.items() if k.endswith("ExclusionInput")}
        gateways = _gateways(deployment)
        if chosen == "Monitor":
            assert exclusions == {}
            continue
        for gateway, prop in gateways.items():
            assert exclusions.get(prop) == "enable", (gateway, nat)
        seen |= set(gateways.values())
        # Only gateways the template can attach: NAT gateways' exclusion where NAT gateways are offered.
        assert ("NatGatewayExclusionInput" in exclusions) is (nat is not None)
    assert {"InternetGatewayExclusionInput", "EgressOnlyInternetGatewayExclusionInput"} <= seen


def test_precheck_refuses_an_encryption_control_where_the_region_has_none(capsys: pytest.CaptureFixture[str]) -> None:
    template = str(ROOT / "templates" / "dualstack-vpc.yaml")
    assert precheck.main([template, "--region", "ap-northeast-2", "EncryptionControl=Monitor"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("precheck: error: EncryptionControl=Monitor: ap-northeast-2 has no")
    assert precheck.main([template, "--region", "ap-northeast-2", "EncryptionControl=None"]) == 0
    assert precheck.main([template, "--region", "eu-west-1", "EncryptionControl=Enforce"]) == 0


def test_the_docs_count_the_regions_with_encryption_controls_as_the_data_does() -> None:
    regions = cfndata.regions_with("AWS::EC2::VPCEncryptionControl")
    assert "ap-northeast-2" not in regions
    assert "us-east-1" in regions
    text = " ".join((ROOT / "docs" / "private-access.md").read_text(encoding="utf-8").split())
    assert f"the pinned cfn-lint lists {len(regions)} regions with it" in text


def test_an_encryption_control_is_priced_where_the_table_knows_it_and_said_to_be_missing_where_not() -> None:
    public = rendered(SHIPPED[0])
    # $0.15 an hour per VPC with a control in us-east-1; x 730 = $109.50 a month.
    line = cost_line(evaluate(public, {"EncryptionControl": "Monitor"}), "us-east-1")
    assert line.startswith("cost: $0.150/h (about $110/month) (1 encryption control x $0.150)")
    elsewhere = cost_line(evaluate(public, {"EncryptionControl": "Enforce"}, region="eu-west-1"), "eu-west-1")
    assert elsewhere.startswith("cost: at least $0.000/h")
    assert "plus the encryption control's hourly charge, not in the table for eu-west-1" in elsewhere
    assert cost_line(evaluate(public, {}), "eu-west-1").startswith("cost: $0.000/h")
