"""``dualstack plan``: plan a stack update offline, from the command line (``make plan``).

    dualstack plan templates/dualstack-vpc.yaml --region eu-west-1 --from AzCount=2 --to AzCount=3

``--from`` is the parameter set the stack was deployed with (parameters not given had their defaults); ``--to`` is the
change the update makes on top of it: every other parameter keeps its value, as ``aws cloudformation deploy`` and
``make deploy`` keep it. ``dualstack/proofs/plan.py`` says what the plan finds; ``plan_rules.py`` when it refuses.

Exit status 0 safe, 1 refused, 2 bad input (one line on standard error).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dualstack.commands import console, precheck
from dualstack.files import inputs
from dualstack.files.inputs import InputError
from dualstack.proofs.costs import cost_line
from dualstack.proofs.plan import PlanError, plan_update, updated_parameters


def _load(path: Path, option: str) -> dict[str, Any]:
    try:
        return inputs.load_template(path)
    except InputError as exc:
        raise PlanError(f"{option}: {exc}") from None


def _side(
    items: Sequence[str],
    option: str,
    template: Mapping[str, Any] | None = None,
    region: str | None = None,
    kept: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], list[str]]:
    """The ``Key=Value`` words of ``--from`` or ``--to`` and their warnings, each naming the option; with
    ``template`` (the side to deploy), also the mistakes CloudFormation would only report during the deploy, with
    the values the stack keeps (``kept``) deciding what is ignored as the given ones do."""
    try:
        parameters, warnings = inputs.parse_assignments(items)
        if template is not None:
            warnings += inputs.check_parameters(parameters, template, region, kept)
    except InputError as exc:
        raise PlanError(f"{option}: {exc}") from None
    return parameters, [f"{option}: {warning}" for warning in warnings]


def main(argv: Sequence[str] | None = None) -> int:
    parser = inputs.Parser(prog="dualstack plan", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("template", type=Path, nargs="?", help="the template to update to")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--from-template", type=Path, help="the template the stack runs now (default: TEMPLATE)")
    parser.add_argument(
        "--from",
        dest="before",
        nargs="+",
        action="extend",
        default=[],
        metavar="K=V",
        help="the parameters the stack was deployed with; those not given had their defaults",
    )
    parser.add_argument(
        "--to",
        dest="after",
        nargs="+",
        action="extend",
        default=[],
        metavar="K=V",
        help="the changes the update makes, on top of --from: every other parameter keeps its value, as "
        "aws cloudformation deploy keeps it (make deploy's PARAMS)",
    )
    parser.add_argument(
        "--stack-name", help="for the export names shown and lookups keyed by it (default: a stand-in, example)"
    )
    parser.add_argument("--table", action="store_true", help="print docs/updates.md: every shipped template's plans")
    try:
        args = parser.parse_args(argv)
        others = [args.template, args.from_template, args.before, args.after, args.stack_name]
        if args.table and (any(others) or args.region != parser.get_default("region")):
            raise PlanError("--table prints every shipped template's plans and takes no template or other option")
        if args.table:
            from dualstack.proofs.updates_doc import updates_doc

            sys.stdout.write(updates_doc())
            return 0
        if args.template is None:
            raise PlanError("the template to plan is missing: dualstack plan TEMPLATE --region R ...")
        inputs.check_region(args.region)
        if args.stack_name is not None:
            inputs.check_stack_name(args.stack_name)
        new_template = _load(args.template, "TEMPLATE")
        old_template = new_template if args.from_template is None else _load(args.from_template, "--from-template")
        before, warnings = _side(args.before, "--from")
        given, _ = _side(args.after, "--to")
        after = updated_parameters(old_template, before, new_template, given)
        _, to_warnings = _side(args.after, "--to", new_template, args.region, kept=after)
        # The kept values and the changes together: a change can make a kept value wrong (a larger subnet size
        # kept in a smaller VPC); the warnings stay those of what --to gives.
        _side([f"{k}={v}" for k, v in after.items()], "--to, with the values --from keeps,", new_template, args.region)
        plan = plan_update(old_template, before, new_template, after, region=args.region, stack_name=args.stack_name)
        # The update as the region will take it: more AZs than its zones is a warning, as precheck gives it.
        _, zones = precheck.in_region_zones(new_template, after, args.region)
        to_warnings += [zones] if zones is not None else []
    except InputError as exc:
        print(f"plan: error: {exc}", file=sys.stderr)
        return 2
    for warning in warnings + to_warnings:
        print(f"plan: warning: {warning}", file=sys.stderr)
    *changes, verdict = plan.lines()
    if plan.old is not None and plan.new is not None:
        changes += [cost_line(plan.old, args.region, "cost now"), cost_line(plan.new, args.region, "cost after")]
    # The verdict is the last line, so a script can read it with `tail -n 1`.
    print("\n".join([*changes, verdict]))
    return 0 if plan.safe else 1


if __name__ == "__main__":
    console.run(main, "plan")
