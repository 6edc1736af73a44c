"""Build-time structure: what a spec accepts, and the subnet slots it reserves."""

from __future__ import annotations

import pytest

from dualstack import SpecError, TemplateSpec, TierKind


@pytest.mark.parametrize("max_azs", [0, 7, -1])
def test_az_maximum_outside_one_to_six_is_refused(max_azs: int) -> None:
    with pytest.raises(SpecError, match="between 1 and 6"):
        TemplateSpec(max_azs=max_azs)


def test_tiers_must_be_present_and_distinct() -> None:
    with pytest.raises(SpecError, match="at least one tier"):
        TemplateSpec(tiers=())
    with pytest.raises(SpecError, match="only once"):
        TemplateSpec(tiers=(TierKind.PUBLIC, TierKind.PUBLIC))


def test_slots_are_reserved_for_the_maximum_az_count() -> None:
    spec = TemplateSpec(max_azs=3)
    assert spec.subnet_slots == 3
    assert spec.slot_bits == 2
    assert [spec.slot(TierKind.PUBLIC, az) for az in range(3)] == [0, 1, 2]
    assert spec.subnet_prefixes == tuple(range(18, 29))
    assert spec.smallest_vpc_prefix == 26


def test_one_az_template_needs_no_slot_bits() -> None:
    spec = TemplateSpec(max_azs=1)
    assert spec.slot_bits == 0
    assert spec.subnet_prefixes[0] == 16
    assert spec.default_azs == 1
