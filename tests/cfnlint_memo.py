"""cfn-lint's condition solving, remembered for the test run: the same answers, asked for once.

cfn-lint asks each template's conditions the same satisfiability questions for every property, every scenario and
every region, and each question is a SAT solve (sympy). Both questions below are pure: the answer depends only on the
object asked (built once per template, never changed afterwards) and on the arguments. ``install()`` wraps them so
that each object answers each question once; a finding-for-finding comparison with cfn-lint's own functions is in
tests/test_lint.py::test_remembered_condition_solving_finds_what_solving_afresh_finds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from cfnlint.conditions.conditions import Conditions as TemplateConditions
from cfnlint.context.conditions._conditions import Conditions as ContextConditions
from cfnlint.context.conditions.exceptions import Unsatisfiable

#: cfn-lint's own functions, as imported.
_EVOLVE = ContextConditions.evolve
_SATISFIABLE = TemplateConditions.satisfiable
_UNSATISFIABLE = object()
_MEMO = "_dualstack_memo"


def _memo(owner: object) -> dict[Any, Any]:
    # Both classes are dataclasses or plain classes with a __dict__; a frozen dataclass too, written past __setattr__.
    return cast(dict[Any, Any], owner.__dict__.setdefault(_MEMO, {}))


def install() -> None:
    """Wrap ``Conditions.evolve`` (the scenario a property is checked under) and ``Conditions.satisfiable`` (whether
    a resolved value's conditions can hold in a region); idempotent."""
    if ContextConditions.evolve is not _EVOLVE:
        return
    evolve, satisfiable = _EVOLVE, _SATISFIABLE

    def remembered_evolve(self: ContextConditions, status: dict[str, bool], assumed: bool = False) -> Any:
        memo = _memo(self)
        key = ("evolve", frozenset(status.items()), assumed)
        if key not in memo:
            try:
                memo[key] = evolve(self, status, assumed)
            except Unsatisfiable:
                memo[key] = _UNSATISFIABLE
        if memo[key] is _UNSATISFIABLE:
            raise Unsatisfiable(new_status=status, current_status=self.status)
        return memo[key]

    def remembered_satisfiable(
        self: TemplateConditions, conditions: dict[str, bool], parameter_values: dict[str, Any]
    ) -> bool:
        memo = _memo(self)
        values = tuple(sorted((name, repr(value)) for name, value in parameter_values.items()))
        key = ("satisfiable", frozenset(conditions.items()), values)
        if key not in memo:
            # An exception (a condition it cannot resolve) is not remembered: it is raised again each time.
            memo[key] = satisfiable(self, conditions, parameter_values)
        return cast(bool, memo[key])

    ContextConditions.evolve = remembered_evolve  # type: ignore[method-assign]
    TemplateConditions.satisfiable = remembered_satisfiable  # type: ignore[method-assign]


@contextmanager
def solved_afresh() -> Iterator[None]:
    """cfn-lint's own functions, unwrapped, while the block runs; wrapped again afterwards."""
    wrapped = ContextConditions.evolve, TemplateConditions.satisfiable
    ContextConditions.evolve, TemplateConditions.satisfiable = _EVOLVE, _SATISFIABLE  # type: ignore[method-assign]
    try:
        yield
    finally:
        ContextConditions.evolve, TemplateConditions.satisfiable = wrapped  # type: ignore[method-assign]
