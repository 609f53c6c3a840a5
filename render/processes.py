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

A process group is not everything a program starts: whatever calls
``setsid`` (a daemon, a browser's crash reporter, ``setsid sleep &`` in a
wrapper) leaves the group, and killing the group misses it.  So each run of
:func:`run_bounded` carries a fresh random mark in its environment, which
every process it starts inherits through fork, exec and setsid alike, and
once the run is over, however it ended, every process whose
``/proc/PID/environ`` carries the mark is killed (:func:`stop_marked`).  Of
the ways to track a program's descendants this is the simplest that needs
nothing the machine may not give: a cgroup needs a delegated cgroup v2
subtree (root or systemd, not in every container); a subreaper
(``prctl(PR_SET_CHILD_SUBREAPER)``) set on this process would make it the
parent of every orphan of every child of the run (workers, the browser), and
set in a helper process it costs an interpreter per run and cannot clean up
when the helper itself is killed at the deadline.  What the mark misses: a
process started with an emptied environment (``env -i``), and everything
where there is no ``/proc`` (then the process group is all that is stopped).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import IO

from render.errors import RenderError

WAIT_AFTER_KILL = 15.0  # seconds for a killed group to be reaped
AFTER_EXIT = 1.0  # seconds a program's children may keep its pipes open once it has ended
LINE_WIDTH = 200  # characters of a program's words quoted in one of our lines
QUOTE_WIDTH = 80  # characters of what a program printed instead of its version
OUTPUT_LIMIT = 1 << 16  # bytes of a program's output kept: enough for any version line or report's end
MARK_VARIABLE = "RENDER_PROGRAM_RUN"  # the environment variable that marks what one run started
SWEEPS = 50  # looks for marked processes after a run, each killing what it finds, until one finds none
SWEEP_PAUSE = 0.01  # seconds between them, for the killed to die (a fork that raced the kill shows up too)


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
    stdout, a version line, and the last of stderr, a report's end are kept).
    However it ends (done, expired, or interrupted, Ctrl-C included), nothing
    it started outlives it: its process group is killed, and so is every
    process that carries its mark, in a session of its own or not.
    """
    mark = new_mark()
    try:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True, env=marked_environment(mark))
    except OSError as error:
        raise RenderError(f"cannot run {what}: {error.strerror or error}") from None
    drains = Drain(process.stdout, keep="first"), Drain(process.stderr, keep="last")
    deadline = time.monotonic() + timeout
    try:
        process.wait(timeout)
        # The program ended; what it said is in its pipes.  A child it started may hold them open: it gets a
        # moment, then it is stopped (the group lives on in that child, so its id is still its own to kill),
        # and the program's answer stands.
        for drain in drains:
            drain.result(min(AFTER_EXIT, max(0.0, deadline - time.monotonic())))
        if any(drain.running for drain in drains):
            kill_group(process)
            stop_marked(mark)
        out, err = (drain.result(WAIT_AFTER_KILL) for drain in drains)
    except subprocess.TimeoutExpired:
        raise ProgramTimeout(f"{what} did not finish within {timeout:g} s and was stopped") from None
    finally:  # whatever it left running, in its group or out of it, ends with it
        kill_group(process)
        stop_marked(mark)
        _close_drained(process, drains)
    return Finished(process.returncode, out, err)


def _close_drained(process: subprocess.Popen, drains: tuple[Drain, Drain]) -> None:
    """Close the program's pipes once their readers are done.  A pipe still held open by a process that
    escaped every kill is left to its reader thread: closing a pipe a thread is reading waits for that
    read to end, which would hang the render for as long as the escaped process lives."""
    for stream, drain in zip((process.stdout, process.stderr), drains):
        drain.result(WAIT_AFTER_KILL if drain.running else 0)
        if not drain.running:
            stream.close()


def new_mark() -> str:
    """A mark no other run has: 128 random bits."""
    return secrets.token_hex(16)


def marked_environment(mark: str) -> dict[str, str]:
    """This process's environment plus ``mark``: what a program is started with, for :func:`stop_marked`
    to find everything it started."""
    return {**os.environ, MARK_VARIABLE: mark}


def stop_marked(mark: str) -> None:
    """Kill every process whose environment carries ``mark`` (as :data:`MARK_VARIABLE`), until none is left.

    This finds what a program started in a session of its own, out of reach
    of its process group (see the module's docstring).  Without ``/proc``
    nothing is found, and nothing is done.
    """
    entry = f"{MARK_VARIABLE}={mark}".encode()
    for _ in range(SWEEPS):
        marked = [pid for pid in _process_ids() if _carries(pid, entry)]
        if not marked:
            return
        for pid in marked:
            _kill_if_marked(pid, entry)
        time.sleep(SWEEP_PAUSE)


def _process_ids() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:  # no /proc: not Linux
        return []


def _carries(pid: int, entry: bytes) -> bool:
    """Whether process ``pid`` was started with ``entry`` in its environment (a process that has ended, or
    is not ours to read, does not)."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            return entry in environ.read().split(b"\0")
    except OSError:
        return False


def _kill_if_marked(pid: int, entry: bytes) -> None:
    """SIGKILL ``pid`` if it still carries ``entry``: through a pidfd where the system has them, which holds
    on to the process checked, so that an id freed and reused since the look is never hit."""
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux 5.3+, or the process has ended
        handle = None
    try:
        if _carries(pid, entry):
            if handle is None:
                os.kill(pid, signal.SIGKILL)
            else:
                signal.pidfd_send_signal(handle, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    finally:
        if handle is not None:
            os.close(handle)


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


def quoted(text: str, width: int = QUOTE_WIDTH) -> str:
    """What a program printed, as one of our lines quotes it: ``'Usage: ...'`` (at most ``width``
    characters), or ``nothing``."""
    text = text.strip()
    if not text:
        return "nothing"
    return repr(text if len(text) <= width else text[: width - 1] + "…")
