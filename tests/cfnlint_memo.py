"""cfn-lint's condition solving, remembered for the test run: the same answers, asked for once.

cfn-lint asks each template's conditions the same satisfiability questions for every property, every scenario and
every region, and each question is a SAT solve (sympy). The two questions wrapped here are pure: the answer depends
only on the object asked (built once per template, never changed afterwards) and on the arguments. ``install()``
wraps them so that each object answers each question once:

- ``Conditions.evolve``: the scenario a property is checked under;
- ``Conditions.satisfiable``: whether a resolved value's conditions can hold; keyed only by the parameter values its
  conditions compare, since a mapping lookup is resolved once for every combination of parameter values and most of
  them differ only in parameters no condition reads (this alone cut a lint of the private template in every region
  from 16.8 s to 5.2 s).

A finding-for-finding comparison with cfn-lint's own functions is in
tests/test_lint.py::test_remembered_condition_solving_finds_what_solving_afresh_finds, with a template whose answer
differs with the compared value.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from cfnlint.conditions._utils import get_hash
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
        # The answer reads only the values of parameters that an Fn::Equals of ``conditions`` compares (in their
        # order: the last one an Equals names is the one it tests), and whether any value was given at all (only
        # then can it raise); every other value is left out of the key, so that the many resolutions which differ
        # only in those share one solve.
        compared = _compared(self, memo, frozenset(conditions))
        values = tuple((name, repr(value)) for name, value in parameter_values.items() if _ref_hash(name) in compared)
        key = ("satisfiable", frozenset(conditions.items()), bool(parameter_values), values)
        if key not in memo:
            # An exception (a condition it cannot resolve) is not remembered: it is raised again each time.
            memo[key] = satisfiable(self, conditions, parameter_values)
        return cast(bool, memo[key])

    ContextConditions.evolve = remembered_evolve  # type: ignore[method-assign]
    TemplateConditions.satisfiable = remembered_satisfiable  # type: ignore[method-assign]


@functools.cache
def _ref_hash(name: str) -> str:
    """The hash cfn-lint gives ``{"Ref": name}``, which is how an Fn::Equals names the parameter it compares."""
    hashed: str = get_hash({"Ref": name})
    return hashed


def _compared(owner: TemplateConditions, memo: dict[Any, Any], names: frozenset[str]) -> frozenset[str]:
    """The hashes of everything the Fn::Equals of the conditions ``names`` compare (unknown names compare nothing:
    cfn-lint raises for them before reading a value)."""
    key = ("compared", names)
    if key not in memo:
        known = owner._conditions  # what cfn-lint's own satisfiable() reads
        memo[key] = frozenset(
            parameter.hash
            for name in names
            if name in known
            for equal in known[name].equals
            for parameter in equal.parameters
        )
    return cast(frozenset[str], memo[key])


@contextmanager
def solved_afresh() -> Iterator[None]:
    """cfn-lint's own functions, unwrapped, while the block runs; wrapped again afterwards."""
    wrapped = ContextConditions.evolve, TemplateConditions.satisfiable
    ContextConditions.evolve, TemplateConditions.satisfiable = _EVOLVE, _SATISFIABLE  # type: ignore[method-assign]
    try:
        yield
    finally:
        ContextConditions.evolve, TemplateConditions.satisfiable = wrapped  # type: ignore[method-assign]
