"""``python -m benchmarks.funcanimation_descent OUT.mp4``: the video a user of ``FuncAnimation`` would write.

The baseline of ``bench_commands``: the same descent-compressed video as
``render descent-compressed --quality high --fps 10 --formats mp4``, same
figure, same ffmpeg options, made the usual way: the contour drawn once,
a function that moves the path, the point and the loss curve, and
``FuncAnimation.save`` (a full redraw and a ``savefig`` per frame).  Timed
as a whole process, imports included, like the command it is compared with.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
from matplotlib.animation import FFMpegWriter, FuncAnimation

from render.encode import Mp4, VideoShape, ffmpeg_exe
from render.settings import VideoSettings
from render.spec import Animation
from render.theme import theme_context
from render.video import DescentFrames, video_shape
from scenes import SceneContext
from scenes.normalization import NormalizationExperiment


def save_with_funcanimation(frames: DescentFrames, shape: VideoShape, path: Path) -> None:
    """``FuncAnimation.save`` of ``frames.figure``, through the same ffmpeg with the same H.264 options."""
    options = Mp4(path, shape).output_args()
    # matplotlib adds "-vcodec CODEC" and, for libx264, nothing else: the rest of our options go in extra_args.
    codec_at = options.index("-c:v")
    codec, extra = options[codec_at + 1], options[:codec_at] + options[codec_at + 2:]
    writer = FFMpegWriter(fps=shape.fps, codec=codec, extra_args=extra[:-2])  # minus "-f mp4": from the name
    animation = FuncAnimation(frames.figure, frames.update, frames=shape.frames, repeat=False)
    with matplotlib.rc_context({"animation.ffmpeg_path": ffmpeg_exe()}):
        animation.save(str(path), writer=writer, dpi=frames.figure.dpi)


def main(path: Path) -> None:
    view = NormalizationExperiment(SceneContext(), "compressed", 10.0).descent_view()
    shape = video_shape(VideoSettings(formats=("mp4",), quality="high", fps=10), len(view.trails[0].iteration))
    with theme_context("dark"):
        # Ordinary (not animated) artists, so that a full redraw shows them.
        frames = DescentFrames(Animation((view,)), shape, animated=False)
        save_with_funcanimation(frames, shape, path)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
