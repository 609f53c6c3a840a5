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
import threading
import time
from dataclasses import dataclass
from typing import IO

from render.errors import RenderError

WAIT_AFTER_KILL = 15.0  # seconds for a killed group to be reaped
LINE_WIDTH = 200  # characters of a program's words quoted in one of our lines
OUTPUT_LIMIT = 1 << 16  # bytes of a program's output kept: enough for any version line or report's end


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


class Drain:
    """Reads a pipe to its end in a thread of its own, keeping at most ``limit`` bytes: the first ones
    (``keep="first"``, a version line) or the last ones (``keep="last"``, the end of a report).

    A program can print without end: what it prints is read as it comes, so
    it never blocks on a full pipe, and never fills memory or a disk.
    """

    def __init__(self, stream: IO[bytes], limit: int = OUTPUT_LIMIT, keep: str = "last") -> None:
        self.stream, self.limit, self.keep = stream, limit, keep
        self.kept = bytearray()
        self.total = 0
        self._thread = threading.Thread(target=self._read, name="program output", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := self.stream.read1(1 << 16):
                self.total += len(chunk)
                if self.keep == "first":
                    if len(self.kept) < self.limit:
                        self.kept += chunk[: self.limit - len(self.kept)]
                else:
                    self.kept += chunk
                    del self.kept[: max(0, len(self.kept) - self.limit)]

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def result(self, timeout: float | None = None) -> bytes:
        """What was kept, once the pipe has ended (its writers are gone) or ``timeout`` has passed."""
        self._thread.join(timeout)
        return bytes(self.kept)


def run_bounded(args: list[str], timeout: float, what: str) -> Finished:
    """Run ``args`` to the end, or for ``timeout`` seconds at most; ``what`` names it in the error.

    Its output is read as it comes (the first :data:`OUTPUT_LIMIT` bytes of
    stdout, a version line, and the last of stderr, a report's end are kept);
    on expiry or any interruption (Ctrl-C included) its whole process group is
    killed before this returns.
    """
    try:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
    except OSError as error:
        raise RenderError(f"cannot run {what}: {error.strerror or error}") from None
    stdout, stderr = Drain(process.stdout, keep="first"), Drain(process.stderr, keep="last")
    deadline = time.monotonic() + timeout
    try:
        process.wait(timeout)
        # The program ended, but a child it started may hold its pipes open: stopped at the same deadline
        # (the group lives on in that child, so its id is still its own to kill).
        out, err = (drain.result(max(0.0, deadline - time.monotonic())) for drain in (stdout, stderr))
        if stdout.running or stderr.running:
            raise subprocess.TimeoutExpired(args, timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        raise ProgramTimeout(f"{what} did not finish within {timeout:g} s and was stopped") from None
    except BaseException:
        kill_group(process)
        raise
    finally:
        for stream in (process.stdout, process.stderr):
            stream.close()
    return Finished(process.returncode, out, err)


def text_of(output: bytes) -> str:
    """A program's output as text to quote: invalid UTF-8 shown as U+FFFD, control characters as spaces."""
    text = output.decode("utf-8", "replace")
    return "".join(c if c.isprintable() or c in "\n\t" else " " for c in text)


def last_line(output: bytes, otherwise: str, width: int = LINE_WIDTH) -> str:
    """The last non-blank line of ``output`` (what a failing program says last), at most ``width``
    characters, or ``otherwise``."""
    lines = [line.strip() for line in text_of(output).splitlines() if line.strip()]
    line = lines[-1] if lines else otherwise
    return line if len(line) <= width else line[: width - 1] + "…"
