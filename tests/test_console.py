"""Every command as a process: a reader that goes away early (``| head -1``) ends it quietly, never in a traceback."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import ROOT

#: ``make verify JSON=1`` with the stack's checks replaced by recorded ones: nothing calls AWS.
VERIFY_WITH_RECORDED_CHECKS = textwrap.dedent(
    """
    import sys
    from dualstack.commands import console
    from dualstack.commands import verify
    stack = verify.Stack("edge-vpc", {"VpcId": "vpc-0123456789abcdef0"}, {})
    checks = [verify.Check(f"check {n}", "subnet-0123", True, "evidence " * 20) for n in range(400)]
    verify.verify = lambda *args, **kwargs: (stack, checks)
    # What the module's __main__ block does (test_every_command_runs_through_console_run pins that it is this).
    console.run(lambda: verify.main(sys.argv[1:]))
    """
)


def _run_into_closed_pipe(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    """``argv`` with standard output a pipe whose reader has already gone, as ``| head -1`` leaves it."""
    read, write = os.pipe()
    os.close(read)
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        return subprocess.run(argv, stdout=write, stderr=subprocess.PIPE, cwd=ROOT, env=env, timeout=120, check=False)
    finally:
        os.close(write)


@pytest.mark.parametrize("json_flag", [["--json"], []], ids=["json", "lines"])
def test_verify_into_a_closed_pipe_ends_quietly(json_flag: list[str]) -> None:
    argv = [sys.executable, "-c", VERIFY_WITH_RECORDED_CHECKS, "--stack", "edge-vpc", "--region", "eu-west-1"]
    result = _run_into_closed_pipe([*argv, *json_flag])
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    assert result.stderr == b""
    assert result.returncode == 1


def test_precheck_into_a_closed_pipe_ends_quietly() -> None:
    argv = [
        sys.executable,
        "-m",
        "dualstack",
        "precheck",
        "templates/dualstack-vpc.yaml",
        "--region",
        "eu-west-1",
    ]
    result = _run_into_closed_pipe(argv)
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    assert result.returncode == 1


def _main_blocks() -> dict[str, str]:
    """The source of each ``if __name__ == "__main__":`` block of the package and of generate.py."""
    blocks = {}
    for path in [*sorted((ROOT / "dualstack").rglob("*.py")), ROOT / "generate.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
                blocks[str(path.relative_to(ROOT))] = "\n".join(ast.unparse(n) for n in node.body)
    return blocks


def test_every_command_runs_through_console_run() -> None:
    blocks = _main_blocks()
    assert "dualstack/commands/verify.py" in blocks
    bare = {path: body for path, body in blocks.items() if not body.startswith("console.run(")}
    assert not bare, f"these run main() without console.run: {bare}"


def test_console_run_passes_the_status_through(tmp_path: Path) -> None:
    script = "from dualstack.commands import console; console.run(lambda: print('done') or 3)"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, check=False)
    assert (result.returncode, result.stdout) == (3, b"done\n")
