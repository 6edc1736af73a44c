"""The command line behind ``generate.py``: writing files, the drift check, errors."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from .diagram import markdown
from .limits import TEMPLATE_BODY_LIMIT, check_limits
from .render import FORMATS, Format, document, to_json, to_yaml
from .spec import MAX_AZS_LIMIT, SHIPPED, SpecError, TemplateSpec, TierKind
from .template import build_template

#: Files in templates/ that only the code writes: a template in either format, or its diagram.
GENERATED_SUFFIXES = (".yaml", ".json", ".md")
EXIT_STALE = 1
EXIT_USAGE = 2
#: Standard output closed early (``| head``): no error message, like other Unix tools.
EXIT_PIPE_CLOSED = 1


class UsageError(Exception):
    """Bad input: reported as one line, exit status 2, nothing written."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _az_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_AZS_LIMIT}, got {text!r}") from None
    if not 1 <= value <= MAX_AZS_LIMIT:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_AZS_LIMIT}, got {value}")
    return value


def _tiers(text: str) -> tuple[TierKind, ...]:
    try:
        return TierKind.parse(text)
    except SpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = _Parser(
        prog=prog,
        description=(
            "Generate CloudFormation templates for dual-stack VPCs: IPv4 public through an Internet "
            "Gateway, IPv6 outbound only through an Egress-Only Internet Gateway. With no options, "
            "writes every shipped template into templates/."
        ),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming each file that differs from what the code generates",
    )
    parser.add_argument(
        "--diff", action="store_true", help="with --check, also print a unified diff of each stale file"
    )
    custom = parser.add_argument_group("custom template (one template instead of the shipped set)")
    custom.add_argument(
        "--azs",
        type=_az_count,
        metavar="N",
        help=f"largest AZ count the template supports, 1 to {MAX_AZS_LIMIT} (default 3)",
    )
    custom.add_argument(
        "--tiers",
        type=_tiers,
        metavar="LIST",
        help="subnet tiers, comma-separated, from public,private,ipv6only,isolated (default: public)",
    )
    custom.add_argument(
        "--format", choices=FORMATS, help="output format (default: from the output file's extension, else yaml)"
    )
    custom.add_argument("-o", "--output", metavar="PATH", help="file to write, or - for standard output (the default)")
    parser.add_argument(
        "--templates-dir",
        metavar="DIR",
        type=Path,
        help="where the shipped templates live (default: templates/ beside generate.py)",
    )
    return parser


def _format_for(path: str | None, explicit: Format | None) -> Format:
    if explicit is not None:
        return explicit
    if path is not None and path.endswith(".json"):
        return "json"
    return "yaml"


def _is_custom(args: argparse.Namespace) -> bool:
    return any(value is not None for value in (args.azs, args.tiers, args.format, args.output))


def _render_checked(spec: TemplateSpec, formats: Sequence[Format]) -> tuple[dict[str, Any], dict[Format, str]]:
    """Build ``spec`` once, convert it once, and write it in each of ``formats``, refusing a hard limit."""
    doc = document(build_template(spec))
    texts: dict[Format, str] = {fmt: to_json(doc) if fmt == "json" else to_yaml(doc) for fmt in formats}
    for text in texts.values():
        check_limits(doc, text)
    return doc, texts


def _planned(args: argparse.Namespace, templates_dir: Path) -> dict[str, str]:
    """What the code generates: ``{destination: text}``; ``-`` is standard output.

    The shipped set is each template in both formats and, beside them, its diagram (``name.md``).
    """
    if not _is_custom(args):
        planned = {}
        for spec in SHIPPED:
            doc, texts = _render_checked(spec, FORMATS)
            for fmt, text in texts.items():
                planned[str(templates_dir / f"{spec.name}.{fmt}")] = text
            planned[str(templates_dir / f"{spec.name}.md")] = markdown(doc, f"{spec.name}.yaml")
        return planned
    default = TemplateSpec()
    spec = TemplateSpec(name="custom", max_azs=args.azs or default.max_azs, tiers=args.tiers or default.tiers)
    fmt = _format_for(args.output, args.format)
    return {args.output or "-": _render_checked(spec, [fmt])[1][fmt]}


def _read(path: str) -> str | None:
    """The file's text as it stands, or ``None`` where there is no file; bytes that are not UTF-8 never match."""
    try:
        return Path(path).read_bytes().decode("utf-8", errors="replace")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def _check(planned: dict[str, str], templates_dir: Path | None, show_diff: bool) -> int:
    stale = []
    for destination, text in planned.items():
        current = _read(destination)
        if current != text:
            stale.append(destination)
            reason = "missing" if current is None else "differs from what the code generates"
            print(f"stale: {destination} ({reason})")
            if show_diff and current is not None:
                sys.stdout.writelines(
                    difflib.unified_diff(
                        current.splitlines(keepends=True),
                        text.splitlines(keepends=True),
                        f"{destination} (committed)",
                        f"{destination} (generated)",
                    )
                )
    if templates_dir is not None and templates_dir.is_dir():
        for extra in sorted(templates_dir.iterdir()):
            if extra.suffix in GENERATED_SUFFIXES and str(extra) not in planned:
                stale.append(str(extra))
                print(f"stale: {extra} (not generated by the code any more; delete it)")
    if stale:
        print(f"{len(stale)} stale; regenerate with `make template` (python generate.py) and commit the result")
        return EXIT_STALE
    print(f"{len(planned)} up to date")
    return 0


def _write_all(planned: dict[str, str]) -> list[str]:
    """Write every file or none: all go to temporary files first, then each is renamed into place."""
    umask = os.umask(0)
    os.umask(umask)
    staged: list[tuple[str, Path]] = []
    try:
        for destination, text in planned.items():
            target = Path(destination)
            if target.is_dir():
                raise UsageError(f"cannot write {destination}: it is a directory")
            try:
                fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            except OSError as exc:
                raise UsageError(f"cannot write {destination}: {exc.strerror}") from None
            staged.append((temp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~umask
            os.chmod(temp, mode)
    except BaseException:
        for temp, _ in staged:
            Path(temp).unlink(missing_ok=True)
        raise
    written = []
    for temp, target in staged:
        os.replace(temp, target)
        written.append(str(target))
    return written


def _display_path(path: Path) -> Path:
    """``path`` relative to the working directory where it lies below it, for shorter messages."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def main(argv: Sequence[str] | None = None, *, prog: str = "generate.py", root: Path | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = _parser(prog).parse_args(argv)
        if args.diff and not args.check:
            raise UsageError("--diff goes with --check")
        shipped = not _is_custom(args)
        if args.check and not shipped and args.output in (None, "-"):
            raise UsageError("--check compares files: give the custom template's -o PATH")
        templates_dir = args.templates_dir or _display_path((root or Path.cwd()) / "templates")
        planned = _planned(args, templates_dir)
        for destination, text in planned.items():
            size = len(text.encode("utf-8"))
            if size > TEMPLATE_BODY_LIMIT and not args.check:
                print(
                    f"{prog}: warning: {destination} is {size:,} bytes, over the {TEMPLATE_BODY_LIMIT:,}-byte "
                    "TemplateBody limit: deploying it needs an S3 bucket",
                    file=sys.stderr,
                )
        if args.check:
            return _check(planned, templates_dir if shipped else None, args.diff)
        if list(planned) == ["-"]:
            sys.stdout.write(planned["-"])
            return 0
        unchanged = {d for d, text in planned.items() if _read(d) == text}
        for destination in _write_all({d: t for d, t in planned.items() if d not in unchanged}):
            print(f"wrote {destination}")
        for destination in sorted(unchanged):
            print(f"unchanged {destination}")
        return 0
    except (UsageError, SpecError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader (``| head``) went away: not an error of ours, and nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE_CLOSED
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{prog}: error: {where}{exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
