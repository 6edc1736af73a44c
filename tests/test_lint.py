"""cfn-lint, in process, on every template: zero findings, informational ones included."""

from __future__ import annotations

import pytest
from cfnlint.api import lint
from cfnlint.config import ManualArgs
from cfnlint.helpers import REGIONS

from dualstack import TemplateSpec, build_template
from dualstack.render import FORMATS, Format, render

from .conftest import TEMPLATES

#: Rules ignored for every template, each with its reason. Empty: nothing is ignored.
IGNORED_RULES: dict[str, str] = {}


def _findings(text: str, regions: list[str]) -> list[str]:
    config = ManualArgs(regions=regions, include_checks=["I"], ignore_checks=list(IGNORED_RULES))
    return [str(match) for match in lint(text, config=config)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_shipped_templates_pass_cfn_lint_in_every_region(shipped_spec: TemplateSpec, fmt: Format) -> None:
    text = (TEMPLATES / f"{shipped_spec.name}.{fmt}").read_text(encoding="utf-8")
    assert _findings(text, REGIONS) == []


def test_custom_az_maximums_pass_cfn_lint(any_spec: TemplateSpec) -> None:
    regions = ["us-east-1", "us-west-1", "eu-west-1", "ap-northeast-1", "cn-north-1", "us-gov-west-1"]
    assert _findings(render(build_template(any_spec), "yaml"), regions) == []


def test_cfn_lint_would_report_a_broken_template() -> None:
    """The harness itself: a subnet whose CIDR is not valid must produce a finding."""
    text = render(build_template(TemplateSpec()), "yaml").replace("MapPublicIpOnLaunch: true", "MapPublicIpOnLaunch: 7")
    assert _findings(text, ["us-east-1"]) != []
