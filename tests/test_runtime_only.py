"""Every command the README and docs show, where they run it: after `make template` alone, in a venv of
requirements/runtime.lock and nothing else (`make pytest` builds it as .venv-runtime). Each works, or says in one line
what to install."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from dualstack.model.spec import SHIPPED

from .conftest import ROOT, TEMPLATES

RUNTIME_PYTHON = ROOT / ".venv-runtime" / "bin" / "python"


@pytest.fixture(autouse=True)
def _runtime_venv() -> None:
    if not RUNTIME_PYTHON.exists():
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"{RUNTIME_PYTHON} is missing: make pytest builds it")
        pytest.skip(f"{RUNTIME_PYTHON} is missing: make pytest builds it")


def _run(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [str(RUNTIME_PYTHON), *argv], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("name", [spec.name for spec in SHIPPED])
def test_precheck_as_docs_deploy_md_runs_it(tmp_path: Path, name: str) -> None:
    result = _run(tmp_path, "-m", "dualstack", "precheck", str(TEMPLATES / f"{name}.yaml"), "--region", "eu-west-1")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "PublicSubnetA    eu-west-1a" in result.stdout
    assert "cost:" in result.stdout


def test_precheck_warns_of_an_az_count_the_region_lacks_from_shipped_data(tmp_path: Path) -> None:
    # ca-west-1 has 3 zones in the pinned cfn-lint's data; the warning needs that data, not cfn-lint.
    template = str(TEMPLATES / "dualstack-vpc.yaml")
    result = _run(tmp_path, "-m", "dualstack", "precheck", template, "--region", "us-west-1", "AzCount=3")
    assert result.returncode == 0, result.stderr
    assert "us-west-1 has 2 Availability Zones" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["generate.py", "--help"],
        ["generate.py", "--azs", "4", "-o", "network-vpc.yaml"],
        ["generate.py", "--tiers", "public,private,isolated", "-o", "vpc.json"],
    ],
    ids=["help", "azs-4", "tiers"],
)
def test_generate_commands_of_docs_custom_templates_md(tmp_path: Path, argv: list[str]) -> None:
    result = _run(tmp_path, str(ROOT / argv[0]), *argv[1:])
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_works_with_the_runtime_lock_alone(tmp_path: Path) -> None:
    template = str(TEMPLATES / "dualstack-vpc.yaml")
    result = _run(tmp_path, "-m", "dualstack", "plan", template, "--region", "eu-west-1", "--to", "AzCount=3")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines()[-1].startswith("safe")


@pytest.mark.parametrize(
    ("argv", "package"),
    [
        (["-m", "dualstack.commands.verify", "--stack", "edge-vpc", "--region", "eu-west-1"], "boto3"),
        (["-m", "dualstack.commands.lint", str(TEMPLATES / "dualstack-vpc.yaml")], "cfn-lint"),
    ],
    ids=["verify", "lint"],
)
def test_a_command_that_needs_a_development_package_names_it(tmp_path: Path, argv: list[str], package: str) -> None:
    result = _run(tmp_path, *argv)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert f"{package} is not installed" in line
    assert f"pip install {package}" in line
    assert "pip install 'dualstack[" in line


def _fake_aws(tmp_path: Path) -> None:
    """An ``aws`` first on PATH that records its arguments and answers that the stack or stack set does not exist."""
    fake = tmp_path / "aws"
    fake.write_text(
        f'#!/bin/sh\necho "$*" >> "{tmp_path}/aws.log"\n'
        'case "$*" in *describe-stacks*)'
        ' echo "An error occurred (ValidationError): Stack with id x does not exist" >&2; exit 254;;\n'
        "*describe-stack-set*) echo 'An error occurred (StackSetNotFoundException) when calling the"
        " DescribeStackSet operation: StackSet org-vpc not found' >&2; exit 254;; esac\n"
    )
    fake.chmod(0o755)


@pytest.mark.parametrize(
    ("argv", "called"),
    [
        (["deploy", "--stack", "edge-vpc", "--region", "eu-west-1", "AzCount=3"], "cloudformation deploy"),
        (
            ["stackset", "--name", "org-vpc", "--region", "eu-west-1", "--ous", "ou-ab12-cdef3456", "--regions"],
            "create-stack-set",
        ),
    ],
    ids=["deploy", "stackset"],
)
def test_deploy_and_stackset_work_with_the_runtime_lock_alone(tmp_path: Path, argv: list[str], called: str) -> None:
    # As `make deploy` and `make stackset` run them after `make template`, with an aws that never reaches AWS.
    _fake_aws(tmp_path)
    template = ["--template", str(TEMPLATES / "dualstack-vpc.yaml")]
    tail = ["eu-west-1"] if argv[-1] == "--regions" else []
    result = _run(tmp_path, "-m", "dualstack", *argv, *tail, *template)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert called in (tmp_path / "aws.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("target", ["plan", "deploy", "stackset"])
def test_make_targets_of_runtime_commands_install_only_the_runtime_lock(target: str) -> None:
    # `make deploy` after `make template` must not first install the 60-odd development packages it never imports.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (prerequisites,) = re.findall(rf"^{target}:([^#\n]*)##", makefile, flags=re.MULTILINE)
    assert "$(RUNTIME)" in prerequisites.split()
    assert "$(DEV)" not in prerequisites.split()
