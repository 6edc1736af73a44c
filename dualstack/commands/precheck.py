"""Check a parameter set against a template offline, before ``aws cloudformation deploy`` is run.

CloudFormation's ``Rules`` cannot take a CIDR apart, so a subnet size the VPC
cannot hold (``SubnetPrefixLength=24`` in a ``/23`` VPC) or an AZ count the region
lacks would only fail half-way through a deploy. This evaluates the template for
the given parameters and prints the subnets it would build, or one line saying
what is wrong (exit status 2).

    dualstack precheck templates/dualstack-vpc.yaml --region eu-west-1 AzCount=3
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualstack.commands import console
from dualstack.files import inputs
from dualstack.files.inputs import InputError
from dualstack.model import names
from dualstack.model.choices import ENCRYPTION_NONE
from dualstack.proofs.costs import cost_line
from dualstack.proofs.evaluate import EXAMPLE_VPC_IPV6_BLOCK, Deployment, EvaluationError, default_azs, evaluate

#: The resource ``EncryptionControl`` creates, where its region has it.
ENCRYPTION_CONTROL_TYPE = "AWS::EC2::VPCEncryptionControl"


@dataclass(frozen=True)
class Checked:
    """A parameter set that passed every offline check, with what the checks found."""

    template: dict[str, Any]
    parameters: dict[str, str]
    #: Input that is valid but ignored or given twice: for standard error.
    warnings: list[str]
    deployment: Deployment
    #: The values an existing stack keeps through the update, that ``parameters`` do not change.
    kept: dict[str, str] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, str]:
        """Every value given or kept: what the stack will have."""
        return {**self.kept, **self.parameters}


def check(path: Path, items: Sequence[str], *, region: str, stack: str | None = None) -> Checked:
    """Every offline check of a deploy of the template at ``path`` with ``Key=Value`` ``items``: raises
    ``InputError`` naming the first problem."""
    if stack is not None:
        inputs.check_stack_name(stack)
    inputs.check_region(region)
    template = inputs.load_template(path)
    parameters, warnings = inputs.parse_assignments(items)
    return check_values(template, parameters, warnings, region=region, stack=stack)


def check_values(
    template: dict[str, Any],
    parameters: dict[str, str],
    warnings: Sequence[str] = (),
    *,
    region: str,
    stack: str | None = None,
    kept: Mapping[str, str] | None = None,
) -> Checked:
    """``check`` for a template already read and parameters already parsed. ``kept``: the values an existing stack
    keeps through an update (``plan.updated_parameters``), checked together with ``parameters`` as the stack will
    have them; its warnings stay those of ``parameters``, the values given."""
    warnings = [*warnings, *inputs.check_parameters(parameters, template, region, kept)]
    values = {**(kept or {}), **parameters}
    if kept:
        inputs.check_parameters(values, template, region)
    try:
        deployment = evaluate(template, values, region=region, stack_name=stack, azs=default_azs(region))
    except (EvaluationError, ValueError) as exc:
        raise InputError(str(exc)) from None
    _check_available(template, values, deployment, region)
    return Checked(template, parameters, warnings, deployment, dict(kept or {}))


def _check_available(
    template: Mapping[str, Any], values: Mapping[str, str], deployment: Deployment, region: str
) -> None:
    """Refuse a choice that the region cannot honour: the template leaves out a resource its region's CloudFormation
    does not know (``builders/encryption.py``), so the choice would create nothing, silently."""
    chosen = values.get(names.ENCRYPTION_CONTROL_PARAM, ENCRYPTION_NONE)
    if names.ENCRYPTION_CONTROL_PARAM not in template.get("Parameters", {}) or chosen == ENCRYPTION_NONE:
        return
    if not deployment.of_type(ENCRYPTION_CONTROL_TYPE):
        raise InputError(
            f"{names.ENCRYPTION_CONTROL_PARAM}={chosen}: {region} has no {ENCRYPTION_CONTROL_TYPE} (the resource "
            f"schemas of the pinned cfn-lint), so the stack would have no encryption control; choose "
            f"{ENCRYPTION_NONE} in {region}"
        )


def region_azs(region: str) -> list[str] | None:
    """The region's zones as the pinned cfn-lint's data lists them (``cfndata.py``), or None when unknown."""
    from dualstack.model import cfndata

    return cfndata.availability_zones(region)


def _ipv6_slot(block: str) -> int:
    vpc = ipaddress.ip_network(EXAMPLE_VPC_IPV6_BLOCK)
    subnet = ipaddress.ip_network(block)
    return (int(subnet.network_address) - int(vpc.network_address)) >> (128 - subnet.prefixlen)


def _slot_of(subnet: Mapping[str, Any]) -> int | None:
    """The subnet's /64 slot in the VPC's example block, or None for a subnet with no (readable) IPv6 block."""
    try:
        return _ipv6_slot(subnet["Ipv6CidrBlock"])
    except (KeyError, TypeError, ValueError):
        return None


def in_region_zones(
    template: Mapping[str, Any], parameters: Mapping[str, str], region: str
) -> tuple[Deployment | None, str | None]:
    """The deployment with the region's own zones (cfn-lint's data), and a warning when the parameter set needs more
    zones than the data lists (``AzCount=3`` in us-west-1); ``(None, None)`` for a region the data does not know."""
    zones = region_azs(region)
    if zones is None:
        return None, None
    try:
        return evaluate(template, parameters, region=region, azs=zones), None
    except EvaluationError as exc:
        return None, f"{region} has {len(zones)} Availability Zones in cfn-lint's data (accounts can differ): {exc}"


def report(checked: Checked, path: Path, region: str, prog: str) -> None:
    """Print the warnings (standard error), then each subnet the parameter set builds and where its traffic goes."""
    for warning in checked.warnings:
        print(f"{prog}: warning: {warning}", file=sys.stderr)
    template, parameters, deployment = checked.template, checked.values, checked.deployment
    zoned, short = in_region_zones(template, parameters, region)
    if short is not None:
        print(f"{prog}: warning: {short}", file=sys.stderr)
    deployment = zoned or deployment
    given = " ".join(f"{k}={v}" for k, v in checked.parameters.items())
    declared = template.get("Parameters", {})
    # What the stack keeps that is not the template's default: the rest of what it will be.
    kept = " ".join(
        f"{k}={v}" for k, v in checked.kept.items()
        if k not in checked.parameters and str(declared.get(k, {}).get("Default", "")) != v
    )  # fmt: skip
    chosen = f"{given or 'no changes'}, keeping {kept or 'the defaults'}" if checked.kept else given or "the defaults"
    print(f"{prog}: {inputs.shown(path)} with {chosen}: {len(deployment.resources)} resources")
    subnets = deployment.of_type("AWS::EC2::Subnet")
    slots = {name: _slot_of(subnet["Properties"]) for name, subnet in subnets.items()}
    for logical_id in sorted(subnets, key=lambda name: (slots[name] is None, slots[name] or 0, name)):
        props = subnets[logical_id]["Properties"]
        routes = ", ".join(f"{dest} -> {target}" for dest, target in deployment.routes_of(logical_id).items())
        slot = slots[logical_id]
        if slot is not None:
            ipv6 = f"/64 #{slot:<3}"
        else:
            ipv6 = f"IPv6 {props['Ipv6CidrBlock']!s:.20}" if "Ipv6CidrBlock" in props else "no IPv6"
        print(
            f"  {logical_id:<16} {props.get('AvailabilityZone', 'no AZ given')!s:<16} "
            f"{props.get('CidrBlock', 'no IPv4')!s:<16} {ipv6} {routes or 'no default routes'}"
        )
    vpc = deployment.resources.get("Vpc", {}).get("Properties", {})
    if "Ipv4IpamPoolId" in vpc:
        print(
            f"  note: IPv4 from IPAM: the IPv4 blocks shown are cut from an example /{vpc.get('Ipv4NetmaskLength')};"
            " the pool allocates the real one"
        )
    regional = any(
        g["Properties"].get("AvailabilityMode") == "regional"
        for g in deployment.of_type("AWS::EC2::NatGateway").values()
    )
    if regional and any(s["Properties"].get("Ipv6Native") for s in subnets.values()):
        # kinds.Route refuses NAT64 through a regional NAT gateway: AWS documents NAT64 only for zonal ones.
        print("  note: the regional NAT gateway carries IPv4 only: IPv6-only subnets get no NAT64 and no DNS64")
    print(f"  {cost_line(deployment, region)}")


def _parser(prog: str, description: str | None) -> inputs.Parser:
    parser = inputs.Parser(prog=f"dualstack {prog}", description=description)
    parser.add_argument("template", type=Path)
    parser.add_argument("--region", default="us-east-1", help="the region to deploy to (default: us-east-1)")
    parser.add_argument("--stack", help="the stack name to deploy as, checked against CloudFormation's pattern")
    parser.add_argument("parameters", nargs="*", metavar="Key=Value")
    return parser


def _checked(prog: str, description: str | None, argv: Sequence[str] | None) -> tuple[Any, Checked] | None:
    """The arguments and the checked parameter set; ``None`` after one line on standard error for bad input."""
    parser = _parser(prog, description)
    try:
        args = parser.parse_intermixed_args(argv)
        return args, check(args.template, args.parameters, region=args.region, stack=args.stack)
    except InputError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return None


def cost_main(argv: Sequence[str] | None = None) -> int:
    """``dualstack cost``: the parameter set checked as precheck checks it, then its cost line alone."""
    result = _checked("cost", "The hourly cost of what a parameter set creates, from a dated price table.", argv)
    if result is None:
        return 2
    args, checked = result
    for warning in checked.warnings:
        print(f"cost: warning: {warning}", file=sys.stderr)
    print(cost_line(checked.deployment, args.region))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    result = _checked("precheck", __doc__.splitlines()[0] if __doc__ else None, argv)
    if result is None:
        return 2
    args, checked = result
    report(checked, args.template, args.region, "precheck")
    return 0


if __name__ == "__main__":
    console.run(main, "precheck")
