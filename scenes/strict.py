"""NumPy's floating-point warnings as errors while an output of the article is built: no NaN is published.

NumPy's answer to 0/0, to the mean of no images or to an overflow is a line on
stderr and a NaN or an infinity in the result; the render goes on, exits 0, and
the figure, its CSV and its alt text say "nan".  Inside a build such an event
raises instead, so the output fails with what happened and the others render.
The degenerate inputs the scenes know of (a training set of one class, a
landscape too narrow to draw) are refused before that, in words; this
catches what no check foresaw.

Underflow is left alone: a probability of 1e-400 rounding to 0 is the right
answer, and the sigmoid and softplus reach it for every confident prediction.
"""

from __future__ import annotations

import functools
import threading
import warnings
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

Built = TypeVar("Built")


@contextmanager
def _runtime_warnings_raise() -> Iterator[None]:
    """RuntimeWarnings as errors (NumPy's "Mean of empty slice" is one, warned before the 0/0 it leads to),
    in the main thread only: the warnings filters are one list for the whole process, and threads saving and
    restoring it around their builds would undo each other's (a Dask worker builds outputs in threads, where
    ``np.errstate``, which each thread has its own of, still raises for every floating-point error)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def strict_numpy(build: Callable[[], Built]) -> Callable[[], Built]:
    """``build``, with NumPy's division by zero, overflow and invalid operations raising while it runs.

    ``functools.wraps`` keeps the build's module, which is where the engine
    looks for the code an output depends on: this guard changes no output it
    lets through, so it is rightly no part of that.
    """
    @functools.wraps(build)
    def strictly() -> Built:
        import numpy as np  # here, not at the top: declaring the outputs needs no NumPy

        with np.errstate(all="raise", under="ignore"), _runtime_warnings_raise():
            return build()

    return strictly
