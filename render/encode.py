"""Frame-writing: raw RGBA frames in on an ffmpeg process's stdin, a verified file out.

This is the toolkit's interface to ffmpeg (the binary imageio-ffmpeg ships,
so there is nothing to install).  It knows nothing about what the frames show:
``render.video`` makes frames, the formats here write them, in the spirit of
matplotlib's ``MovieWriter`` (``setup / grab_frame / finish``) and manim's
``SceneFileWriter``.  A new format is one more class in ``FORMATS``.

Every file is written under a temporary name (:func:`render.files.atomic_path`),
read back and checked (codec, pixel format, size, frame count, duration)
before it is renamed into place.  If anything goes wrong, Ctrl-C or a kill
included, ffmpeg is killed and waited for and nothing appears at the output
path.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Iterator, Protocol

try:
    import fcntl
except ImportError:  # not POSIX: pipes keep their default size
    fcntl = None

from render.errors import RenderError
from render.files import PARTIAL_MARK, atomic_path
from render.processes import (
    LINE_WIDTH,
    WAIT_AFTER_KILL,
    Drain,
    kill_group,
    last_line,
    marked_environment,
    new_mark,
    quoted,
    run_bounded,
    stop_marked,
    text_of,
)

STDERR_LINES = 8  # how much of ffmpeg's own report an error quotes: its last lines,
REPORT_WIDTH = 600  # at most this many characters of them
PIPE_BYTES = 1 << 20  # a 1 MiB pipe: fewer wake-ups per frame than the default 64 KiB
OUTPUT_BYTES = 1 << 20  # the most ffmpeg's stdout is asked for (a GIF's palette is 1 KiB)
# Deadlines of an ffmpeg run: at least this, plus this much per megapixel of frames (drawing included).
DEADLINE_FLOOR = 120.0
SECONDS_PER_MEGAPIXEL_FRAME = 0.25
VERSION_TIMEOUT = 15.0
FFMPEG_ENV = "IMAGEIO_FFMPEG_EXE"  # imageio-ffmpeg's variable naming the ffmpeg to use
# How GIF frames are mapped to their palette: ordered dithering keeps the still background identical from frame
# to frame, so only the rectangle that changed is stored.
GIF_PALETTE_USE = "paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle"
KEYFRAME_SECONDS = 5  # the longest gap between two keyframes of a video: VideoFormat.keyframe_interval
GIF_MAX_FPS = 50  # GIF delays are in 1/100 s, and browsers slow down anything under 2/100 s
COMPONENT_TAG = re.compile(r"^\[[^\]]* @ 0x[0-9a-f]+\] ")  # "[vost#0:0 @ 0x55...] " before a message
# ffmpeg's description of the input's video stream, e.g.
# "Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x...), yuv420p(tv, bt709, progressive), 1280x720 [SAR 1:1 ...]"
INPUT_STREAM = re.compile(r"Stream #\d+:\d+\S*: Video: (?P<codec>[^\s,]+).*?, (?P<pix_fmt>[a-z0-9_]+)(?:\([^)]*\))?, "
                          r"(?P<width>\d+)x(?P<height>\d+)")
# Its last progress line, once every frame is decoded: "frame=  101 fps=... time=00:00:10.10 ..."
DECODED = re.compile(r"frame=\s*(?P<frames>\d+)\b.*?time=\s*(?P<h>\d+):(?P<m>\d+):(?P<s>[\d.]+)")


class EncodeError(RenderError):
    """ffmpeg failed, or the file it wrote is not the video that was asked for."""


class NotFfmpeg(EncodeError):
    """A program run as ffmpeg answered, but not as ffmpeg does; ``printed`` quotes what it printed instead."""

    def __init__(self, exe: str, printed: str) -> None:
        super().__init__(f"{exe} does not say it is ffmpeg (its -version printed {printed})")
        self.printed = printed


@dataclass(frozen=True)
class VideoShape:
    """What is asked of every file of one video: pixel size, frame rate, frame count."""

    width: int
    height: int
    fps: float
    frames: int

    @property
    def frame_bytes(self) -> int:
        return self.width * self.height * 4

    def raw_input_args(self, fps: float | None = None) -> list[str]:
        """ffmpeg's input options for our frames: packed RGBA, top row first."""
        return ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{self.width}x{self.height}",
                "-framerate", repr(float(fps or self.fps)), "-i", "pipe:0"]


class FrameSink(Protocol):
    """Where frames go: ``write`` each frame, in order.

    A frame is the canvas's RGBA buffer, valid until the next frame is drawn.
    """

    def write(self, frame: memoryview | bytes) -> None: ...


def ffmpeg_exe() -> str:
    import imageio_ffmpeg  # only when a video is written or read

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as error:  # no bundled binary for this platform and none on PATH
        raise EncodeError(f"no ffmpeg binary: {error}") from None


def work_deadline(shape: VideoShape) -> float:
    """Seconds one ffmpeg run on ``shape``'s frames may take, drawing them included: a generous floor,
    plus a budget per megapixel of frames some ten times what a loaded two-core machine needs."""
    megapixel_frames = shape.width * shape.height * shape.frames / 1e6
    return DEADLINE_FLOOR + SECONDS_PER_MEGAPIXEL_FRAME * megapixel_frames


def ffmpeg_version(exe: str) -> str:
    """The first line of ``ffmpeg -version`` (``ffmpeg version 7.0.2-static ...``), without its copyright."""
    done = run_bounded([exe, "-hide_banner", "-version"], VERSION_TIMEOUT, f"{exe} -version")
    first = (text_of(done.stdout).strip().splitlines() or [""])[0].split(" Copyright")[0].strip()
    if done.returncode != 0:
        raise EncodeError(last_line(done.stderr, f"exit status {done.returncode}"))
    if not first.startswith("ffmpeg version "):
        raise NotFfmpeg(exe, quoted(first))
    return first


def ffmpeg_identity() -> str:
    """Which ffmpeg writes the videos: its path, size and version.

    Part of a video's rebuild key: pointing ``IMAGEIO_FFMPEG_EXE`` at another
    ffmpeg, or upgrading it, re-renders the videos.  The key is found before
    any frame is drawn, so this is where a program that is not ffmpeg, or does
    not run, is refused: in one line naming where it came from, rather than
    after the frames, when it fails to encode them with nothing to say.
    """
    exe, version = checked_ffmpeg()
    found = shutil.which(exe) or exe  # the variable may name a program on PATH
    try:
        return f"{os.path.realpath(found)} {os.path.getsize(found)} {version}"
    except OSError as error:
        named, advice = _ffmpeg_source(exe)
        raise EncodeError(f"{named} does not run ({error.strerror or error}); {advice}") from None


def checked_ffmpeg() -> tuple[str, str]:
    """The ffmpeg that writes the videos and its version line; else an :class:`EncodeError` in one line naming
    where it came from (``IMAGEIO_FFMPEG_EXE=...``) and what to do, the same for a render and for ``doctor``."""
    exe = ffmpeg_exe()
    named, advice = _ffmpeg_source(exe)
    try:
        return exe, ffmpeg_version(exe)
    except NotFfmpeg as error:
        raise EncodeError(f"{named} is not ffmpeg (its -version printed {error.printed}); {advice}") from None
    except (RenderError, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise EncodeError(f"{named} does not run ({reason}); {advice}") from None


def _ffmpeg_source(exe: str) -> tuple[str, str]:
    """How a user knows the ffmpeg ``exe`` (by the variable that named it, if one did), and what to do when
    it is not one."""
    if os.environ.get(FFMPEG_ENV):  # imageio-ffmpeg takes it as given, untested
        return f"{FFMPEG_ENV}={exe}", "point it at an ffmpeg or unset it"
    return exe, f"reinstall imageio-ffmpeg, or set {FFMPEG_ENV} to an ffmpeg"


class FfmpegProcess:
    """One ffmpeg run fed on stdin, with a deadline; killed, with its process group, if the block it serves fails.

    ffmpeg runs in its own session, so a Ctrl-C at the terminal reaches only
    Python, which then kills it: ffmpeg never gets to finalize a half-written
    file on its own.  What it prints is read by threads as it comes, keeping
    only the end of its report and the start of its output (:class:`Drain`),
    so neither a talkative ffmpeg nor one that writes before it reads can
    block on a full pipe, fill the memory or fill a disk.  A watchdog kills it
    at ``deadline`` seconds: one that stops reading (asleep, stopped, hung)
    fails the render instead of hanging it.
    """

    def __init__(self, args: list[str], description: str, deadline: float, pass_fds: tuple[int, ...] = ()) -> None:
        self.args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning", "-y", *args]
        self.description = description
        self.deadline = deadline
        self.pass_fds = pass_fds
        self._process: subprocess.Popen | None = None
        self._output: Drain | None = None
        self._report: Drain | None = None
        self._watchdog: threading.Timer | None = None
        self._expired = threading.Event()
        self._mark = new_mark()  # in the environment of everything it starts, in its session or out of it

    def __enter__(self) -> "FfmpegProcess":
        try:
            self._process = subprocess.Popen(
                self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                pass_fds=self.pass_fds, start_new_session=True, env=marked_environment(self._mark),
            )
        except OSError as error:
            raise EncodeError(f"cannot start ffmpeg for {self.description}: {error.strerror}") from None
        with contextlib.suppress(OSError, AttributeError):  # a larger pipe is an optimisation, not a requirement
            fcntl.fcntl(self._process.stdin.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
        self._output = Drain(self._process.stdout, limit=OUTPUT_BYTES, keep="first")
        self._report = Drain(self._process.stderr, keep="last")
        self._watchdog = threading.Timer(self.deadline, self._expire)
        self._watchdog.daemon = True
        self._watchdog.start()
        return self

    def _expire(self) -> None:
        self._expired.set()
        self._stop()

    def _stop(self) -> None:
        """Kill ffmpeg and all it started: a process that left its group could hold a pipe open for ever."""
        kill_group(self._process)
        stop_marked(self._mark)

    def write(self, frame: memoryview | bytes) -> None:
        try:
            self._process.stdin.write(frame)
        except (BrokenPipeError, ValueError):  # ValueError: the watchdog closed the pipe under us
            raise self._failure("stopped reading frames") from None

    def finish(self) -> bytes:
        """Close ffmpeg's input, wait for it to finish; its stdout, or an error with its report."""
        with contextlib.suppress(BrokenPipeError):
            self._process.stdin.close()
        self._process.wait()  # bounded: the watchdog kills it at the deadline
        output = self._output.result()
        if self._process.returncode != 0 or self._expired.is_set():
            raise self._failure(f"exited with status {self._process.returncode}")
        if self._output.total > OUTPUT_BYTES:
            raise EncodeError(f"ffmpeg printed {self._output.total} bytes while writing {self.description}, "
                              f"more than the {OUTPUT_BYTES} it is asked for")
        return output

    def _failure(self, what: str) -> EncodeError:
        self._stop()
        if self._expired.is_set():
            return EncodeError(f"ffmpeg did not finish {self.description} within {self.deadline:.0f} s and was "
                               "stopped (is it the ffmpeg you meant? `render doctor` checks it)")
        text = text_of(self._report.result(WAIT_AFTER_KILL))
        for arg in self.args:  # the temporary file is named as the file it was to become
            if PARTIAL_MARK in arg:
                text = text.replace(arg, self.description)
        lines = [COMPONENT_TAG.sub("", line.strip())[:LINE_WIDTH] for line in text.strip().splitlines()]
        report = " | ".join(lines[-STDERR_LINES:])
        if len(report) > REPORT_WIDTH:
            report = report[: REPORT_WIDTH - 1] + "…"
        return EncodeError(f"ffmpeg {what} while writing {self.description}: {report or '(no message)'}")

    def __exit__(self, exc_type, exc, traceback) -> None:
        process = self._process
        self._watchdog.cancel()
        if process.poll() is None:  # the block failed (or never called finish): stop ffmpeg now
            kill_group(process)
        stop_marked(self._mark)  # and, however it ended, whatever it left running
        with contextlib.suppress(BrokenPipeError, ValueError):
            process.stdin.close()
        self._output.result(WAIT_AFTER_KILL)
        self._report.result(WAIT_AFTER_KILL)
        process.stdout.close()
        process.stderr.close()


@dataclass(frozen=True)
class Probe:
    """What a written file turns out to be, from one decode of it by ffmpeg."""

    codec: str
    pix_fmt: str
    size: tuple[int, int]
    frames: int
    seconds: float

    def facts(self) -> dict[str, int | float]:
        """What the manifest records of a video file."""
        width, height = self.size
        return {"width": width, "height": height, "frames": self.frames, "duration": round(self.seconds, 3)}


def probe(path: Path, deadline: float = DEADLINE_FLOOR, name: str | None = None) -> Probe:
    """Decode every frame of ``path`` once: codec, pixel format and size from the stream, frames and time from the end.

    One ffmpeg process gives all five (imageio-ffmpeg's ``read_frames`` and
    ``count_frames_and_secs`` would take two, and a third to close the first).
    ``name`` is what errors call the file (a temporary file is named for the
    file it will become).
    """
    name = name or path.name
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-i", str(path), "-map", "0:v:0",
            "-vf", "null", "-f", "null", "-"]
    try:
        done = run_bounded(args, deadline, f"reading back {name}")
    except RenderError as error:
        raise EncodeError(f"cannot read back {name}: {error}") from None
    report = text_of(done.stderr)
    stream = INPUT_STREAM.search(report)
    decoded = DECODED.findall(report)
    if done.returncode != 0 or stream is None or not decoded:
        why = (f"ffmpeg exited with status {done.returncode}" if done.returncode != 0
               else "ffmpeg found no video stream" if stream is None else "ffmpeg decoded no frame")
        last = COMPONENT_TAG.sub("", last_line(done.stderr, "(no message)")).replace(str(path), name)
        raise EncodeError(f"cannot read back {name}: {why}: {last}")
    frames, hours, minutes, seconds = decoded[-1]
    return Probe(stream["codec"], stream["pix_fmt"], (int(stream["width"]), int(stream["height"])), int(frames),
                 int(hours) * 3600 + int(minutes) * 60 + float(seconds))


def mp4_boxes(path: Path) -> list[str]:
    """The top-level boxes of an MP4 file, in order (``moov`` before ``mdat`` = fast start)."""
    boxes = []
    with open(path, "rb") as stream:
        while header := stream.read(8):
            if len(header) < 8:
                break
            size, kind = int.from_bytes(header[:4], "big"), header[4:].decode("latin-1")
            if size == 1:
                size = int.from_bytes(stream.read(8), "big") - 8
            elif size == 0:  # the box runs to the end of the file
                boxes.append(kind)
                break
            elif size < 8:  # not a valid box: stop rather than loop on it
                break
            boxes.append(kind)
            stream.seek(size - 8, os.SEEK_CUR)
    return boxes


class VideoFormat:
    """One file format: the ffmpeg options that write it, and what the file must be afterwards.

    ``open`` returns a context manager yielding a :class:`FrameSink`; leaving
    the block normally finishes, verifies and renames the file into place,
    leaving it by an exception discards everything.
    """

    extension: ClassVar[str]
    codec: ClassVar[str]  # the codec name the file reads back with
    pix_fmt: ClassVar[str]
    needs_even_size: ClassVar[bool] = True

    def __init__(self, path: Path, shape: VideoShape) -> None:
        if self.needs_even_size and (shape.width % 2 or shape.height % 2):
            raise EncodeError(
                f"{self.extension} needs an even width and height (4:2:0 chroma), got {shape.width}x{shape.height}"
            )
        self.path = Path(path)
        self.shape = shape
        self.facts: dict[str, int | float] = {}  # what the read-back found, once the file is written

    # -- what a format says ------------------------------------------------------
    def output_args(self) -> list[str]:
        raise NotImplementedError

    @property
    def keyframe_interval(self) -> int:
        """Frames from one keyframe to the next: :data:`KEYFRAME_SECONDS` of them, rounded down.

        A player can only start decoding at a keyframe, so a seek decodes every frame from the one before
        the time asked.  The encoders' defaults (x264 every 250 frames, VP9 every 128) gave a 10 s descent
        one; a keyframe every second made seeking free but redrew the whole contour ten times as often and
        made the files six times larger (the 10 s descent 110 KB to 720 KB).  Our frames are flat graphics
        that change little between frames: in Chromium, a seek to just before a keyframe 5 s apart (49
        frames decoded) took some 60-100 ms on a busy two-core machine, as a keyframe every second did within
        its noise (``make bench`` measures it).  Rounded *down*, so that the gap is never longer.
        """
        return max(1, math.floor(KEYFRAME_SECONDS * self.shape.fps))

    @property
    def expected_frames(self) -> int:
        return self.shape.frames

    @property
    def expected_fps(self) -> float:
        return self.shape.fps

    def verify(self, written: Path) -> dict[str, int | float]:
        """Fail unless ``written`` has the codec, pixel format, size, frame count and duration asked; what it has."""
        found = probe(written, work_deadline(self.shape), self.path.name)
        asked_size = (self.shape.width, self.shape.height)
        seconds = self.expected_frames / self.expected_fps
        problems = []
        if found.codec != self.codec:
            problems.append(f"codec {found.codec}, not {self.codec}")
        if found.pix_fmt != self.pix_fmt:
            problems.append(f"pixel format {found.pix_fmt}, not {self.pix_fmt}")
        if found.size != asked_size:
            problems.append(f"size {found.size[0]}x{found.size[1]}, not {asked_size[0]}x{asked_size[1]}")
        if found.frames != self.expected_frames:
            problems.append(f"{found.frames} frames, not {self.expected_frames}")
        # ffmpeg reports times to 1/100 s; half a frame more is a rounding, not a wrong video.
        if abs(found.seconds - seconds) > 0.5 / self.expected_fps + 0.01:
            problems.append(f"{found.seconds:.2f} s long, not {seconds:.2f} s")
        if problems:
            raise EncodeError(f"{self.path.name} is not the video asked for: {'; '.join(problems)}")
        return found.facts()

    # -- how it is written -------------------------------------------------------
    def analysis(self) -> contextlib.AbstractContextManager[FrameSink] | None:
        """A first pass over the frames, for formats that need one (a GIF's palette); else ``None``."""
        return None

    @contextlib.contextmanager
    def open(self) -> Iterator[FrameSink]:
        with atomic_path(self.path) as temporary:
            with FfmpegProcess(self.command(temporary), self.path.name, work_deadline(self.shape),
                               self.pass_fds()) as process:
                yield self.sink(process)
                process.finish()
            self.facts = self.verify(temporary)

    def command(self, temporary: Path) -> list[str]:
        return [*self.shape.raw_input_args(), *self.output_args(), str(temporary)]

    def pass_fds(self) -> tuple[int, ...]:
        return ()

    def sink(self, process: FfmpegProcess) -> FrameSink:
        return process


# RGB to 4:2:0 with the BT.709 matrix browsers assume for HD video, and the file says so.
BT709 = ["-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
         "setparams=range=tv:colorspace=bt709:color_primaries=bt709:color_trc=bt709"]


class Mp4(VideoFormat):
    """H.264 in MP4, 4:2:0, index first: plays in every browser and starts before it has downloaded.

    x264 tuned for animation (``-tune animation``: more reference frames, stronger deblocking, less
    psychovisual noise, which flat colours and thin lines want) at crf 22, its ``slower`` preset, a keyframe
    every :data:`KEYFRAME_SECONDS` (``-g``; scene-cut detection may add one earlier, which only shortens a
    gap).  Measured on the 15.8 s descent at 1280x720 (``make bench``): a keyframe every second at crf 18
    gave 927 KB; these settings 274 KB, 0.30 of it, at SSIM 0.9997 against the drawn frames in 4:2:0.  The
    ``medium`` preset gave 306 KB (0.33), and 0.37 on the phone's boundary video (714x2090, whose keyframes
    weigh most), where ``slower`` gives 0.32; ``slower`` takes about twice ``medium``'s time, still under
    VP9's.  crf 23 instead gave 0.35 on that phone video at SSIM 0.9996; ``veryslow``, 0.30 for half as
    much time again.
    """

    extension, codec, pix_fmt = "mp4", "h264", "yuv420p"
    preset, tune = "slower", "animation"
    crf = 22

    def output_args(self) -> list[str]:
        return [*BT709, "-c:v", "libx264", "-preset", self.preset, "-tune", self.tune, "-crf", str(self.crf),
                "-g", str(self.keyframe_interval),
                "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4"]

    def verify(self, written: Path) -> dict[str, int | float]:
        boxes = mp4_boxes(written)
        if "moov" not in boxes or "mdat" not in boxes or boxes.index("moov") > boxes.index("mdat"):
            raise EncodeError(f"{self.path.name} does not start with its index (boxes {boxes}): no fast start")
        return super().verify(written)


class WebM(VideoFormat):
    """VP9 in WebM, 4:2:0, constant quality, at libvpx's ``good`` speed, a keyframe every :data:`KEYFRAME_SECONDS`.

    At ``-deadline realtime -cpu-used 8`` with a keyframe every second, the 15.8 s descent at 1280x720 was
    1086 KB at SSIM 0.9986 against the drawn frames in 4:2:0; with keyframes 5 s apart realtime still needed
    398 KB and stayed under 0.999.  ``-deadline good -cpu-used 4`` at crf 28 (rows in parallel, ``-row-mt``;
    libvpx's tiles by default) makes it 276 KB at 0.9994 (crf 32: 243 KB at 0.9992, but 0.9987 on a shorter
    descent), and takes some five times as long as realtime did: the price of a WebM a quarter of the size
    (``make bench`` measures bytes, SSIM, time and seeking).  ``-cpu-used 5`` or 6 was no faster here and larger.
    """

    extension, codec, pix_fmt = "webm", "vp9", "yuv420p"
    deadline, cpu_used = "good", 4
    crf = 28

    def output_args(self) -> list[str]:
        return [*BT709, "-c:v", "libvpx-vp9", "-crf", str(self.crf), "-b:v", "0", "-deadline", self.deadline,
                "-cpu-used", str(self.cpu_used), "-g", str(self.keyframe_interval),
                "-row-mt", "1", "-pix_fmt", "yuv420p",
                # Matroska writes a random segment UID unless told to be bit-exact:
                # without this, the same render gives a different file each time.
                "-fflags", "+bitexact", "-f", "webm"]


class _Decimating:
    """A sink that passes on every ``step``-th frame, and always the last one."""

    def __init__(self, sink: FrameSink, frames: int, step: int) -> None:
        self.sink, self.frames, self.step, self.index = sink, frames, step, 0

    def write(self, frame: memoryview | bytes) -> None:
        if self.index % self.step == 0 or self.index == self.frames - 1:
            self.sink.write(frame)
        self.index += 1


class Gif(VideoFormat):
    """An animated GIF for places that will not autoplay video, with a palette made for it.

    Two passes: the first runs ``palettegen`` over every frame and returns the
    256-colour palette on ffmpeg's stdout; the second maps the frames to it
    with ``paletteuse``.  (One filter graph with ``split`` would do both, but it
    holds every frame in memory until the last has arrived.)  Ordered dithering
    keeps the static background identical from frame to frame, so only the
    rectangle that changed is stored.  Above 50 fps frames are skipped.
    """

    extension, codec, pix_fmt = "gif", "gif", "bgra"
    needs_even_size = False
    palette_shape = (16, 16)

    def __init__(self, path: Path, shape: VideoShape) -> None:
        super().__init__(path, shape)
        self.step = math.ceil(shape.fps / GIF_MAX_FPS)  # keep every step-th frame
        self.palette: bytes | None = None

    @property
    def expected_frames(self) -> int:
        kept = -(-self.shape.frames // self.step)
        return kept + (1 if (self.shape.frames - 1) % self.step else 0)

    @property
    def expected_fps(self) -> float:
        return self.shape.fps / self.step

    def _decimate(self, sink: FrameSink) -> FrameSink:
        return sink if self.step == 1 else _Decimating(sink, self.shape.frames, self.step)

    @contextlib.contextmanager
    def analysis(self) -> Iterator[FrameSink]:
        args = [*self.shape.raw_input_args(self.expected_fps), "-vf", "palettegen=stats_mode=full",
                "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"]
        with FfmpegProcess(args, f"the palette of {self.path.name}", work_deadline(self.shape)) as process:
            yield self._decimate(process)
            palette = process.finish()
        width, height = self.palette_shape
        if len(palette) != width * height * 4:
            raise EncodeError(f"ffmpeg made a palette of {len(palette)} bytes for {self.path.name}")
        self.palette = palette

    def command(self, temporary: Path) -> list[str]:
        width, height = self.palette_shape
        return [*self.shape.raw_input_args(self.expected_fps),
                "-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{width}x{height}", "-i", f"pipe:{self._palette_fd}",
                "-lavfi", f"[0:v][1:v]{GIF_PALETTE_USE}",
                "-loop", "0", "-f", "gif", str(temporary)]

    def pass_fds(self) -> tuple[int, ...]:
        return (self._palette_fd,)

    @contextlib.contextmanager
    def open(self) -> Iterator[FrameSink]:
        if self.palette is None:
            raise EncodeError(f"{self.path.name}: the palette pass must run before the GIF is written")
        read_end, write_end = os.pipe()  # the palette reaches ffmpeg as a second input, no file
        try:
            os.write(write_end, self.palette)  # 1 KiB: fits in the pipe before ffmpeg reads it
            os.close(write_end)
            write_end = None
            self._palette_fd = read_end
            with super().open() as sink:
                os.close(read_end)
                read_end = None
                yield sink
        finally:
            for fd in (read_end, write_end):
                if fd is not None:
                    os.close(fd)

    def sink(self, process: FfmpegProcess) -> FrameSink:
        return self._decimate(process)


class _LastFrame:
    """Keeps the latest frame (a view of the canvas, not a copy: only the last one matters)."""

    def __init__(self) -> None:
        self.frame: memoryview | bytes | None = None

    def write(self, frame: memoryview | bytes) -> None:
        self.frame = frame


class Poster(VideoFormat):
    """The last frame as a lossless WebP: the picture shown before a video plays, or instead of it.

    WebP, not PNG: ``<video poster>`` takes one URL, no ``<source>`` to offer a PNG beside it, and every browser
    that plays the MP4 or WebM shows a WebP poster; lossless, half the PNG's bytes for the same pixels (lossy
    saved nothing more on these flat frames: ``render.images``).  It has the video's own pixels, no fewer: the
    column's player is 700 CSS px wide, so a screen of twice the density shows all of a 1280 px poster, and a
    smaller one would turn sharp as the video starts.  Written by Pillow from the frame the video ends on (one
    frame needs no ffmpeg), read back and checked.
    """

    extension, codec, pix_fmt = "webp", "webp", "rgb24"
    needs_even_size = False

    @property
    def expected_frames(self) -> int:
        return 1

    @contextlib.contextmanager
    def open(self) -> Iterator[FrameSink]:
        from PIL import Image

        from render.images import LOSSLESS

        last = _LastFrame()
        yield last
        if last.frame is None:
            raise EncodeError(f"no frame to make {self.path.name} from")
        size = (self.shape.width, self.shape.height)
        if len(last.frame) != self.shape.frame_bytes:
            raise EncodeError(f"the last frame of {self.path.name} is {len(last.frame)} bytes, not a {size[0]}x"
                              f"{size[1]} RGBA frame")
        with atomic_path(self.path) as temporary:
            Image.frombytes("RGBA", size, bytes(last.frame)).convert("RGB").save(temporary, "WEBP", **LOSSLESS)
            self.facts = self.verify(temporary)

    def verify(self, written: Path) -> dict[str, int | float]:
        """A WebP of the video's size, read back."""
        from render.images import webp_size

        size = webp_size(written)
        asked = (self.shape.width, self.shape.height)
        if size != asked:
            found = "not a WebP" if size is None else f"a WebP of {size[0]}x{size[1]}"
            raise EncodeError(f"{self.path.name} is {found}, not the {asked[0]}x{asked[1]} poster asked for")
        return {"width": size[0], "height": size[1]}


# format name (as in --formats) -> how it is written
FORMATS: dict[str, type[VideoFormat]] = {"mp4": Mp4, "webm": WebM, "gif": Gif, "poster": Poster}

# The descriptions track written beside a moving video (WebVTT, by render.video): defined here, with the
# formats' extensions, for the manifest to accept it too.
CAPTIONS_EXTENSION = "vtt"
