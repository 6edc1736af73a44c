"""``make lint-template``: cfn-lint with the dual-stack rules appended, after checking that the file is a template.

    dualstack lint path/to/template.yaml [--regions R ...] [-- cfn-lint options]

A missing file, a directory or something that is not a template is one line and
exit status 2, instead of cfn-lint's internals. Otherwise cfn-lint's own exit
status comes back (0 clean, 2 errors, 4 warnings, 8 informational findings).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from dualstack.commands import console
from dualstack.files import inputs
from dualstack.files.inputs import InputError

PACKAGE = Path(__file__).resolve().parents[1]
RULES_DIR = PACKAGE / "lint_rules"
#: Where this project's generated templates are committed.
SHIPPED_DIR = PACKAGE.parent / "templates"

#: Rules set aside for the shipped templates (only those in templates/), each with its reason. A template of your
#: own is linted with every rule.
IGNORED_RULES: dict[str, str] = {
    "I9608": (
        "informational by design: the templates offer PublicIpv6Routing=Bidirectional on purpose, and the rule "
        "reports that choice (tests/test_lint.py's test_exposure_is_reported_only_for_the_bidirectional_choice "
        "pins exactly that)"
    ),
}


def is_shipped(path: Path) -> bool:
    return path.resolve().parent == SHIPPED_DIR


def cfn_lint_args(path: Path, regions: Sequence[str], extra: Sequence[str]) -> list[str]:
    args = [str(path), "--append-rules", str(RULES_DIR), "--regions", *regions]
    if is_shipped(path):
        args += ["--ignore-checks", *IGNORED_RULES]
    return [*args, *extra]


def check_cfn_lint_options(extra: Sequence[str]) -> None:
    """Refuse options cfn-lint would refuse, in one line rather than its whole help text."""
    from cfnlint.config import CliArgs

    # cfn-lint's own parser (its method is unannotated), without the parse of sys.argv its constructor does.
    parser = CliArgs.__new__(CliArgs).create_parser()  # type: ignore[no-untyped-call]

    def error(message: str) -> NoReturn:
        raise InputError(f"cfn-lint options {' '.join(extra)!r}: {message}")

    parser.error = error
    given = parser.parse_args(list(extra))
    # What this command passes itself: a word more would be read as another template (and a rule ID such as E3002
    # lints nothing, while regions given twice keep cfn-lint's last), so each has its own place.
    if given.templates or given.template_alt:
        error(
            f"{' '.join([*given.templates, *given.template_alt])} would be linted as a template: give one template, "
            "as the first argument (make lint-template FILE=...)"
        )
    if given.regions:
        error("--regions is this command's own option (make lint-template REGIONS=...), not one for cfn-lint")


def main(argv: Sequence[str] | None = None) -> int:
    parser = inputs.Parser(prog="dualstack lint", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("template", type=Path)
    parser.add_argument("--regions", nargs="+", default=["ALL_REGIONS"], help="regions to lint for (default: all)")
    parser.epilog = "Options after -- go to cfn-lint unchanged."
    words = list(sys.argv[1:] if argv is None else argv)
    ours, extra = (words[: words.index("--")], words[words.index("--") + 1 :]) if "--" in words else (words, [])
    try:
        args = parser.parse_args(ours)
        for region in args.regions:
            if region != "ALL_REGIONS":
                inputs.check_region(region)
        # cfn-lint reads AWS::LanguageExtensions templates itself: only what CloudFormation would refuse stops here.
        inputs.load_template(args.template, evaluated=False)
        check_cfn_lint_options(extra)
    except InputError as exc:
        print(f"lint: error: {exc}", file=sys.stderr)
        return 2
    runner = "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; main()"
    command = [sys.executable, "-c", runner, *cfn_lint_args(args.template, args.regions, extra)]
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    console.run(main, "lint-template")
