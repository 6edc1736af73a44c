"""A third (or later) Availability Zone used unconditionally."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import Path, dedupe, literal_int


class ThirdZoneWithoutCondition(CloudFormationLintRule):
    """6. A third (or later) Availability Zone used unconditionally."""

    id = "W9606"
    shortdesc = "Fn::Select on Fn::GetAZs at index 2 or more should be conditional"
    description = (
        "Some regions (and some accounts in others) have only two Availability Zones; a resource that always "
        "selects the third or a later one makes the stack fail there. Put it under a condition."
    )
    source_url = "https://github.com/aws-samples/1click-hpc/issues/1"
    tags = ["dualstack", "availability-zones"]

    def _unguarded(self, value: Any, path: Path) -> Iterator[tuple[Any, Path]]:
        """Nodes not inside any Fn::If branch."""
        if isinstance(value, dict):
            if "Fn::If" in value:
                return
            yield value, path
            for key, item in value.items():
                yield from self._unguarded(item, [*path, key])
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from self._unguarded(item, [*path, index])

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for name, resource in cfn.get_resources().items():
            if "Condition" in resource:
                continue
            for node, path in self._unguarded(resource.get("Properties", {}), ["Resources", name, "Properties"]):
                arg = node.get("Fn::Select")
                if not (
                    isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict) and "Fn::GetAZs" in arg[1]
                ):
                    continue
                index = literal_int(arg[0])
                if index is not None and index >= 2:
                    message = (
                        f"{name} always uses Availability Zone index {index}: the stack fails where a region or "
                        "account has only two zones; give the resource a condition"
                    )
                    matches.append(RuleMatch([*path, "Fn::Select", 0], message))
        return dedupe(matches)
