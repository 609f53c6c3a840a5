"""The ``render`` command's entry point: the command line, with a Ctrl-C at any moment reported in one line.

The command line's own module imports click and the pipeline; a Ctrl-C
during those imports would end in a traceback, before any handler of
``render.cli`` exists.  This module imports nothing heavy until it is called.
"""

from __future__ import annotations

from render.exits import interrupted


def main() -> None:
    try:
        from render.cli import main as command
    except KeyboardInterrupt:
        interrupted()
    command()
