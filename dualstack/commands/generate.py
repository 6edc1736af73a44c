"""The command line behind ``generate.py``: writing files, the drift check, errors."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dualstack.builders.template import build_template
from dualstack.files import writer
from dualstack.files.inputs import InputError, Parser, check_output_path, shown
from dualstack.model import kinds
from dualstack.model.kinds import TierKind
from dualstack.model.limits import TEMPLATE_BODY_LIMIT, check_limits
from dualstack.model.spec import MAX_AZS_LIMIT, SHIPPED, SpecError, TemplateSpec, parse_tiers
from dualstack.render.diagram import markdown
from dualstack.render.text import FORMATS, Format, document, to_json, to_yaml

#: Files in templates/ that only the code writes: a template in either format, or its diagram.
GENERATED_SUFFIXES = (".yaml", ".json", ".md")
EXIT_STALE = 1
EXIT_USAGE = 2
#: Standard output closed early (``| head``): no error message, like other Unix tools.
EXIT_PIPE_CLOSED = 1


class UsageError(Exception):
    """Bad input: reported as one line, exit status 2, nothing written."""


def _az_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_AZS_LIMIT}, got {text!r}") from None
    if not 1 <= value <= MAX_AZS_LIMIT:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_AZS_LIMIT}, got {value}")
    return value


def _names(tiers: Sequence[TierKind]) -> str:
    return ",".join(kind.name for kind in tiers)


def _tiers(text: str) -> tuple[TierKind, ...]:
    try:
        return parse_tiers(text)
    except SpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _folder_argument(text: str) -> Path:
    # Path("") is the current folder: an empty value would write the shipped set there.
    if not text:
        raise argparse.ArgumentTypeError("the path is empty: give a folder, such as templates")
    return Path(text)


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = Parser(
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
        help=f"subnet tiers, comma-separated, from {_names(kinds.KINDS)} (default: {_names(TemplateSpec().tiers)})",
    )
    custom.add_argument(
        "--tier-sizes",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=(
            "a parameter per tier with IPv4 for its own subnet size ({Tier}SubnetPrefixLength); "
            "the default when two or more tiers have IPv4"
        ),
    )
    custom.add_argument(
        "--format",
        choices=FORMATS,
        help=(
            "output format (default: from the output file's extension, .json or .yaml/.yml in any case, else yaml; "
            "a format that contradicts the extension is refused)"
        ),
    )
    custom.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help=(
            "file to write, or - for standard output (the default); it must be absent or a regular file: "
            "a symbolic link is refused (not followed), as are directories, devices and FIFOs"
        ),
    )
    parser.add_argument(
        "--templates-dir",
        metavar="DIR",
        type=_folder_argument,
        help="where the shipped templates live (default: templates/ beside generate.py); not for a custom template",
    )
    return parser


#: File extensions (compared case-insensitively) and the format each implies.
EXTENSIONS: dict[str, Format] = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def _format_for(path: str | None, explicit: Format | None) -> Format:
    implied = EXTENSIONS.get(os.path.splitext(path)[1].lower()) if path not in (None, "-") else None
    if explicit is not None and implied is not None and explicit != implied:
        raise UsageError(f"--format {explicit} contradicts the extension of {shown(path or '')}: write {implied} there")
    return explicit or implied or "yaml"


def _is_custom(args: argparse.Namespace) -> bool:
    return any(value is not None for value in (args.azs, args.tiers, args.tier_sizes, args.format, args.output))


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
    fmt = _format_for(args.output, args.format)
    return {args.output or "-": _render_checked(_custom_spec(args), [fmt])[1][fmt]}


def _custom_spec(args: argparse.Namespace) -> TemplateSpec:
    default = TemplateSpec()
    return TemplateSpec(
        name="custom",
        max_azs=args.azs or default.max_azs,
        tiers=args.tiers or default.tiers,
        tier_sizes=args.tier_sizes,
    )


def _over_limit(prog: str, destination: str, size: int, args: argparse.Namespace) -> str:
    """The warning for a custom template over the inline limit: what deploying it takes. A YAML file's JSON form is
    smaller; where that fits, writing it beside the YAML lets make deploy send it inline (inputs.template_body)."""
    limit = f"over the {TEMPLATE_BODY_LIMIT:,}-byte TemplateBody limit"
    over = f"{prog}: warning: {shown(destination)} is {size:,} bytes, {limit}"
    if Path(destination).suffix.lower() in (".yaml", ".yml"):
        as_json = len(_render_checked(_custom_spec(args), ["json"])[1]["json"].encode("utf-8"))
        if as_json <= TEMPLATE_BODY_LIMIT:
            twin = shown(str(Path(destination).with_suffix(".json")))
            return (
                f"{over}; its JSON form ({as_json:,} bytes) fits: write it beside as {twin} and make deploy sends "
                "that, or deploy through an S3 bucket (make deploy BUCKET=...)"
            )
    return f"{over}: deploying it needs an S3 bucket (make deploy BUCKET=...)"


def _read(path: str) -> str | None:
    """The file's text as it stands, or ``None`` where there is no file; bytes that are not UTF-8 never match.

    Only called on paths ``check_output_path`` accepted: absent or a regular file.
    """
    try:
        return Path(path).read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"cannot read {shown(path)}: {exc.strerror}") from None


def _folders(planned: dict[str, str]) -> list[str]:
    return sorted({os.path.dirname(d) or "." for d in planned if d != "-"})


def _check(planned: dict[str, str], templates_dir: Path | None, show_diff: bool) -> int:
    # The shipped set is the repository's `make template`; a custom file, the command that checked it, minus --check.
    how = "`make template`" if templates_dir is not None else "the same command without --check"
    stale = []
    for leftover in writer.stray(_folders(planned)):
        stale.append(leftover)
        print(f"stale: {shown(leftover)} (left by an interrupted run; {how} rolls it back and removes it)")
    for destination, text in planned.items():
        current = _read(destination)
        if current != text:
            stale.append(destination)
            reason = "missing" if current is None else "differs from what the code generates"
            print(f"stale: {shown(destination)} ({reason})")
            if show_diff and current is not None:
                sys.stdout.writelines(
                    difflib.unified_diff(
                        current.splitlines(keepends=True),
                        text.splitlines(keepends=True),
                        f"{shown(destination)} (committed)",
                        f"{shown(destination)} (generated)",
                    )
                )
    if templates_dir is not None and templates_dir.is_dir():
        for extra in sorted(templates_dir.iterdir()):
            if extra.suffix in GENERATED_SUFFIXES and str(extra) not in planned:
                stale.append(str(extra))
                print(f"stale: {shown(extra)} (not generated by the code any more; delete it)")
    if stale:
        print(f"{len(stale)} stale; regenerate with {how} and commit the result")
        return EXIT_STALE
    print(f"{len(planned)} up to date")
    return 0


def _display_path(path: Path) -> Path:
    """``path`` relative to the working directory where it lies below it, for shorter messages."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(warning, file=sys.stderr)


def main(argv: Sequence[str] | None = None, *, prog: str = "generate.py", root: Path | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = _parser(prog).parse_args(argv)
        if args.diff and not args.check:
            raise UsageError("--diff goes with --check")
        shipped = not _is_custom(args)
        if args.output == "":
            raise UsageError("-o: the path is empty: give a file name, or - for standard output")
        if not shipped and args.templates_dir is not None:
            raise UsageError("--templates-dir is where the shipped templates go; a custom template goes to -o PATH")
        if args.check and not shipped and args.output in (None, "-"):
            raise UsageError("--check compares files: give the custom template's -o PATH")
        templates_dir = args.templates_dir or _display_path((root or Path.cwd()) / "templates")
        if shipped and templates_dir.exists() and not templates_dir.is_dir():
            raise UsageError(f"--templates-dir {shown(templates_dir)}: not a directory")
        planned = _planned(args, templates_dir)
        for destination in planned:
            if destination != "-":
                check_output_path(destination)
        warnings = []
        for destination, text in planned.items():
            size = len(text.encode("utf-8"))
            # A YAML file over the limit whose JSON twin, written with it, fits: make deploy sends the twin.
            twin = planned.get(str(Path(destination).with_suffix(".json")), "")
            if twin and len(twin.encode("utf-8")) <= TEMPLATE_BODY_LIMIT:
                continue
            # The shipped set's sizes are the README's to say (tests/test_render.py holds it to them); a template of
            # your own is warned about here, once it is written (a run that fails says only why).
            if size > TEMPLATE_BODY_LIMIT and not args.check and not shipped:
                warnings.append(_over_limit(prog, destination, size, args))
        if args.check:
            return _check(planned, templates_dir if shipped else None, args.diff)
        if list(planned) == ["-"]:
            sys.stdout.write(planned["-"])
            _warn(warnings)
            return 0
        # A run killed half-way left its folder as it was before it, with leftovers: roll back, then write.
        for done in writer.recover(_folders(planned)):
            print(f"{prog}: after an interrupted run, {done}", file=sys.stderr)
        unchanged = {d for d, text in planned.items() if _read(d) == text}
        for destination in writer.write_all({d: t for d, t in planned.items() if d not in unchanged}):
            print(f"wrote {shown(destination)}")
        for destination in sorted(unchanged):
            print(f"unchanged {shown(destination)}")
        _warn(warnings)
        return 0
    except (UsageError, SpecError, InputError, writer.WriteError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader (``| head``) went away: not an error of ours, and nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE_CLOSED
    except OSError as exc:
        where = f"{shown(exc.filename)}: " if exc.filename else ""
        print(f"{prog}: error: {where}{exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
