"""Every single-parameter update of every shipped template and the largest build, planned, with its verdict pinned;
and docs/updates.md, which tabulates them, checked against the plans."""

from __future__ import annotations

from typing import Any

import pytest

from dualstack import SHIPPED, TemplateSpec
from dualstack.commands.plan import main
from dualstack.proofs.plan import REMOVE, REPLACE, plan_update
from dualstack.proofs.plan_rules import BLOCK_IN_USE, ENFORCE_FIRST, GATEWAY_MOVES, OVERLAP
from dualstack.proofs.updates_doc import Transition, parameter_values, transitions

from .conftest import LARGEST, ROOT, remembered, rendered, spec_id

#: The parameters whose change CloudFormation cannot carry out, and why (see the plan's refusal rules):
#: a new VPC while the Internet Gateway stays attached to the old; new subnets whose ranges overlap the old
#: ones in the same VPC; a new IPv6 block for the VPC while its subnets keep /64s of the old one.
FIXED = {
    "VpcCidrBlock": GATEWAY_MOVES,
    "SubnetPrefixLength": OVERLAP,
    "Ipv6Source": BLOCK_IN_USE,
    "Ipv6IpamPoolId": BLOCK_IN_USE,
    "Ipv4Source": GATEWAY_MOVES,
    "Ipv4IpamPoolId": GATEWAY_MOVES,
    "Ipv4NetmaskLength": GATEWAY_MOVES,
    "PublicSubnetPrefixLength": OVERLAP,
    "PrivateSubnetPrefixLength": OVERLAP,
    "IsolatedSubnetPrefixLength": OVERLAP,
    "EdgeSubnetPrefixLength": OVERLAP,
}
#: Single changes refused in one direction only, and why: an existing VPC goes to enforce mode through monitor mode.
ONE_WAY = {("EncryptionControl", "None", "Enforce"): ENFORCE_FIRST}
#: Contexts the other parameters are held at: the defaults; the test instance on; every option on.
CONTEXTS = {
    "defaults": {},
    "test-instance": {"CreateTestInstance": "true"},
    "everything": {
        "CreateTestInstance": "true",
        "NatGateways": "PerAz",
        "FlowLogs": "CloudWatchLogs",
        "PublicIpv6Routing": "Bidirectional",
        "KeyName": "example-key",
        "GatewayEndpoints": "S3AndDynamoDB",
        "MapPublicIpOnLaunch": "false",
        "BlockPublicAccessExclusion": "AllowBidirectional",
        "FlowLogKmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "FlowLogAggregationSeconds": "60",
        "RestrictDefaultSecurityGroup": "true",
        "CreateInstanceConnectEndpoint": "true",
        "EncryptionControl": "Monitor",
    },
}
SPECS = (*SHIPPED, LARGEST)


@remembered
def _transitions(spec: TemplateSpec, context: str) -> tuple[Transition, ...]:
    extra = dict(CONTEXTS[context])
    if context == "everything" and spec.max_azs > 1:
        extra["AzCount"] = str(spec.max_azs)
    if context == "everything" and "InterfaceEndpoints" in rendered(spec)["Parameters"]:
        extra["InterfaceEndpoints"] = "SessionManager"
    return tuple(transitions(rendered(spec), extra))


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("spec", SPECS, ids=spec_id)
def test_every_single_parameter_change_is_refused_exactly_when_the_parameter_is_fixed(
    spec: TemplateSpec, context: str
) -> None:
    template = rendered(spec)
    items = _transitions(spec, context)

    def refused(t: Transition) -> bool:
        if (t.parameter, t.before, t.after) in ONE_WAY:
            return True
        # The test instance is replaced on any update while it exists (see below): that alone is no refusal.
        return t.parameter in FIXED and any(not c.logical_id.startswith("TestInstance") for c in t.plan.changes)

    def rule(t: Transition) -> str:
        return ONE_WAY.get((t.parameter, t.before, t.after)) or FIXED[t.parameter] if refused(t) else ""

    wrong = [
        (t.parameter, t.before, t.after, t.plan.verdict)
        for t in items
        if t.plan.safe == refused(t) or t.plan.rule != rule(t)
    ]
    assert wrong == []
    # A fixed parameter's change is safe only where it changes nothing: a tier's size Same and the slot's size.
    unchanged = [(t.parameter, t.before, t.after) for t in items if t.parameter in FIXED and not refused(t)]
    assert all(p.endswith("SubnetPrefixLength") and "Same" in (b, a) for p, b, a in unchanged), unchanged
    # What the README says of the others: no subnet is replaced.
    subnets_replaced = [
        (t.parameter, t.before, t.after)
        for t in items
        if t.parameter not in FIXED
        and any(c.action == REPLACE and c.resource_type == "AWS::EC2::Subnet" for c in t.plan.changes)
    ]
    assert subnets_replaced == []
    # Every parameter is planned, each between every pair of its values, both ways.
    sizes = {name: len(parameter_values(template, name)) for name in template["Parameters"]}
    assert len(items) == sum(n * (n - 1) for n in sizes.values())
    fixed = sum(n * (n - 1) for p, n in sizes.items() if p in FIXED)
    one_way = sum(1 for t in items if (t.parameter, t.before, t.after) in ONE_WAY)
    assert one_way == 1
    assert sum(1 for t in items if not t.plan.safe) == fixed - len(unchanged) + one_way


@pytest.mark.parametrize("spec", SPECS, ids=spec_id)
def test_while_the_test_instance_exists_every_update_may_replace_it_and_that_is_safe(spec: TemplateSpec) -> None:
    items = [t for t in _transitions(spec, "test-instance") if t.parameter != "CreateTestInstance"]
    assert items
    for t in items:
        assert ("TestInstance", REPLACE) in {(c.logical_id, c.action) for c in t.plan.changes}, t.parameter
        assert t.plan.safe or t.parameter in FIXED or (t.parameter, t.before, t.after) in ONE_WAY, t.plan.verdict


@pytest.mark.parametrize("spec", SHIPPED, ids=spec_id)
def test_the_parameters_an_update_cannot_change_say_so_and_no_others_do(spec: TemplateSpec) -> None:
    parameters: dict[str, Any] = rendered(spec)["Parameters"]
    says_fixed = {name for name, p in parameters.items() if "Fixed once deployed" in p["Description"]}
    assert says_fixed == set(FIXED) & set(parameters)


def test_a_parameter_without_allowed_values_or_examples_cannot_be_left_out_of_the_table() -> None:
    template = {"Parameters": {"NewOption": {"Type": "String", "Default": "x"}}, "Resources": {}}
    with pytest.raises(KeyError, match="NewOption lists no AllowedValues"):
        list(transitions(template))


def test_docs_updates_md_is_what_the_plans_say(capsys: pytest.CaptureFixture[str]) -> None:
    committed = (ROOT / "docs" / "updates.md").read_text(encoding="utf-8")
    assert main(["--table"]) == 0
    assert capsys.readouterr().out == committed
    for spec in SHIPPED:
        items = _transitions(spec, "defaults")
        safe = sum(1 for t in items if t.plan.safe)
        assert f"{len(items)} changes planned: {safe} safe, {len(items) - safe} refused." in committed


def test_the_safe_legend_says_what_the_plan_cannot_see() -> None:
    # The plan sees the stack's own resources only: a subnet something else uses cannot be removed, and whether EC2
    # takes a second flow log beside the one being replaced is documented nowhere the plan could cite.
    doc = (ROOT / "docs" / "updates.md").read_text(encoding="utf-8")
    legend = " ".join(doc[doc.index("- **safe**") : doc.index("- **refused**")].split())
    assert "for the stack's own resources" in legend
    safe = [t for spec in SHIPPED for t in _transitions(spec, "defaults") if t.plan.safe]

    def changing(action: str, kind: str) -> list[str]:
        found = {
            t.parameter for t in safe if any((c.action, c.resource_type) == (action, kind) for c in t.plan.changes)
        }
        return sorted(found)

    assert changing(REMOVE, "AWS::EC2::Subnet") == ["AzCount"]
    assert "A subnet in use cannot be removed: lowering `AzCount` fails" in legend
    flow_log = changing(REPLACE, "AWS::EC2::FlowLog")
    assert flow_log == ["FlowLogAggregationSeconds", "FlowLogS3BucketArn", "FlowLogs"]
    # With flow logs on, the encryption control's fields change the log format: the flow log is replaced too.
    on = {"FlowLogs": "CloudWatchLogs"}
    template = rendered(SHIPPED[0])
    monitor = plan_update(template, on, template, {**on, "EncryptionControl": "Monitor"}, region="us-east-1")
    assert (REPLACE, "AWS::EC2::FlowLog") in {(c.action, c.resource_type) for c in monitor.changes}
    named = ", ".join(f"`{p}`" for p in flow_log)
    assert f"Replacing the flow log ({named}, and `EncryptionControl` while flow logs are on)" in legend
    assert "whether EC2 accepts that second flow log only a deploy shows" in legend


#: What each deploy-time option changes, hand-written from the resource schemas' create-only properties: the
#: exclusion's mode, a log group's key and a custom resource's properties are updated in place; every property of a
#: flow log and an ingress rule's source are create-only.
OPTION_CHANGES = {
    ("RestrictDefaultSecurityGroup", "true", "false"): {
        "DefaultSecurityGroupRules": "remove",
        "DefaultSecurityGroupFunction": "remove",
        "DefaultSecurityGroupRole": "remove",
        "DefaultSecurityGroupLogGroup": "remove",
    },
    ("RestrictDefaultSecurityGroup", "false", "true"): {
        "DefaultSecurityGroupRules": "add",
        "DefaultSecurityGroupFunction": "add",
        "DefaultSecurityGroupRole": "add",
        "DefaultSecurityGroupLogGroup": "add",
    },
    ("BlockPublicAccessExclusion", "None", "AllowBidirectional"): {
        "PublicBpaExclusionA": "add",
        "PublicBpaExclusionB": "add",
    },
    ("BlockPublicAccessExclusion", "AllowBidirectional", "AllowEgress"): {
        "PublicBpaExclusionA": "modify",
        "PublicBpaExclusionB": "modify",
    },
    ("BlockPublicAccessExclusion", "AllowEgress", "None"): {
        "PublicBpaExclusionA": "remove",
        "PublicBpaExclusionB": "remove",
    },
    ("FlowLogAggregationSeconds", "600", "60"): {"FlowLog": "replace"},
    ("FlowLogKmsKeyArn", "", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"): {
        "FlowLogGroup": "modify"
    },
}


@pytest.mark.parametrize(("parameter", "before", "after"), list(OPTION_CHANGES))
def test_each_option_changes_exactly_what_its_resources_schemas_say(parameter: str, before: str, after: str) -> None:
    (item,) = [
        t
        for t in _transitions(SHIPPED[0], "defaults")
        if (t.parameter, t.before, t.after) == (parameter, before, after)
    ]
    assert {c.logical_id: c.action for c in item.plan.changes} == OPTION_CHANGES[parameter, before, after]
    assert item.plan.safe


def test_the_ssh_rule_is_replaced_not_edited_when_its_source_changes() -> None:
    (item,) = [
        t
        for t in _transitions(SHIPPED[0], "defaults")
        if (t.parameter, t.before, t.after) == ("SshIngressCidr", "203.0.113.7/32", "198.51.100.0/24")
    ]
    actions = {c.logical_id: c.action for c in item.plan.changes}
    assert actions["TestInstanceSshIngress"] == "replace"
    assert item.plan.safe
