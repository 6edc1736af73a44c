"""make bench measures the shipped set whatever else lies in templates/, and a failed command is one line."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_module", ROOT / "bench" / "bench.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_module"] = module
    spec.loader.exec_module(module)
    return module


def test_the_drift_check_is_timed_on_its_own_folder_not_on_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = _bench()
    # Two rounds: what one round writes is there when the next round checks.
    monkeypatch.setattr(bench, "PROCESS_ROUNDS", 2)
    # What a user's templates/ may hold beside the shipped files: measuring must not depend on it.
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    # A copy of the repository's layout: generate.py's own templates/ is this one, holding a file of the user's.
    (tmp_path / "generate.py").write_bytes((ROOT / "generate.py").read_bytes())
    (tmp_path / "dualstack").symlink_to(ROOT / "dualstack")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "my-own.yaml").write_text("Resources: {}\n")
    out = tmp_path / "out"
    out.mkdir()
    assert bench.processes(out) > 0
    assert "python generate.py --check" in capsys.readouterr().out


def test_a_failed_command_is_one_line_naming_it() -> None:
    bench = _bench()
    with pytest.raises(bench.BenchError, match=r"^python3? -c .*exited 3: boom$"):
        bench._timed([sys.executable, "-c", "import sys; print('boom', file=sys.stderr); sys.exit(3)"])


def test_cpu_time_counts_the_work_of_a_command_and_its_children_not_its_waiting() -> None:
    bench = _bench()
    # A child that keeps a core busy for 0.4 s (in a grandchild it waits for), and one that sleeps as long.
    busy = "import time; end = time.process_time() + 0.4\nwhile time.process_time() < end: pass"
    worker = bench._timed(
        [sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {busy!r}])"]
    )
    idle = bench._timed([sys.executable, "-c", "import time; time.sleep(0.4)"])
    assert worker.cpu >= 0.4
    assert idle.wall >= 0.4
    assert idle.cpu < 0.3  # an interpreter's start, not the sleep
