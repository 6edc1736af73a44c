"""The version ranges of pyproject.toml and what ``make compat`` installs at their lower ends agree."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from .conftest import ROOT

LOWEST = ROOT / "requirements" / "lowest.txt"


def _lower_bounds() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    bounds = {}
    for requirement in [*project["dependencies"], *extras["lint"], *extras["verify"]]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+),<([0-9]+)", requirement)
        assert match, f"{requirement}: give a range, >=lowest,<next major"
        bounds[match.group(1).lower()] = match.group(2)
    return bounds


def _pins() -> dict[str, str]:
    lines = [line for line in LOWEST.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return {name.lower(): version for name, version in (line.split("==") for line in lines)}


def test_every_dependency_is_a_range_and_compat_installs_its_lower_end() -> None:
    assert _lower_bounds() == _pins()


def test_the_runtime_lock_lies_within_the_ranges() -> None:
    lock = dict(
        line.lower().split("==")
        for line in (ROOT / "requirements" / "runtime.lock").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    for name, lowest in _lower_bounds().items():
        if name in lock:
            pinned = tuple(int(part) for part in lock[name].split("."))
            assert pinned >= tuple(int(part) for part in lowest.split(".")), name


def test_compat_refuses_an_unknown_end_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "compat.py"), "newest"], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (2, "usage: python3 tests/compat.py lowest|highest|sources\n")


def test_ci_runs_compat_after_the_tests() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.index("make test") < ci.index("make compat")
