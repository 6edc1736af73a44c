"""``docs/updates.md``: every single-parameter change of every shipped template, planned by ``plan.py``.

``dualstack plan --table`` prints it; a test fails when the committed file
and the plans disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualstack.model import choices, names
from dualstack.model.kinds import KINDS
from dualstack.model.spec import SHIPPED
from dualstack.proofs.evaluate import Deployment, remembered_lookups
from dualstack.proofs.plan import ADD, MODIFY, REMOVE, REPLACE, Plan, evaluate_before, plan_from

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
#: The region the table is planned in: six Availability Zones, so every AZ count is possible.
REGION = "us-east-1"
#: Values the Rules require once an option is on; set on both sides, they change nothing while it is off.
BASE = {
    names.SSH_INGRESS_CIDR_PARAM: "203.0.113.7/32",
    names.FLOW_LOG_S3_BUCKET_ARN_PARAM: "arn:aws:s3:::example-flow-logs",
    names.IPV6_IPAM_POOL_ID_PARAM: "ipam-pool-0123456789abcdef0",
    names.IPV4_IPAM_POOL_ID_PARAM: "ipam-pool-0123456789abcdef0",
}
#: Parameters that matter only under another's value: their changes are planned with it set.
CONTEXT = {
    names.FLOW_LOG_RETENTION_DAYS_PARAM: {names.FLOW_LOGS_PARAM: choices.FLOW_LOGS_CLOUDWATCH},
    names.FLOW_LOG_S3_BUCKET_ARN_PARAM: {names.FLOW_LOGS_PARAM: choices.FLOW_LOGS_S3},
    names.FLOW_LOG_KMS_KEY_ARN_PARAM: {names.FLOW_LOGS_PARAM: choices.FLOW_LOGS_CLOUDWATCH},
    names.FLOW_LOG_AGGREGATION_SECONDS_PARAM: {names.FLOW_LOGS_PARAM: choices.FLOW_LOGS_CLOUDWATCH},
    names.IPV6_IPAM_POOL_ID_PARAM: {names.IPV6_SOURCE_PARAM: choices.IPV6_IPAM},
    names.IPV4_IPAM_POOL_ID_PARAM: {names.IPV4_SOURCE_PARAM: choices.IPV4_IPAM},
    # The smallest subnets, which every netmask the template offers can hold.
    names.IPV4_NETMASK_LENGTH_PARAM: {
        names.IPV4_SOURCE_PARAM: choices.IPV4_IPAM,
        names.SUBNET_PREFIX_LENGTH_PARAM: "28",
    },
    names.KEY_NAME_PARAM: {names.CREATE_TEST_INSTANCE_PARAM: choices.TRUE},
    names.SSH_INGRESS_CIDR_PARAM: {names.CREATE_TEST_INSTANCE_PARAM: choices.TRUE},
    names.TEST_INSTANCE_IMAGE_PARAM: {names.CREATE_TEST_INSTANCE_PARAM: choices.TRUE},
    names.TEST_INSTANCE_TYPE_PARAM: {names.CREATE_TEST_INSTANCE_PARAM: choices.TRUE},
}
#: A tier's own subnet size: planned with the largest slots (the first ``SubnetPrefixLength``).
TIER_SIZES = tuple(names.tier_prefix_length_param(kind) for kind in KINDS if kind.has_ipv4)
#: Two values for each parameter that lists no ``AllowedValues``; planned in both directions.
EXAMPLES = {
    names.VPC_CIDR_BLOCK_PARAM: ("10.0.0.0/16", "10.1.0.0/16"),
    names.SSH_INGRESS_CIDR_PARAM: ("", "203.0.113.7/32", "198.51.100.0/24"),
    names.KEY_NAME_PARAM: ("", "example-key"),
    names.TEST_INSTANCE_TYPE_PARAM: ("t3.micro", "t3.small"),
    names.TEST_INSTANCE_IMAGE_PARAM: (
        names.UBUNTU_AMI_PARAMETER,
        names.UBUNTU_AMI_PARAMETER.replace("24.04", "22.04").replace("ebs-gp3", "ebs-gp2"),
    ),
    names.FLOW_LOG_S3_BUCKET_ARN_PARAM: ("arn:aws:s3:::example-flow-logs", "arn:aws:s3:::other-flow-logs"),
    names.IPV6_IPAM_POOL_ID_PARAM: ("ipam-pool-0123456789abcdef0", "ipam-pool-0fedcba987654321f"),
    names.IPV4_IPAM_POOL_ID_PARAM: ("ipam-pool-0123456789abcdef0", "ipam-pool-0fedcba987654321f"),
    names.FLOW_LOG_KMS_KEY_ARN_PARAM: (
        "",
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
}


@dataclass(frozen=True)
class Transition:
    parameter: str
    before: str
    after: str
    #: The other parameters, the same on both sides.
    context: tuple[tuple[str, str], ...]
    plan: Plan


def parameter_values(template: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """The values a table plans between: the ``AllowedValues``, else ``EXAMPLES`` (a new parameter needs some)."""
    allowed = template["Parameters"][name].get("AllowedValues")
    if allowed is not None:
        return tuple(str(v) for v in allowed)
    if name not in EXAMPLES:
        raise KeyError(f"{name} lists no AllowedValues: give it two example values in EXAMPLES")
    return EXAMPLES[name]


def transitions(
    template: Mapping[str, Any], extra: Mapping[str, str] | None = None, region: str = REGION
) -> Iterator[Transition]:
    """Every change of one parameter between two of its values, in both directions, the others at ``BASE`` (and
    ``CONTEXT``, and ``extra``, which win)."""
    with remembered_lookups():  # one template, evaluated hundreds of times: its lookups found once
        return iter(list(_transitions(template, extra, region)))


def _transitions(template: Mapping[str, Any], extra: Mapping[str, str] | None, region: str) -> Iterator[Transition]:
    declared = template["Parameters"]
    evaluations: dict[tuple[Any, ...], Deployment] = {}
    for name in sorted(declared):
        context = {k: v for k, v in {**BASE, **CONTEXT.get(name, {}), **(extra or {})}.items() if k in declared}
        if name in TIER_SIZES and names.SUBNET_PREFIX_LENGTH_PARAM not in (extra or {}):
            # Slots as large as the template allows, so that every size a tier may have fits in its slot.
            context[names.SUBNET_PREFIX_LENGTH_PARAM] = parameter_values(template, names.SUBNET_PREFIX_LENGTH_PARAM)[0]
        context.pop(name, None)
        values = parameter_values(template, name)
        for before in values:
            old = evaluate_before(template, {**context, name: before}, region=region)
            for after in values:
                if before != after:
                    plan = plan_from(old, template, {**context, name: after}, region=region, evaluations=evaluations)
                    yield Transition(name, before, after, tuple(sorted(context.items())), plan)


def _summary(plan: Plan) -> str:
    counts = {action: sum(1 for c in plan.changes if c.action == action) for action in (ADD, MODIFY, REPLACE, REMOVE)}
    parts = [f"{action} {n}" for action, n in counts.items() if n]
    exports = len(plan.exports)
    if exports:
        parts.append(f"{exports} export{'s' if exports > 1 else ''} change")
    return ", ".join(parts) or "nothing"


def _verdict(plan: Plan) -> str:
    return "safe" if plan.safe else f"**refused**: {plan.rule}"


def _rows(items: list[Transition]) -> Iterator[str]:
    """One row per transition; a parameter whose every transition plans alike gets one row."""
    name = items[0].parameter
    shapes = {(_verdict(t.plan), _summary(t.plan)) for t in items}
    if len(shapes) == 1 and len(items) > 2:
        verdict, summary = shapes.pop()
        yield f"| `{name}` | any to any other ({len(items)} changes) | {verdict} | {summary} |"
        return
    for t in items:
        change = f"`{t.before or '(empty)'}` to `{t.after or '(empty)'}`"
        yield f"| `{name}` | {change} | {_verdict(t.plan)} | {_summary(t.plan)} |"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((TEMPLATES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def updates_doc() -> str:
    """The text of ``docs/updates.md``."""
    lines = [
        "<!-- Generated: dualstack plan --table > docs/updates.md (tests/test_updates_doc.py checks it) -->",
        "# What an update changes",
        "",
        "Every change of one parameter between two of its values, in both directions, planned offline by",
        "`dualstack plan` for each shipped template (region "
        f"{REGION}; the other parameters at their defaults, with {', '.join(f'`{k}={v}`' for k, v in BASE.items())};",
        "a parameter that matters only under another's value is planned with that value set:",
        ", ".join(f"`{k}` with {', '.join(f'`{a}={b}`' for a, b in v.items())}" for k, v in CONTEXT.items()) + ";",
        "a tier's own subnet size (`{Tier}SubnetPrefixLength`) with the largest slots the template offers,",
        "the first value of `SubnetPrefixLength`).",
        "",
        "- **safe**: CloudFormation can carry out the update for the stack's own resources; the plan sees nothing",
        "  outside the stack. A subnet in use cannot be removed: lowering `AzCount` fails while something outside the",
        "  stack (a network interface of an instance, load balancer or function) is still in a removed subnet.",
        "  Replacing the flow log (`FlowLogAggregationSeconds`, `FlowLogS3BucketArn`, `FlowLogs`, and",
        "  `EncryptionControl` while flow logs are on) creates the new one, for the same VPC and traffic type",
        "  (and, for the aggregation and the encryption control's format, the same destination), before the old one",
        "  is deleted; whether EC2 accepts that second flow log only a deploy shows.",
        "  `add`, `modify`, `replace` and `remove` count the resources that change; a replaced resource gets a new ID,",
        "  so what refers to it changes too.",
        "- **refused**: the update fails half-way and rolls back, because CloudFormation creates a replacement before",
        "  it deletes the resource it replaces. These values are fixed for the stack's life: deploy a new stack beside",
        "  the old one with the new value, move what uses the VPC to it, then delete the old stack.",
        "- **exports change**: exports whose value changes or that disappear. CloudFormation refuses that only while",
        "  another stack imports one of them",
        "  (`Fn::ImportValue`); `make deploy` asks CloudFormation whether any is imported before it updates.",
        "",
        "With the test instance on, any update may replace it: its AMI comes from an SSM parameter that",
        "CloudFormation reads again on every update. That replacement is safe (the instance has no fixed address).",
        "",
        "A stack created from an earlier version of these templates and updated to this one with the same parameters",
        "keeps its VPC's default security group as it is: `RestrictDefaultSecurityGroup` is `false` unless you pass",
        "`true` ([what that changes](default-security-group.md)).",
        "",
        "Such a stack keeps every subnet's addresses, but the templates write a subnet's `CidrBlock` with another",
        "expression than earlier versions did (the IPv4 block read from the VPC, and in the private template the",
        "tier's own size). The plan compares what the expressions resolve to, which is unchanged. Whether",
        "CloudFormation decides on the resolved value too, and so replaces no subnet, only a deploy shows: before",
        "the first update of such a stack, run `aws cloudformation deploy` with `--no-execute-changeset` and check",
        "that the change set replaces no subnet.",
        "",
    ]
    for spec in SHIPPED:
        template = load(spec.name)
        items = list(transitions(template))
        safe = sum(1 for t in items if t.plan.safe)
        lines += [
            f"## `{spec.name}`",
            "",
            f"{len(items)} changes planned: {safe} safe, {len(items) - safe} refused.",
            "",
            "| Parameter | Change | Plan | What changes |",
            "| --- | --- | --- | --- |",
        ]
        by_parameter: dict[str, list[Transition]] = {}
        for t in items:
            by_parameter.setdefault(t.parameter, []).append(t)
        for group in by_parameter.values():
            lines.extend(_rows(group))
        lines.append("")
    return "\n".join(lines)
