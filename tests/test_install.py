"""``pip install`` of this repository into a fresh venv, outside it: the ``dualstack`` command and what it needs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, TEMPLATES

#: Not part of what pip builds from: venvs, caches and generated folders of the working tree.
IGNORED = shutil.ignore_patterns(
    ".git", ".venv*", "build", "dist", "*.egg-info", "node_modules", "mutants", "__pycache__", ".*_cache"
)


#: A pip to build and install with: the venv's own, or the base interpreter's (make's venvs have none: it serves them
#: with ``pip --python``).
BASE_PYTHON: str = getattr(sys, "_base_executable", sys.executable)
PIP = [sys.executable if (Path(sys.prefix) / "bin" / "pip").exists() else BASE_PYTHON, "-m", "pip"]


def _pip(*args: str) -> None:
    command = [*PIP, "--disable-pip-version-check", "-q", *args]
    subprocess.run(command, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the runtime lock and a wheel of this repository, as a user's CI would have it."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    try:
        _pip("wheel", "--no-deps", "-w", str(work / "dist"), str(source))
    except subprocess.CalledProcessError as exc:  # pragma: no cover - the package registry is unreachable
        pytest.skip(f"building the wheel needs setuptools from the package registry: {exc.stderr.strip()[-200:]}")
    (wheel,) = (work / "dist").glob("dualstack-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(work / "venv")], check=True)
    python = str(work / "venv" / "bin" / "python")
    _pip("--python", python, "install", "--no-deps", "-r", str(ROOT / "requirements" / "runtime.lock"), str(wheel))
    return work / "venv"


def _run(venv: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_dualstack_help_lists_every_subcommand(venv: Path, tmp_path: Path) -> None:
    result = _run(venv, tmp_path, "dualstack", "--help")
    assert result.returncode == 0, result.stderr
    for name in ("generate", "precheck", "cost", "plan", "deploy", "stackset", "verify", "lint"):
        assert f"\n  {name} " in result.stdout


def test_generate_writes_the_shipped_template_byte_for_byte_and_check_sees_an_edit(venv: Path, tmp_path: Path) -> None:
    assert _run(venv, tmp_path, "dualstack", "generate", "-o", "vpc.yaml").returncode == 0
    assert (tmp_path / "vpc.yaml").read_bytes() == (TEMPLATES / "dualstack-vpc.yaml").read_bytes()
    check = _run(venv, tmp_path, "dualstack", "generate", "-o", "vpc.yaml", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    with (tmp_path / "vpc.yaml").open("a", encoding="utf-8") as file:
        file.write("# edited\n")
    stale = _run(venv, tmp_path, "dualstack", "generate", "-o", "vpc.yaml", "--check")
    assert stale.returncode == 1
    assert "stale: vpc.yaml" in stale.stdout


def test_precheck_and_cost_run_on_the_installed_data(venv: Path, tmp_path: Path) -> None:
    template = str(TEMPLATES / "dualstack-vpc-private.yaml")
    precheck = _run(venv, tmp_path, "dualstack", "precheck", template, "--region", "eu-west-1", "NatGateways=PerAz")
    assert precheck.returncode == 0, precheck.stderr
    assert "PrivateSubnetA   eu-west-1a" in precheck.stdout
    cost = _run(venv, tmp_path, "dualstack", "cost", template, "--region", "eu-west-1", "NatGateways=PerAz")
    assert cost.stdout.startswith("cost: $0.106/h"), cost.stdout + cost.stderr


LINTED = str(TEMPLATES / "dualstack-vpc.yaml")


@pytest.mark.parametrize(("argv", "extra"), [(["lint", LINTED], "lint"), (["verify", "--stack", "s"], "verify")])
def test_a_subcommand_without_its_extra_names_the_extra(
    venv: Path, tmp_path: Path, argv: list[str], extra: str
) -> None:
    result = _run(venv, tmp_path, "dualstack", *argv)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert f"pip install 'dualstack[{extra}]'" in line


def test_the_lint_rules_and_the_data_are_installed(venv: Path, tmp_path: Path) -> None:
    script = (
        "import dualstack.commands.lint as l, dualstack.model.cfndata as c; "
        "print(sorted(p.name for p in l.RULES_DIR.glob('*.py'))); print(c.PATH.exists())"
    )
    result = _run(venv, tmp_path, "python", "-c", script)
    assert result.returncode == 0, result.stderr
    assert "SubnetIpv6Exposed.py" in result.stdout
    assert "_helpers.py" in result.stdout
    assert result.stdout.splitlines()[-1] == "True"
    assert "site-packages" in _run(venv, tmp_path, "python", "-c", "import dualstack; print(dualstack.__file__)").stdout


def test_dualstack_lint_runs_cfn_lint_with_the_installed_rules(venv: Path, tmp_path: Path) -> None:
    """With the lint extra's cfn-lint importable (the pinned one of this repository's .venv, after the fresh venv's
    own packages, so that dualstack is the installed wheel): the shipped template lints clean, and a template that
    sends a public subnet's ::/0 to the Internet Gateway is reported by the installed rules."""
    with_lint = tmp_path / "with-lint"
    shutil.copytree(venv, with_lint, symlinks=True)
    site = next((with_lint / "lib").glob("python3*/site-packages"))
    (site / "zz-cfn-lint.pth").write_text(f"{next((ROOT / '.venv' / 'lib').glob('python3*/site-packages'))}\n")
    clean = _run(with_lint, tmp_path, str(with_lint / "bin" / "python"), "-m", "dualstack", "lint", LINTED,
                 "--regions", "us-east-1")  # fmt: skip
    assert clean.returncode == 0, clean.stdout + clean.stderr
    fixture = ROOT / "tests" / "lint_fixtures" / "I9608_bad_public_subnet_ipv6_to_internet_gateway.yaml"
    flagged = _run(with_lint, tmp_path, str(with_lint / "bin" / "python"), "-m", "dualstack", "lint", str(fixture),
                   "--regions", "us-east-1", "--", "--include-checks", "I")  # fmt: skip
    assert "I9608" in flagged.stdout, flagged.stdout + flagged.stderr
    # cfn-lint itself, pointed at the installed rules, as docs/lint-rules.md shows.
    rules = _run(with_lint, tmp_path, str(with_lint / "bin" / "python"), "-c",
                 "import dualstack.commands.lint as l; print(l.RULES_DIR)").stdout.strip()  # fmt: skip
    assert "site-packages" in rules
    cfn_lint = "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())"  # its script
    direct = _run(with_lint, tmp_path, str(with_lint / "bin" / "python"), "-c", cfn_lint, "--append-rules", rules,
                  "--regions", "us-east-1", "--include-checks", "I", "--", str(fixture))  # fmt: skip
    assert "I9608" in direct.stdout, direct.stdout + direct.stderr
