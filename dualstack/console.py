"""How every command of the package runs as a process: ``python -m dualstack.<command>`` ends in ``run(main)``.

A reader that goes away early (``make verify JSON=1 | head -1``) closes the pipe that
standard output writes to; Python then raises ``BrokenPipeError`` from a ``print`` or
from the flush at exit, which would end the process in a traceback. Here it ends
quietly with exit status 1: the reader has what it wanted, and nothing more can be said
on that stream. (Python's own advice, "Note on SIGPIPE", in the ``signal`` module's
documentation: https://docs.python.org/3/library/signal.html#note-on-sigpipe.)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn


def run(main: Callable[[], int]) -> NoReturn:
    """Exit with ``main()``'s status; a closed standard output ends the process with status 1, without a traceback."""
    try:
        status = main()
        # Flushed here, inside the try: the flush at exit would otherwise be the one to fail, past any handler.
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes standard output once more at exit: point it at /dev/null so that flush has nowhere to fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    sys.exit(status)
