"""The Dask scheduler a run renders on (``--backend dask --scheduler ADDRESS``): what is at its address, the
connection to it, and what its loss means for the outputs.

A wrong address must be one line within seconds.  distributed alone takes a
port that accepts connections for a scheduler: its handshake writes, then
waits for the peer's greeting without a deadline, so an HTTP server there
(the dashboard's port, an easy mistake) hangs the command, and a server
answering anything else has its first bytes read as a message's length.  So
the address is probed first with a plain socket (:func:`probe`): a scheduler
greets at once, a web server answers an HTTP request, anything else is named
for what it sent.  Only then does distributed connect, under its own timeouts.

distributed logs what goes wrong on its side with tracebacks of its own (a
scheduler gone: 34 lines while the client gives up reconnecting).  The run
says it in one line per output (:func:`task_failure`), so those logs are
silenced while the client lives (:func:`library_logs_silenced`).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import time
from typing import TYPE_CHECKING, Iterator

from render.errors import RenderError

if TYPE_CHECKING:
    from distributed import Client, Future

SCHEDULER_PORT = 8786  # where `dask scheduler` listens unless told otherwise; its dashboard is on 8787
GREETING_SECONDS = 3.0  # a scheduler writes its greeting as it accepts: silence this long means something else
PROBE_SECONDS = 5.0  # the whole probe: connecting, the greeting, and an HTTP request if there was none
CONNECT_SECONDS = 10  # distributed's own connection and registration, once the probe found a scheduler
# How long the connection may go unanswered at the TCP level before it counts as dead (distributed spreads it
# over 10 keepalive probes, so at least 11 s): a scheduler's host gone without a word is known this soon.
SILENT_LINK_SECONDS = 15
MAX_GREETING = 1 << 20  # bytes; a scheduler's greeting is a small msgpack map (about 60 bytes)


class SchedulerError(RenderError):
    """The scheduler cannot be used, or went away: said in one line."""


def connect(address: str) -> "Client":
    """A client of the Dask scheduler at ``address``, or a :class:`SchedulerError` saying what is there instead.

    Every error distributed may raise becomes that one line (it raises more
    than ``OSError``: a ``ValueError`` for an address it cannot parse, an
    ``AssertionError`` for an unexpected reply).  Its timeouts are set for
    this connection only, not left in dask's configuration.
    """
    import dask
    from distributed import Client

    probe(address)
    timeouts = {"distributed.comm.timeouts.connect": f"{CONNECT_SECONDS}s",
                "distributed.comm.timeouts.tcp": f"{SILENT_LINK_SECONDS}s"}
    try:
        with library_logs_silenced(), dask.config.set(timeouts):
            return Client(address, timeout=f"{CONNECT_SECONDS}s")
    except Exception as error:  # noqa: BLE001 -- whatever distributed raises, the user gets one line
        text = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise SchedulerError(f"cannot connect to the Dask scheduler at {address}: {text}") from None


def probe(address: str, seconds: float = PROBE_SECONDS) -> None:
    """Raise a :class:`SchedulerError` saying what is at ``address`` unless it greets like a Dask scheduler.

    ``seconds`` bounds the connection, then what follows it.  Under TLS the
    greeting follows a handshake that is distributed's to make, so only the
    connection is tried; other transports (UCX, in-process) are not sockets
    one can open here, and are left to distributed.
    """
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        host, port = parse_host_port(location, default_port=SCHEDULER_PORT)
    except ValueError as error:
        raise SchedulerError(f"{address} is not the address of a Dask scheduler: {error}") from None
    if scheme not in ("tcp", "tls"):
        return
    try:
        connection = socket.create_connection((host, port), timeout=seconds)
    except TimeoutError:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: no answer within {seconds:g} s") \
            from None
    except OSError as error:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: "
                             f"{(error.strerror or str(error)).lower()}") from None
    with connection:
        if scheme == "tcp":
            _check_greeting(connection, address, host, seconds)


def _check_greeting(connection: socket.socket, address: str, host: str, seconds: float) -> None:
    """Read what the server says first; if nothing, ask it over HTTP.  Raise unless it is a scheduler's greeting."""
    started = time.monotonic()
    deadline = started + seconds
    said = _received(connection, started + min(GREETING_SECONDS, seconds / 2))
    if not said:
        with contextlib.suppress(OSError):
            connection.sendall(f"HEAD / HTTP/1.0\r\nHost: {host}\r\n\r\n".encode("ascii"))
            said = _received(connection, deadline)
    if said.startswith(b"HTTP/"):
        raise SchedulerError(f"{address} is an HTTP server (the Dask dashboard?), not a Dask scheduler; "
                             f"the scheduler usually listens on port {SCHEDULER_PORT}")
    if not said:
        raise SchedulerError(f"{address} is not a Dask scheduler: it said nothing, where a scheduler greets at once")
    if not _is_greeting(said):
        raise SchedulerError(f"{address} is not a Dask scheduler: {_what_it_sent(said)}")


def _received(connection: socket.socket, deadline: float) -> bytes:
    """What the server sent before ``deadline``, ``b""`` if nothing; read until it is clearly a greeting or not."""
    received = b""
    while not _decided(received):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        connection.settimeout(left)
        try:
            chunk = connection.recv(65536)
        except OSError:  # the deadline (a TimeoutError), or a reset
            break
        if not chunk:  # closed by the server
            break
        received += chunk
    return received


def _decided(data: bytes) -> bool:
    """Whether ``data`` is enough to tell a greeting from something else."""
    declared = _declared_size(data)
    return data.startswith(b"HTTP/") or len(data) >= 16 and (declared is None or len(data) >= declared)


def _declared_size(data: bytes) -> int | None:
    """The size of the message ``data`` starts, if it starts like the first message of a Dask comm over TCP.

    The frame's layout is checked, not the message: a length (8 bytes), a
    number of frames, their lengths.  Random bytes pass with odds of about
    2**-40, and a later version of distributed, saying something else in its
    greeting, still does.
    """
    if len(data) < 16:
        return None
    (length,) = struct.unpack_from("<Q", data)
    (frames,) = struct.unpack_from("<Q", data, 8)
    if not 16 <= length + 8 <= MAX_GREETING or not 1 <= frames <= 64:
        return None
    return length + 8


def _is_greeting(data: bytes) -> bool:
    """Whether ``data`` is a whole message of a Dask comm: its frames' lengths add up to the length it declares."""
    declared = _declared_size(data)
    if declared is None or len(data) < declared:
        return False
    (length, frames) = struct.unpack_from("<QQ", data)
    if 16 + 8 * frames > declared:
        return False
    return 8 + 8 * frames + sum(struct.unpack_from(f"<{frames}Q", data, 16)) == length


def _what_it_sent(data: bytes) -> str:
    """The first line of what a server sent if it is all text (``SSH-2.0-OpenSSH_9.2``), else its size."""
    first = data.strip().split(b"\n", 1)[0].strip()[:60]
    if first and all(32 <= byte < 127 or byte in b"\t\r\n" for byte in data):
        return f"it said {first.decode('ascii')!r}"
    return f"it sent {len(data)} bytes that are not a scheduler's greeting"


@contextlib.contextmanager
def library_logs_silenced(prefix: str = "distributed") -> Iterator[None]:
    """Nothing of distributed's logging while the block runs; each logger's level restored after it.

    Its loggers below the top one may have levels of their own (dask's
    configuration sets ``distributed.client``'s), so each one that exists is
    set; one created meanwhile has none and follows the top one.
    """
    names = [prefix, *(name for name in logging.root.manager.loggerDict if name.startswith(f"{prefix}."))]
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


@contextlib.contextmanager
def client_session(client: "Client") -> Iterator["Client"]:
    """The client in use, distributed's logs silenced, and the client closed (however the block ends)."""
    with library_logs_silenced():
        try:
            yield client
        finally:
            client.close()


def scheduler_lost() -> SchedulerError | None:
    """Why the outputs still rendering on Dask failed, if it is that the scheduler went away; else ``None``.

    distributed cancels every task of a client that lost its scheduler; a
    cancellation's own text names a task key, none of the outputs.
    """
    from distributed import default_client

    try:
        client = default_client()
    except ValueError:  # no client left at all
        return SchedulerError("the Dask scheduler went away")
    if client.status == "running":
        return None
    return SchedulerError(f"the Dask scheduler at {client.scheduler.address} went away")


def task_failure(future: "Future") -> RenderError:
    """Why a task of the run's did not finish on the cluster, in one line for each of its outputs.

    distributed retries a task whose worker died on other workers, a few
    times, then gives up with a ``KilledWorker`` naming its key; a client
    that lost its scheduler cancels every task.  Anything else a task raised
    is a bug of ours (each output's own errors are outcomes, not raised).
    """
    if future.status == "cancelled":
        return scheduler_lost() or SchedulerError("its task was cancelled on the Dask cluster")
    if is_killed_worker(future):
        return SchedulerError("its Dask worker died while drawing it, on each of distributed's tries, and again "
                              "when retried alone; render it again")
    error = future.exception()
    text = (str(error).strip().splitlines() or [""])[0]
    return SchedulerError(f"its Dask task failed: {type(error).__name__}" + (f": {text}" if text else ""))


def is_killed_worker(future: "Future") -> bool:
    """Whether the task failed because the workers running it died (on each of distributed's tries)."""
    from distributed.scheduler import KilledWorker

    return future.status == "error" and isinstance(future.exception(), KilledWorker)
