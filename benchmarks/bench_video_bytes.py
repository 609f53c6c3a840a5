"""What a reader downloads of a video: bytes, SSIM, encode time and seek time, per format, today's and before.

The descent at the column's 1280x720, 10 fps, 15.8 s (158 frames, the article's length), drawn once and
encoded by each format: :class:`render.encode.Mp4` and :class:`render.encode.WebM` as they are, and the
settings they replaced (a keyframe every second; H.264 at crf 18 untuned at the medium preset, VP9 at realtime speed).  SSIM is
ffmpeg's, of the decoded video against the drawn frames put through the same 4:2:0 BT.709 conversion (what
the encoder loses; the conversion itself is common to all).  Encodes alternate, A B A B, ``REPEATS`` times and
keep the median.  Seeks run in Chromium from a blob: URL, to every second and just before each (the longest
decode from a keyframe), twice, as ``tests/test_seek.py`` does.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from render.encode import Mp4, VideoShape, WebM
from render.spec import Animation
from render.theme import theme_context
from render.video import DescentFrames, encode_frames
from scenes import SceneContext
from scenes.normalization import NormalizationExperiment
from tests.test_seek import seek_times
from tests.test_video_quality import ssim

SHAPE = VideoShape(1280, 720, 10.0, frames=158)
REPEATS = 3


class Mp4EverySecond(Mp4):
    """The MP4 before: crf 18, the medium preset, no tuning, a keyframe every second."""

    crf, preset = 18, "medium"

    @property
    def keyframe_interval(self) -> int:
        return int(self.shape.fps)

    def output_args(self) -> list[str]:
        args = super().output_args()
        at = args.index("-tune")
        return args[:at] + args[at + 2:]


class WebMRealtime(WebM):
    """The WebM before: realtime speed, crf 32, a keyframe every second."""

    deadline, cpu_used, crf = "realtime", 8, 32

    @property
    def keyframe_interval(self) -> int:
        return int(self.shape.fps)


FORMATS = {"mp4": Mp4, "webm": WebM, "mp4, before": Mp4EverySecond, "webm, before": WebMRealtime}


def run() -> None:
    animation = Animation((NormalizationExperiment(SceneContext(), "compressed", 10.0).descent_view(),))
    with tempfile.TemporaryDirectory() as directory, theme_context("dark"):
        out = Path(directory)
        frames = [bytes(frame) for frame in DescentFrames(animation, SHAPE).frames()]
        raw = out / "drawn.rgba"
        raw.write_bytes(b"".join(frames))
        seconds: dict[str, list[float]] = {label: [] for label in FORMATS}
        paths = {}
        for _ in range(REPEATS):
            for label, format_class in FORMATS.items():
                path = out / f"{label.replace(', ', '-')}.{format_class.extension}"
                began = time.perf_counter()
                encode_frames(lambda: iter(frames), [format_class(path, SHAPE)], SHAPE.frames, progress=False)
                seconds[label].append(time.perf_counter() - began)
                paths[label] = path
        whole = int(SHAPE.frames / SHAPE.fps)
        times = [float(s) for s in range(whole)] + [round(s - 0.1, 1) for s in range(1, whole + 1)]
        seeks = seek_times(list(paths.values()), times * 2)
        print(f"descent-compressed at {SHAPE.width}x{SHAPE.height}, {SHAPE.frames} frames; encode: median of "
              f"{REPEATS}, seek: currentTime -> seeked in Chromium, {len(times) * 2} seeks")
        print(f"{'format':<14}{'bytes':>10}{'SSIM':>9}{'encode s':>10}{'seek median':>13}{'seek worst':>12}")
        for label, path in paths.items():
            spent = [ms for _, ms, _ in seeks[path.name]]
            print(f"{label:<14}{path.stat().st_size:>10,}{ssim(path, raw, SHAPE):>9.5f}"
                  f"{statistics.median(seconds[label]):>10.2f}{statistics.median(spent):>11.0f} ms"
                  f"{max(spent):>9.0f} ms")
