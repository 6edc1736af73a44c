"""cfn-lint, in process, with this project's rules appended, on every template: zero findings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import pytest
from cfnlint.api import lint as api_lint
from cfnlint.config import ManualArgs
from cfnlint.helpers import REGIONS

from dualstack import SHIPPED, TemplateSpec, build_template
from dualstack.commands.lint import IGNORED_RULES
from dualstack.render.text import FORMATS, Format, render

from .cfnlint_memo import solved_afresh
from .conftest import ALL_SPECS, RULES_DIR, TEMPLATES, lint, spec_id


def _findings(text: str, regions: list[str], ignore: bool = True) -> list[str]:
    matches = lint(
        text,
        regions=regions,
        include_checks=["I"],
        append_rules=[RULES_DIR],
        ignore_checks=list(IGNORED_RULES) if ignore else [],
    )
    return [str(match) for match in matches]


def test_shipped_templates_pass_cfn_lint_and_the_dualstack_rules_in_every_region(shipped_spec: TemplateSpec) -> None:
    text = (TEMPLATES / f"{shipped_spec.name}.yaml").read_text(encoding="utf-8")
    assert _findings(text, REGIONS) == []


def test_shipped_json_twins_pass_cfn_lint_and_the_dualstack_rules(shipped_spec: TemplateSpec) -> None:
    """One region: the twin parses to the same template as the YAML, which is linted in every region
    (test_render.py::test_committed_yaml_and_json_twins_parse_to_the_same_template)."""
    text = (TEMPLATES / f"{shipped_spec.name}.json").read_text(encoding="utf-8")
    assert _findings(text, ["us-east-1"]) == []


@pytest.mark.parametrize("spec", [s for s in ALL_SPECS if s not in SHIPPED], ids=spec_id)
def test_every_buildable_template_passes_cfn_lint_and_the_dualstack_rules(spec: TemplateSpec) -> None:
    """One region: the shipped ones are linted in every region above, and equal what the code builds
    (test_render.py); what differs between regions (partitions, AZ counts, which types exist) is the same code in
    every build, and a build differs from the shipped ones only in how many AZs and tiers it repeats."""
    assert _findings(render(build_template(spec), "yaml"), ["us-east-1"]) == []


def test_exposure_is_reported_only_for_the_bidirectional_choice() -> None:
    text = (TEMPLATES / "dualstack-vpc.yaml").read_text(encoding="utf-8")
    findings = _findings(text, ["us-east-1"], ignore=False)
    # Each public subnet once: the conditions of its other properties (its address) do not repeat the finding.
    assert sorted(re.search(r"\((PublicSubnet[ABC]) ", f).group(1) for f in findings) == [  # type: ignore[union-attr]
        "PublicSubnetA",
        "PublicSubnetB",
        "PublicSubnetC",
    ]
    for finding in findings:
        assert finding.startswith("[I9608")
        assert "PublicIpv6EgressOnly=False" in finding
        # Whatever MapPublicIpOnLaunch says: the IPv6 addresses the subnet assigns are what the internet reaches.
        assert "MapPublicIpv4OnLaunch" not in finding
        assert "(AssignIpv6AddressOnCreation)" in finding


@pytest.mark.parametrize("fmt", FORMATS)
def test_cfn_lint_would_report_a_broken_template(fmt: Format) -> None:
    """The harness itself: an invalid property value must produce a finding, in either format."""
    text = render(build_template(TemplateSpec()), fmt)
    broken = text.replace("AssignIpv6AddressOnCreation: true", "AssignIpv6AddressOnCreation: 7").replace(
        '"AssignIpv6AddressOnCreation":true', '"AssignIpv6AddressOnCreation":7'
    )
    assert broken != text
    assert _findings(broken, ["us-east-1"]) != []


def test_the_shared_runner_finds_what_cfn_lint_api_finds() -> None:
    """The harness loads cfn-lint's rules once per set of options; cfn-lint's own API, loading them per call, agrees."""
    text = (Path(__file__).parent / "lint_fixtures" / "E9602_bad_widdix_471_route_before_attachment.yaml").read_text()
    options: dict[str, Any] = {"regions": ["us-east-1"], "include_checks": ["I"], "append_rules": [RULES_DIR]}
    from_api = [str(m) for m in api_lint(text, config=cast(ManualArgs, options))]
    assert from_api
    assert [str(m) for m in lint(text, **options)] == from_api
    assert [str(m) for m in lint(text, **options)] == from_api, "a second lint with the same runner finds the same"


#: Findings that depend on a region's condition and on which conditions are facts rather than scenarios (W1028).
_CONDITIONAL = """
Parameters:
  Mode: {Type: String, AllowedValues: [a, b], Default: a}
Conditions:
  IsA: !Equals [!Ref Mode, a]
  InChina: !Equals [!Ref "AWS::Region", cn-north-1]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Condition: IsA
    Properties:
      CidrBlock: !If [InChina, "10.0.0.0/33", "10.0.0.0/16"]
      InstanceTenancy: !If [IsA, default, !If [InChina, bogus, dedicated]]
Outputs:
  VpcId:
    Value: !If [IsA, !Ref Vpc, !Ref "AWS::NoValue"]
"""


#: A mapping value that is valid only under the condition on the parameter that picks it: the answer for
#: ``Size=large`` differs from the one for ``Size=small``, so a memo that forgot the compared value would report the
#: /33 (W1034) that cfn-lint, solving afresh, knows is never used. ``Zone`` is compared by nothing.
_VALUE_UNDER_ITS_CONDITION = """
Parameters:
  Size: {Type: String, AllowedValues: [small, large], Default: small}
  Zone: {Type: String, AllowedValues: [x, y], Default: x}
Mappings:
  Cidrs:
    small: {Block: "10.0.0.0/16"}
    large: {Block: "10.0.0.0/33"}
Conditions:
  IsSmall: !Equals [!Ref Size, small]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !If [IsSmall, !FindInMap [Cidrs, !Ref Size, Block], "10.1.0.0/16"]
      InstanceTenancy: !If [IsSmall, default, !Ref Zone]
"""


@pytest.mark.parametrize(
    "text",
    [
        (TEMPLATES / "dualstack-vpc.yaml").read_text(encoding="utf-8"),
        (Path(__file__).parent / "lint_fixtures" / "E9602_bad_widdix_471_route_before_attachment.yaml").read_text(),
        _CONDITIONAL,
        _VALUE_UNDER_ITS_CONDITION,
    ],
    ids=["exposure-findings", "E9602-fixture", "region-and-unreachable-branch", "mapping-value-under-its-condition"],
)
def test_remembered_condition_solving_finds_what_solving_afresh_finds(text: str) -> None:
    """The harness remembers cfn-lint's condition answers (tests/cfnlint_memo.py); cfn-lint's own, computed afresh
    for every question, give the same findings, in a region of each partition."""
    regions = ["us-east-1", "cn-north-1", "us-gov-west-1"]
    remembered = _findings(text, regions, ignore=False)
    with solved_afresh():
        afresh = _findings(text, regions, ignore=False)
    assert remembered
    assert remembered == afresh
