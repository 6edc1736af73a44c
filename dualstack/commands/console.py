"""How every command of the package runs as a process: ``dualstack <subcommand>`` ends in ``run(main)``.

A reader that goes away early (``make verify JSON=1 | head -1``) closes the pipe that
standard output writes to; Python then raises ``BrokenPipeError`` from a ``print`` or
from the flush at exit, which would end the process in a traceback. Here it ends
quietly with exit status 1: the reader has what it wanted, and nothing more can be said
on that stream. (Python's own advice, "Note on SIGPIPE", in the ``signal`` module's
documentation: https://docs.python.org/3/library/signal.html#note-on-sigpipe.)

Some commands need packages that generating does not (``make template`` installs only
requirements/runtime.lock): one of them missing is one line naming what to install, exit
status 2, instead of a ``ModuleNotFoundError`` traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn

#: The modules only some commands import: the package that brings each, and the extra of dualstack that holds it
#: (requirements/dev.lock pins them all for this repository's .venv).
OPTIONAL = {"cfnlint": ("cfn-lint", "lint"), "boto3": ("boto3", "verify"), "botocore": ("boto3", "verify")}


def missing(exc: ModuleNotFoundError) -> str | None:
    """What to install, when ``exc`` is a missing optional package; ``None`` for any other module."""
    top = (exc.name or "").partition(".")[0]
    if top not in OPTIONAL:
        return None
    package, extra = OPTIONAL[top]
    return (
        f"{package} is not installed here, and this command needs it: pip install 'dualstack[{extra}]' "
        f"(or pip install {package}; in a clone, `make dev` adds it to .venv)"
    )


def refuse_missing(prog: str, exc: ModuleNotFoundError) -> None:
    """For an import a command makes at its top: one line and exit 2 when an optional package is missing."""
    message = missing(exc)
    if message is not None:
        print(f"{prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def run(main: Callable[[], int], prog: str | None = None) -> NoReturn:
    """Exit with ``main()``'s status; a closed standard output ends the process with status 1, without a traceback;
    a missing optional package is one line naming it (``prog: error: ...``), exit status 2."""
    try:
        status = main()
        # Flushed here, inside the try: the flush at exit would otherwise be the one to fail, past any handler.
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes standard output once more at exit: point it at /dev/null so that flush has nowhere to fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except ModuleNotFoundError as exc:
        refuse_missing(prog or os.path.basename(sys.argv[0]), exc)
        raise
    sys.exit(status)
