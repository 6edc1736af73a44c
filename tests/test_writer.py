"""Writing all or none, and recovering from a run killed at any point: never a mixed set, never a leftover."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dualstack.files import writer

from .conftest import ROOT, TEMPLATES

#: The file-system calls the writer makes: each one is a step at which a kill can land.
STEPS = ("replace", "link", "unlink", "fsync", "chmod")


def _crash_here(folder: Path, stop: int) -> int:
    """In a forked child: the writer writing what generate.py writes (the texts of templates/ now), with every
    file-system step it takes counted; at step ``stop`` the process dies as kill -9 would leave it (``os._exit``: no
    cleanup, no finally). With ``stop`` 0 it runs whole and returns how many steps it took."""
    steps = 0

    def counted(real: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            nonlocal steps
            steps += 1
            if steps == stop:
                os._exit(137)
            return real(*args, **kwargs)

        return step

    for name in STEPS:
        setattr(os, name, counted(getattr(os, name)))
    tempfile.mkstemp = counted(tempfile.mkstemp)
    writer.recover([folder])
    writer.write_all({str(folder / name): text for name, text in sorted(NEW.items())})
    return steps


NEW = {p.name: p.read_text(encoding="utf-8") for p in sorted(TEMPLATES.iterdir())}


def _folder_with_older_templates(tmp_path: Path) -> Path:
    """templates/ as an older release left it: every file there, each different from what the code writes now."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    for path in folder.iterdir():
        path.write_text(f"an older {path.name}\n", encoding="utf-8")
    return folder


def _state(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def _crash(folder: Path, step: int) -> subprocess.CompletedProcess[str]:
    """``_crash_here`` in a process of its own, forked from this one (a process per step, as a kill takes one,
    without starting an interpreter for each): its exit status, and on standard error the steps a whole run took."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: it never returns into the test run
        status = 1
        try:
            os.close(read_end)
            os.write(write_end, f"{_crash_here(folder, step)}\n".encode())
            status = 0
        except BaseException:  # said on standard error, as an interpreter would
            os.write(write_end, traceback.format_exc().encode())
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as stream:
        stderr = stream.read()
    _, wait_status = os.waitpid(pid, 0)
    return subprocess.CompletedProcess([str(folder), str(step)], os.waitstatus_to_exitcode(wait_status), "", stderr)


def _generate(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ROOT / "generate.py"), "--templates-dir", str(folder), *extra]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_a_run_killed_at_any_step_leaves_the_old_set_or_the_new_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    old = _state(_folder_with_older_templates(tmp_path / "count"))
    whole = _crash(tmp_path / "count" / "templates", 0)
    assert whole.returncode == 0, whole.stderr
    assert _state(tmp_path / "count" / "templates") == NEW
    steps = int(whole.stderr.split()[-1])
    assert steps > 30  # nine files staged, backed up, journalled, renamed and cleaned up
    with_leftovers = []
    for step in range(1, steps + 1):
        folder = _folder_with_older_templates(tmp_path / f"step{step}")
        killed = _crash(folder, step)
        assert killed.returncode == 137, (step, killed.stderr)
        if writer.stray([folder]):
            with_leftovers.append(step)
        # Recovery finds the old set or the new one, never a mix of them, and leaves nothing behind.
        writer.recover([folder])
        assert _state(folder) in (old, NEW), step
        assert writer.stray([folder]) == []
    assert with_leftovers, "no step left anything behind: the injection did not reach the writer"


@pytest.mark.parametrize("where", ["staging", "renaming"])
def test_after_a_kill_the_drift_check_names_each_leftover_and_make_template_cleans_up(
    tmp_path: Path, where: str
) -> None:
    folder = _folder_with_older_templates(tmp_path)
    old = _state(folder)
    for step in range(1, 200):
        shutil.rmtree(folder)
        folder = _folder_with_older_templates(tmp_path)
        _crash(folder, step)
        names = _state(folder)
        renamed = sum(names.get(n) != old[n] for n in old)
        if (where == "staging" and writer.stray([folder]) and not renamed) or (where == "renaming" and renamed == 3):
            break
    stray = [Path(p).name for p in writer.stray([folder])]
    assert stray
    before = _state(folder)
    check = _generate(folder, "--check")
    assert check.returncode == 1, check.stdout
    for name in stray:
        assert f"stale: {folder / name} (left by an interrupted run" in check.stdout, check.stdout
    assert _state(folder) == before  # the check changes nothing
    rerun = _generate(folder)
    assert rerun.returncode == 0, rerun.stderr
    assert _state(folder) == NEW
    assert "after an interrupted run" in rerun.stderr


def test_recovery_puts_back_the_old_set_from_the_journal(tmp_path: Path) -> None:
    folder = _folder_with_older_templates(tmp_path)
    old = _state(folder)
    # Killed after the journal was written and two of the nine renames were made.
    killed = None
    for step in range(1, 200):
        shutil.rmtree(folder)
        folder = _folder_with_older_templates(tmp_path)
        _crash(folder, step)
        names = _state(folder)
        if writer.JOURNAL in names and sum(names[n] != old.get(n) for n in names if n in old) == 2:
            killed = step
            break
    assert killed is not None, "no step leaves a journal with two files renamed"
    mixed = _state(folder)
    assert sum(mixed[n] != old[n] for n in old) == 2  # a mixed set: some new, some old
    done = writer.recover([folder])
    assert _state(folder) == old
    assert any(line.startswith("put back ") for line in done)
    assert writer.stray([folder]) == []


def test_a_leftover_without_a_journal_is_only_removed(tmp_path: Path) -> None:
    (tmp_path / "vpc.yaml").write_text("kept\n")
    (tmp_path / ".dualstack-x.tmp").write_text("half\n")
    (tmp_path / ".dualstack-y.bak").write_text("old\n")
    assert writer.stray([tmp_path]) == [str(tmp_path / ".dualstack-x.tmp"), str(tmp_path / ".dualstack-y.bak")]
    writer.recover([tmp_path])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vpc.yaml"]
    assert (tmp_path / "vpc.yaml").read_text() == "kept\n"


def test_a_journal_entry_for_a_file_new_in_the_interrupted_run_removes_it(tmp_path: Path) -> None:
    (tmp_path / "new.yaml").write_text("written by the interrupted run\n")
    (tmp_path / writer.JOURNAL).write_text(json.dumps([{"destination": str(tmp_path / "new.yaml"), "backup": None}]))
    writer.recover([tmp_path])
    assert list(tmp_path.iterdir()) == []


def test_real_kill_9_at_random_moments_never_leaves_a_mixed_set_after_the_next_run(tmp_path: Path) -> None:
    """A few real kill -9s of generate.py (bench/killtest.py runs hundreds and counts)."""
    rng = random.Random(20261202)
    folder = _folder_with_older_templates(tmp_path)
    expected = None
    for _ in range(5):
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "generate.py"), "--templates-dir", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 0.7))
        process.send_signal(signal.SIGKILL)
        process.wait()
        rerun = _generate(folder)
        assert rerun.returncode == 0, rerun.stderr
        state = _state(folder)
        assert not [name for name in state if name.startswith(writer.PREFIX)]
        expected = expected or state
        assert state == expected
        for path in folder.iterdir():
            path.write_text(f"an older {path.name}\n", encoding="utf-8")
