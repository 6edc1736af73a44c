"""What a fresh clone relies on: ranges for pip users, exact locks for this repository, CI that runs the README's
commands."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from .conftest import ROOT

RUNTIME_LOCK = ROOT / "requirements" / "runtime.lock"
DEV_LOCK = ROOT / "requirements" / "dev.lock"


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _lock(*paths: Path) -> dict[str, str]:
    """Name to version, from ``paths`` (default: both locks)."""
    pins = {}
    for lock in paths or (RUNTIME_LOCK, DEV_LOCK):
        for line in lock.read_text().splitlines():
            if line and not line.startswith("#"):
                name, _, version = line.partition("==")
                assert version, f"{lock}: {line!r} is not pinned exactly"
                assert _name(name) not in pins, f"{name} is pinned twice"
                pins[_name(name)] = version
    return pins


def _project() -> dict[str, list[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {"runtime": project["dependencies"], "dev": project["optional-dependencies"]["dev"]}


def _closure(requirements: list[str]) -> set[str]:
    """Every distribution ``requirements`` install here, read from the installed packages' own metadata."""
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        key = (_name(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        for line in metadata.requires(requirement.name) or []:
            dependency = Requirement(line)
            marker = dependency.marker
            if marker is None or any(marker.evaluate({"extra": e}) for e in requirement.extras or {""}):
                todo.append(dependency)
    return {name for name, _ in seen}


def test_dependencies_are_ranges_the_locks_satisfy_and_the_dev_extra_is_pinned_as_they_are() -> None:
    lock = _lock()
    for text in _project()["runtime"]:
        requirement = Requirement(text)
        assert requirement.specifier, f"{text} is not a range: pip users need room to resolve"
        assert "==" not in text, f"{text} is an exact pin: pip users need room to resolve"
        assert requirement.specifier.contains(lock[_name(requirement.name)]), f"the lock is outside {text}"
    for pinned in _project()["dev"]:
        name, _, version = pinned.partition("==")
        name = name.split("[", 1)[0]
        assert version, f"{pinned} is not an exact pin"
        assert lock.get(_name(name)) == version, f"the locks disagree on {name}"


def test_the_runtime_lock_holds_exactly_what_generating_needs() -> None:
    runtime = _closure(_project()["runtime"])
    assert set(_lock(RUNTIME_LOCK)) == runtime
    assert "cfn-lint" not in runtime
    assert "boto3" not in runtime


def test_the_dev_lock_holds_the_rest_of_the_development_environment() -> None:
    everything = _closure([*_project()["runtime"], *_project()["dev"]])
    assert set(_lock(DEV_LOCK)) == everything - set(_lock(RUNTIME_LOCK))


def test_generating_imports_only_the_standard_library_and_the_runtime_lock() -> None:
    code = (
        "import sys, json; from dualstack.commands.generate import main;"
        "main(['--tiers', 'public,private,ipv6only,isolated']);"
        "print(json.dumps(sorted({*sys.modules, *(m.split('.')[0] for m in sys.modules)})), file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    # The last line: a build this large may warn first that it needs an S3 bucket to deploy.
    imported = set(json.loads(result.stderr.splitlines()[-1])) - {"dualstack", "_distutils_hack"}  # setuptools' hook
    distributions = metadata.packages_distributions()
    third_party = {_name(d) for m in imported - set(sys.stdlib_module_names) for d in distributions.get(m, [])}
    assert third_party, "the check must see troposphere at least"
    assert third_party <= set(_lock(RUNTIME_LOCK)), third_party - set(_lock(RUNTIME_LOCK))
    # troposphere imports cfn_flip, which dualstack defers: neither it nor PyYAML runs when generating; nor does
    # troposphere.serverless, which troposphere's Template class imports only to name a type
    # (dualstack/builders/_firstuse.py).
    assert "yaml" not in imported
    assert "cfn_tools" not in imported
    # (troposphere.awslambda is imported: the default security group's custom resource is a Lambda function.)
    assert "troposphere.serverless" not in imported
    assert "troposphere.apigateway" not in imported
    assert "troposphere.dynamodb" not in imported
    assert "troposphere.stepfunctions" not in imported
    # The custom resource's handler is read as a file beside its module, without importlib.resources' readers.
    assert "importlib.resources" not in imported
    assert "zipfile" not in imported
    # IAM actions are named through awacs.aws.Action: awacs' per-service modules each define every action of it.
    assert not {"awacs.ec2", "awacs.logs", "awacs.sts"} & imported


def test_a_deferred_module_still_works_for_whoever_uses_it() -> None:
    code = "import dualstack.builders, cfn_flip; print(cfn_flip.to_json('A: !Ref B'), end='')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == {"A": {"Ref": "B"}}


def test_find_spec_answers_for_a_deferred_module_without_running_it() -> None:
    # A module in sys.modules whose __spec__ is None makes importlib.util.find_spec raise ValueError.
    code = (
        "import importlib.util, json, sys, dualstack.builders; spec = importlib.util.find_spec('cfn_flip');"
        "print(json.dumps([spec.name, spec.origin, 'yaml' in sys.modules]), end='')"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    name, origin, yaml_ran = json.loads(result.stdout)
    assert name == "cfn_flip"
    assert origin.endswith(os.path.join("cfn_flip", "__init__.py"))
    assert not yaml_ran, "finding the spec must not run the deferred module"


def test_troposphere_serverless_still_works_after_dualstack_is_imported() -> None:
    code = (
        "import json, dualstack.builders, troposphere; from troposphere import serverless as s;"
        "t = troposphere.Template(); t.set_transform(s.SERVERLESS_TRANSFORM);"
        "t.set_globals(s.Globals(Function=s.FunctionGlobals(Timeout=3)));"
        "print(json.dumps([t.to_dict(), s.Globals is troposphere.Template.Globals]), end='')"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    template, same_class = json.loads(result.stdout)
    assert template["Globals"] == {"Function": {"Timeout": 3}}
    assert template["Transform"] == "AWS::Serverless-2016-10-31"
    assert same_class is False, "Template.Globals is the stand-in: nothing in troposphere reads it at run time"


def test_ci_runs_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    for command in ("make template", "make test"):
        assert command in ci
        assert command in readme


def test_make_keeps_bytecode_even_when_the_shell_asks_not_to(tmp_path: Path) -> None:
    # Without bytecode every run compiles troposphere and the package again: a third to a half of a generate.py run.
    dry = subprocess.run(["make", "-n", "check"], cwd=ROOT, capture_output=True, text=True, check=True)
    if "pip install" in dry.stdout or "rm -rf" in dry.stdout:
        pytest.skip("make would rebuild .venv first; run `make venv`")
    outer = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
    # The bytecode goes below tmp_path (PYTHONPYCACHEPREFIX), so files written before cannot make this pass.
    env = {**outer, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(tmp_path)}
    subprocess.run(["make", "-s", "--no-print-directory", "check"], cwd=ROOT, env=env, capture_output=True)
    kept = {f"{path.parent.name}/{path.name.split('.')[0]}" for path in tmp_path.rglob("*.pyc")}
    assert {"commands/generate", "builders/template", "troposphere/__init__", "troposphere/ec2"} <= kept, sorted(kept)


def test_commands_that_read_templates_start_without_troposphere_resource_modules() -> None:
    code = (
        "import json, sys, dualstack, dualstack.proofs.plan; missing = hasattr(dualstack, 'no_such_name');"
        "print(json.dumps([sorted(sys.modules), missing]), end='')"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    imported, missing = json.loads(result.stdout)
    assert "dualstack.builders.template" not in imported
    assert "troposphere.ec2" not in imported
    assert missing is False
    # Each name of dualstack's own comes from its module when first read.
    code = (
        "import dualstack; from dualstack.model import spec; from dualstack.builders import template;"
        "print(dualstack.build_template is template.build_template, dualstack.SHIPPED is spec.SHIPPED)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "True"]


def _pip_has_python() -> str:
    """The Makefile's test of the interpreter's pip (``PIP_HAS_PYTHON``): can it fill a venv with ``--python``?"""
    match = re.search(r"^override PIP_HAS_PYTHON := (.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, "PIP_HAS_PYTHON is gone from the Makefile"
    return match.group(1)


@pytest.mark.parametrize(
    ("version", "serves"),
    # pip gained --python in 22.3 (its changelog); a version that is not two numbers is not trusted with it.
    [("22.3", True), ("22.3.1", True), ("23.0", True), ("25.3", True), ("22.2.2", False), ("9.0.1", False),
     ("21.10", False), ("25.1b1", False)],
)  # fmt: skip
def test_the_makefile_reads_whether_pip_can_fill_a_venv_from_its_version(
    version: str, serves: bool, tmp_path: Path
) -> None:
    (tmp_path / "pip").mkdir()
    (tmp_path / "pip" / "__init__.py").write_text(f"__version__ = {version!r}\n")
    probe = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r}); {_pip_has_python()}"],
        capture_output=True,
    )
    assert (probe.returncode == 0) == serves, probe.stderr


def test_the_venvs_get_no_pip_of_their_own_where_the_interpreters_pip_fills_them() -> None:
    # .venv was made by make from the interpreter this one is based on; with a pip of 22.3 or later that pip fills
    # it (`pip --python`), which spares installing pip into every new venv (make bench --setup).
    base_python = getattr(sys, "_base_executable", sys.executable)  # the interpreter a venv was made from
    base = subprocess.run([base_python, "-c", _pip_has_python()], capture_output=True)
    assert (ROOT / ".venv" / "bin" / "pip").exists() == (base.returncode != 0)
