"""The offline update plan: what an update adds, modifies, replaces and removes, and whether CloudFormation can do it.

The expectations are written from the CloudFormation documentation and the resource
schemas (which properties are create-only), not read back from the planner.
"""

from __future__ import annotations

import itertools
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dualstack import SHIPPED
from dualstack.commands.plan import main
from dualstack.files.inputs import load_template
from dualstack.proofs.evaluate import evaluate
from dualstack.proofs.plan import ADD, MODIFY, REMOVE, REPLACE, Plan, create_only, plan_update, updated_parameters
from dualstack.proofs.plan_rules import GATEWAY_TAKEN, NAME_KEPT, OVERLAP, TOKEN_CHANGES, TYPE_CHANGES

from .conftest import LARGEST, TEMPLATES, rendered

YAML = str(TEMPLATES / "dualstack-vpc.yaml")
#: dualstack-vpc.json as released before updates were planned: the test instance had the fixed address ::10.
BEFORE = Path(__file__).resolve().parent / "plan_fixtures" / "dualstack-vpc-0.1.0.json"
INSTANCE = {"CreateTestInstance": "true", "SshIngressCidr": "203.0.113.7/32"}
NEW_AMI = {"TestInstanceImageId": "/aws/service/canonical/ubuntu/server/24.04/stable/20261201/amd64/hvm/ebs-gp3/ami-id"}


@cache
def _before() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BEFORE.read_text(encoding="utf-8"))
    return data


def _plan(before: dict[str, str], after: dict[str, str], template: dict[str, Any] | None = None) -> Plan:
    t = template if template is not None else rendered(SHIPPED[0])
    return plan_update(t, before, t, after, region="eu-west-1")


def _actions(plan: Plan) -> dict[str, str]:
    return {c.logical_id: c.action for c in plan.changes}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    """Exit status, the plan's lines, standard error; the cost before and after come just before the verdict."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    lines = out.splitlines()
    if status != 2:
        assert lines[-3].startswith(("cost now: $", "cost now: at least $")), lines
        assert lines[-2].startswith(("cost after: $", "cost after: at least $")), lines
        lines = [*lines[:-3], lines[-1]]
    return status, lines, err


# The checks a user can run


def test_subnet_size_change_is_refused_in_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(
        capsys, YAML, "--region", "eu-west-1", "--from", "SubnetPrefixLength=24", "--to", "SubnetPrefixLength=23"
    )
    assert (status, err) == (1, "")
    assert out[-1].startswith("refused: the new PublicSubnetA's CidrBlock 10.0.0.0/23 overlaps 10.0.0.0/24")
    assert out[-1].endswith("; deploy a new stack beside this one with the new value and move to it")
    assert out[-1].count(". ") == 0, "one sentence"
    assert "replace  PublicSubnetA (AWS::EC2::Subnet): CidrBlock is create-only" in out


def test_raising_the_az_count_lists_only_additions(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, YAML, "--region", "eu-west-1", "--from", "AzCount=2", "--to", "AzCount=3")
    assert status == 0
    resources = [line for line in out if not line.startswith("export ")]
    assert resources == [
        "add      PublicSubnetC (AWS::EC2::Subnet)",
        "add      PublicSubnetRouteTableAssociationC (AWS::EC2::SubnetRouteTableAssociation)",
        "safe",
    ]
    # The lists of subnets and zones grow: an importing stack would block that, so the plan names them.
    assert [line.split()[1] for line in out if line.startswith("export ")] == [
        "example-AvailabilityZones",
        "example-PublicSubnetIds",
    ]


def test_a_new_ami_under_the_test_instance_is_safe(capsys: pytest.CaptureFixture[str]) -> None:
    before = [f"{k}={v}" for k, v in INSTANCE.items()]
    after = [*before, *(f"{k}={v}" for k, v in NEW_AMI.items())]
    status, out, _ = _run(capsys, YAML, "--region", "eu-west-1", "--from", *before, "--to", *after)
    assert status == 0
    assert out[0].startswith("replace  TestInstance (AWS::EC2::Instance): ImageId is create-only")
    assert out[-1] == "safe"


@pytest.mark.parametrize("name", [s.name for s in SHIPPED])
def test_planning_the_same_parameters_prints_nothing_but_safe(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, str(TEMPLATES / f"{name}.yaml"), "--region", "eu-west-1")
    assert (status, out) == (0, ["safe"])
    status, out, _ = _run(capsys, str(TEMPLATES / f"{name}.json"), "--from", "AzCount=3", "--to", "AzCount=3")
    assert (status, out) == (0, ["safe"])


def test_planning_the_largest_build_with_every_option_on_against_itself_changes_nothing() -> None:
    everything = {"AzCount": "6", "NatGateways": "PerAz", "FlowLogs": "CloudWatchLogs", "KeyName": "k"}
    plan = _plan(everything, everything, rendered(LARGEST))
    assert plan.lines() == ["safe"]


def test_same_parameters_with_the_test_instance_warn_that_the_ami_is_read_again() -> None:
    plan = _plan(INSTANCE, INSTANCE)
    assert [(c.action, c.logical_id) for c in plan.changes] == [(REPLACE, "TestInstance")]
    assert "read again on every update" in plan.changes[0].note
    assert plan.safe


# The hazards of the released template, and the templates now


def test_a_new_ami_fails_the_released_template_because_of_the_fixed_ipv6_address() -> None:
    # ImageId is create-only; the replacement is created first and wants ::10, which the old instance holds.
    plan = plan_update(_before(), INSTANCE, _before(), {**INSTANCE, **NEW_AMI}, region="eu-west-1")
    assert plan.refusal is not None
    assert "TestInstance's NetworkInterfaces[0].Ipv6Addresses[0] 2001:db8:1234:1a00::10 overlaps" in plan.refusal
    assert _plan(INSTANCE, {**INSTANCE, **NEW_AMI}).safe


def test_raising_the_az_count_with_the_test_instance_failed_and_now_succeeds() -> None:
    before, after = {**INSTANCE, "AzCount": "2"}, {**INSTANCE, "AzCount": "3"}
    assert not plan_update(_before(), before, _before(), after, region="eu-west-1").safe
    assert _plan(before, after).safe


def test_upgrading_a_stack_with_the_test_instance_to_this_template_replaces_it_safely() -> None:
    plan = plan_update(_before(), INSTANCE, rendered(SHIPPED[0]), INSTANCE, region="eu-west-1")
    # The SSH rule moves out of the group into a resource of its own; the group itself stays.
    assert _actions(plan) == {
        "TestInstance": REPLACE,
        "TestInstanceSecurityGroup": MODIFY,
        "TestInstanceSshIngress": ADD,
    }
    assert plan.safe
    assert [e.name for e in plan.exports if e.removed] == ["example-TestInstanceIpv6Address"]


def test_upgrading_a_released_stack_leaves_its_default_security_group_alone_until_asked() -> None:
    # Workloads launched without a security group of their own may rely on the default group's rules: an upgrade
    # with the stack's parameters as they were must not empty it.
    plan = plan_update(_before(), {}, rendered(SHIPPED[0]), {}, region="eu-west-1")
    assert plan.safe
    assert _actions(plan) == {}
    restricted = plan_update(
        _before(), {}, rendered(SHIPPED[0]), {"RestrictDefaultSecurityGroup": "true"}, region="eu-west-1"
    )
    assert restricted.safe
    assert _actions(restricted) == {
        "DefaultSecurityGroupRules": ADD,
        "DefaultSecurityGroupFunction": ADD,
        "DefaultSecurityGroupRole": ADD,
        "DefaultSecurityGroupLogGroup": ADD,
    }


@pytest.mark.parametrize("template", [None, "before"])
def test_changing_the_vpc_cidr_is_refused_because_the_gateway_is_still_attached(template: str | None) -> None:
    t = _before() if template else None
    plan = _plan({"VpcCidrBlock": "10.0.0.0/16"}, {"VpcCidrBlock": "10.1.0.0/16"}, t)
    assert plan.refusal is not None
    assert plan.refusal.startswith("the new InternetGatewayAttachment attaches InternetGateway to a new VPC")


def _references(node: Any, name: str) -> bool:
    """Whether a template fragment refers to resource ``name`` (Ref, GetAtt, or Sub)."""
    if isinstance(node, dict):
        if node.get("Ref") == name:
            return True
        att = node.get("Fn::GetAtt")
        if isinstance(att, list) and att[0] == name:
            return True
        sub = node.get("Fn::Sub")
        if isinstance(sub, str) and "${" + name in sub:
            return True
        return any(_references(v, name) for v in node.values())
    return isinstance(node, list) and any(_references(v, name) for v in node)


def test_changing_the_vpc_cidr_replaces_the_vpc_and_everything_that_references_it() -> None:
    everything = {
        **INSTANCE,
        "AzCount": "3",
        "FlowLogs": "CloudWatchLogs",
        "RestrictDefaultSecurityGroup": "true",
        "GatewayEndpoints": "S3AndDynamoDB",
        "InterfaceEndpoints": "SessionManager",
        "CreateInstanceConnectEndpoint": "true",
        "EncryptionControl": "Monitor",
    }
    t = rendered(SHIPPED[1])
    everything["NatGateways"] = "PerAz"
    plan = _plan(everything, {**everything, "VpcCidrBlock": "10.9.0.0/16"}, t)
    # The regional NAT gateway is the one resource referring to the VPC that PerAz does not create.
    referring = {
        n
        for n, r in t["Resources"].items()
        if _references(r.get("Properties", {}), "Vpc") and n != "RegionalNatGateway"
    }
    assert {
        "VpcIpv6CidrBlock",
        "PublicSubnetC",
        "PrivateRouteTableC",
        "FlowLog",
        "TestInstanceSecurityGroup",
    } <= referring
    actions = _actions(plan)
    # A saved query names the VPC's IPv6 block in its text, which is not create-only: it is updated in place.
    # So are the custom resource given the new VPC's default security group (the handler then restores the old
    # one's) and its role's policy, which names that group.
    for name in ("FlowLogInboundIpv6Query", "DefaultSecurityGroupRules", "DefaultSecurityGroupRole"):
        assert actions.pop(name) == MODIFY
        referring.discard(name)
    assert {n for n in referring | {"Vpc"} if actions.get(n) != REPLACE} == set()
    # The cascade goes on: a replaced subnet replaces its NAT gateway and route table association; a replaced
    # route table replaces its routes.
    assert {"NatGatewayA", "PrivateSubnetRouteTableAssociationB", "PrivateIpv4DefaultRouteC"} <= {
        n for n, a in actions.items() if a == REPLACE
    }
    assert actions.get("InternetGateway") is None
    assert "example-VpcId" in {e.name for e in plan.exports}


@pytest.mark.parametrize("template", [None, "before"])
def test_changing_the_ipv6_source_is_refused_while_subnets_use_the_old_block(template: str | None) -> None:
    t = _before() if template else None
    pool = {"Ipv6IpamPoolId": "ipam-pool-0123456789abcdef0"}
    plan = _plan(pool, {**pool, "Ipv6Source": "Ipam"}, t)
    # Ipv6CidrBlock of a subnet is updatable (not create-only); the VPC's block association is replaced.
    assert _actions(plan) == {"VpcIpv6CidrBlock": REPLACE, "PublicSubnetA": MODIFY, "PublicSubnetB": MODIFY}
    assert plan.refusal is not None
    assert plan.refusal.startswith("VpcIpv6CidrBlock is replaced, but PublicSubnetA and 1 more subnets stay and keep")


def test_lowering_the_az_count_warns_about_the_exports_it_changes_or_removes() -> None:
    plan = _plan({"AzCount": "3"}, {"AzCount": "2"})
    assert {(e.name, e.removed) for e in plan.exports} == {
        ("example-AvailabilityZones", False),
        ("example-PublicSubnetIds", False),
        ("example-PublicSubnetCId", True),
    }
    assert _actions(plan) == {"PublicSubnetC": REMOVE, "PublicSubnetRouteTableAssociationC": REMOVE}
    assert plan.safe


def test_create_only_properties_come_from_cfn_lints_schemas() -> None:
    assert ("CidrBlock",) in create_only("eu-west-1", "AWS::EC2::Subnet")
    assert ("Ipv6CidrBlock",) not in create_only("eu-west-1", "AWS::EC2::Subnet")
    assert ("ImageId",) in create_only("eu-west-1", "AWS::EC2::Instance")
    assert create_only("eu-west-1", "AWS::EC2::VPCGatewayAttachment") == (("VpcId",),)


# The refusal rules on their own


def _subnets(*blocks: tuple[str, str]) -> dict[str, Any]:
    resources: dict[str, Any] = {"Net": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": {"Ref": "Cidr"}}}}
    for name, cidr in blocks:
        resources[name] = {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Net"}, "CidrBlock": cidr}}
    return {"Parameters": {"Cidr": {"Type": "String", "Default": "10.0.0.0/16"}}, "Resources": resources}


def test_an_added_subnet_may_not_take_the_range_of_one_removed_in_the_same_update() -> None:
    # Removed resources are deleted last, after every creation.
    old, new = _subnets(("A", "10.0.0.0/24")), _subnets(("B", "10.0.0.128/25"))
    plan = plan_update(old, {}, new, {}, region="eu-west-1")
    assert plan.refusal is not None
    assert plan.refusal.startswith("the new B's CidrBlock 10.0.0.128/25 overlaps 10.0.0.0/24, which A still holds")
    assert plan_update(old, {}, _subnets(("B", "10.0.1.0/24")), {}, region="eu-west-1").safe


def test_a_replaced_subnet_in_a_replaced_vpc_may_reuse_its_range() -> None:
    t = _subnets(("A", "10.0.0.0/24"))
    plan = plan_update(t, {}, t, {"Cidr": "10.0.0.0/20"}, region="eu-west-1")
    assert _actions(plan) == {"Net": REPLACE, "A": REPLACE}
    assert plan.safe


def _dual_subnets(*blocks: tuple[str, str, str]) -> dict[str, Any]:
    t = _subnets(*((name, cidr) for name, cidr, _ in blocks))
    for name, _, ipv6 in blocks:
        t["Resources"][name]["Properties"]["Ipv6CidrBlock"] = ipv6
    return t


def test_two_subnets_swapping_their_ipv6_blocks_in_place_is_refused() -> None:
    # A subnet's Ipv6CidrBlock is not create-only: CloudFormation changes it in place, and each subnet then asks
    # for the /64 the other one still holds.
    a, b = "2001:db8:0:1::/64", "2001:db8:0:2::/64"
    old = _dual_subnets(("A", "10.0.0.0/24", a), ("B", "10.0.1.0/24", b))
    new = _dual_subnets(("A", "10.0.0.0/24", b), ("B", "10.0.1.0/24", a))
    plan = plan_update(old, {}, new, {}, region="eu-west-1")
    assert _actions(plan) == {"A": MODIFY, "B": MODIFY}
    assert plan.refusal == (
        f"the new A's Ipv6CidrBlock {b} overlaps {b}, which B still holds until the update completes, so "
        "CloudFormation cannot change A in place (and 1 more such clashes); deploy a new stack beside this one "
        "with the new value and move to it"
    )
    assert plan.rule == OVERLAP


def test_a_subnet_moving_its_ipv6_block_in_place_to_a_free_one_is_safe() -> None:
    # Its IPv4 block stays: only what changes counts as leaving and arriving.
    old = _dual_subnets(("A", "10.0.0.0/24", "2001:db8:0:1::/64"), ("B", "10.0.1.0/24", "2001:db8:0:2::/64"))
    new = _dual_subnets(("A", "10.0.0.0/24", "2001:db8:0:3::/64"), ("B", "10.0.1.0/24", "2001:db8:0:2::/64"))
    plan = plan_update(old, {}, new, {}, region="eu-west-1")
    assert _actions(plan) == {"A": MODIFY}
    assert plan.safe


# Bad input: one line, exit status 2, nothing on standard output


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([YAML, "--to", "Nope=1"], "plan: error: --to: unknown parameter Nope"),
        ([YAML, "--from", "AzCount=7"], "plan: error: --from: parameter AzCount='7' is not one of 1, 2, 3"),
        ([YAML, "--to", "VpcCidrBlock=10.0.0.0/8"], "plan: error: --to: parameter VpcCidrBlock='10.0.0.0/8': must be"),
        ([YAML, "--to", "AzCount"], "plan: error: --to: parameter 'AzCount' is not Key=Value"),
        ([YAML, "--region", "mars-north-1"], "plan: error: unknown region 'mars-north-1'"),
        (["missing.yaml"], "plan: error: TEMPLATE: cannot read missing.yaml: No such file or directory"),
        ([YAML, "--from-template", "old.json"], "plan: error: --from-template: cannot read old.json: No such file"),
        ([YAML, "--bogus"], "plan: error: unrecognized arguments: --bogus"),
        ([], "plan: error: the template to plan is missing"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(capsys, *argv)
    assert status == 2
    assert out == []
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_a_file_that_is_not_a_template_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources: [\n", encoding="utf-8")
    status, out, err = _run(capsys, str(broken))
    assert (status, out) == (2, [])
    assert err.startswith(f"plan: error: TEMPLATE: {broken}: not a template: neither JSON nor YAML")
    assert "at line 2" in err
    assert err.count("\n") == 1


def test_a_new_vpc_takes_its_ipv6_block_and_subnets_along_safely() -> None:
    # Everything in the VPC is replaced with it, so nothing stays behind on the old IPv6 block.
    t = _subnets(("A", "10.0.0.0/24"))
    t["Resources"]["Block"] = {
        "Type": "AWS::EC2::VPCCidrBlock",
        "Properties": {"VpcId": {"Ref": "Net"}, "AmazonProvidedIpv6CidrBlock": True},
    }
    t["Resources"]["A"]["Properties"]["Ipv6CidrBlock"] = {
        "Fn::Select": [0, {"Fn::Cidr": [{"Fn::Select": [0, {"Fn::GetAtt": ["Net", "Ipv6CidrBlocks"]}]}, 1, 64]}]
    }
    plan = plan_update(t, {}, t, {"Cidr": "10.0.0.0/20"}, region="eu-west-1")
    assert _actions(plan) == {"Net": REPLACE, "Block": REPLACE, "A": REPLACE}
    assert plan.safe


def _with(t: dict[str, Any], **resources: dict[str, Any]) -> dict[str, Any]:
    return {**t, "Resources": {**t["Resources"], **resources}}


def test_a_type_change_is_refused_first_and_shown_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The subnet's new range would overlap too, but CloudFormation rejects the type change before creating anything.
    def rules(kind: str) -> dict[str, Any]:
        return {"Type": kind, "Properties": {"ServiceToken": "arn:aws:lambda:eu-west-1:111122223333:function:f"}}

    old = _with(_subnets(("A", "10.0.0.0/24")), Rules=rules("Custom::Rules"))
    new = _with(_subnets(("A", "10.0.0.0/23")), Rules=rules("AWS::CloudFormation::CustomResource"))
    plan = plan_update(old, {}, new, {}, region="eu-west-1")
    assert plan.rule == TYPE_CHANGES
    before, after = tmp_path / "old.json", tmp_path / "new.json"
    before.write_text(json.dumps(old), encoding="utf-8")
    after.write_text(json.dumps(new), encoding="utf-8")
    status, out, err = _run(capsys, str(after), "--from-template", str(before), "--region", "eu-west-1")
    assert (status, err) == (1, "")
    assert out == [
        "replace  A (AWS::EC2::Subnet): CidrBlock is create-only",
        "replace  Rules (AWS::CloudFormation::CustomResource): the type changes from Custom::Rules",
        "refused: Rules changes type from Custom::Rules to AWS::CloudFormation::CustomResource, which CloudFormation "
        "does not allow under the same logical ID; give the AWS::CloudFormation::CustomResource a new logical ID, so "
        "that it is added and the Custom::Rules removed",
    ]


def _gateway(gateway: str = "Gateway", attachment: str = "Attachment") -> dict[str, Any]:
    return _with(
        _subnets(),
        **{
            gateway: {"Type": "AWS::EC2::InternetGateway", "Properties": {}},
            attachment: {
                "Type": "AWS::EC2::VPCGatewayAttachment",
                "Properties": {"VpcId": {"Ref": "Net"}, "InternetGatewayId": {"Ref": gateway}},
            },
        },
    )


def test_a_renamed_internet_gateway_changes_its_attachment_in_place_safely() -> None:
    # InternetGatewayId is not create-only: the attachment moves to the new gateway; no second one is created.
    plan = plan_update(_gateway(), {}, _gateway("Gateway2"), {}, region="eu-west-1")
    assert _actions(plan) == {"Gateway2": ADD, "Attachment": MODIFY, "Gateway": REMOVE}
    assert plan.safe


def test_a_renamed_internet_gateway_attachment_is_refused_while_the_old_one_still_attaches() -> None:
    for new in (_gateway(attachment="Attachment2"), _gateway("Gateway2", "Attachment2")):
        plan = plan_update(_gateway(), {}, new, {}, region="eu-west-1")
        assert plan.rule == GATEWAY_TAKEN
        assert plan.refusal is not None
        assert plan.refusal.startswith("the new Attachment2 attaches another Internet Gateway to Net while Attachment")


def test_a_named_custom_resource_has_the_create_only_properties_of_any_custom_resource() -> None:
    assert create_only("eu-west-1", "Custom::DefaultSecurityGroupRules") == (("ServiceToken",),)


def test_the_plan_shows_the_hourly_cost_before_and_after_then_ends_with_the_verdict(
    capsys: pytest.CaptureFixture[str],
) -> None:
    private = str(TEMPLATES / "dualstack-vpc-private.yaml")
    assert main([private, "--from", "AzCount=3", "--to", "AzCount=3", "NatGateways=PerAz"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-3].startswith("cost now: $0.000/h")
    assert lines[-2].startswith("cost after: $0.150/h (about $110/month) (3 NAT gateway-hours x $0.045")
    assert lines[-1] == "safe"


@pytest.mark.parametrize("azs", ["1", "2", "3"])
@pytest.mark.parametrize(("vpc", "size"), [("10.0.0.0/16", "24"), ("172.16.0.0/20", "26"), ("192.168.8.0/22", "28")])
def test_a_released_stack_keeps_every_subnet_address_when_upgraded_with_the_new_options_at_their_defaults(
    azs: str, vpc: str, size: str
) -> None:
    old = {"AzCount": azs, "VpcCidrBlock": vpc, "SubnetPrefixLength": size}
    new_template = json.loads((TEMPLATES / "dualstack-vpc.json").read_text(encoding="utf-8"))
    assert {"MapPublicIpOnLaunch", "GatewayEndpoints"} <= set(new_template["Parameters"]) - set(_before()["Parameters"])

    def addresses(template: dict[str, Any]) -> dict[str, tuple[str, str]]:
        subnets = evaluate(template, old, region="eu-west-1").of_type("AWS::EC2::Subnet")
        return {k: (v["Properties"]["CidrBlock"], v["Properties"]["Ipv6CidrBlock"]) for k, v in subnets.items()}

    assert addresses(new_template) == addresses(_before())
    plan = plan_update(_before(), old, new_template, old, region="eu-west-1")
    assert plan.safe
    assert not [c for c in plan.changes if c.resource_type == "AWS::EC2::Subnet" and c.action != MODIFY]


#: The private and IPv6-only templates as they were before the options of this release (copies).
BEFORE_OPTIONS = {
    name: Path(__file__).resolve().parent / "plan_fixtures" / f"{name}-before-options.yaml"
    for name in ("dualstack-vpc-private", "dualstack-vpc-ipv6only")
}


@pytest.mark.parametrize("name", sorted(BEFORE_OPTIONS))
@pytest.mark.parametrize(
    "old",
    [
        {},
        {"AzCount": "3", "NatGateways": "PerAz", "PublicIpv6Routing": "Bidirectional"},
        {"AzCount": "1", "VpcCidrBlock": "172.16.0.0/20", "SubnetPrefixLength": "26", "NatGateways": "Single"},
        {"AzCount": "3", "VpcCidrBlock": "10.8.0.0/21", "SubnetPrefixLength": "24", "Ipv6Source": "Ipam"},
    ],
    ids=["defaults", "per-az", "small", "ipam6"],
)
def test_a_stack_of_the_templates_before_the_options_keeps_every_address_on_upgrade(
    name: str, old: dict[str, str]
) -> None:
    if old.get("Ipv6Source") == "Ipam":
        old = {**old, "Ipv6IpamPoolId": "ipam-pool-0123456789abcdef0"}
    before = load_template(BEFORE_OPTIONS[name])
    after = json.loads((TEMPLATES / f"{name}.json").read_text(encoding="utf-8"))

    def addresses(template: dict[str, Any]) -> dict[str, tuple[str | None, str]]:
        subnets = evaluate(template, old, region="eu-west-1").of_type("AWS::EC2::Subnet")
        return {k: (v["Properties"].get("CidrBlock"), v["Properties"]["Ipv6CidrBlock"]) for k, v in subnets.items()}

    assert addresses(after) == addresses(before)
    plan = plan_update(before, old, after, old, region="eu-west-1")
    assert plan.safe, plan.verdict
    assert not [c for c in plan.changes if c.resource_type in ("AWS::EC2::Subnet", "AWS::EC2::VPC")]


@pytest.mark.parametrize("name", sorted(BEFORE_OPTIONS))
def test_every_subnet_size_and_az_count_keeps_its_addresses_with_the_tier_sizes_at_their_default(name: str) -> None:
    # The private template's sizes per tier default to Same: for every slot size the template ever offered and
    # every AZ count, each subnet keeps the block it had before they existed.
    before = load_template(BEFORE_OPTIONS[name])
    after = json.loads((TEMPLATES / f"{name}.json").read_text(encoding="utf-8"))
    sizes = before["Parameters"]["SubnetPrefixLength"]["AllowedValues"]
    assert sizes == after["Parameters"]["SubnetPrefixLength"]["AllowedValues"]
    compared = 0
    for size, azs in itertools.product(sizes, ("1", "2", "3")):
        old = {"SubnetPrefixLength": size, "AzCount": azs}

        def blocks(template: dict[str, Any], old: dict[str, str] = old) -> dict[str, Any]:
            subnets = evaluate(template, old, region="eu-west-1").of_type("AWS::EC2::Subnet")
            return {k: v["Properties"].get("CidrBlock") for k, v in subnets.items()}

        assert blocks(after) == blocks(before), old
        compared += len(blocks(after))
    assert compared == len(sizes) * (1 + 2 + 3) * 2


# --to is a change on top of --from, as make deploy's PARAMS is a change on top of what the stack keeps


def test_to_changes_only_what_it_names_and_keeps_the_rest_of_from(capsys: pytest.CaptureFixture[str]) -> None:
    private = str(TEMPLATES / "dualstack-vpc-private.yaml")
    argv = [private, "--region", "eu-west-1", "--from", "NatGateways=PerAz", "--to", "GatewayEndpoints=S3AndDynamoDB"]
    status, lines, _ = _run(capsys, *argv)
    assert status == 0, lines
    assert lines == [
        "add      DynamoDbGatewayEndpoint (AWS::EC2::VPCEndpoint)",
        "add      S3GatewayEndpoint (AWS::EC2::VPCEndpoint)",
        "safe",
    ]


def test_updated_parameters_keep_old_values_and_defaults_and_drop_undeclared() -> None:
    old = {
        "Parameters": {
            "A": {"Type": "String", "Default": "old-default"},
            "B": {"Type": "String"},
            "Gone": {"Type": "String", "Default": "x"},
            "L": {"Type": "CommaDelimitedList", "Default": ["a", "b"]},
        }
    }
    new = {"Parameters": {"A": {"Type": "String", "Default": "new-default"}, "B": {"Type": "String"},
                          "L": {"Type": "CommaDelimitedList"}, "New": {"Type": "String", "Default": "n"}}}  # fmt: skip
    # A keeps the default it was deployed with (not the new template's), B its given value; Gone is dropped; New
    # is left to its default; the change wins.
    assert updated_parameters(old, {"B": "given"}, new, {"L": "c"}) == {"A": "old-default", "B": "given", "L": "c"}
    assert updated_parameters(old, {"B": "given"}, new, {}) == {"A": "old-default", "B": "given", "L": "a,b"}


#: Every shipped template as version 0.2.0 released it (before the private-access options).
RELEASED_0_2_0 = {
    spec.name: Path(__file__).resolve().parent / "plan_fixtures" / f"{spec.name}-0.2.0.json" for spec in SHIPPED
}
#: Options that a stack of 0.2.0 may have on; the test instance is replaced on any update while it exists.
ON_IN_0_2_0 = {
    "FlowLogs": "CloudWatchLogs",
    "GatewayEndpoints": "S3AndDynamoDB",
    "RestrictDefaultSecurityGroup": "true",
    "BlockPublicAccessExclusion": "AllowBidirectional",
    "AzCount": "3",
}


@pytest.mark.parametrize("name", sorted(RELEASED_0_2_0))
@pytest.mark.parametrize("options", [{}, ON_IN_0_2_0], ids=["defaults", "options-on"])
def test_a_stack_of_0_2_0_updated_to_these_templates_replaces_nothing(name: str, options: dict[str, str]) -> None:
    before = json.loads(RELEASED_0_2_0[name].read_text(encoding="utf-8"))
    after = json.loads((TEMPLATES / f"{name}.json").read_text(encoding="utf-8"))
    old = {**options, **({"NatGateways": "Single"} if "NatGateways" in before["Parameters"] else {})}
    plan = plan_update(before, old, after, old, region="eu-west-1")
    # The new parameters take their defaults (None, false): nothing is added, and the flow log keeps its format. The
    # default security group's function gets its new inline code (every rule tried when one is refused), in place.
    assert plan.safe, plan.verdict
    changed = [("modify", "DefaultSecurityGroupFunction")] if options else []
    assert [(c.action, c.logical_id) for c in plan.changes] == changed


def test_a_value_the_stack_keeps_decides_what_is_ignored_as_a_given_one_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The stack has its test instance: a new instance type takes effect, and no warning may say it is ignored.
    kept = ("--from", "CreateTestInstance=true", "--to", "TestInstanceType=t3.small")
    status, out, err = _run(capsys, YAML, "--region", "eu-west-1", *kept)
    assert status == 0, err
    assert "ignored" not in err
    assert any("TestInstance (AWS::EC2::Instance)" in line for line in out), out
    # Without the instance, the same change is ignored, and the warning says why.
    _, _, err = _run(capsys, YAML, "--region", "eu-west-1", "--to", "TestInstanceType=t3.small")
    assert "TestInstanceType=t3.small is ignored: CreateTestInstance is not true" in err


def test_table_takes_no_other_option(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "--table", "--region", "mars-east-1")
    assert status == 2
    assert out == []
    assert "--table" in err


def test_more_azs_than_the_region_has_is_a_warning_as_precheck_gives_it(capsys: pytest.CaptureFixture[str]) -> None:
    # us-west-1 has 2 zones in the pinned cfn-lint's data: a third AZ's subnet has no zone to go to.
    status, _, err = _run(capsys, YAML, "--region", "us-west-1", "--to", "AzCount=3")
    assert status == 0
    assert "plan: warning: us-west-1 has 2 Availability Zones in cfn-lint's data" in err
    _, _, err = _run(capsys, YAML, "--region", "eu-west-1", "--to", "AzCount=3")
    assert "Availability Zones" not in err


def _group(description: str, name: str | None) -> dict[str, Any]:
    """A security group whose GroupDescription (create-only in its schema) is the change, with or without a name."""
    props = {"GroupDescription": description, "VpcId": {"Ref": "Net"}, **({"GroupName": name} if name else {})}
    return _with(_subnets(), Group={"Type": "AWS::EC2::SecurityGroup", "Properties": props})


@pytest.mark.parametrize(
    ("old_name", "new_name", "refused"),
    [("fixed", "fixed", True), ("fixed", "fixed-2", False), (None, None, False)],
    ids=["name-kept", "name-changed", "no-name"],
)
def test_a_replaced_resource_may_not_keep_its_custom_name(
    old_name: str | None, new_name: str | None, refused: bool
) -> None:
    # The replacement is created while the old group still holds the name: only a new name, or none, lets it through.
    old, new = _group("for web", old_name), _group("for api", new_name)
    plan = plan_update(old, {}, new, {}, region="eu-west-1")
    assert {c.logical_id: c.action for c in plan.changes}["Group"] == REPLACE
    assert (plan.rule == NAME_KEPT) is refused
    if refused:
        assert plan.refusal is not None
        assert plan.refusal.startswith("Group (AWS::EC2::SecurityGroup) is replaced and keeps its GroupName 'fixed'")
    else:
        assert plan.safe


def test_a_named_resource_that_is_only_modified_keeps_its_name() -> None:
    # Ingress rules change in place: the group is not replaced, so its fixed name is no obstacle.
    old = _group("for web", "fixed")
    new = _group("for web", "fixed")
    new["Resources"]["Group"]["Properties"]["SecurityGroupIngress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/16"}
    ]
    plan = plan_update(old, {}, new, {}, region="eu-west-1")
    assert {c.logical_id: c.action for c in plan.changes}["Group"] == MODIFY
    assert plan.safe


def _custom(token: str, kind: str = "Custom::Rules") -> dict[str, Any]:
    return _with(_subnets(), Rules={"Type": kind, "Properties": {"ServiceToken": token, "Mode": "strict"}})


@pytest.mark.parametrize("kind", ["Custom::Rules", "AWS::CloudFormation::CustomResource"])
def test_a_custom_resource_s_service_token_may_not_change(kind: str) -> None:
    function = "arn:aws:lambda:eu-west-1:111122223333:function:handler"
    plan = plan_update(_custom(function, kind), {}, _custom(f"{function}-v2", kind), {}, region="eu-west-1")
    assert plan.rule == TOKEN_CHANGES
    assert plan.refusal == (
        "Rules's ServiceToken changes, which CloudFormation does not allow for a custom resource; keep the token "
        "(the function's ARN) and change the function's code, or give the resource a new logical ID"
    )
    assert plan_update(_custom(function, kind), {}, _custom(function, kind), {}, region="eu-west-1").safe
