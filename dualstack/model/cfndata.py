"""The few facts from cfn-lint that precheck, plan and deploy need, shipped as data beside this module.

Region names, each region's Availability Zones and each resource type's create-only
properties come from the cfn-lint pinned in requirements/dev.lock. Reading them from
this file instead of importing cfn-lint keeps those commands working where only
requirements/runtime.lock is installed (after ``make template``), and fast: importing
cfn-lint is most of a plan's time. ``tests/test_cfndata.py`` fails when the pinned
cfn-lint says otherwise; ``make cfn-data`` writes the file again from it.

    python -m dualstack.commands.cfndata --write     # make cfn-data; needs cfn-lint (make dev)
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).with_name("cfndata.json")


@cache
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(PATH.read_text(encoding="utf-8"))
    return loaded


def regions() -> list[str]:
    """Every region the pinned cfn-lint knows, in its order."""
    return list(_data()["regions"])


def availability_zones(region: str) -> list[str] | None:
    """The region's zones in the pinned cfn-lint's data, or ``None`` when it lists none."""
    zones = _data()["zones"].get(region)
    return list(zones) if zones else None


def regions_with(resource_type: str) -> list[str]:
    """The regions, in the pinned cfn-lint's order, whose CloudFormation registry has ``resource_type``: only named
    regions (``us-east-1``), not cfn-lint's own pseudo-regions."""
    absent = set(_data()["absent"].get(resource_type, ()))
    named = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
    return [r for i, r in enumerate(_data()["regions"]) if i not in absent and named.match(r)]


class UnknownTypeError(LookupError):
    """No schema for a resource type in a region."""


def create_only(region: str, resource_type: str) -> tuple[tuple[str, ...], ...]:
    """The create-only property paths of ``resource_type`` in ``region`` (``(("CidrBlock",),)``)."""
    types = _data()["types"]
    absent = _data()["absent"].get(resource_type, ())
    if resource_type not in types or (region in _data()["regions"] and _data()["regions"].index(region) in absent):
        raise UnknownTypeError(f"cfn-lint has no schema for {resource_type} in {region}")
    return tuple(tuple(path) for path in types[resource_type])
