"""The Dask scheduler a run renders on (``--backend dask --scheduler ADDRESS``): the client's session, and
what the scheduler's loss means for the outputs.

distributed logs what goes wrong on its side with tracebacks of its own (a
scheduler gone: 34 lines while the client gives up reconnecting).  The run
says it in one line per output (:func:`scheduler_lost`), so those logs are
silenced while the client lives (:func:`library_logs_silenced`).
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Iterator

from render.errors import RenderError

if TYPE_CHECKING:
    from distributed import Client


class SchedulerError(RenderError):
    """The scheduler cannot be used, or went away: said in one line."""


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

    distributed cancels every task of a client that lost its scheduler, and
    joblib passes the first cancellation on: its text names a task key, none
    of the outputs.
    """
    from distributed import default_client

    try:
        client = default_client()
    except ValueError:  # no client left at all
        return SchedulerError("the Dask scheduler went away")
    if client.status == "running":
        return None
    return SchedulerError(f"the Dask scheduler at {client.scheduler.address} went away")
