"""``make bench``: how long the first ten minutes take, and how large the templates are.

Whole processes first, each the median of repeated runs taken in turn (so a burst of load elsewhere hits every
figure alike) and as a multiple of ``python -S -c pass`` measured in the same rounds: on a busy or slower machine
the times move, the multiples much less. Then, per template, the median in-process time of building, converting
and writing each format, with sizes and resource counts.

``--setup`` adds ``make template`` in a fresh clone (``.venv`` created from nothing), ``--test`` adds ``make test``
with ``.venv`` installed; both take minutes, so they are asked for (``make bench BENCH_ARGS="--setup --test"``).
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dualstack import SHIPPED, TemplateSpec, build_template  # noqa: E402
from dualstack.files.inputs import InputError, Parser  # noqa: E402
from dualstack.model.kinds import KINDS  # noqa: E402
from dualstack.model.limits import TEMPLATE_BODY_LIMIT  # noqa: E402
from dualstack.render.diagram import markdown  # noqa: E402
from dualstack.render.text import document, to_json, to_yaml  # noqa: E402

BUILD_REPEATS = 50
PROCESS_ROUNDS = 15
SLOW_ROUNDS = 3


def _median_ms(action: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


class BenchError(Exception):
    """A measured command failed: the figure would mean nothing. The message says which, and why."""


@dataclass(frozen=True)
class Timing:
    """One run of a command: wall time, and the CPU time (user and system) of it and every process it waited for."""

    wall: float
    cpu: float


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(command: Sequence[str], cwd: Path = ROOT) -> Timing:
    cpu, start = _children_cpu(), time.perf_counter()
    result = subprocess.run(command, cwd=cwd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    timing = Timing(time.perf_counter() - start, _children_cpu() - cpu)
    if result.returncode != 0:
        last = (result.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
        shown = " ".join(Path(word).name if word.startswith("/") else word for word in command)
        raise BenchError(f"{shown} exited {result.returncode}: {last}")
    return timing


def _timed_rounds(commands: dict[str, Callable[[], Timing]], rounds: int) -> dict[str, Timing]:
    """Median wall and median CPU time of each command, the commands taking turns in every round."""
    samples: dict[str, list[Timing]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, run in commands.items():
            samples[name].append(run())
    return {
        name: Timing(statistics.median(t.wall for t in runs), statistics.median(t.cpu for t in runs))
        for name, runs in samples.items()
    }


def _print_rows(figures: dict[str, float], floor: float) -> None:
    for name, seconds in figures.items():
        print(f"  {name:<58} {seconds * 1000:9.1f} ms  {seconds / floor:7.1f}x")


#: generate.py with an empty module standing in for ``dualstack.builders._firstuse``: troposphere imports cfn_flip,
#: PyYAML and its SAM modules as it would without dualstack.
WITHOUT_FIRSTUSE = (
    "import sys, types, runpy; sys.modules['dualstack.builders._firstuse'] = types.ModuleType('stand-in');"
    f"sys.argv = ['generate.py', '--azs', '3', '-o', sys.argv[1]]; runpy.run_path({str(ROOT / 'generate.py')!r}, "
    "run_name='__main__')"
)


def processes(work: Path) -> float:
    python = sys.executable
    generate = str(ROOT / "generate.py")
    # The shipped set in a folder of its own: a single template written beside it would be an extra file to --check.
    out, single = work / "templates", work / "single"
    out.mkdir()
    single.mkdir()
    commands: dict[str, Callable[[], Timing]] = {
        "python -S -c pass (the floor)": partial(_timed, [python, "-S", "-c", "pass"]),
        "python generate.py (6 templates, 3 diagrams)": partial(
            _timed, [python, generate, "--templates-dir", str(out)]
        ),
        # Against the files just written to a folder of its own: an extra file in templates/ is not what is measured.
        "python generate.py --check": partial(_timed, [python, generate, "--check", "--templates-dir", str(out)]),
        "one template, YAML: generate.py --azs 3 -o t.yaml": partial(
            _timed, [python, generate, "--azs", "3", "-o", str(single / "t.yaml")]
        ),
        "one template, JSON: generate.py --azs 3 -o t.json": partial(
            _timed, [python, generate, "--azs", "3", "-o", str(single / "t.json")]
        ),
        # What dualstack/builders/_firstuse.py saves: the same run with a stand-in for it, so nothing is deferred.
        "one template, YAML, without _firstuse": partial(
            _timed, [python, "-c", WITHOUT_FIRSTUSE, str(single / "u.yaml")]
        ),
        "python -c 'import troposphere.ec2'": partial(_timed, [python, "-c", "import troposphere.ec2"]),
    }
    figures = {name: timing.wall for name, timing in _timed_rounds(commands, PROCESS_ROUNDS).items()}
    floor = figures["python -S -c pass (the floor)"]
    print(f"whole processes: median of {PROCESS_ROUNDS} rounds, and the multiple of the floor")
    if sys.dont_write_bytecode:
        print("  (PYTHONDONTWRITEBYTECODE is set, unlike under make: a module without bytecode compiles every run)")
    _print_rows(figures, floor)
    return floor


def _fresh_clone_template(work: Path) -> Timing:
    clone = work / "clone"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    return _timed(["make", "template"], cwd=clone)


def slow(setup: bool, test: bool) -> None:
    python = sys.executable
    commands: dict[str, Callable[[], Timing]] = {
        "python -S -c pass (the floor)": partial(_timed, [python, "-S", "-c", "pass"])
    }
    work = Path(tempfile.mkdtemp(prefix="dualstack-bench-"))
    try:
        if setup:
            commands["make template in a fresh clone (creates .venv)"] = partial(_fresh_clone_template, work)
        if test:
            commands["make test (.venv installed)"] = partial(_timed, ["make", "test"])
        figures = _timed_rounds(commands, SLOW_ROUNDS)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor = figures["python -S -c pass (the floor)"].wall
    # The goals for these two are CPU time (a busy machine stretches wall time, not the work done): both are printed.
    print(f"\nsetup and tests: median of {SLOW_ROUNDS} rounds, the multiple of the floor, and CPU time (user + system)")
    for name, timing in figures.items():
        print(f"  {name:<58} {timing.wall:9.1f} s  {timing.wall / floor:7.1f}x  {timing.cpu:7.1f} s CPU")


def in_process() -> None:
    largest = TemplateSpec(name=f"largest: 6 AZs, {len(KINDS)} tiers", max_azs=6, tiers=KINDS)
    columns = ("build ms", "dict ms", "yaml ms", "json ms", "diagram ms", "yaml B", "json B", "resources")
    print(f"\nin process, median of {BUILD_REPEATS} runs; inline TemplateBody limit {TEMPLATE_BODY_LIMIT:,} B")
    print(f"{'template':<24} " + " ".join(f"{c:>10}" for c in columns))
    for spec in [*SHIPPED, largest]:
        template = build_template(spec)
        doc = document(template)
        print(
            f"{spec.name:<24} "
            f"{_median_ms(partial(build_template, spec), BUILD_REPEATS):>10.2f} "
            f"{_median_ms(partial(document, template), BUILD_REPEATS):>10.2f} "
            f"{_median_ms(partial(to_yaml, doc), BUILD_REPEATS):>10.2f} "
            f"{_median_ms(partial(to_json, doc), BUILD_REPEATS):>10.2f} "
            f"{_median_ms(partial(markdown, doc, spec.name), BUILD_REPEATS):>10.2f} "
            f"{len(to_yaml(doc).encode()):>10,} {len(to_json(doc).encode()):>10,} "
            f"{len(template.resources):>10}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = Parser(prog="bench/bench.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="also time make template in a fresh clone")
    parser.add_argument("--test", action="store_true", help="also time make test")
    try:
        args = parser.parse_args(argv)
    except InputError as error:
        print(f"bench/bench.py: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    try:
        with tempfile.TemporaryDirectory() as out:
            processes(Path(out))
        if args.setup or args.test:
            slow(args.setup, args.test)
    except BenchError as error:
        print(f"bench/bench.py: error: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    in_process()


if __name__ == "__main__":
    main()
