"""Plan a stack update offline: what CloudFormation would add, modify, replace and remove, and whether it can.

Both sides are evaluated with the project's evaluator (``evaluate.py``). ``--from`` is
the parameter set the stack was deployed with (parameters not given had their
defaults); ``--to`` is the change the update makes on top of it: every other parameter
keeps its value, as ``aws cloudformation deploy`` and ``make deploy`` keep it
(``updated_parameters``). ``--from-template`` (the template the stack was last
deployed from) defaults to the new one. A resource whose create-only property
changes is replaced; which properties are create-only is read at run time from the
resource schemas cfn-lint ships (``createOnlyProperties``). A replacement gets a new
physical ID, so whatever reads its ``Ref`` or ``Fn::GetAtt`` changes too and may be
replaced in turn: the plan re-evaluates the new side with those IDs changed until
nothing more is replaced.

CloudFormation creates a replacement before it deletes the resource it replaces, and
deletes removed resources last ("Update behaviors of stack resources", CloudFormation
User Guide: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html).
So the verdict is ``refused`` when a new resource needs
what an old one still holds at that moment: an overlapping subnet CIDR or fixed
address in the same VPC or subnet (also one changed in place, as a subnet's
``Ipv6CidrBlock`` is: it leaves the old range and asks for the new one while the
others still hold theirs), an Internet Gateway attached to a new VPC while
its old attachment exists, a second Internet Gateway, virtual private gateway or
egress-only Internet Gateway for a VPC while the old one is still there, or a VPC
IPv6 block replaced while subnets keep ranges from it. It is also ``refused`` when a
resource's ``Type`` changes under the same logical ID, which CloudFormation rejects
before it changes anything. An export whose value changes or disappears is a warning: CloudFormation
refuses that only while another stack imports it ("You can't modify or remove an output
value that is referenced by another stack", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html).

The rules that refuse an update are in ``plan_rules.py``; ``dualstack plan`` (``commands/plan.py``) is the command.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from dualstack.files import inputs
from dualstack.files.inputs import InputError
from dualstack.model import cfndata
from dualstack.proofs.evaluate import Deployment, EvaluationError, default_azs, evaluate
from dualstack.proofs.plan_rules import refusal

ADD, MODIFY, REPLACE, REMOVE = "add", "modify", "replace", "remove"
_ORDER = {ADD: 0, MODIFY: 1, REPLACE: 2, REMOVE: 3}
SAFE = "safe"
#: Where an SSM-typed parameter's value stands for what it resolves to: CloudFormation reads the SSM parameter
#: again on every update ("SSM parameter types" in the CloudFormation User Guide), so it may differ each time.
_SSM_TYPE_PREFIX = "AWS::SSM::Parameter::Value<"
_RESOLVED_BEFORE = " (as resolved at the last update)"
_RESOLVED_NOW = " (as resolved now)"
_MISSING = object()


class PlanError(InputError):
    """Bad input: a template, parameter or region the plan cannot use; the message names it."""


@dataclass(frozen=True)
class Change:
    action: str
    logical_id: str
    resource_type: str
    #: The properties that change (``modify``) or the create-only ones that force a replacement (``replace``).
    properties: tuple[str, ...] = ()
    note: str = ""
    #: The type before the update, when it changes (which CloudFormation refuses: see ``_type_changes``).
    previous_type: str = ""

    def line(self) -> str:
        text = f"{self.action:<8} {self.logical_id} ({self.resource_type})"
        if self.action == MODIFY:
            text += f": {', '.join(self.properties)}"
        elif self.previous_type:
            text += f": the type changes from {self.previous_type}"
        elif self.action == REPLACE:
            text += f": {', '.join(self.properties)} {'is' if len(self.properties) == 1 else 'are'} create-only"
        return text + (f"; {self.note}" if self.note else "")


@dataclass(frozen=True)
class ExportChange:
    name: str
    output: str
    removed: bool

    def line(self) -> str:
        what = "removed" if self.removed else "changes"
        return f"export   {self.name} {what}: CloudFormation refuses this while another stack imports it"


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    exports: tuple[ExportChange, ...]
    #: ``None`` when the update is safe; otherwise one sentence: why, and what to do instead.
    refusal: str | None
    replaced: frozenset[str] = field(default_factory=frozenset)
    #: Which rule refused it, in a few words (for tables).
    rule: str = ""
    #: Both sides as evaluated, for the cost lines.
    old: Deployment | None = field(default=None, compare=False, repr=False)
    new: Deployment | None = field(default=None, compare=False, repr=False)

    @property
    def safe(self) -> bool:
        return self.refusal is None

    @property
    def verdict(self) -> str:
        return SAFE if self.refusal is None else f"refused: {self.refusal}"

    def lines(self) -> list[str]:
        return [*(c.line() for c in self.changes), *(e.line() for e in self.exports), self.verdict]


# Create-only properties, from the pinned cfn-lint's schemas (shipped as data: cfndata.py)


@cache
def create_only(region: str, resource_type: str) -> tuple[tuple[str, ...], ...]:
    """The create-only property paths of ``resource_type`` (``("CidrBlock",)``), from the schema cfn-lint ships."""
    if resource_type.startswith("Custom::"):
        # A named custom resource is an AWS::CloudFormation::CustomResource ("Custom resources", CloudFormation User
        # Guide): only its ServiceToken is create-only; other properties reach the handler as an Update.
        resource_type = "AWS::CloudFormation::CustomResource"
    try:
        return cfndata.create_only(region, resource_type)
    except cfndata.UnknownTypeError as exc:
        raise PlanError(str(exc)) from None


def _at(properties: Mapping[str, Any], path: Sequence[str]) -> Any:
    node: Any = properties
    for key in path:
        # Evaluated properties are plain dicts and lists (evaluate.py): the exact type is checked, which is quicker
        # than an ABC's isinstance and matters here (every create-only path of every resource, on every plan).
        if type(node) is not dict or key not in node:
            return _MISSING
        node = node[key]
    return node


# The plan


def _resolved(template: Mapping[str, Any], parameters: Mapping[str, str], suffix: str) -> dict[str, str]:
    """``parameters`` with each SSM-typed one (given or default) marked as resolved at some moment."""
    marked = dict(parameters)
    for name, decl in template.get("Parameters", {}).items():
        if str(decl.get("Type", "")).startswith(_SSM_TYPE_PREFIX):
            marked[name] = str(parameters.get(name, decl.get("Default", ""))) + suffix
    return marked


def _differs(old: Any, new: Any) -> bool:
    """Whether the two values would be written differently (as JSON, keys sorted, other objects as text)."""
    return not _same(old, new) and json.dumps(old, sort_keys=True, default=str) != json.dumps(
        new, sort_keys=True, default=str
    )


#: Types whose equal values, of the same type, are written alike as JSON (a float's zero may carry a sign).
_PLAIN = (str, int, bool, type(None))


def _same(old: Any, new: Any) -> bool:
    """A quick yes for ``_differs``: the same structure of the same plain values (most properties are unchanged);
    False when unsure, which leaves the answer to the JSON texts."""
    if old is new:
        return True
    kind = type(old)
    if kind is not type(new):
        return False
    if kind is dict:
        return old.keys() == new.keys() and all(_same(value, new[key]) for key, value in old.items())
    if kind is list or kind is tuple:
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    return kind in _PLAIN and bool(old == new)


def _forced(old: Deployment, new: Deployment, region: str) -> dict[str, tuple[str, ...]]:
    """Resources on both sides whose type or a create-only property changes: ``{logical ID: properties}``."""
    forced: dict[str, tuple[str, ...]] = {}
    for lid in sorted(old.resources.keys() & new.resources.keys()):
        before, after = old.resources[lid], new.resources[lid]
        if before["Type"] != after["Type"]:
            forced[lid] = ("Type",)
            continue
        paths = [
            ".".join(path)
            for path in create_only(region, after["Type"])
            if _differs(_at(before["Properties"], path), _at(after["Properties"], path))
        ]
        if paths:
            forced[lid] = tuple(paths)
    return forced


def _ssm_note(template: Mapping[str, Any], resource: Mapping[str, Any], properties: Sequence[str]) -> str:
    for path in properties:
        value = _at(resource["Properties"], path.split("."))
        if isinstance(value, str) and value.endswith(_RESOLVED_NOW):
            names = [
                n
                for n, d in template.get("Parameters", {}).items()
                if str(d.get("Type", "")).startswith(_SSM_TYPE_PREFIX)
            ]
            return (
                f"{path} comes from the SSM parameter named by {', '.join(names)}, read again on every update: "
                "replaced whenever it names a new value"
            )
    return ""


def evaluate_before(
    template: Mapping[str, Any], parameters: Mapping[str, str], *, region: str, stack_name: str | None = None
) -> Deployment:
    """The side an update starts from, as ``plan_update`` sees it (``--from``)."""
    inputs.check_region(region)
    try:
        return evaluate(
            template,
            _resolved(template, parameters, _RESOLVED_BEFORE),
            region=region,
            stack_name=stack_name,
            azs=default_azs(region),
        )
    except EvaluationError as exc:
        raise PlanError(f"--from: {exc}") from None


def updated_parameters(
    old_template: Mapping[str, Any],
    old_parameters: Mapping[str, str],
    new_template: Mapping[str, Any],
    changes: Mapping[str, str],
) -> dict[str, str]:
    """The parameters a stack has after an update that gives ``changes``, as ``aws cloudformation deploy`` updates it
    (``UsePreviousValue`` for every parameter not given): each parameter the new template still declares keeps its
    value, given when the stack was deployed or else the old template's default; ``changes`` override them; a
    parameter new to the template takes its default. ``make plan`` (``--to`` over ``--from``), ``make deploy``
    (``PARAMS`` over the stack's values) and ``make stackset`` all read parameters this way."""
    declared_now = new_template.get("Parameters", {})
    kept = {}
    for name, declaration in old_template.get("Parameters", {}).items():
        if name not in declared_now:
            continue  # CloudFormation drops a parameter the template no longer declares
        if name in old_parameters:
            kept[name] = str(old_parameters[name])
        elif "Default" in declaration:
            kept[name] = _text(declaration["Default"])
    return {**kept, **changes}


def _text(value: Any) -> str:
    """A parameter's default as CloudFormation passes it: text; a list (CommaDelimitedList) joined with commas."""
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def plan_update(
    old_template: Mapping[str, Any],
    old_parameters: Mapping[str, str],
    new_template: Mapping[str, Any],
    new_parameters: Mapping[str, str],
    *,
    region: str,
    stack_name: str | None = None,
) -> Plan:
    """The plan of updating a stack of ``old_template`` with ``old_parameters`` to the new template and parameters.

    Raises ``PlanError`` naming the side (``--from``/``--to``) when either cannot be evaluated, ``InputError`` for an
    unknown region."""
    old = evaluate_before(old_template, old_parameters, region=region, stack_name=stack_name)
    return plan_from(old, new_template, new_parameters, region=region, stack_name=stack_name)


def plan_from(
    old: Deployment,
    new_template: Mapping[str, Any],
    new_parameters: Mapping[str, str],
    *,
    region: str,
    stack_name: str | None = None,
    evaluations: dict[tuple[Any, ...], Deployment] | None = None,
) -> Plan:
    """``plan_update`` from a side already evaluated by ``evaluate_before``.

    ``evaluations`` may hold the new side's evaluations between calls with the same new template and region
    (many plans share a ``--to``)."""
    new_params = _resolved(new_template, new_parameters, _RESOLVED_NOW)
    seen = {} if evaluations is None else evaluations
    replaced: frozenset[str] = frozenset()
    while True:
        wanted = (tuple(sorted(new_params.items())), replaced, stack_name)
        if wanted not in seen:
            try:
                seen[wanted] = evaluate(
                    new_template,
                    new_params,
                    region=region,
                    stack_name=stack_name,
                    azs=default_azs(region),
                    replaced=replaced,
                )
            except EvaluationError as exc:
                raise PlanError(f"--to: {exc}") from None
        new = seen[wanted]
        forced = _forced(old, new, region)
        if set(forced) <= replaced:
            break
        # A replacement changes the Ref and GetAtt values of what it replaces: evaluate again with them new.
        replaced = replaced | frozenset(forced)

    changes = []
    for lid in sorted(new.resources.keys() - old.resources.keys()):
        changes.append(Change(ADD, lid, new.resources[lid]["Type"]))
    for lid in sorted(old.resources.keys() - new.resources.keys()):
        changes.append(Change(REMOVE, lid, old.resources[lid]["Type"]))
    for lid in sorted(old.resources.keys() & new.resources.keys()):
        before, after = old.resources[lid]["Properties"], new.resources[lid]["Properties"]
        if lid in forced:
            note = _ssm_note(new_template, new.resources[lid], forced[lid])
            kind, previous = new.resources[lid]["Type"], old.resources[lid]["Type"]
            retyped = previous if previous != kind else ""
            changes.append(Change(REPLACE, lid, kind, forced[lid], note, retyped))
        elif _differs(before, after):
            keys = sorted(k for k in before.keys() | after.keys() if _differs(before.get(k), after.get(k)))
            changes.append(Change(MODIFY, lid, new.resources[lid]["Type"], tuple(keys)))
    changes.sort(key=lambda c: (_ORDER[c.action], c.logical_id))

    exports = []
    for key, output in sorted(old.outputs.items()):
        if output["Export"] is None:
            continue
        after_output = new.outputs.get(key)
        if after_output is None or after_output["Export"] != output["Export"]:
            exports.append(ExportChange(str(output["Export"]), key, removed=True))
        elif _differs(output["Value"], after_output["Value"]):
            exports.append(ExportChange(str(output["Export"]), key, removed=False))

    leaving = set(replaced) | (old.resources.keys() - new.resources.keys())
    arriving = set(replaced) | (new.resources.keys() - old.resources.keys())
    modified = {c.logical_id for c in changes if c.action == MODIFY}
    rule, why = refusal(old, new, leaving=leaving, arriving=arriving, modified=modified, replaced=replaced)
    return Plan(tuple(changes), tuple(exports), why, replaced, rule, old, new)
