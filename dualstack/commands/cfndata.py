"""``make cfn-data``: write ``dualstack/model/cfndata.json`` again from the installed (pinned) cfn-lint.

python -m dualstack.commands.cfndata --write     # needs cfn-lint (make dev)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from dualstack.commands import console
from dualstack.model.cfndata import PATH


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
        print("usage: python -m dualstack.commands.cfndata --write", file=sys.stderr)
        return 2
    PATH.write_text(render(from_cfn_lint()), encoding="utf-8")
    print(f"wrote {PATH.name}")
    return 0


if __name__ == "__main__":
    console.run(main, "cfndata")
