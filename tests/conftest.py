"""Shared fixtures: templates rendered from the code, and the committed ones."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest
from cfnlint.config import ManualArgs

from dualstack import SHIPPED, TemplateSpec, build_template
from dualstack.kinds import KINDS
from dualstack.render import render

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
#: The project's cfn-lint rules, appended as users append them.
RULES_DIR = str(ROOT / "dualstack" / "lint_rules")


def lint_config(**options: Any) -> ManualArgs:
    """cfn-lint options; ``append_rules`` is accepted at run time though ``ManualArgs`` does not declare it."""
    return cast(ManualArgs, options)


@cache
def rendered(spec: TemplateSpec) -> dict[str, Any]:
    """The template for ``spec`` as CloudFormation reads it: the rendered JSON, parsed."""
    result: dict[str, Any] = json.loads(render(build_template(spec), "json"))
    return result


ALL_TIERS = KINDS
#: The largest template the CLI builds: six AZs, every tier.
LARGEST = TemplateSpec(name="all-tiers", max_azs=6, tiers=ALL_TIERS)
#: The shipped templates, the largest, and the public tier for each AZ maximum.
ALL_SPECS = tuple(
    dict.fromkeys(
        [
            *SHIPPED,
            LARGEST,
            TemplateSpec(name="all-tiers", max_azs=2, tiers=ALL_TIERS),
            *(TemplateSpec(max_azs=n) for n in range(1, 7)),
        ]
    )
)


@pytest.fixture(params=SHIPPED, ids=lambda spec: spec.name)
def shipped_spec(request: pytest.FixtureRequest) -> TemplateSpec:
    spec: TemplateSpec = request.param
    return spec


@pytest.fixture
def shipped(shipped_spec: TemplateSpec) -> dict[str, Any]:
    return rendered(shipped_spec)


def spec_id(spec: TemplateSpec) -> str:
    return f"{spec.name}-{spec.max_azs}az"


@pytest.fixture(params=ALL_SPECS, ids=spec_id)
def any_spec(request: pytest.FixtureRequest) -> TemplateSpec:
    spec: TemplateSpec = request.param
    return spec


def az_params(spec: TemplateSpec, azs: int) -> dict[str, str]:
    """The AzCount parameter for ``azs`` zones; a one-AZ template has no such parameter."""
    assert 1 <= azs <= spec.max_azs
    return {} if spec.max_azs == 1 else {"AzCount": str(azs)}
