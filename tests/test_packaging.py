"""What a fresh clone relies on: exact pins, a lock that holds them, CI that runs the README's command."""

from __future__ import annotations

import re
import tomllib

from .conftest import ROOT


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned exactly"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_every_dependency_is_pinned_exactly_and_the_lock_agrees() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    lock = _lock()
    for requirement in declared:
        name, _, version = requirement.partition("==")
        name = name.split("[", 1)[0]
        assert version, f"{requirement} is not an exact pin"
        assert lock.get(re.sub(r"[-_.]+", "-", name).lower()) == version, f"requirements.lock disagrees on {name}"


def test_ci_runs_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    for command in ("make template", "make test"):
        assert command in ci
        assert command in readme
