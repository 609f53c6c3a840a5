"""Keyframes: a player seeks by decoding from the keyframe before the time asked, so one at least every
KEYFRAME_SECONDS keeps a seek short (the encoders' defaults gave a 10 s descent a single one), and no more
often, for the files to stay small (tests/test_seek.py times the seeks in Chromium)."""

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest

from render.encode import KEYFRAME_SECONDS, Mp4, VideoShape, WebM
from render.spec import Animation
from render.theme import theme_context
from render.video import DescentFrames, encode_frames
from scenes import SceneContext
from scenes.normalization import NormalizationExperiment

# showinfo's line for each decoded frame: "... n:  15 pts:  15360 pts_time:1 ... iskey:1 type:I ..."
FRAME_INFO = re.compile(r"\bn:\s*(?P<n>\d+)\s.*?\bpts_time:(?P<time>[-\d.]+)\s.*?\biskey:(?P<key>[01])")


def keyframe_times(path: Path) -> tuple[list[float], float]:
    """The times of the keyframes of ``path``, and the time of its last frame, from one decode of every frame."""
    done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path),
                           "-vf", "showinfo", "-f", "null", "-"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    frames = [(float(m["time"]), m["key"] == "1") for m in FRAME_INFO.finditer(done.stderr)]
    assert frames, done.stderr[-2000:]
    return [time for time, key in frames if key], frames[-1][0]


@pytest.fixture(scope="module")
def compressed():
    return Animation((NormalizationExperiment(SceneContext(seed=0, grid_size=24), "compressed", 10.0).descent_view(),))


@pytest.mark.parametrize("format_class", [Mp4, WebM])
@pytest.mark.parametrize("fps", [10.0, 12.5])  # 12.5 fps: a keyframe every 62 frames, not 63 (5.04 s)
def test_a_keyframe_every_few_seconds(tmp_path, compressed, format_class, fps):
    shape = VideoShape(320, 180, fps, frames=round(12.6 * fps))  # 12.6 s of the compressed descent
    with theme_context("dark"):
        frames = DescentFrames(compressed, shape)
        (path,) = encode_frames(frames.frames, [format_class(tmp_path / f"v.{format_class.extension}", shape)],
                                shape.frames, progress=False)
    keys, end = keyframe_times(path)
    assert keys[0] == 0
    gaps = [later - earlier for earlier, later in zip(keys, [*keys[1:], end])]
    assert max(gaps) <= KEYFRAME_SECONDS + 1e-3, f"keyframes at {keys} s, last frame at {end} s"
    assert len(keys) >= 3  # 12.6 s needs at least 0, 5 and 10
    assert len(keys) <= 4, f"keyframes at {keys} s: more than the spacing asks, each one a whole picture"


@pytest.mark.parametrize("fps, interval", [(0.1, 1), (1.0, 5), (10.0, 50), (10.7, 53), (29.97, 149), (60.0, 300)])
def test_the_keyframe_interval_is_the_spacing_in_frames_rounded_down(fps, interval):
    for format_class in (Mp4, WebM):
        video = format_class(Path("v"), VideoShape(64, 48, fps, 10))
        assert video.keyframe_interval == interval
        args = video.output_args()
        assert args[args.index("-g") + 1] == str(interval)
