"""The library API: a troposphere user adds the dual-stack network to a template of their own, builds on its typed
handles, and the result lints clean and deploys for every AZ count (as the evaluator resolves it)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from troposphere import Output, Parameter, Template, ec2, elasticloadbalancingv2

from dualstack import (
    SHIPPED,
    DualStackNetwork,
    Handle,
    TemplateSpec,
    TierKind,
    add_dualstack_network,
    build,
    build_template,
)
from dualstack.proofs.evaluate import evaluate
from dualstack.render.text import document, to_json, to_yaml

from .conftest import ROOT, lint

SPEC = TemplateSpec(name="app", max_azs=3, tiers=(TierKind.PUBLIC, TierKind.PRIVATE))
REGION_AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


def _users_template() -> tuple[Template, DualStackNetwork]:
    """What the API's docstring shows: the user's own template, with a parameter group of theirs, a network load
    balancer across the public subnets, and an instance in the second AZ's private subnet (there from AzCount=2)."""
    t = Template(Description="my application")
    t.set_version("2010-09-09")
    size = t.add_parameter(Parameter("AppInstanceType", Type="String", Default="t3.micro"))
    t.add_parameter_to_group(size, "Application")
    t.set_parameter_label(size, "Instance type")
    net = add_dualstack_network(t, SPEC)
    group = t.add_resource(ec2.SecurityGroup("AppSecurityGroup", GroupDescription="application", VpcId=net.vpc.ref()))
    t.add_resource(
        elasticloadbalancingv2.LoadBalancer(
            "AppLoadBalancer",
            IpAddressType="dualstack",
            Scheme="internet-facing",
            # A network load balancer: an application one needs two subnets, and AzCount may be 1.
            Type="network",
            SecurityGroups=[group.ref()],
            Subnets=net.tier(TierKind.PUBLIC).subnet_ids(),
        )
    )
    second = net.tier(TierKind.PRIVATE).subnets[1]
    assert second.condition is not None
    t.add_resource(
        ec2.Instance(
            "AppInstance",
            Condition=second.condition,
            ImageId="{{resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id}}",
            InstanceType=size.ref(),
            SubnetId=second.ref(),
        )
    )
    t.add_output(Output("AppSubnetIds", Value=net.tier(TierKind.PRIVATE).subnet_ids()[0]))
    return t, net


def test_build_gives_the_template_generate_writes_byte_for_byte() -> None:
    for spec in SHIPPED:
        assert to_yaml(document(build(spec).template)) == to_yaml(document(build_template(spec)))


def test_handles_name_the_resources_and_carry_the_condition_each_was_created_under() -> None:
    net = build(SPEC)
    resources = document(net.template)["Resources"]
    handles: list[Handle[Any]] = [
        net.vpc,
        net.ipv6_cidr_block,
        net.internet_gateway,
        net.internet_gateway_attachment,
        net.egress_only_internet_gateway,
        *net.nat_gateways,
        *([net.regional_nat_gateway] if net.regional_nat_gateway else []),
    ]
    for tier in net.tiers.values():
        handles += [*tier.subnets, *tier.route_tables]
    assert len(handles) == len({h.logical_id for h in handles})
    for handle in handles:
        assert handle.condition == resources[handle.logical_id].get("Condition"), handle.logical_id
    public = net.tier(TierKind.PUBLIC)
    assert [s.logical_id for s in public.subnets] == ["PublicSubnetA", "PublicSubnetB", "PublicSubnetC"]
    assert [s.condition for s in public.subnets] == [None, "HasAzB", "HasAzC"]
    assert [h.logical_id for h in net.nat_gateways] == ["NatGatewayA", "NatGatewayB", "NatGatewayC"]
    assert net.vpc.condition is None


def test_ref_or_is_a_plain_ref_for_what_always_exists_and_an_if_otherwise() -> None:
    net = build(SPEC)
    subnets = net.tier(TierKind.PUBLIC).subnet_ids()
    assert [s.to_dict() for s in subnets] == [
        {"Ref": "PublicSubnetA"},
        {"Fn::If": ["HasAzB", {"Ref": "PublicSubnetB"}, {"Ref": "AWS::NoValue"}]},
        {"Fn::If": ["HasAzC", {"Ref": "PublicSubnetC"}, {"Ref": "AWS::NoValue"}]},
    ]


def test_a_tier_the_network_lacks_is_named() -> None:
    with pytest.raises(KeyError, match="no isolated tier: its tiers are public, private"):
        build(SPEC).tier(TierKind.ISOLATED)


def test_the_users_template_keeps_its_own_form_group_and_gains_the_networks() -> None:
    t, _ = _users_template()
    interface = document(t)["Metadata"]["AWS::CloudFormation::Interface"]
    groups = [group["Label"]["default"] for group in interface["ParameterGroups"]]
    assert groups[0] == "Application"
    assert interface["ParameterGroups"][0]["Parameters"] == ["AppInstanceType"]
    assert len(groups) > 1
    assert interface["ParameterLabels"]["AppInstanceType"] == {"default": "Instance type"}
    assert "AzCount" in interface["ParameterLabels"]
    assert document(t)["Description"] == "my application"


def test_the_users_template_lints_clean_with_cfn_lint_and_the_dualstack_rules() -> None:
    t, _ = _users_template()
    findings = [m for m in lint(to_json(document(t))) if m.rule.id != "I9608"]
    assert not findings, "\n".join(str(m) for m in findings)


@pytest.mark.parametrize("azs", ["1", "2", "3"])
def test_the_users_references_resolve_for_every_az_count(azs: str) -> None:
    t, _ = _users_template()
    deployed = evaluate(document(t), {"AzCount": azs}, region="eu-west-1", azs=REGION_AZS)
    count = int(azs)
    load_balancer: dict[str, Any] = deployed.resources["AppLoadBalancer"]["Properties"]
    assert len(load_balancer["Subnets"]) == count
    assert ("AppInstance" in deployed.resources) is (count >= 2)


def test_a_name_the_template_already_holds_is_refused_by_troposphere() -> None:
    t = Template()
    t.add_resource(ec2.VPC("Vpc", CidrBlock="10.0.0.0/16"))
    with pytest.raises(ValueError, match='duplicate key "Vpc"'):
        add_dualstack_network(t, SPEC)


def test_the_example_in_docs_library_md_runs_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    page = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", page, flags=re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(compile(example, "docs/library.md", "exec"), namespace)  # the documented example itself
    t = namespace["t"]
    assert {"AppSecurityGroup", "AppLoadBalancer", "AppInstance", "Vpc"} <= set(t.resources)
    assert t.resources["AppInstance"].resource["Condition"] == namespace["second"].condition
    assert capsys.readouterr().out == to_yaml(document(t)) + "\n"
