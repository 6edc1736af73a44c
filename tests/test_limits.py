"""CloudFormation's hard limits, refused before anything is written."""

from __future__ import annotations

from typing import Any

import pytest

from dualstack import SpecError
from dualstack.model.limits import check_limits

from .conftest import LARGEST, rendered


@pytest.mark.parametrize(("section", "limit"), [("Resources", 500), ("Parameters", 200), ("Outputs", 200)])
def test_a_section_over_its_limit_is_refused_naming_it(section: str, limit: int) -> None:
    at_limit: dict[str, Any] = {section: {f"X{i}": {} for i in range(limit)}}
    check_limits(at_limit, "{}")
    over: dict[str, Any] = {section: {f"X{i}": {} for i in range(limit + 1)}}
    with pytest.raises(SpecError, match=f"{limit + 1} {section.lower()}; CloudFormation allows {limit}"):
        check_limits(over, "{}")


def test_a_body_over_one_megabyte_is_refused() -> None:
    with pytest.raises(SpecError, match="1,000,001 bytes"):
        check_limits({}, "x" * 1_000_001)


def test_the_largest_build_is_well_within_every_section_limit() -> None:
    template = rendered(LARGEST)
    assert len(template["Resources"]) < 250
    assert len(template["Outputs"]) < 100
    assert len(template["Parameters"]) < 40
