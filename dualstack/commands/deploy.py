"""``make deploy``: plan the update of an existing stack before deploying it, with the user's AWS CLI.

    dualstack deploy --stack NAME --region R --template templates/dualstack-vpc.yaml [--force] [K=V ...]

First the parameters are checked offline as ``precheck.py`` checks them (bad input is
one line, exit status 2, before any ``aws`` call), and the subnets they build printed.
A new stack is then deployed at once. For an existing one, its current parameters and
template are read (``aws cloudformation describe-stacks``, ``get-template``), the
update is planned (``plan.py``; the parameters not given keep their current values,
as ``aws cloudformation deploy`` keeps them), and the plan printed. Exports the update
changes are looked up with ``aws cloudformation list-imports``: one that another stack
imports refuses the update, as CloudFormation would half-way through it. A refused plan
stops here (exit status 1) unless ``--force``. Every ``aws`` call is an argument list,
never a shell string.

Exit status: that of ``aws cloudformation deploy``; 1 when the plan refuses; 2 for bad
input or an AWS CLI failure before deploying (one line on standard error).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualstack.commands import console, precheck
from dualstack.files import inputs
from dualstack.files.inputs import InputError
from dualstack.proofs.plan import Plan, plan_update, updated_parameters
from dualstack.proofs.plan_rules import enforce_at_creation

#: A stack with nothing deployed to plan from: created by a change set never executed. It is the one status
#: ``aws cloudformation deploy`` treats as "no stack yet" (it then creates a CREATE change set).
_NOTHING_DEPLOYED = "REVIEW_IN_PROGRESS"


def _status_advice(status: str) -> str | None:
    """Why a stack in ``status`` cannot take a deploy now, or ``None`` when it can."""
    if status == _NOTHING_DEPLOYED:
        return None
    if status == "ROLLBACK_COMPLETE":
        # Rolled back on creation: only a delete is possible ("Stack status codes", CloudFormation User Guide:
        # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html).
        return "its creation failed and it cannot be updated: delete it first, then deploy again"
    if status.endswith("_IN_PROGRESS"):
        return "it is still changing: deploy again when it has finished"
    # A failed rollback or delete leaves a stack no update can start from (same page; "Continue rolling back an
    # update", CloudFormation User Guide): the plan would describe a stack that is not what AWS holds.
    if status in ("UPDATE_ROLLBACK_FAILED", "IMPORT_ROLLBACK_FAILED"):
        return (
            "its rollback failed and it cannot be updated: finish the rollback first (aws cloudformation "
            "continue-update-rollback, skipping the resources that cannot roll back), then deploy again"
        )
    if status in ("ROLLBACK_FAILED", "DELETE_FAILED"):
        return "it cannot be updated: delete it (retaining what cannot be deleted), then deploy again"
    return None


class DeployError(Exception):
    """An AWS CLI call that failed before anything was deployed; the message says which."""


def _aws_cli() -> str:
    """The AWS CLI to run: ``make deploy AWS=/path/to/aws`` passes it as ``$AWS``; else ``aws`` on PATH."""
    return os.environ.get("AWS") or "aws"


def _aws(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run the AWS CLI with ``argv`` (an argument list, never a shell line) and capture what it prints."""
    return subprocess.run([_aws_cli(), *argv], capture_output=True, text=True, check=False)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _json(result: subprocess.CompletedProcess[str], what: str) -> Any:
    try:
        return json.loads(result.stdout)
    except ValueError:
        raise DeployError(f"{what} printed no JSON") from None


def _current_stack(stack: str, region: str) -> dict[str, Any] | None:
    """The stack as ``describe-stacks`` shows it, or ``None`` when it does not exist."""
    result = _aws(["cloudformation", "describe-stacks", "--stack-name", stack, "--region", region, "--output", "json"])
    if result.returncode != 0:
        if "does not exist" in result.stderr:
            return None
        raise DeployError(f"aws cloudformation describe-stacks: {_last_line(result.stderr)}")
    stacks = _json(result, "aws cloudformation describe-stacks").get("Stacks", [])
    if not stacks:
        return None
    found: dict[str, Any] = stacks[0]
    return found


def _current_template(stack: str, region: str) -> dict[str, Any]:
    result = _aws(
        [
            "cloudformation",
            "get-template",
            "--stack-name",
            stack,
            "--region",
            region,
            "--template-stage",
            "Original",
            "--output",
            "json",
        ]
    )
    if result.returncode != 0:
        raise DeployError(f"aws cloudformation get-template: {_last_line(result.stderr)}")
    body = _json(result, "aws cloudformation get-template").get("TemplateBody")
    # The CLI prints a JSON template as an object and a YAML one as a string.
    text = body if isinstance(body, str) else json.dumps(body)
    try:
        return inputs.parse_template(text, f"the template of stack {stack}")
    except InputError as exc:
        raise DeployError(f"aws cloudformation get-template: {exc}") from None


def imported_exports(plan: Plan, region: str) -> dict[str, list[str]]:
    """``{export: importing stacks}`` for each export the plan changes or removes that another stack imports."""
    imported = {}
    for export in plan.exports:
        result = _aws(
            ["cloudformation", "list-imports", "--export-name", export.name, "--region", region, "--output", "json"]
        )
        if result.returncode != 0:
            if "is not imported by any stack" in result.stderr:
                continue
            raise DeployError(f"aws cloudformation list-imports: {_last_line(result.stderr)}")
        stacks = [str(s) for s in _json(result, "aws cloudformation list-imports").get("Imports", [])]
        if stacks:
            imported[export.name] = stacks
    return imported


@dataclass(frozen=True)
class Existing:
    """A deployed stack, read back: its template and its parameters' values."""

    name: str
    template: dict[str, Any]
    parameters: dict[str, str]

    def after(self, template: dict[str, Any], overrides: dict[str, str]) -> dict[str, str]:
        """The values it will have after ``aws cloudformation deploy`` of ``template`` with ``overrides``."""
        return updated_parameters(self.template, self.parameters, template, overrides)


def read_existing(stack: dict[str, Any], region: str) -> Existing:
    current = {str(p["ParameterKey"]): str(p.get("ParameterValue", "")) for p in stack.get("Parameters", [])}
    return Existing(str(stack["StackName"]), _current_template(str(stack["StackName"]), region), current)


def plan_existing(
    stack: dict[str, Any], template: dict[str, Any], overrides: dict[str, str], region: str
) -> tuple[Plan, dict[str, str], dict[str, str]]:
    """The plan of deploying ``template`` with ``overrides`` over ``stack``; also both sides' parameters."""
    existing = read_existing(stack, region)
    after = existing.after(template, overrides)
    plan = plan_update(existing.template, existing.parameters, template, after, region=region, stack_name=existing.name)
    return plan, existing.parameters, after


def deploy_command(
    template: Path, stack: str, region: str, overrides: Sequence[str], bucket: str | None = None
) -> list[str]:
    return [
        "cloudformation",
        "deploy",
        "--template-file",
        str(template),
        "--stack-name",
        stack,
        "--region",
        region,
        "--capabilities",
        "CAPABILITY_IAM",
        "--no-fail-on-empty-changeset",
        *(["--s3-bucket", bucket] if bucket else []),
        *(["--parameter-overrides", *overrides] if overrides else []),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = inputs.Parser(prog="dualstack deploy", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--template", type=Path, required=True)
    parser.add_argument("--force", action="store_true", help="deploy even when the plan refuses")
    parser.add_argument(
        "--s3-bucket",
        metavar="BUCKET",
        help="an S3 bucket in the stack's region to upload the template to: needed for one over 51,200 bytes",
    )
    parser.add_argument("parameters", nargs="*", metavar="Key=Value")
    try:
        args = parser.parse_intermixed_args(argv)
        checked = precheck.check(args.template, args.parameters, region=args.region, stack=args.stack)
        if args.s3_bucket is not None:
            inputs.check_bucket_name(args.s3_bucket)
        body, note = inputs.template_body(args.template, bucket=args.s3_bucket)
        if shutil.which(_aws_cli()) is None:
            raise InputError(f"the AWS CLI ({_aws_cli()}) is not on PATH: install it and configure credentials")
    except InputError as exc:
        print(f"deploy: error: {exc}", file=sys.stderr)
        return 2
    try:
        stack = _current_stack(args.stack, args.region)
        status = "" if stack is None else str(stack.get("StackStatus", ""))
        advice = _status_advice(status)
        if advice is not None:
            raise DeployError(f"stack {args.stack} is {status}: {advice}")
        if stack is None or status == _NOTHING_DEPLOYED:
            enforce = enforce_at_creation(checked.deployment)
            if enforce is not None:
                raise InputError(f"stack {args.stack} is new: {enforce}")
            precheck.report(checked, args.template, args.region, "deploy")
            print(f"deploy: stack {args.stack} has nothing deployed yet: creating it, no update to plan")
        else:
            existing = read_existing(stack, args.region)
            before = inputs.unmasked(existing.parameters, checked.parameters, existing.template, f"stack {args.stack}")
            existing = dataclasses.replace(existing, parameters=before)
            after = existing.after(checked.template, checked.parameters)
            # The stack as it will be: the values it keeps and the change, checked and described together.
            kept = {k: v for k, v in after.items() if k not in checked.parameters}
            described = precheck.check_values(
                checked.template,
                checked.parameters,
                region=args.region,
                stack=args.stack,
                kept=kept,
            )
            precheck.report(described, args.template, args.region, "deploy")
            plan = plan_update(
                existing.template,
                existing.parameters,
                checked.template,
                after,
                region=args.region,
                stack_name=args.stack,
            )
            print(f"deploy: plan for stack {args.stack} ({args.region}):")
            print("\n".join(f"  {line}" for line in plan.lines()))
            refusal = plan.refusal
            if refusal is None:
                imported = imported_exports(plan, args.region)
                if imported:
                    name, stacks = next(iter(imported.items()))
                    refusal = (
                        f"export {name} is imported by {', '.join(stacks)}, and CloudFormation refuses to change "
                        "an export while it is imported; remove the import first"
                    )
                    print(f"  refused: {refusal}")
            if refusal is not None and not args.force:
                print("deploy: refused, nothing deployed; FORCE=1 deploys anyway", file=sys.stderr)
                return 1
    except (DeployError, InputError) as exc:
        print(f"deploy: error: {exc}", file=sys.stderr)
        return 2
    if note is not None:
        print(f"deploy: {note}")
    command = deploy_command(body, args.stack, args.region, args.parameters, args.s3_bucket)
    return subprocess.run([_aws_cli(), *command], check=False).returncode


if __name__ == "__main__":
    console.run(main, "deploy")
