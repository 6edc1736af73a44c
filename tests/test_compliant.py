"""The compliant parameter set: rendered with literal values for scanners, and passing, offline, the AWS Control
Tower proactive controls that apply to what the templates create (their guard rules' logic, written out below)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from dualstack import SHIPPED, TemplateSpec
from dualstack.commands.compliant import main
from dualstack.proofs.compliant import COMPLIANT, WITH_TEST_INSTANCE, _restore, render_compliant, scans

from .conftest import ROOT, rendered

# The rules, from the Control Tower controls reference ("CloudWatch controls", "Amazon EC2 controls").


def ct_cloudwatch_pr_2(template: dict[str, Any]) -> list[str]:
    """CT.CLOUDWATCH.PR.2: a log group keeps its records for at least a year, or for ever (no RetentionInDays).
    As AWS's guard rule (ct-cloudwatch-pr-2.guard) checks it: ``RetentionInDays is_int`` and ``>= 365``, so the
    text "365" fails."""
    return [
        name
        for name, r in template["Resources"].items()
        if r["Type"] == "AWS::Logs::LogGroup"
        and "RetentionInDays" in r["Properties"]
        and not (type(r["Properties"]["RetentionInDays"]) is int and r["Properties"]["RetentionInDays"] >= 365)
    ]


def ct_cloudwatch_pr_3(template: dict[str, Any]) -> list[str]:
    """CT.CLOUDWATCH.PR.3: a log group names a KMS key: a non-empty string, or a reference to a key in the template."""

    def encrypted(key: Any) -> bool:
        if isinstance(key, str):
            return key != ""
        if not isinstance(key, dict):
            return False
        target = key.get("Ref") or (key.get("Fn::GetAtt") or [None])[0]
        return bool(template["Resources"].get(target, {}).get("Type") == "AWS::KMS::Key")

    return [
        name
        for name, r in template["Resources"].items()
        if r["Type"] == "AWS::Logs::LogGroup" and not encrypted(r["Properties"].get("KmsKeyId"))
    ]


def ct_ec2_pr_8(template: dict[str, Any]) -> list[str]:
    """CT.EC2.PR.8: an instance has no top-level SubnetId, and each interface it creates sets
    AssociatePublicIpAddress to false."""
    failing = []
    for name, r in template["Resources"].items():
        if r["Type"] != "AWS::EC2::Instance":
            continue
        props = r["Properties"]
        interfaces = [n for n in props.get("NetworkInterfaces", []) if "NetworkInterfaceId" not in n]
        if "SubnetId" in props or any(n.get("AssociatePublicIpAddress") is not False for n in interfaces):
            failing.append(name)
    return failing


RULES = (ct_cloudwatch_pr_2, ct_cloudwatch_pr_3, ct_ec2_pr_8)


@pytest.mark.parametrize("spec", SHIPPED, ids=lambda s: s.name)
def test_every_shipped_template_passes_the_control_tower_rules_for_the_compliant_set(spec: TemplateSpec) -> None:
    template = render_compliant(rendered(spec))
    assert {rule.__name__: rule(template) for rule in RULES} == {rule.__name__: [] for rule in RULES}
    # Not vacuously: the set has a flow-log group to check.
    assert template["Resources"]["FlowLogGroup"]["Type"] == "AWS::Logs::LogGroup"


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"FlowLogRetentionDays": "90"}, ct_cloudwatch_pr_2),
        ({"FlowLogKmsKeyArn": ""}, ct_cloudwatch_pr_3),
        ({"CreateTestInstance": "true"}, ct_ec2_pr_8),
    ],
)
def test_each_rule_fails_when_its_part_of_the_set_is_left_out(change: dict[str, str], rule: Any) -> None:
    template = render_compliant(rendered(SHIPPED[0]), {**COMPLIANT, **change})
    assert rule(template) != []


def test_the_set_restricts_the_default_security_group_which_the_defaults_do_not() -> None:
    # Security Hub EC2.2 has no offline rule here: what the set must do is make the custom resource that empties it.
    compliant = render_compliant(rendered(SHIPPED[0]))
    assert compliant["Resources"]["DefaultSecurityGroupRules"]["Type"] == "Custom::DefaultSecurityGroupRules"
    without = {k: v for k, v in COMPLIANT.items() if k != "RestrictDefaultSecurityGroup"}
    assert "DefaultSecurityGroupRules" not in render_compliant(rendered(SHIPPED[0]), without)["Resources"]


def test_unrendered_templates_fail_the_rules_a_deploy_time_hook_would_pass() -> None:
    """Why make scan renders literals: the rules cannot evaluate Ref or Fn::If."""
    raw = rendered(SHIPPED[0])
    # The flow-log group's retention is a lookup (an integer once resolved); the function's group has 365 as such.
    assert ct_cloudwatch_pr_2(raw) == ["FlowLogGroup"]
    assert ct_cloudwatch_pr_3(raw) == ["FlowLogGroup", "DefaultSecurityGroupLogGroup"]


@pytest.mark.parametrize("spec", SHIPPED, ids=lambda s: s.name)
def test_rendered_templates_hold_no_parameter_condition_or_unresolved_function(spec: TemplateSpec) -> None:
    template = render_compliant(rendered(spec))
    assert set(template) == {"AWSTemplateFormatVersion", "Description", "Resources"}
    text = json.dumps(template)
    for function in ("Fn::If", "Fn::Select", "Fn::Cidr", "Fn::FindInMap", "Fn::GetAZs", "AWS::NoValue"):
        assert function not in text
    assert not [r for r in template["Resources"].values() if "Condition" in r]
    # Every reference left names a resource that exists in the rendering.
    names = set(template["Resources"])
    refs = re.findall(r'"Ref": "([^"]+)"', text) + re.findall(r'"Fn::GetAtt": \["([^"]+)"', text)
    assert refs
    assert set(refs) <= names
    assert not re.search(r"<[A-Za-z0-9.]+>", text), "a placeholder of the evaluator was left"


def test_the_flow_log_group_is_rendered_with_the_sets_literals_and_keeps_its_retain_policy() -> None:
    group = render_compliant(rendered(SHIPPED[0]))["Resources"]["FlowLogGroup"]
    assert group["Properties"]["KmsKeyId"] == COMPLIANT["FlowLogKmsKeyArn"]
    # An integer, as the guard rule of CT.CLOUDWATCH.PR.2 wants it: the text "365" fails that rule.
    assert group["Properties"]["RetentionInDays"] == 365
    assert group["DeletionPolicy"] == "Retain"


def test_placeholders_become_the_references_they_stand_for() -> None:
    names = ["Vpc", "FlowLogRole"]
    assert _restore("<Vpc>", names) == {"Ref": "Vpc"}
    assert _restore("<FlowLogRole.Arn>", names) == {"Fn::GetAtt": ["FlowLogRole", "Arn"]}
    assert _restore(["a", {"k": "<Vpc>"}], names) == ["a", {"k": {"Ref": "Vpc"}}]
    assert _restore("arn:aws:ec2:r:1:security-group/<Vpc.DefaultSecurityGroup> ${x}", names) == {
        "Fn::Sub": "arn:aws:ec2:r:1:security-group/${Vpc.DefaultSecurityGroup} ${!x}"
    }
    assert _restore("${version} <Other>", names) == "${version} <Other>"
    assert _restore(7, names) == 7


def test_make_scan_renders_each_set_to_its_own_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path)]) == 0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == sorted(f"{stem}.json" for stem, _, _ in scans())
    assert {stem for stem, _, params in scans() if params is COMPLIANT} == {spec.name for spec in SHIPPED}
    instance = json.loads((tmp_path / "dualstack-vpc-test-instance.json").read_text(encoding="utf-8"))
    assert "TestInstanceSshIngress" in instance["Resources"]
    assert ct_ec2_pr_8(instance) == ["TestInstance"], "the test instance set is scanned, not compliant"
    assert WITH_TEST_INSTANCE["CreateTestInstance"] == "true"
    capsys.readouterr()
    assert main([]) == 2
    assert capsys.readouterr().err == ("compliant: error: the following arguments are required: OUTPUT_DIRECTORY\n")


def test_the_readme_and_the_guide_state_the_compliant_set_the_scan_uses() -> None:
    for doc in (ROOT / "README.md", ROOT / "docs" / "compliance.md"):
        text = doc.read_text(encoding="utf-8")
        section = text.split("<!-- compliant-set -->")[1].split("<!-- /compliant-set -->")[0]
        stated = dict(re.findall(r"`(\w+)=([^`\s]+)`", section))
        assert stated == COMPLIANT, doc.name


def test_each_check_the_scan_skips_has_its_reason_beside_it() -> None:
    config_text = (ROOT / "scan" / "checkov.yaml").read_text(encoding="utf-8")
    skipped = yaml.safe_load(config_text)["skip-check"]
    assert skipped
    lines = config_text.splitlines()
    for check in skipped:
        index = lines.index(f"  - {check}")
        assert lines[index - 1].lstrip().startswith("#"), f"{check} has no reason above it"


def test_the_readme_names_exactly_the_control_tower_rules_tested_here_and_the_known_limit() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = text.split("## Where controls are enforced")[1].split("## More")[0]
    tested = {str(rule.__doc__).split(":")[0] for rule in RULES}
    assert tested == {"CT.CLOUDWATCH.PR.2", "CT.CLOUDWATCH.PR.3", "CT.EC2.PR.8"}
    named = set(re.findall(r"CT\.[A-Z0-9]+\.PR\.\d+", paragraph))
    assert named - {"CT.LAMBDA.PR.3"} == tested
    assert "(docs/compliance.md#known-limits)" in paragraph
    assert "## Known limits" in (ROOT / "docs" / "compliance.md").read_text(encoding="utf-8")
    assert "CT.LAMBDA.PR.3" in (ROOT / "docs" / "compliance.md").read_text(encoding="utf-8").split("## Known limits")[1]


@pytest.mark.parametrize("spec", SHIPPED, ids=[spec.name for spec in SHIPPED])
def test_every_log_group_keeps_a_year_as_an_integer_and_is_encrypted_in_the_compliant_render(spec: Any) -> None:
    template = render_compliant(rendered(spec))
    groups = {n: r for n, r in template["Resources"].items() if r["Type"] == "AWS::Logs::LogGroup"}
    assert set(groups) == {"FlowLogGroup", "DefaultSecurityGroupLogGroup"}
    for group in groups.values():
        assert type(group["Properties"]["RetentionInDays"]) is int
        assert group["Properties"]["RetentionInDays"] >= 365
        assert group["Properties"]["KmsKeyId"] == COMPLIANT["FlowLogKmsKeyArn"]


def test_the_rule_as_aws_writes_it_refuses_retention_as_text() -> None:
    text = {"Resources": {"G": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": "365"}}}}
    assert ct_cloudwatch_pr_2(text) == ["G"]


def test_make_scan_runs_the_guard_rule_of_every_control_the_readme_names() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Where controls are enforced") : readme.index("## More")]
    named = set(re.findall(r"CT\.[A-Z0-9]+\.PR\.\d+", section)) - {"CT.LAMBDA.PR.3"}  # named as a known limit
    guard = (ROOT / "scan" / "guard.sh").read_text(encoding="utf-8")
    run = set(re.findall(r'^  "(CT\.[A-Z0-9]+\.PR\.\d+) ', guard, flags=re.MULTILINE))
    assert named == run == {"CT.CLOUDWATCH.PR.2", "CT.CLOUDWATCH.PR.3", "CT.EC2.PR.8"}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "scan/guard.sh build/scan" in makefile
