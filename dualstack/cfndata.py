"""The few facts from cfn-lint that precheck, plan and deploy need, shipped as data beside this module.

Region names, each region's Availability Zones and each resource type's create-only
properties come from the cfn-lint pinned in requirements/dev.lock. Reading them from
this file instead of importing cfn-lint keeps those commands working where only
requirements/runtime.lock is installed (after ``make template``), and fast: importing
cfn-lint is most of a plan's time. ``tests/test_cfndata.py`` fails when the pinned
cfn-lint says otherwise; ``make cfn-data`` writes the file again from it.

    python -m dualstack.cfndata --write     # needs cfn-lint (make dev)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from . import console

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


class UnknownTypeError(LookupError):
    """No schema for a resource type in a region."""


def create_only(region: str, resource_type: str) -> tuple[tuple[str, ...], ...]:
    """The create-only property paths of ``resource_type`` in ``region`` (``(("CidrBlock",),)``)."""
    types = _data()["types"]
    absent = _data()["absent"].get(resource_type, ())
    if resource_type not in types or (region in _data()["regions"] and _data()["regions"].index(region) in absent):
        raise UnknownTypeError(f"cfn-lint has no schema for {resource_type} in {region}")
    return tuple(tuple(path) for path in types[resource_type])


def from_cfn_lint() -> dict[str, Any]:
    """The data as the installed cfn-lint gives it: what ``cfndata.json`` must hold."""
    from cfnlint.helpers import AVAILABILITY_ZONES, REGIONS
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    types: dict[str, list[list[str]]] = {}
    present: dict[str, set[str]] = {}
    for region in REGIONS:
        for resource_type in PROVIDER_SCHEMA_MANAGER.get_resource_types(region):
            present.setdefault(resource_type, set()).add(region)
            if resource_type in types:
                continue
            schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema
            pointers = schema.get("createOnlyProperties", [])
            types[resource_type] = [p.split("/")[2:] for p in pointers if p.startswith("/properties/")]
    return {
        "regions": list(REGIONS),
        "zones": {region: sorted(AVAILABILITY_ZONES.get(region, [])) for region in REGIONS},
        "types": dict(sorted(types.items())),
        # The regions without a type, as indexes into "regions": most types are in every region.
        "absent": {
            t: [i for i, r in enumerate(REGIONS) if r not in present[t]]
            for t in sorted(types)
            if set(REGIONS) - present[t]
        },
    }


def render(data: dict[str, Any]) -> str:
    """One type a line: small in a diff when a re-pin changes a few."""
    lines = ["{"]
    lines.append(f' "regions": {json.dumps(data["regions"])},')
    lines.append(f' "zones": {json.dumps(data["zones"], sort_keys=True)},')
    lines.append(' "absent": {' + ",".join(f"\n  {json.dumps(k)}: {json.dumps(v)}" for k, v in data["absent"].items()))
    lines.append(" },")
    lines.append(' "types": {' + ",".join(f"\n  {json.dumps(k)}: {json.dumps(v)}" for k, v in data["types"].items()))
    lines.append(" }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args != ["--write"]:
        print("usage: python -m dualstack.cfndata --write", file=sys.stderr)
        return 2
    PATH.write_text(render(from_cfn_lint()), encoding="utf-8")
    print(f"wrote {PATH.name}")
    return 0


if __name__ == "__main__":
    console.run(main, "cfndata")
