"""``make compat``: install this repository as a user would, at the lowest or at the highest versions pyproject.toml
allows, and run each subcommand that depends on them.

    python3 tests/compat.py lowest     # requirements/lowest.txt's versions
    python3 tests/compat.py highest    # the newest versions the ranges allow today (the registry decides)
    python3 tests/compat.py sources    # from an sdist and from a git URL (the commit checked out), not a clone

Standard library only: it runs with the interpreter that makes the venvs. Needs the package registry.
Exit status 0 when every check passes, 1 naming the first that fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("dualstack-vpc", "dualstack-vpc-private", "dualstack-vpc-ipv6only")
DIRECT = ("troposphere", "awacs", "PyYAML", "cfn-lint", "boto3")
IGNORED = shutil.ignore_patterns(
    ".git", ".venv*", "build", "dist", "*.egg-info", "node_modules", "mutants", "__pycache__", ".*_cache"
)
#: What `dualstack verify` asks AWS for: each operation must be in the installed botocore's service models.
VERIFY_OPERATIONS = {
    "cloudformation": ["DescribeStacks"],
    "ec2": [
        "DescribeEgressOnlyInternetGateways",
        "DescribeInstances",
        "DescribeInternetGateways",
        "DescribeRouteTables",
        "DescribeSecurityGroups",
        "DescribeSubnets",
        "DescribeVpcEndpoints",
        "DescribeVpcs",
    ],
    "ssm": ["DescribeInstanceInformation", "GetCommandInvocation", "SendCommand"],
}


class CompatError(Exception):
    pass


def _pip(python: str, *args: str) -> None:
    base = [sys.executable, "-m", "pip", "--python", python]
    if subprocess.run([*base, "--version"], capture_output=True).returncode != 0:
        base = [python, "-m", "pip"]  # a pip older than 22.3: the venv has its own
    command = [*base, "--disable-pip-version-check", "-q", *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise CompatError(f"pip {' '.join(args[:1])} failed: {result.stderr.strip().splitlines()[-1:]}")


def _venv(path: Path) -> str:
    has_pip_python = (
        subprocess.run(
            [sys.executable, "-m", "pip", "--python", sys.executable, "--version"], capture_output=True
        ).returncode
        == 0
    )
    subprocess.run(
        [sys.executable, "-m", "venv", *(["--without-pip"] if has_pip_python else []), str(path)], check=True
    )
    return str(path / "bin" / "python")


def _check(name: str, venv: Path, *argv: str, ok: tuple[int, ...] = (0,)) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode not in ok:
        tail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise CompatError(f"{name}: exit status {result.returncode}: {tail[0]}")
    print(f"  ok  {name}")


def run(end: str) -> None:
    with tempfile.TemporaryDirectory(prefix=f"dualstack-compat-{end}-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT, work / "source", ignore=IGNORED)
        python = _venv(work / "venv")
        constraints = ["-c", str(ROOT / "requirements" / "lowest.txt")] if end == "lowest" else []
        _pip(python, "install", *constraints, f"{work / 'source'}[lint,verify]")
        venv = work / "venv"
        versions = subprocess.run(
            [
                python,
                "-c",
                "import importlib.metadata as m, sys; print(' '.join(f'{n}=={m.version(n)}' for n in sys.argv[1:]))",
                *DIRECT,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"{end}: {versions}")
        _check(
            "dualstack generate --check: every shipped template byte for byte", venv, "dualstack", "generate", "--check"
        )
        for name in SHIPPED:
            template = f"templates/{name}.yaml"
            _check(f"dualstack precheck {template}", venv, "dualstack", "precheck", template, "--region", "eu-west-1")
            _check(f"dualstack lint {template}", venv, "dualstack", "lint", template, "--regions", "us-east-1")
        _check(
            "dualstack plan: AzCount 2 -> 3",
            venv,
            "dualstack",
            "plan",
            "templates/dualstack-vpc.yaml",
            "--region",
            "eu-west-1",
            "--to",
            "AzCount=3",
        )
        rules = subprocess.run(
            [python, "-c", "import dualstack.lint_rules as r, os; print(os.path.dirname(r.__file__))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        _check(
            "cfn-lint --append-rules with the installed rules",
            venv,
            "cfn-lint",
            "--append-rules",
            rules,
            "--regions",
            "us-east-1",
            "--ignore-checks",
            "I9608",
            "--",
            "templates/dualstack-vpc.yaml",
        )
        script = (
            "import botocore.session, json, sys; s = botocore.session.get_session(); want = json.loads(sys.argv[1]); "
            "missing = [f'{svc}:{op}' for svc, ops in want.items() for op in ops "
            "if op not in s.get_service_model(svc).operation_names]; "
            "print(' '.join(missing), file=sys.stderr); sys.exit(1 if missing else 0)"
        )
        _check(
            "botocore has every operation dualstack verify calls",
            venv,
            python,
            "-c",
            script,
            json.dumps(VERIFY_OPERATIONS),
        )


def sources() -> None:
    """``pip install`` from an sdist and from a git URL, each into a fresh venv: the command and what it reads (the
    cfn-lint data, the lint rules, the handler) arrive with it."""
    with tempfile.TemporaryDirectory(prefix="dualstack-compat-sources-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT, work / "source", ignore=IGNORED)
        builder = _venv(work / "builder")
        _pip(builder, "install", "setuptools>=77")
        (work / "dist").mkdir()
        built = subprocess.run(
            [builder, "-c", f"import setuptools.build_meta as b; print(b.build_sdist({str(work / 'dist')!r}))"],
            cwd=work / "source", capture_output=True, text=True,
        )  # fmt: skip
        if built.returncode != 0:
            raise CompatError(f"building the sdist failed: {built.stderr.strip().splitlines()[-1:]}")
        sdist = work / "dist" / built.stdout.strip().splitlines()[-1]
        print(f"sdist: {sdist.name}")
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        for label, requirement in (
            ("sdist", f"{sdist}[lint]"),
            # localhost: the pip of Python 3.11 reads a file URL in a requirement only with a host.
            (f"git URL at {head[:12]}", f"dualstack[lint] @ git+file://localhost{ROOT}@{head}"),
        ):
            python = _venv(work / label.split()[0])
            _pip(python, "install", requirement)
            venv = Path(python).parent.parent
            print(f"{label}:")
            _check("dualstack generate --check: every shipped template byte for byte", venv, "dualstack", "generate",
                   "--check")  # fmt: skip
            _check("dualstack precheck on the installed data", venv, "dualstack", "precheck",
                   "templates/dualstack-vpc-private.yaml", "--region", "eu-west-1")  # fmt: skip
            _check("dualstack lint with the installed rules", venv, "dualstack", "lint",
                   "templates/dualstack-vpc.yaml", "--regions", "us-east-1")  # fmt: skip


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("lowest", "highest", "sources"):
        print("usage: python3 tests/compat.py lowest|highest|sources", file=sys.stderr)
        return 2
    try:
        sources() if argv[0] == "sources" else run(argv[0])
    except CompatError as exc:
        print(f"compat ({argv[0]}): error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
