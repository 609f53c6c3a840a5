"""Where outputs go, and how they get there without ever being half-written.

Every file is written under a hidden temporary name in its final directory
and renamed into place only once complete: ``os.replace`` is atomic on one
filesystem, so a reader (a browser, ``make``) sees the old file or the new
one, never a partial one, even if the render is interrupted.

An output's files are written together in a staging directory of their own
(:class:`Staging`) and published together once all of them are complete:
a video whose WebM fails publishes none of its files, not only those that
finished first.  A staging directory is locked by the process that writes
it, so whatever a killed process left (staging directories, hidden
``.partial`` files) is recognised and removed, never what a running one is
writing: staging directories at the start of every run and when a run is
interrupted (:func:`remove_abandoned_staging`), the rest when a run publishes
(:func:`remove_leftovers`).

Everything the toolkit keeps for itself in an output directory (records,
staging directories, the publish lock) lives in one hidden folder,
``OUT/.render/`` (:data:`BOOKKEEPING_DIR`): the output directory holds only
what is published, so what you copy to publish is everything else.  The
only bookkeeping outside it is the ``.partial`` file of a write in
progress, which must sit beside its final path for the rename to be atomic.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import struct
import tempfile
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

# A file or output name: letters, digits, "_", "-", "@", "." (not first, so never "." or ".." or hidden).
PLAIN_NAME = re.compile(r"[\w@-][\w.@-]*")
PARTIAL_MARK = ".partial"
# The one folder of an output directory that is not published: its bookkeeping, all of it below.
BOOKKEEPING_DIR = ".render"
STAGING_DIR = f"{BOOKKEEPING_DIR}/staging"  # NAME.XXXX/: one render's files before they are published
RECORDS_DIR = f"{BOOKKEEPING_DIR}/records"  # NAME.json: what each output is and what made it (render.manifest)
PUBLISH_LOCK = f"{BOOKKEEPING_DIR}/publish.lock"  # held while the manifest and gallery are written
# Where that bookkeeping lived before it had a folder: removed, never read (its outputs simply re-render).
LEGACY_BOOKKEEPING = (".records", ".staging", ".publish.lock")


class OutputWriteError(Exception):
    """A writer finished without producing the file it promised."""


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` if the block succeeds.

    The temporary name keeps the extension, so libraries that pick a format
    from it (matplotlib, kaleido, ffmpeg) still do.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f"{PARTIAL_MARK}{path.suffix}")
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        if not temporary.exists() or temporary.stat().st_size == 0:
            raise OutputWriteError(f"nothing was written for {path.name}")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        if error.filename == str(temporary):  # the user knows the file by the name it was to have
            error.filename = str(path)
        raise
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> Path:
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's header, or ``None`` if it is not a PNG."""
    with open(path, "rb") as stream:
        header = stream.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", header[16:24])


@dataclass(frozen=True)
class OutputLayout:
    """The one place output paths are derived from: ``out_dir/NAME[-THEME].EXT``."""

    out_dir: Path
    theme_suffix: str = ""  # "" for the default theme, "-light" for its twin

    def file(self, name: str, extension: str, variant: str = "") -> Path:
        """``NAME[-THEME][VARIANT].EXT``, e.g. ``loss-compressed-light@1x.png``."""
        return self.out_dir / f"{name}{self.theme_suffix}{variant}.{extension}"

    def data_file(self, name: str, suffix: str = "", extension: str = "csv") -> Path:
        """Data behind an output, one file per theme twin.

        Each twin owns its data, so twins rendered with different seeds never
        leave a figure beside another render's numbers.
        """
        stem = f"{name}{self.theme_suffix}-{suffix}" if suffix else f"{name}{self.theme_suffix}"
        return self.out_dir / "data" / f"{stem}.{extension}"


class Staging:
    """A directory in ``STAGING_DIR`` where one render writes every file, to publish them together.

    Held locked (``flock`` on the directory itself) from creation to removal,
    so :func:`remove_abandoned_staging` tells a live render from one that was killed:
    the kernel releases a killed process's locks.  Leaving the block removes
    the directory and whatever was not published.
    """

    def __init__(self, out_dir: Path, name: str) -> None:
        self.out_dir = Path(out_dir)
        self.name = name
        self.directory: Path | None = None
        self._lock: int | None = None  # a descriptor of the directory, holding its lock

    def __enter__(self) -> "Staging":
        parent = self.out_dir / STAGING_DIR
        parent.mkdir(parents=True, exist_ok=True)
        # Created and locked under a shared lock of the parent, which remove_abandoned_staging holds exclusively:
        # it never sees a directory between its creation and its lock.
        with locked(parent, fcntl.LOCK_SH):
            self.directory = Path(tempfile.mkdtemp(dir=parent, prefix=f"{self.name}."))
            self._lock = os.open(self.directory, os.O_RDONLY)
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc_info: object) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
        os.close(self._lock)

    def final_path(self, staged: Path) -> Path:
        """Where a file written in the staging directory is published."""
        return self.out_dir / Path(staged).relative_to(self.directory)

    def publish(self, staged: Iterable[Path]) -> list[Path]:
        """Move ``staged`` files into place, each atomically, in the order given; their final paths."""
        published = []
        for path in staged:
            final = self.final_path(path)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
            published.append(final)
        return published


@contextlib.contextmanager
def locked(directory: Path, mode: int) -> Iterator[None]:
    """Hold ``flock`` ``mode`` on ``directory`` itself (released by the kernel if the process is killed)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, mode)
        yield
    finally:
        os.close(descriptor)  # and with it the lock


def remove_leftovers(out_dir: Path, partial_dirs: Iterable[str] = ("", "data", RECORDS_DIR)) -> list[Path]:
    """Remove what killed renders left in ``out_dir``: unlocked staging directories, and hidden
    ``.partial`` files in ``partial_dirs``; and the bookkeeping of the layout before
    :data:`BOOKKEEPING_DIR` (:func:`remove_legacy_bookkeeping`).  What was removed.

    The ``.partial`` files outside staging are written only under the caller's
    lock on the output directory (the manifest and gallery), so call this
    holding it.
    """
    removed = remove_abandoned_staging(out_dir)
    for name in partial_dirs:
        directory = Path(out_dir) / name
        if directory.is_dir():
            for path in directory.glob(f".*{PARTIAL_MARK}*"):
                with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                    path.unlink()
                    removed.append(path)
    return removed + remove_legacy_bookkeeping(out_dir)


def remove_abandoned_staging(out_dir: Path) -> list[Path]:
    """Remove the staging directories of ``out_dir`` that no live process holds; what was removed.

    Safe at any time, without the output directory's lock: a live render
    holds its directory's ``flock`` from creation to removal (:class:`Staging`),
    so only a killed or interrupted render's directory is unlocked.  A lock,
    not a recorded process id, tells them apart: the kernel drops it the
    moment its holder dies, however it dies, whereas a process id may be
    reused, and means nothing on the other hosts of a Dask cluster writing
    to a shared folder.  So a run calls this at its start and when it is
    interrupted (what its killed workers left), not only at its end.
    """
    removed: list[Path] = []
    parent = Path(out_dir) / STAGING_DIR
    if parent.is_dir():
        with locked(parent, fcntl.LOCK_EX):
            for directory in parent.iterdir():
                if directory.is_dir() and not _in_use(directory):
                    shutil.rmtree(directory, ignore_errors=True)
                    removed.append(directory)
    return removed


def remove_legacy_bookkeeping(out_dir: Path) -> list[Path]:
    """Remove the top-level ``.records/``, ``.staging/`` and ``.publish.lock`` an earlier version kept in
    ``out_dir`` (:data:`LEGACY_BOOKKEEPING`, those names only); what was removed.

    They are not migrated: without a record its output renders once more, into
    :data:`BOOKKEEPING_DIR`, and the output directory holds no hidden folder
    but that one.  A symbolic link by one of these names is removed, never
    followed.
    """
    removed = []
    for name in LEGACY_BOOKKEEPING:
        path = Path(out_dir) / name
        if not os.path.lexists(path):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        if not os.path.lexists(path):  # else not removable (permission denied): the next run tries again
            removed.append(path)
    return removed


def _in_use(directory: Path) -> bool:
    """Whether a live process holds ``directory``'s lock (a killed one's lock is released by the kernel)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False
