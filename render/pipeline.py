"""From declared outputs to files: pick the right writer, collect what happened.

The pipeline knows nothing about the article.  It receives ``Output``
declarations, asks each whether its inputs are there, builds its content,
hands it to the writer registered for its kind, and checks that every file
the writer claims to have written exists.  One output failing does not stop
the others: the caller gets an :class:`Outcome` for each.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol, Sequence

from render.chrome import chrome_identity
from render.errors import RenderError
from render.figure import export_figure
from render.files import OutputLayout, OutputWriteError
from render.keys import engine_digest, output_key, scene_digest
from render.manifest import (
    OutputRecord,
    describe_file,
    is_fresh,
    library_versions,
    load_record,
    record_path,
    save_record,
)
from render.spec import Content, Output
from render.theme import DEFAULT_THEME, theme_suffix
from render.surface import write_surface
from render.video import write_video


@dataclass(frozen=True)
class VideoSettings:
    """How videos are encoded; ``None`` means the article's default (see render.video)."""

    formats: tuple[str, ...] = ("mp4", "poster")
    quality: str | None = None
    fps: float | None = None
    duration: float | None = None


@dataclass(frozen=True)
class SurfaceSettings:
    """How 3D surfaces are written: plotly.js placement, fragments, static image formats."""

    plotlyjs: str = "directory"
    fragment: bool = False
    image_formats: tuple[str, ...] = ("png",)
    export_timeout: float = 60.0


@dataclass(frozen=True)
class RenderSettings:
    out_dir: Path = Path("output")
    theme: str = DEFAULT_THEME
    video: VideoSettings = VideoSettings()
    surface: SurfaceSettings = SurfaceSettings()
    force: bool = False  # render even outputs whose files are up to date

    def kind_settings(self, kind: str) -> dict[str, object]:
        """The settings that change the files of an output of ``kind`` (part of its rebuild key)."""
        if kind == "video":
            return dataclasses.asdict(self.video)
        if kind == "surface":
            # How long an export may take does not change the image it makes.
            return {k: v for k, v in dataclasses.asdict(self.surface).items() if k != "export_timeout"}
        return {}

    @property
    def layout(self) -> OutputLayout:
        return OutputLayout(self.out_dir, theme_suffix(self.theme))


class RunSession:
    """Resources shared by the outputs of one run, opened on first use, closed at the end.

    A writer that needs something expensive (a browser for static exports)
    asks ``session.shared(key, factory)``; ``factory`` returns a context
    manager, entered once per run and exited when the run ends, even on error.
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


class Writer(Protocol):
    def __call__(self, name: str, content: Content, settings: RenderSettings, session: RunSession) -> list[Path]: ...


def write_figure(name: str, content: Content, settings: RenderSettings, session: RunSession) -> list[Path]:
    return export_figure(name, content, settings.layout, settings.theme)


WRITERS: dict[str, Writer] = {"figure": write_figure, "video": write_video, "surface": write_surface}
# The external program a kind's writer drives, by version (ffmpeg ships inside
# imageio-ffmpeg, whose version is among the libraries): a new one re-renders.
TOOL_VERSIONS: dict[str, Callable[[], str]] = {"surface": chrome_identity}
GROUPS = {"figures": "figure", "videos": "video", "surfaces": "surface"}  # group name -> kind


@dataclass
class Outcome:
    name: str
    status: str  # "rendered" | "unchanged" | "skipped" | "failed"
    message: str = ""
    paths: list[Path] = field(default_factory=list)
    seconds: float = 0.0


class UnknownOutputError(RenderError):
    pass


def select_outputs(outputs: Sequence[Output], names: Iterable[str]) -> list[Output]:
    """The outputs named (or in a named group), in article order, each once."""
    by_name = {output.name: output for output in outputs}
    wanted: set[str] = set()
    for name in names:
        if name == "all":
            wanted.update(by_name)
        elif name in GROUPS:
            wanted.update(o.name for o in outputs if o.kind == GROUPS[name])
        elif name in by_name:
            wanted.add(name)
        else:
            known = ", ".join(["all", *GROUPS, *by_name])
            raise UnknownOutputError(f"unknown output {name!r}; known outputs: {known} (see 'render list')")
    return [output for output in outputs if output.name in wanted]


def render_output(
    output: Output,
    settings: RenderSettings,
    session: RunSession,
    expected_errors: tuple[type[Exception], ...] = (),
    key: str | None = None,
) -> Outcome:
    """Render one output unless its record says it is up to date under ``key``.

    A user-facing error becomes a failed outcome; a bug propagates.  With a
    ``key``, a successful render leaves a record (see ``render.manifest``).
    """
    reason = output.unavailable()
    if reason:
        return Outcome(output.name, "skipped", reason)
    out_dir = settings.out_dir
    stem = f"{output.name}{theme_suffix(settings.theme)}"
    if key is not None and not settings.force:
        record = load_record(out_dir, stem)
        if is_fresh(record, key, out_dir):
            return Outcome(output.name, "unchanged", paths=[out_dir / f["path"] for f in record.files])
    writer = WRITERS[output.kind]
    started = time.perf_counter()
    # From here the files may change: a record left behind by an earlier render
    # would vouch for files this render may replace only in part.
    record_path(out_dir, stem).unlink(missing_ok=True)
    try:
        content = output.build()
        paths = writer(output.name, content, settings, session)
        missing = [str(p) for p in paths if not Path(p).is_file()]
        if missing:
            raise OutputWriteError(f"the {output.kind} writer claimed files it did not write: {', '.join(missing)}")
        seconds = time.perf_counter() - started
        if key is not None:
            record = OutputRecord(
                name=output.name, kind=output.kind, theme=settings.theme, key=key, caption=output.caption,
                alt=content.alt, parameters=output.parameters, versions=library_versions(),
                seconds=round(seconds, 3), files=[describe_file(Path(p), out_dir) for p in paths],
            )
            save_record(out_dir, stem, record)
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        message = f"{error.strerror or error}{where}"
        return Outcome(output.name, "failed", message, seconds=time.perf_counter() - started)
    except (RenderError, OutputWriteError, *expected_errors) as error:
        return Outcome(output.name, "failed", str(error), seconds=time.perf_counter() - started)
    return Outcome(output.name, "rendered", paths=paths, seconds=seconds)


def render_all(
    outputs: Sequence[Output],
    settings: RenderSettings,
    expected_errors: tuple[type[Exception], ...] = (),
    report: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Render ``outputs`` in order, skipping those whose files are up to date."""
    engine = engine_digest()
    versions = library_versions()
    tools: dict[str, str] = {}  # kind -> version of the external tool its writer drives
    outcomes = []
    with RunSession() as session:
        for output in outputs:
            if output.kind in TOOL_VERSIONS and output.kind not in tools:
                tools[output.kind] = TOOL_VERSIONS[output.kind]()
            scene = scene_digest(output)
            try:
                key = None if scene is None else output_key(
                    output, settings.theme, settings.kind_settings(output.kind),
                    code={"engine": engine, "scene": scene}, tools={**versions, "tool": tools.get(output.kind, "")},
                )
            except OSError:
                key = None  # an unreadable input: render (and fail) without trusting any record
            outcome = render_output(output, settings, session, expected_errors, key)
            report(outcome)
            outcomes.append(outcome)
    return outcomes
