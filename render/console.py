"""The ``render`` command's entry point: the command line, with a Ctrl-C at any moment reported in one line.

The command line's own module imports click and the pipeline; a Ctrl-C
during those imports would end in a traceback, before any handler of
``render.cli`` exists.  This module imports nothing heavy until it is called.
"""

from __future__ import annotations

import signal
import sys

EXIT_INTERRUPTED = 128 + signal.SIGINT  # what a shell reports for a command stopped by Ctrl-C


def interrupted() -> None:
    """Ctrl-C: one line, and the shell's status for it."""
    # On a terminal the line starts below the "^C" it echoed.
    sys.stderr.write(f"{chr(10) if sys.stderr.isatty() else ''}interrupted\n")
    sys.exit(EXIT_INTERRUPTED)


def main() -> None:
    try:
        from render.cli import main as command
    except KeyboardInterrupt:
        interrupted()
    command()
