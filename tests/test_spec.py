"""Build-time structure: what a spec accepts, and the subnet slots it reserves."""

from __future__ import annotations

import pytest

from dualstack import SpecError, TemplateSpec, TierKind
from dualstack.model.kinds import KINDS
from dualstack.model.spec import parse_tiers


@pytest.mark.parametrize("max_azs", [0, 7, -1])
def test_az_maximum_outside_one_to_six_is_refused(max_azs: int) -> None:
    with pytest.raises(SpecError, match="between 1 and 6"):
        TemplateSpec(max_azs=max_azs)


def test_tiers_must_include_public_be_distinct_and_in_subnet_index_order() -> None:
    with pytest.raises(SpecError, match="public tier is required"):
        TemplateSpec(tiers=())
    with pytest.raises(SpecError, match="public tier is required"):
        TemplateSpec(tiers=(TierKind.PRIVATE,))
    with pytest.raises(SpecError, match="only once"):
        TemplateSpec(tiers=(TierKind.PUBLIC, TierKind.PUBLIC))
    with pytest.raises(SpecError, match="subnet-index order"):
        TemplateSpec(tiers=(TierKind.PUBLIC, TierKind.ISOLATED, TierKind.PRIVATE))


def test_tier_lists_parse_into_subnet_index_order() -> None:
    assert parse_tiers("isolated, public,ipv6only") == (TierKind.PUBLIC, TierKind.IPV6ONLY, TierKind.ISOLATED)
    with pytest.raises(SpecError, match="unknown tier 'dmz'"):
        parse_tiers("public,dmz")
    with pytest.raises(SpecError, match="only once"):
        parse_tiers("public,private,public")


def test_slot_index_is_tier_position_times_maximum_azs_plus_az() -> None:
    spec = TemplateSpec(max_azs=4, tiers=KINDS)
    assert spec.subnet_slots == 20
    assert spec.slot(TierKind.PUBLIC, 3) == 3
    assert spec.slot(TierKind.PRIVATE, 0) == 4
    assert spec.slot(TierKind.ISOLATED, 2) == 14
    # The edge tier comes last, so no other tier's slots move when it is added.
    assert spec.slot(TierKind.EDGE, 1) == 17
    assert spec.uses_nat
    assert not TemplateSpec(tiers=(TierKind.PUBLIC, TierKind.ISOLATED)).uses_nat


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
