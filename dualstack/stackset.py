"""``make stackset``: one template in many accounts and regions, through a service-managed CloudFormation StackSet.

Plan first, as ``make deploy`` does. The parameter set is checked offline (``precheck``) for the
administration region and every target region. A stack set that does not exist yet is created
with ``aws cloudformation create-stack-set`` (service-managed permissions, automatic deployment
to accounts that join the organisational units) and its stack instances with
``create-stack-instances`` in the organisational units and regions given. An existing one is
read back (``describe-stack-set``: its template and parameters), the update is planned for each
target region (``plan.py``; parameters not given keep their current values) and printed, and a
refused plan stops here unless ``--force``; otherwise ``update-stack-set`` updates the instances
in those units and regions.

Every ``aws`` call is an argument list, never a shell string. Service-managed stack sets need
trusted access between StackSets and AWS Organizations, activated once from the management
account (``aws cloudformation activate-organizations-access``), and are run from the management
account or a delegated administrator (``--call-as DELEGATED_ADMIN``); see the README. StackSets
never deploys to the management account itself (``DeploymentTargets``, CloudFormation API
Reference).

Exit status: that of the last ``aws`` call; 1 when a plan refuses; 2 for bad input or an AWS CLI
failure before anything changed (one line on standard error).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import console, inputs, precheck
from .deploy import DeployError, _aws, _aws_cli, _json, _last_line
from .inputs import InputError
from .plan import plan_update

#: An organisational unit (``ou-…``) or the organisation's root (``r-…``), as AWS Organizations spells them.
OU_PATTERN = re.compile(r"^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$")
#: The shipped templates create IAM roles (flow logs, the test instance) without fixed names.
CAPABILITIES = ("CAPABILITY_IAM",)
#: One account at a time, stopping at the first failure.
OPERATION_PREFERENCES = "FailureToleranceCount=0,MaxConcurrentCount=1"


def _call_as(call_as: str | None) -> list[str]:
    return ["--call-as", call_as] if call_as else []


def _parameters(values: dict[str, str]) -> list[str]:
    return [f"ParameterKey={k},ParameterValue={v}" for k, v in values.items()]


def create_commands(
    name: str, template: Path, region: str, values: dict[str, str], ous: Sequence[str], regions: Sequence[str],
    call_as: str | None,
) -> list[list[str]]:  # fmt: skip
    """``create-stack-set``, then ``create-stack-instances`` in the units and regions."""
    parameters = ["--parameters", *_parameters(values)] if values else []
    return [
        [
            "cloudformation", "create-stack-set", "--stack-set-name", name, "--region", region,
            "--template-body", f"file://{template}", *parameters, "--capabilities", *CAPABILITIES,
            "--permission-model", "SERVICE_MANAGED",
            "--auto-deployment", "Enabled=true,RetainStacksOnAccountRemoval=false", *_call_as(call_as),
        ],
        [
            "cloudformation", "create-stack-instances", "--stack-set-name", name, "--region", region,
            "--deployment-targets", f"OrganizationalUnitIds={','.join(ous)}", "--regions", *regions,
            "--operation-preferences", OPERATION_PREFERENCES, *_call_as(call_as),
        ],
    ]  # fmt: skip


def update_command(
    name: str, template: Path, region: str, values: dict[str, str], ous: Sequence[str], regions: Sequence[str],
    call_as: str | None,
) -> list[str]:  # fmt: skip
    """``update-stack-set`` with every parameter's value, for the instances in the units and regions."""
    parameters = ["--parameters", *_parameters(values)] if values else []
    return [
        "cloudformation", "update-stack-set", "--stack-set-name", name, "--region", region,
        "--template-body", f"file://{template}", *parameters, "--capabilities", *CAPABILITIES,
        "--deployment-targets", f"OrganizationalUnitIds={','.join(ous)}", "--regions", *regions,
        "--operation-preferences", OPERATION_PREFERENCES, *_call_as(call_as),
    ]  # fmt: skip


def _current(name: str, region: str, call_as: str | None) -> dict[str, Any] | None:
    """The stack set as ``describe-stack-set`` shows it, or ``None`` when it does not exist."""
    argv = ["cloudformation", "describe-stack-set", "--stack-set-name", name, "--region", region, "--output", "json"]
    result = _aws([*argv, *_call_as(call_as)])
    if result.returncode != 0:
        if "StackSetNotFoundException" in result.stderr:
            return None
        raise DeployError(f"aws cloudformation describe-stack-set: {_last_line(result.stderr)}")
    found: dict[str, Any] = _json(result, "aws cloudformation describe-stack-set").get("StackSet", {})
    return found


def _words(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


def _check(args: Any) -> tuple[precheck.Checked, list[str]]:
    inputs.check_stack_name(args.name)
    if not args.ous:
        raise InputError("--ous: give at least one organisational unit, such as ou-ab12-cdef3456")
    for ou in args.ous:
        if not OU_PATTERN.match(ou):
            raise InputError(f"--ous: {ou!r} is not an organisational unit ID (ou-ab12-cdef3456) or root (r-ab12)")
    if not args.regions:
        raise InputError("--regions: give at least one region to deploy to")
    for region in args.regions:
        try:
            inputs.check_region(region)
        except InputError as exc:
            raise InputError(f"--regions: {exc}") from None
    if args.call_as not in (None, "SELF", "DELEGATED_ADMIN"):
        raise InputError(f"--call-as: {args.call_as!r} is not SELF or DELEGATED_ADMIN")
    checked = precheck.check(args.template, args.parameters, region=args.region)
    for region in args.regions:
        precheck.check(args.template, args.parameters, region=region)
    return checked, list(args.regions)


def main(argv: Sequence[str] | None = None) -> int:
    parser = inputs.Parser(prog="stackset", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--name", required=True, help="the stack set's name")
    parser.add_argument("--region", required=True, help="the administration region the stack set lives in")
    parser.add_argument("--template", required=True, type=Path)
    parser.add_argument("--ous", type=_words, default=[], help="organisational unit IDs to deploy to, comma-separated")
    parser.add_argument("--regions", type=_words, default=[], help="regions to deploy to, comma-separated")
    parser.add_argument("--call-as", help="DELEGATED_ADMIN when run from a delegated administrator account")
    parser.add_argument("--force", action="store_true", help="update even when a plan refuses")
    parser.add_argument("parameters", nargs="*", metavar="Key=Value")
    try:
        args = parser.parse_intermixed_args(argv)
        checked, regions = _check(args)
        if shutil.which(_aws_cli()) is None:
            raise InputError(f"the AWS CLI ({_aws_cli()}) is not on PATH: install it and configure credentials")
    except InputError as exc:
        print(f"stackset: error: {exc}", file=sys.stderr)
        return 2
    # The subnets and the cost of each stack instance, as precheck shows them for the administration region.
    precheck.report(checked, args.template, args.region, "stackset")
    try:
        current = _current(args.name, args.region, args.call_as)
        if current is None:
            print(f"stackset: stack set {args.name} does not exist: creating it, no update to plan")
            commands = create_commands(
                args.name, args.template, args.region, checked.parameters, args.ous, regions, args.call_as
            )
        else:
            old_template = inputs.parse_template(str(current.get("TemplateBody", "")), f"stack set {args.name}")
            before = {str(p["ParameterKey"]): str(p.get("ParameterValue", "")) for p in current.get("Parameters", [])}
            declared = checked.template.get("Parameters", {})
            after = {k: v for k, v in before.items() if k in declared} | checked.parameters
            refused = False
            for region in regions:
                plan = plan_update(old_template, before, checked.template, after, region=region, stack_name=args.name)
                print(f"stackset: plan for the instances in {region}:")
                print("\n".join(f"  {line}" for line in plan.lines()))
                refused = refused or not plan.safe
            if refused and not args.force:
                print("stackset: refused, nothing changed; FORCE=1 updates anyway", file=sys.stderr)
                return 1
            commands = [update_command(args.name, args.template, args.region, after, args.ous, regions, args.call_as)]
    except (DeployError, InputError) as exc:
        print(f"stackset: error: {exc}", file=sys.stderr)
        return 2
    status = 0
    for command in commands:
        status = subprocess.run([_aws_cli(), *command], check=False).returncode
        if status != 0:
            break
    return status


if __name__ == "__main__":
    console.run(main, "stackset")
