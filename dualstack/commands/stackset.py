"""``make stackset``: one template in many accounts and regions, through a service-managed CloudFormation StackSet.

Plan first, as ``make deploy`` does. The parameter set is checked offline (``precheck``) for the
administration region and every target region. A stack set that does not exist yet is created
with ``aws cloudformation create-stack-set`` (service-managed permissions, automatic deployment
to accounts that join the organisational units) and its stack instances with
``create-stack-instances`` in the organisational units and regions given. An existing one is
read back (``describe-stack-set``: its template and parameters), the update is planned for each
target region (``plan.py``; parameters not given keep their current values) and printed, and a
refused plan stops here unless ``--force``; otherwise ``update-stack-set`` updates the instances
in those units and regions. A template over the 51,200-byte inline limit goes through S3: with
``--s3-bucket`` it is uploaded (``aws s3 cp``, to a key named by its content) and passed as
``--template-url``.

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

import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dualstack.commands import console, precheck
from dualstack.commands.deploy import DeployError, _aws, _aws_cli, _json, _last_line
from dualstack.files import inputs
from dualstack.files.inputs import InputError
from dualstack.proofs.evaluate import EvaluationError, evaluate, remembered_lookups
from dualstack.proofs.plan import plan_update, updated_parameters
from dualstack.proofs.plan_rules import enforce_at_creation

#: An organisational unit (``ou-…``) or the organisation's root (``r-…``), as AWS Organizations spells them.
OU_PATTERN = re.compile(r"^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$")
#: The shipped templates create IAM roles (flow logs, the test instance) without fixed names.
CAPABILITIES = ("CAPABILITY_IAM",)
#: One account at a time, stopping at the first failure.
OPERATION_PREFERENCES = "FailureToleranceCount=0,MaxConcurrentCount=1"


def _call_as(call_as: str | None) -> list[str]:
    return ["--call-as", call_as] if call_as else []


def _parameters(values: dict[str, str]) -> list[str]:
    """``--parameters`` as one JSON list: the AWS CLI reads JSON as it is, where its shorthand
    (``ParameterKey=K,ParameterValue=V``) would split a value at a comma or take ``,UsePreviousValue=true`` in a
    value as a field of its own ("Shorthand syntax", AWS CLI User Guide:
    https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-shorthand.html)."""
    if not values:
        return []
    document = [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]
    return ["--parameters", json.dumps(document, separators=(",", ":"))]


def _auto_deployment(retain: bool) -> str:
    """Automatic deployment to accounts that join the units; ``retain``: an account that leaves keeps its stack."""
    return json.dumps({"Enabled": True, "RetainStacksOnAccountRemoval": retain}, separators=(",", ":"))


def upload_key(template: Path) -> str:
    """Where in the bucket a template goes: named by its content, so an upload never replaces the template that
    another stack set's operation may still be reading."""
    digest = hashlib.sha256(template.read_bytes()).hexdigest()[:16]
    return f"dualstack/{template.stem}-{digest}{template.suffix}"


def template_url(bucket: str, region: str, key: str) -> str:
    """The object's virtual-hosted-style URL in ``region`` (``amazonaws.com.cn`` in the China regions), which
    ``--template-url`` takes ("Methods for accessing a bucket", Amazon S3 User Guide)."""
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{bucket}.s3.{region}.{domain}/{key}"


def upload_command(template: Path, bucket: str, region: str) -> list[str]:
    """``aws s3 cp`` of the template to its key in the bucket."""
    return [
        "s3",
        "cp",
        str(template),
        f"s3://{bucket}/{upload_key(template)}",
        "--region",
        region,
        "--only-show-errors",
    ]


def template_source(template: Path, bucket: str | None, region: str) -> list[str]:
    """``--template-body file://…``, or ``--template-url`` of its upload to ``bucket``."""
    if bucket is None:
        return ["--template-body", f"file://{template}"]
    return ["--template-url", template_url(bucket, region, upload_key(template))]


def create_commands(
    name: str, source: Sequence[str], region: str, values: dict[str, str], ous: Sequence[str], regions: Sequence[str],
    call_as: str | None, retain: bool = True,
) -> list[list[str]]:  # fmt: skip
    """``create-stack-set``, then ``create-stack-instances`` in the units and regions."""
    return [
        [
            "cloudformation", "create-stack-set", "--stack-set-name", name, "--region", region,
            *source, *_parameters(values), "--capabilities", *CAPABILITIES,
            "--permission-model", "SERVICE_MANAGED",
            "--auto-deployment", _auto_deployment(retain), *_call_as(call_as),
        ],
        [
            "cloudformation", "create-stack-instances", "--stack-set-name", name, "--region", region,
            "--deployment-targets", f"OrganizationalUnitIds={','.join(ous)}", "--regions", *regions,
            "--operation-preferences", OPERATION_PREFERENCES, *_call_as(call_as),
        ],
    ]  # fmt: skip


def update_command(
    name: str, source: Sequence[str], region: str, values: dict[str, str], ous: Sequence[str], regions: Sequence[str],
    call_as: str | None,
) -> list[str]:  # fmt: skip
    """``update-stack-set`` with every parameter's value, for the instances in the units and regions."""
    return [
        "cloudformation", "update-stack-set", "--stack-set-name", name, "--region", region,
        *source, *_parameters(values), "--capabilities", *CAPABILITIES,
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


def check_zones(checked: precheck.Checked, regions: Sequence[str]) -> None:
    """Refuse a parameter set that asks for more Availability Zones than a target region has (in the pinned
    cfn-lint's data): that region's stack instances would fail half-way, at the first subnet in a missing zone,
    while the others deploy. Accounts can differ from that data, but rarely have more zones than it lists."""
    with remembered_lookups():  # one template, evaluated in each region
        for region in regions:
            zones = precheck.region_azs(region)
            if zones is None:
                continue
            try:
                evaluate(checked.template, checked.values, region=region, azs=zones)
            except (EvaluationError, ValueError) as exc:
                raise InputError(f"--regions: {region} has {len(zones)} Availability Zones: {exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = inputs.Parser(prog="dualstack stackset", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--name", required=True, help="the stack set's name")
    parser.add_argument("--region", required=True, help="the administration region the stack set lives in")
    parser.add_argument("--template", required=True, type=Path)
    parser.add_argument("--ous", type=_words, default=[], help="organisational unit IDs to deploy to, comma-separated")
    parser.add_argument("--regions", type=_words, default=[], help="regions to deploy to, comma-separated")
    parser.add_argument("--call-as", help="DELEGATED_ADMIN when run from a delegated administrator account")
    parser.add_argument("--force", action="store_true", help="update even when a plan refuses")
    parser.add_argument(
        "--retain-stacks",
        choices=("true", "false"),
        default="true",
        help="when an account leaves the units, keep its stack (true, the default) or delete it with its VPC (false); "
        "for a new stack set's automatic deployment",
    )
    parser.add_argument(
        "--s3-bucket",
        metavar="BUCKET",
        help="an S3 bucket in the administration region to upload the template to: needed for one over 51,200 bytes",
    )
    parser.add_argument("parameters", nargs="*", metavar="Key=Value")
    try:
        args = parser.parse_intermixed_args(argv)
        if args.s3_bucket is not None:
            inputs.check_bucket_name(args.s3_bucket)
        checked, regions = _check(args)
        check_zones(checked, regions)
        # A stack set takes its template inline or from a URL in S3: inline (or its JSON twin), or uploaded.
        body, note = inputs.template_body(
            args.template,
            bucket=args.s3_bucket,
            hint="give an S3 bucket in the administration region to upload it to (BUCKET=...)",
        )
        source = template_source(body, args.s3_bucket, args.region)
        if shutil.which(_aws_cli()) is None:
            raise InputError(f"the AWS CLI ({_aws_cli()}) is not on PATH: install it and configure credentials")
    except InputError as exc:
        print(f"stackset: error: {exc}", file=sys.stderr)
        return 2
    retain = args.retain_stacks == "true"
    try:
        current = _current(args.name, args.region, args.call_as)
        if current is None:
            enforce = enforce_at_creation(checked.deployment)
            if enforce is not None:
                raise InputError(f"stack set {args.name} is new: {enforce}")
            # The subnets and the cost of each stack instance, as precheck shows them for the administration region.
            precheck.report(checked, args.template, args.region, "stackset")
            print(f"stackset: stack set {args.name} does not exist: creating it, no update to plan")
            print(
                "stackset: an account that leaves the units "
                + (
                    "keeps its stack (RETAIN_STACKS=true)"
                    if retain
                    else "loses its stack and VPC (RETAIN_STACKS=false)"
                )
            )
            commands = create_commands(
                args.name, source, args.region, checked.parameters, args.ous, regions, args.call_as, retain
            )
        else:
            if not retain:
                # Chosen at creation only: said, not dropped in silence.
                print(
                    "stackset: warning: --retain-stacks false (RETAIN_STACKS=false) applies to a new stack set; "
                    f"{args.name} keeps its setting (aws cloudformation update-stack-set --auto-deployment changes it)",
                    file=sys.stderr,
                )
            old_template = inputs.parse_template(str(current.get("TemplateBody", "")), f"stack set {args.name}")
            listed = {str(p["ParameterKey"]): str(p.get("ParameterValue", "")) for p in current.get("Parameters", [])}
            before = inputs.unmasked(listed, checked.parameters, old_template, f"stack set {args.name}")
            after = updated_parameters(old_template, before, checked.template, checked.parameters)
            # Each stack instance as it will be: the values the stack set keeps and the change, checked together.
            kept = {k: v for k, v in after.items() if k not in checked.parameters}
            for region in (args.region, *regions):
                described = precheck.check_values(checked.template, checked.parameters, region=region, kept=kept)
            check_zones(described, regions)
            precheck.report(described, args.template, args.region, "stackset")
            refused = False
            for region in regions:
                plan = plan_update(old_template, before, checked.template, after, region=region, stack_name=args.name)
                print(f"stackset: plan for the instances in {region}:")
                print("\n".join(f"  {line}" for line in plan.lines()))
                refused = refused or not plan.safe
            if refused and not args.force:
                print("stackset: refused, nothing changed; FORCE=1 updates anyway", file=sys.stderr)
                return 1
            commands = [update_command(args.name, source, args.region, after, args.ous, regions, args.call_as)]
    except (DeployError, InputError) as exc:
        print(f"stackset: error: {exc}", file=sys.stderr)
        return 2
    if note is not None:
        print(f"stackset: {note}")
    if args.s3_bucket is not None:
        # Uploaded only once the plan went through: a refused update leaves nothing behind, in S3 either.
        commands.insert(0, upload_command(body, args.s3_bucket, args.region))
        print(f"stackset: uploading {inputs.shown(str(body))} to s3://{args.s3_bucket}/{upload_key(body)}")
    status = 0
    for command in commands:
        status = subprocess.run([_aws_cli(), *command], check=False).returncode
        if status != 0:
            break
    return status


if __name__ == "__main__":
    console.run(main, "stackset")
