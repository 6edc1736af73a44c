"""Where the tests' scratch goes: a RAM file system with room, unless the caller set TMPDIR (tests/conftest.py)."""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from . import conftest
from .conftest import scratch_dir


def _free(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def test_a_writable_directory_with_room_is_chosen(tmp_path: Path) -> None:
    assert scratch_dir({}, tmp_path, room=1) == tmp_path
    assert scratch_dir({"TMPDIR": ""}, tmp_path, room=1) == tmp_path  # set but empty: Python's tempfile ignores it too


def test_one_short_of_room_is_left_alone(tmp_path: Path) -> None:
    # The free space moves a little while other tests write: a margin of a gigabyte on either side.
    assert scratch_dir({}, tmp_path, room=_free(tmp_path) + (1 << 30)) is None
    assert scratch_dir({}, tmp_path, room=max(_free(tmp_path) - (1 << 30), 1)) == tmp_path


def test_a_tmpdir_the_caller_set_is_kept(tmp_path: Path) -> None:
    assert scratch_dir({"TMPDIR": "/var/tmp"}, tmp_path, room=1) is None


def test_a_missing_directory_or_a_file_is_left_alone(tmp_path: Path) -> None:
    assert scratch_dir({}, tmp_path / "missing", room=1) is None
    (tmp_path / "file").write_text("", encoding="utf-8")
    (tmp_path / "file").chmod(0o755)  # writable and executable, as a directory must be, but not one
    assert scratch_dir({}, tmp_path / "file", room=1) is None


def test_the_run_is_configured_to_write_its_scratch_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = tmp_path / "ram"
    chosen.mkdir()
    monkeypatch.setattr(conftest, "SCRATCH", chosen)
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", "/somewhere/else")  # as if asked before the hook ran
    config = SimpleNamespace(option=SimpleNamespace(numprocesses=None))
    conftest.pytest_configure(cast(Any, config))
    assert os.environ["TMPDIR"] == str(chosen)
    assert tempfile.gettempdir() == str(chosen)


def test_nothing_is_changed_when_nothing_was_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "SCRATCH", None)
    monkeypatch.setenv("TMPDIR", "/var/tmp")
    monkeypatch.setattr(tempfile, "tempdir", "/var/tmp")
    conftest.pytest_configure(cast(Any, SimpleNamespace(option=SimpleNamespace(numprocesses=None))))
    assert os.environ["TMPDIR"] == "/var/tmp"
    assert tempfile.tempdir == "/var/tmp"


def test_what_the_development_notes_say_is_what_the_run_does() -> None:
    notes = (conftest.ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    assert f"goes to `{conftest.RAM_SCRATCH}` when" in notes
    assert f"at least {conftest.SCRATCH_ROOM >> 30} GiB free" in notes
    with (conftest.ROOT / "pyproject.toml").open("rb") as stream:
        ini = tomllib.load(stream)["tool"]["pytest"]["ini_options"]
    assert ini["tmp_path_retention_policy"] == "failed"
    assert '`tmp_path_retention_policy = "failed"`' in notes
