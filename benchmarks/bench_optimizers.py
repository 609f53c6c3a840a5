"""Six trails cost what one does: the optimizer video's frames against the single descent's, drawing alone.

Both videos draw their contour, colour bar and axes once; each frame restores that background and draws
only what moves (per trail: the path, the point and the loss curve; and the counter).  The two are drawn alternately ``REPEATS`` times at the same size and frame count and
each keeps its best time (as ``timeit`` does), so a burst of another program does not decide the ratio.
"""

from __future__ import annotations

import time

from render.encode import VideoShape
from render.theme import theme_context
from render.video import DescentFrames
from scenes import SceneContext
from scenes.beyond import OptimizerRace
from scenes.normalization import NormalizationExperiment

SHAPE = VideoShape(width=1280, height=720, fps=10.0, frames=101)
REPEATS = 3


def frames_per_second(animation) -> float:
    began = time.perf_counter()
    frames = DescentFrames(animation, SHAPE)
    drawn = sum(1 for _ in frames.frames())
    return drawn / (time.perf_counter() - began)


def run() -> None:
    experiment = NormalizationExperiment(SceneContext(), "compressed", 10.0)
    single = experiment.descent_animation()
    race = OptimizerRace(experiment).animation()
    trails = len(race.views[0].trails)
    best = {"one trail": 0.0, f"{trails} trails": 0.0}
    with theme_context("dark"):
        for _ in range(REPEATS):
            best["one trail"] = max(best["one trail"], frames_per_second(single))
            best[f"{trails} trails"] = max(best[f"{trails} trails"], frames_per_second(race))
    print(f"compressed landscape at {SHAPE.width}x{SHAPE.height}, {SHAPE.frames} frames, drawing alone "
          f"(figure set-up included), best of {REPEATS}")
    for label, rate in best.items():
        print(f"{label:<12}: {rate:6.1f} frames/s")
    print(f"{trails} trails vs one: {best[f'{trails} trails'] / best['one trail']:.2f}x the frame rate")
