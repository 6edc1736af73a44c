"""``make bench``: how long building takes and how large the results are.

Per template: the median in-process time of ``build_template`` and of rendering
each format, its size in bytes, and its resource count; then the median
wall-clock time of a whole ``python generate.py`` process writing every shipped
template. Figures vary with the machine; compare runs on the same one.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dualstack import SHIPPED, TemplateSpec, build_template  # noqa: E402
from dualstack.kinds import KINDS  # noqa: E402
from dualstack.limits import TEMPLATE_BODY_LIMIT  # noqa: E402
from dualstack.render import render  # noqa: E402

BUILD_REPEATS = 50
PROCESS_REPEATS = 7


def _median_ms(action: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def _process_ms(args: list[str]) -> float:
    command = [sys.executable, str(ROOT / "generate.py"), *args]
    return _median_ms(lambda: subprocess.run(command, check=True, capture_output=True), PROCESS_REPEATS)


def main() -> None:
    largest = TemplateSpec(name="largest: 6 AZs, 4 tiers", max_azs=6, tiers=KINDS)
    specs = [*SHIPPED, largest]
    columns = ("build ms", "yaml ms", "json ms", "yaml B", "json B", "resources")
    header = f"{'template':<24} " + " ".join(f"{c:>9}" for c in columns)
    print(f"in-process, median of {BUILD_REPEATS} runs; inline TemplateBody limit {TEMPLATE_BODY_LIMIT:,} B")
    print(header)
    for spec in specs:
        template = build_template(spec)
        yaml_text, json_text = render(template, "yaml"), render(template, "json")
        print(
            f"{spec.name:<24} "
            f"{_median_ms(partial(build_template, spec), BUILD_REPEATS):>9.2f} "
            f"{_median_ms(partial(render, template, 'yaml'), BUILD_REPEATS):>9.2f} "
            f"{_median_ms(partial(render, template, 'json'), BUILD_REPEATS):>9.2f} "
            f"{len(yaml_text.encode()):>9,} {len(json_text.encode()):>9,} "
            f"{len(template.resources):>9}"
        )
    print(f"\nwhole process, median of {PROCESS_REPEATS} runs:")
    with tempfile.TemporaryDirectory() as out:
        write = _process_ms(["--templates-dir", out])
    print(f"  python generate.py (every shipped template, both formats): {write:8.1f} ms")
    print(f"  python generate.py --check (the committed templates):     {_process_ms(['--check']):8.1f} ms")


if __name__ == "__main__":
    main()
