"""What the encoders lose: a real descent's frames, encoded, decoded and compared with the frames as drawn.

SSIM in 4:2:0 BT.709, the drawn RGBA frames put through the same conversion every format applies: that step is
the same for every encoder and setting (lossless H.264 of it reads back at SSIM 0.9896 in RGB, the colour of
thin lines halved), so what is left is what the encoder itself throws away.
"""

import re
import subprocess

import imageio_ffmpeg
import pytest

from render.encode import BT709, Mp4, VideoShape, WebM
from render.spec import Animation
from render.theme import theme_context
from render.video import DescentFrames, encode_frames
from scenes import SceneContext
from scenes.normalization import NormalizationExperiment

SHAPE = VideoShape(1280, 720, 10.0, frames=80)  # the column's size: smaller frames are busier
MIN_SSIM = 0.999


def ssim(path, raw, shape: VideoShape) -> float:
    """SSIM of ``path`` against raw RGBA frames converted as the encoders convert them (ffmpeg's ssim filter)."""
    conversion = BT709[1]
    done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-i", str(path),
                           *shape.raw_input_args()[:-1], str(raw),
                           "-lavfi", f"[1:v]{conversion}[drawn];[0:v][drawn]ssim", "-f", "null", "-"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return float(re.findall(r"All:([\d.]+)", done.stderr)[-1])


@pytest.mark.parametrize("format_class", [Mp4, WebM])
def test_a_descent_reads_back_within_ssim_0999_of_its_drawn_frames(tmp_path, format_class):
    animation = Animation((NormalizationExperiment(SceneContext(seed=0, grid_size=24), "compressed",
                                                   10.0).descent_view(),))
    with theme_context("dark"):
        frames = [bytes(frame) for frame in DescentFrames(animation, SHAPE).frames()]
    raw = tmp_path / "drawn.rgba"
    raw.write_bytes(b"".join(frames))
    (path,) = encode_frames(lambda: iter(frames), [format_class(tmp_path / f"v.{format_class.extension}", SHAPE)],
                            SHAPE.frames, progress=False)
    assert ssim(path, raw, SHAPE) >= MIN_SSIM
