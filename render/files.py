"""Where outputs go, and how they get there without ever being half-written.

Every file is written under a hidden temporary name in its final directory
and renamed into place only once complete: ``os.replace`` is atomic on one
filesystem, so a reader (a browser, ``make``) sees the old file or the new
one, never a partial one, even if the render is interrupted.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

PARTIAL_MARK = ".partial"


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
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> Path:
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path


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
