"""How the ``render`` command ends: its exit statuses, and the one line a Ctrl-C gets.

Apart from the command line so that its entry point (``render.console``),
which must answer a Ctrl-C before the command line is even imported, says
it the same way.
"""

from __future__ import annotations

import signal
import sys

EXIT_FAILED = 1  # an output failed; the others were rendered
EXIT_USAGE = 2  # a mistake in the command: nothing was rendered
EXIT_INTERRUPTED = 128 + signal.SIGINT  # what a shell reports for a command stopped by Ctrl-C


def interrupted() -> None:
    """Ctrl-C: one line, and the shell's status for it."""
    # On a terminal the line starts below the "^C" it echoed.
    sys.stderr.write(f"{chr(10) if sys.stderr.isatty() else ''}interrupted\n")
    sys.exit(EXIT_INTERRUPTED)


def terminated(signum: int, frame: object) -> None:
    """A kill (SIGTERM): one line, then unwind like Ctrl-C, so that what is half-written is removed."""
    sys.stderr.write("terminated\n")
    sys.exit(128 + signum)
