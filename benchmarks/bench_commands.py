"""Whole commands, timed from the shell the way a user feels them, each against a baseline in the same run.

Every figure here is a whole process (interpreter start, imports, work, exit),
timed alternately with its baseline so that a busy machine slows both alike;
each line gives the median of ``ROUNDS`` and the median of the per-round ratios.

* start-up: ``render --help`` and ``render list`` against ``python -c "import click"``;
* nothing to do: ``make all`` on a rendered folder against ``python -c "import numpy"``;
* one video: ``render descent-compressed --quality high --fps 10 --formats mp4 --force``
  against the encoder alone on the same frames with the same options (ffmpeg
  reading them from a file), and against ``FuncAnimation.save`` drawing the
  contour once (``benchmarks/funcanimation_descent.py``);
* everything: ``render all --force`` with the default ``--jobs`` against ``--jobs 1``
  (the cat/dog outputs are included when ``RENDER_DATA`` points at the dataset).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

ROUNDS = 5
FULL_ROUNDS = 2  # render all --force takes tens of seconds a round
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RENDER = str(BIN / "render")
VIDEO_ARGS = ["descent-compressed", "--quality", "high", "--fps", "10", "--formats", "mp4", "--force", "--jobs", "1"]


def run_once(command: Sequence[str], **kwargs) -> float:
    began = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, **kwargs)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed: {done.stderr.decode(errors='replace')[-500:]}")
    return seconds


def paired(label: str, command: Sequence[str], baseline_label: str, baseline: Sequence[str], rounds: int = ROUNDS,
           bar: str = "", limit: float | None = None, faster: bool = False) -> float:
    """Run baseline and command alternately; print medians and the median ratio command/baseline."""
    ours, theirs, ratios = [], [], []
    for _ in range(rounds):
        b = run_once(baseline)
        a = run_once(command)
        theirs.append(b)
        ours.append(a)
        ratios.append(b / a if faster else a / b)
    ratio = statistics.median(ratios)
    verdict = ""
    if limit is not None:
        met = ratio >= limit if faster else ratio <= limit
        verdict = f"  (bar {bar}: {'met' if met else 'NOT MET'})"
    relation = "faster than" if faster else "the time of"
    print(f"{label:<44} {statistics.median(ours):6.2f} s   {baseline_label}: {statistics.median(theirs):6.2f} s   "
          f"-> {ratio:5.2f}x {relation} it{verdict}")
    return ratio


def startup() -> None:
    click = [sys.executable, "-c", "import click"]
    paired("render --help", [RENDER, "--help"], "import click", click, bar="<= 4x", limit=4.0)
    paired("render list", [RENDER, "list"], "import click", click, bar="about the same as --help", limit=4.0)


def render_all_once(out: Path, *args: str) -> None:
    subprocess.run([RENDER, "all", "--out", str(out), *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def nothing_to_do(out: Path) -> None:
    make = shutil.which("make")
    if make is None:
        print("make all with nothing to do: skipped (no make)")
        return
    numpy = [sys.executable, "-c", "import numpy"]
    paired("make all, nothing to do", [make, "-s", "all", f"OUT={out}"], "import numpy", numpy,
           bar="<= 4x", limit=4.0)


def raw_frames(path: Path):
    """The frames of the benchmarked video, written to ``path``; the shape they have."""
    from render.encode import VideoShape
    from render.settings import VideoSettings
    from render.spec import Animation
    from render.theme import theme_context
    from render.video import DescentFrames, video_shape
    from scenes import SceneContext
    from scenes.normalization import NormalizationExperiment

    view = NormalizationExperiment(SceneContext(), "compressed", 10.0).descent_view()
    shape: VideoShape = video_shape(VideoSettings(formats=("mp4",), quality="high", fps=10),
                                     len(view.trails[0].iteration))
    with theme_context("dark"), open(path, "wb") as stream:
        for frame in DescentFrames(Animation((view,)), shape).frames():
            stream.write(frame)
    return shape


def one_video(work: Path) -> None:
    from render.encode import Mp4, ffmpeg_exe

    frames = work / "frames.rgba"
    shape = raw_frames(frames)
    encoder = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
               *[str(frames) if arg == "pipe:0" else arg for arg in shape.raw_input_args()],
               *Mp4(work / "floor.mp4", shape).output_args(), str(work / "floor.mp4")]
    print(f"descent-compressed at {shape.width}x{shape.height}, {shape.frames} frames at {shape.fps:g} fps, "
          f"libx264 -preset {Mp4.preset} -crf {Mp4.crf}")
    ours = [RENDER, *VIDEO_ARGS, "--out", str(work / "ours")]
    paired("render descent-compressed (whole process)", ours, "encoder alone", encoder, bar="<= 1.5x", limit=1.5)
    baseline = [sys.executable, "-m", "benchmarks.funcanimation_descent", str(work / "baseline.mp4")]
    paired("render descent-compressed (whole process)", ours, "FuncAnimation.save", baseline, rounds=3,
           bar=">= 5x faster", limit=5.0, faster=True)


def everything(work: Path) -> None:
    data = os.environ.get("RENDER_DATA", "datasets")
    with_data = Path(data, "trainset.hdf5").is_file()
    print(f"render all --force, {'with the cat/dog dataset' if with_data else 'without the dataset (set RENDER_DATA)'}")
    default = [RENDER, "all", "--force", "--out", str(work / "all")]
    serial = [*default, "--jobs", "1"]
    ratio = paired("render all --force (default --jobs)", default, "--jobs 1", serial, rounds=FULL_ROUNDS,
                   faster=True)
    print(f"{'':<44} default --jobs is {ratio:.2f}x faster than --jobs 1; the bar is <= 30 s with the default")


def run() -> None:
    startup()
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        render_all_once(work / "all")
        nothing_to_do(work / "all")
        one_video(work)
        everything(work)


if __name__ == "__main__":
    run()
