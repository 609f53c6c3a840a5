"""Running an external program (ffmpeg, Chrome) so that it can never hang a render or outlive it.

Every program runs in a session of its own, so that what it starts (a
wrapper script's children, a browser's renderers) is one process group, and
"stop it" means killing the whole group, not only the process we started.
Each run has a deadline; its output is read as it comes (a program that
fills a pipe nobody reads would block for ever) and kept as bytes: what a
program prints is not trusted to be UTF-8, and :func:`text_of` turns it into
one printable line.

``subprocess.run(timeout=...)`` kills only the child it started: a wrapper's
``sleep`` lives on, holding the pipes open.  Hence this module.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from dataclasses import dataclass

from render.errors import RenderError

WAIT_AFTER_KILL = 15.0  # seconds for a killed group to be reaped


class ProgramTimeout(RenderError):
    """A program did not finish within its deadline and was stopped, with everything it started."""


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: bytes
    stderr: bytes


def kill_group(process: subprocess.Popen) -> None:
    """Kill ``process`` and everything in its process group (it was started in a session of its own),
    then reap it.  Safe to call on a process that has already ended."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(WAIT_AFTER_KILL)


def run_bounded(args: list[str], timeout: float, what: str) -> Finished:
    """Run ``args`` to the end, or for ``timeout`` seconds at most; ``what`` names it in the error.

    Its output is read as it comes; on expiry or any interruption (Ctrl-C
    included) its whole process group is killed before this returns.
    """
    try:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
    except OSError as error:
        raise RenderError(f"cannot run {what}: {error.strerror or error}") from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        with contextlib.suppress(subprocess.TimeoutExpired, ValueError):
            process.communicate(timeout=WAIT_AFTER_KILL)
        raise ProgramTimeout(f"{what} did not finish within {timeout:g} s and was stopped") from None
    except BaseException:
        kill_group(process)
        raise
    return Finished(process.returncode, stdout, stderr)


def text_of(output: bytes) -> str:
    """A program's output as text to quote: invalid UTF-8 shown as U+FFFD, control characters as spaces."""
    text = output.decode("utf-8", "replace")
    return "".join(c if c.isprintable() or c in "\n\t" else " " for c in text)


def last_line(output: bytes, otherwise: str) -> str:
    """The last non-blank line of ``output`` (what a failing program says last), or ``otherwise``."""
    lines = [line.strip() for line in text_of(output).splitlines() if line.strip()]
    return lines[-1] if lines else otherwise
