"""What a render is asked to do, and what every writer is handed: the bottom of ``render``.

The pipeline and the writers (figure, video, surface) all import this module
and it imports none of them, so there is no import circle between the code
that schedules outputs and the code that writes them.  It holds:

* the settings types, each default defined here once (the command line shows
  these defaults, the Makefile passes nothing unless told to), each checked
  once, when it is made: a ``VideoSettings`` that exists can make a video;
* :class:`RunSession`, the resources the outputs of one run share;
* the :class:`Writer` protocol and :class:`Written`, what a writer returns:
  each file with the facts its own check found, so nothing reads a file back twice.

It imports nothing heavy: the command line parses its options from here
before any plotting, video or browser library is loaded.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol

from render.encode import FORMATS
from render.errors import RenderError
from render.files import OutputLayout
from render.layouts import LAID_OUT_ROLES, PHONE
from render.post import POSTS_OUT
from render.theme import DEFAULT_THEME, theme_suffix

DEFAULT_FPS = 10.0  # one frame per recorded step, as the first post's FFMpegWriter(fps=10) had it
DEFAULT_SIZE = (1280, 720)
# name -> (width, height, fps), in the spirit of manim's -ql/-qm/-qh/-qk
PRESETS: dict[str, tuple[int, int, float]] = {
    "low": (854, 480, 15.0),
    "medium": (1280, 720, 30.0),
    "high": (1920, 1080, 60.0),
    "4k": (3840, 2160, 60.0),
}
# WebM beside MP4 so a page's <video> offers both sources, and a poster to show before it plays.
DEFAULT_VIDEO_FORMATS = ("mp4", "webm", "poster")
IMAGE_FORMATS = ("png", "svg", "webp")  # what kaleido draws a surface as
PLOTLYJS_MODES = ("directory", "cdn", "inline")
# Bounds of the numbers a render is asked for, checked when the command line is parsed and again
# when the settings are made: beyond them a render fails late, inside ffmpeg or Chrome, or never ends.
FPS_RANGE = (1, 240)  # frames per second: ffmpeg's rate parser and players handle these
MAX_DURATION = 600  # seconds of video: ten minutes of a descent is already a lecture
MAX_FRAMES = 36_000  # ten minutes at 60 fps: the frames are streamed, but every one is drawn and encoded
MAX_EXPORT_TIMEOUT = 3600  # seconds a surface image may take: an hour means a browser has hung
MAX_JOBS = 256  # workers at once: more than a machine has cores, fewer than would exhaust its processes
MAX_GRID_LIMIT = 1000  # |W| a landscape may be forced to cover (--grid-limit)
GRID_SIZE_RANGE = (2, 1000)  # points per side of the loss meshgrid (see MAX_SURFACE_POINTS)
# A 3D surface of more points than this is a page of tens of megabytes that a browser's WebGL
# (and kaleido's export) cannot draw: 5000 x 5000 took 6.8 GB and failed in Chrome.
MAX_SURFACE_POINTS = 500 * 500


class SettingsError(RenderError):
    """A setting that cannot make an output (no frame, unknown preset, ...)."""


def unknown_choices(what: str, given: tuple[str, ...], choices, allow_empty: bool = False) -> SettingsError | None:
    """The error for names not among ``choices`` (or for none at all), else ``None``: one wording for the
    command line, which checks a list as it is parsed, and for the settings, which check it when made."""
    unknown = [name for name in given if name not in choices]
    if unknown or not (given or allow_empty):
        return SettingsError(f"unknown {what} {', '.join(map(repr, unknown)) or '(none given)'}; "
                             f"choose from {', '.join(choices)}")
    return None


@dataclass(frozen=True)
class VideoSettings:
    """How videos are encoded; ``None`` means the default: 1280x720 at 10 fps, ten steps a second after a slower
    start, between the held first and last frames (``render.video.video_timeline``).

    Checked when made, so every writer can trust it: ``size`` and ``frame_rate``
    are the resolved values.
    """

    formats: tuple[str, ...] = DEFAULT_VIDEO_FORMATS
    quality: str | None = None
    fps: float | None = None
    duration: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "formats", tuple(self.formats))
        error = unknown_choices("video format", self.formats, FORMATS)
        if error:
            raise error
        if self.quality is not None and self.quality not in PRESETS:
            raise SettingsError(f"unknown quality {self.quality!r}; choose from {', '.join(PRESETS)}")
        fps = self.frame_rate
        if not (math.isfinite(fps) and FPS_RANGE[0] <= fps <= FPS_RANGE[1]):
            raise SettingsError(f"the frame rate must be between {FPS_RANGE[0]:g} and {FPS_RANGE[1]:g} frames per "
                                f"second, got {fps:g}")
        if self.duration is not None:
            if not (math.isfinite(self.duration) and 0 < self.duration <= MAX_DURATION):
                raise SettingsError(f"the duration must be a positive number of seconds, at most {MAX_DURATION:g}, "
                                    f"got {self.duration:g}")
            if self.duration * fps > MAX_FRAMES:
                raise SettingsError(f"{self.duration:g} s at {fps:g} fps is {self.duration * fps:.0f} frames, more "
                                    f"than {MAX_FRAMES}: lower --fps or --duration")
            if self.duration < 1 / fps:
                raise SettingsError(
                    f"a duration of {self.duration:g} s is shorter than one frame at {fps:g} fps ({1 / fps:.3g} s)"
                )

    @property
    def size(self) -> tuple[int, int]:
        return PRESETS[self.quality][:2] if self.quality else DEFAULT_SIZE

    @property
    def frame_rate(self) -> float:
        if self.fps is not None:
            return float(self.fps)
        return PRESETS[self.quality][2] if self.quality else DEFAULT_FPS


@dataclass(frozen=True)
class SurfaceSettings:
    """How 3D surfaces are written: plotly.js placement, fragments, static image formats."""

    plotlyjs: str = "directory"
    fragment: bool = False
    image_formats: tuple[str, ...] = ("png",)
    export_timeout: float = 60.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "image_formats", tuple(self.image_formats))
        if self.plotlyjs not in PLOTLYJS_MODES:
            raise SettingsError(f"unknown plotly.js placement {self.plotlyjs!r}; choose from {', '.join(PLOTLYJS_MODES)}")
        error = unknown_choices("image format", self.image_formats, IMAGE_FORMATS, allow_empty=True)  # HTML only
        if error:
            raise error
        if not (math.isfinite(self.export_timeout) and 0 < self.export_timeout <= MAX_EXPORT_TIMEOUT):
            raise SettingsError(f"the export timeout must be a positive number of seconds, at most "
                                f"{MAX_EXPORT_TIMEOUT:g}, got {self.export_timeout:g}")




@dataclass(frozen=True)
class RenderSettings:
    out_dir: Path = POSTS_OUT
    theme: str = DEFAULT_THEME
    video: VideoSettings = field(default_factory=VideoSettings)
    surface: SurfaceSettings = field(default_factory=SurfaceSettings)
    force: bool = False  # render even outputs whose files are up to date
    # A frame progress bar for videos, on a terminal; off when several workers share one terminal.
    frame_progress: bool = True

    @property
    def layout(self) -> OutputLayout:
        return OutputLayout(self.out_dir, theme_suffix(self.theme))


class RunSession:
    """Resources shared by the outputs of one run, opened on first use, closed at the end.

    A writer that needs something expensive (a browser for static exports)
    asks ``session.shared(key, factory)``; ``factory`` returns a context
    manager, entered once per run and exited when the run ends, even on error.
    (With ``--jobs N`` each worker process has a session of its own.)
    """

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._resources: dict[str, object] = {}

    def shared(self, key: str, factory: Callable[[], contextlib.AbstractContextManager]) -> object:
        if key not in self._resources:
            self._resources[key] = self._stack.enter_context(factory())
        return self._resources[key]

    def __enter__(self) -> "RunSession":
        return self

    def __exit__(self, *exc_info) -> None:
        self._stack.close()


@dataclass(frozen=True)
class Written:
    """A file a writer wrote, what it is for, and what its check of that file found.

    ``role`` is one of :data:`ROLES`, said by the writer that knows it, recorded
    in the manifest: pages and bundles read it, never guess it from a name.
    ``facts`` are the measurements the manifest records (``width``,
    ``height``, ``frames``, ``duration``): a video's come from the one read-back
    that verified it, so the manifest never probes the file again.
    """

    path: Path
    role: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"{self.path.name}: unknown role {self.role!r}; one of {', '.join(ROLES)}")
        if self.path.suffix != ROLES[self.role].suffix:
            raise ValueError(f"{self.path.name}: a {self.role} file is a {ROLES[self.role].suffix}")


@dataclass(frozen=True)
class Role:
    """What a file of an output is for, and the suffix every file of that role has (a page puts a ``.png`` in an
    ``<img>``, never whatever a hand-edited record names)."""

    suffix: str
    description: str


# What each file of an output is for, by the name pages and bundles know it by.
ROLES: dict[str, Role] = {
    "png": Role(".png", "the image, at twice the pixels it is shown at (a figure's), or a 3D view's still"),
    "png1x": Role(".png", "the image at the pixels it is shown at, for srcset"),
    # What a page offers first (render.images says how each kind is encoded, and why); the PNGs are its fallback.
    "webp": Role(".webp", "the image as WebP, as many pixels as its PNG"),
    "webp1x": Role(".webp", "the image as WebP at the pixels it is shown at, for srcset"),
    "svg": Role(".svg", "the image as vector graphics"),
    "mp4": Role(".mp4", "the video as H.264 MP4"),
    "webm": Role(".webm", "the video as VP9 WebM"),
    "gif": Role(".gif", "the video as an animated GIF"),
    "poster": Role(f".{FORMATS['poster'].extension}", "the video's last frame as WebP (lossless), shown before it plays"),
    "vtt": Role(".vtt", "the video's descriptions track (WebVTT): what happens when, in words"),
    "html": Role(".html", "a 3D view's interactive page"),
    "js": Role(".js", "the script a 3D view's page loads (plotly.min.js, shared)"),
    "data": Role(".csv", "the numbers behind the output, as CSV"),
}
ROLES.update({PHONE.role(role): Role(ROLES[role].suffix, f"{ROLES[role].description}, laid out for a phone")
              for role in LAID_OUT_ROLES})


class Writer(Protocol):
    def __call__(self, name: str, content: Any, settings: RenderSettings, session: RunSession) -> list[Written]: ...
