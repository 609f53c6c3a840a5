"""Swapping two paths in one step, so that a folder's place is never empty while it is replaced.

Replacing a folder with two renames (the old one aside, the new one in) leaves
its place empty between them: a process killed there leaves nothing at all.
Linux's ``renameat2(RENAME_EXCHANGE)`` swaps two entries of a file system
atomically; Python's ``os`` does not offer it and no maintained library does
either, hence these few lines over ``ctypes``.  Where the call is missing
(another system, an old C library) or refused (a file system without it),
:func:`exchange` says so and the caller falls back to the two renames.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2  # linux/fs.h


class ExchangeUnsupported(OSError):
    """This system or file system cannot swap two paths atomically."""


def _renameat2():
    """The C library's ``renameat2``, or ``None`` where it has none (glibc before 2.28, not Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> None:
    """Swap ``first`` and ``second`` (both must exist) in one step: at every moment each path names one of them.

    Raises :class:`ExchangeUnsupported` where the system cannot, any other ``OSError`` as ``rename`` would.
    """
    function = _renameat2()
    if function is None:
        raise ExchangeUnsupported(errno.ENOSYS, "atomic exchange is not available here", str(first))
    if function(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        raise ExchangeUnsupported(code, os.strerror(code), str(first), None, str(second))
    raise OSError(code, os.strerror(code), str(first), None, str(second))
