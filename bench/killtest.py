"""kill -9 generate.py at random moments, again and again, and count what each kill left behind.

    python bench/killtest.py [RUNS]        # make killtest [KILLTEST_RUNS=200]

Each run starts from templates/ as an older release left it (every file different from what the code writes),
kills generate.py after a random delay, then looks: leftovers (files named .dualstack-*), and a mixed set (some
files new, some old, so a JSON template and its YAML twin disagree). Then it runs generate.py again, as `make
template` would, and looks once more: after that run nothing may be left over and every file must be new.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
PREFIX = ".dualstack-"


def _older(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(TEMPLATES, folder)
    for path in folder.iterdir():
        path.write_text(f"an older {path.name}\n", encoding="utf-8")


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(2026)
    new = {p.name: p.read_text(encoding="utf-8") for p in TEMPLATES.iterdir()}
    counts = {"left something right after the kill": 0, "left a mixed set right after the kill": 0,
              "still left something after the next run": 0, "not the new set after the next run": 0}  # fmt: skip
    command = [sys.executable, str(ROOT / "generate.py")]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "templates"
        for _ in range(runs):
            _older(folder)
            process = subprocess.Popen([*command, "--templates-dir", str(folder)], stdout=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, 0.8))
            process.send_signal(signal.SIGKILL)
            process.wait()
            names = os.listdir(folder)
            if any(n.startswith(PREFIX) for n in names):
                counts["left something right after the kill"] += 1
            kept = {n: (folder / n).read_text(encoding="utf-8") for n in names if not n.startswith(PREFIX)}
            if len({kept[n] == new.get(n) for n in kept}) > 1:
                counts["left a mixed set right after the kill"] += 1
            subprocess.run([*command, "--templates-dir", str(folder)], capture_output=True, check=False)
            after = {n: (folder / n).read_text(encoding="utf-8") for n in os.listdir(folder)}
            if any(n.startswith(PREFIX) for n in after):
                counts["still left something after the next run"] += 1
            if after != new:
                counts["not the new set after the next run"] += 1
    for what, count in counts.items():
        print(f"{count:4d} of {runs} runs {what}")
    return 1 if counts["still left something after the next run"] or counts["not the new set after the next run"] else 0


if __name__ == "__main__":
    sys.exit(main())
