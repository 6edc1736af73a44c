"""cfn-lint, in process, with this project's rules appended, on every template: zero findings."""

from __future__ import annotations

import pytest
from cfnlint.api import lint
from cfnlint.helpers import REGIONS

from dualstack import TemplateSpec, build_template
from dualstack.lint import IGNORED_RULES
from dualstack.render import FORMATS, Format, render

from .conftest import ALL_SPECS, RULES_DIR, TEMPLATES, lint_config, spec_id


def _findings(text: str, regions: list[str], ignore: bool = True) -> list[str]:
    config = lint_config(
        regions=regions,
        include_checks=["I"],
        append_rules=[RULES_DIR],
        ignore_checks=list(IGNORED_RULES) if ignore else [],
    )
    return [str(match) for match in lint(text, config=config)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_shipped_templates_pass_cfn_lint_and_the_dualstack_rules_in_every_region(
    shipped_spec: TemplateSpec, fmt: Format
) -> None:
    text = (TEMPLATES / f"{shipped_spec.name}.{fmt}").read_text(encoding="utf-8")
    assert _findings(text, REGIONS) == []


@pytest.mark.parametrize("spec", ALL_SPECS, ids=spec_id)
def test_every_buildable_template_passes_cfn_lint_and_the_dualstack_rules(spec: TemplateSpec) -> None:
    regions = ["us-east-1", "us-west-1", "eu-west-1", "ap-northeast-1", "cn-north-1", "us-gov-west-1"]
    assert _findings(render(build_template(spec), "yaml"), regions) == []


def test_exposure_is_reported_only_for_the_bidirectional_choice() -> None:
    text = (TEMPLATES / "dualstack-vpc.yaml").read_text(encoding="utf-8")
    findings = _findings(text, ["us-east-1"], ignore=False)
    assert len(findings) == 3, findings
    for finding in findings:
        assert finding.startswith("[I9608")
        assert "PublicIpv6EgressOnly=False" in finding


def test_cfn_lint_would_report_a_broken_template() -> None:
    """The harness itself: an invalid property value must produce a finding."""
    text = render(build_template(TemplateSpec()), "yaml")
    text = text.replace("AssignIpv6AddressOnCreation: true", "AssignIpv6AddressOnCreation: 7")
    assert _findings(text, ["us-east-1"]) != []
