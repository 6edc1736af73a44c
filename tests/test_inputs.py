"""The shared input checks; their use at each entry point is in test_bad_input.py."""

from __future__ import annotations

import sys

import pytest
from cfnlint.helpers import REGIONS

from dualstack.files import inputs


def test_without_cfn_lint_the_regions_come_from_botocore_and_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cfnlint.helpers", None)
    assert sorted(inputs.known_regions()) == sorted(REGIONS)


@pytest.mark.parametrize(
    ("family", "arm64"),
    [
        ("t4g", True),
        ("m7gd", True),
        ("c6gn", True),
        ("im4gn", True),
        ("is4gen", True),
        ("x2gd", True),
        ("g5g", True),
        ("hpc7g", True),
        ("a1", True),
        ("mac2-m2pro", True),
        ("t3", False),
        ("g4dn", False),
        ("m6a", False),
        ("c6in", False),
        ("x2iedn", False),
        ("hpc7a", False),
        ("inf2", False),
        ("mac1", False),
    ],
)
def test_arm64_instance_families_are_told_from_x86_64(family: str, arm64: bool) -> None:
    assert bool(inputs._ARM64_FAMILY.fullmatch(family)) is arm64


def test_a_value_given_twice_keeps_the_last_and_warns() -> None:
    parameters, warnings = inputs.parse_assignments(["AzCount=2", "NatGateways=None", "AzCount=3"])
    assert parameters == {"AzCount": "3", "NatGateways": "None"}
    assert warnings == ["AzCount is given twice ('2', then '3'): the last, '3', is used"]
