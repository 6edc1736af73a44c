"""``dualstack``: one command, with a subcommand for each job (as ``cfn-lint``, ``aws`` and ``cdk`` are one command).

    dualstack generate [-o vpc.yaml] [--check [--diff]]   the shipped set into templates/, or one template
    dualstack precheck TEMPLATE --region R [K=V ...]      check a parameter set offline, show its subnets and cost
    dualstack cost TEMPLATE --region R [K=V ...]          the hourly cost of a parameter set, one line
    dualstack plan TEMPLATE --region R --from .. --to ..  what an update changes, and whether it can
    dualstack deploy --stack S --region R --template T    plan, then aws cloudformation deploy
    dualstack stackset --name N --region R --template T   plan, then create or update a StackSet
    dualstack verify --stack S --region R                 check a deployed stack (needs boto3)
    dualstack lint TEMPLATE                               cfn-lint with the dual-stack rules (needs cfn-lint)
    dualstack compliant DIR                               the compliant renderings make scan reads

Each subcommand is the module the Makefile and ``generate.py`` run, with its own ``--help``, and keeps the same
contract for bad input: one line on standard error, exit status 2, nothing written. A subcommand whose optional
package is missing says in one line what to install.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence

from dualstack.commands import console

#: Subcommand: (module, what it does). Modules are imported only when their subcommand runs.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("generate", "write the shipped templates, or one custom template; --check compares"),
    "precheck": ("precheck", "check a parameter set offline: its subnets, routes and cost"),
    "cost": ("precheck", "the hourly cost of a parameter set, one line"),
    "plan": ("plan", "what an update adds, modifies, replaces and removes, and whether it can"),
    "deploy": ("deploy", "plan, then aws cloudformation deploy (your AWS CLI)"),
    "stackset": ("stackset", "plan, then create or update a service-managed StackSet (your AWS CLI)"),
    "verify": ("verify", "check a deployed stack's routes and addresses, with evidence (boto3)"),
    "lint": ("lint", "cfn-lint with the dual-stack rules (cfn-lint)"),
    "compliant": ("compliant", "write what CloudFormation would create for the compliant parameter set (make scan)"),
}
#: The function each module runs for a subcommand other than its ``main``.
_ENTRY = {"cost": "cost_main"}


def usage() -> str:
    width = max(len(name) for name in SUBCOMMANDS)
    rows = "\n".join(f"  {name:<{width}}  {what}" for name, (_, what) in SUBCOMMANDS.items())
    return (
        "usage: dualstack SUBCOMMAND [options]   (dualstack SUBCOMMAND --help for its options)\n\n"
        "Dual-stack VPC CloudFormation templates: IPv4 public through an Internet Gateway, IPv6 outbound only "
        f"through an Egress-Only Internet Gateway.\n\nsubcommands:\n{rows}\n"
    )


def _module(name: str) -> str:
    return name if "." in name else f"dualstack.commands.{name}"


def _runner(name: str) -> Callable[[list[str]], int]:
    module = importlib.import_module(_module(SUBCOMMANDS[name][0]))
    if name == "generate":
        return lambda argv: int(module.main(argv, prog="dualstack generate"))
    entry: Callable[[list[str]], int] = getattr(module, _ENTRY.get(name, "main"))
    return entry


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write(usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in SUBCOMMANDS:
        near = [n for n in SUBCOMMANDS if n.startswith(name[:3])] if name[:3] else []
        hint = f"; did you mean {near[0]}?" if near else f": one of {', '.join(SUBCOMMANDS)}"
        print(f"dualstack: error: unknown subcommand {name!r}{hint}", file=sys.stderr)
        return 2
    try:
        runner = _runner(name)
    except ModuleNotFoundError as exc:
        message = console.missing(exc)
        if message is None:
            raise
        print(f"dualstack {name}: error: {message}", file=sys.stderr)
        return 2
    return runner(rest)


def run() -> None:
    """The ``dualstack`` console script (pyproject's ``[project.scripts]``)."""
    console.run(main, "dualstack")


if __name__ == "__main__":
    console.run(main, "dualstack")
