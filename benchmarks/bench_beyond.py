"""The videos beyond the article cost about what the article's descent does: their frames against its, drawing
alone.

Every video draws its static layers (contours, colour bars, axes) once; each frame restores that background and
draws only what moves: per trail the path, the point and the loss curve, and the counter; for the moving
boundary also its two shaded sides, its line, the points above them and the accuracy.  The videos are drawn in
turn ``REPEATS`` times at the same size and frame count and each keeps its best time (as ``timeit`` does), so a
burst of another program does not decide the ratio.
"""

from __future__ import annotations

import time

from render.encode import VideoShape
from render.theme import theme_context
from render.video import DescentFrames
from scenes import SceneContext
from scenes.beyond import MovingBoundary, OptimizerRace
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
    race = OptimizerRace(experiment).animation()
    videos = {
        "one trail": experiment.descent_animation(),
        f"{len(race.views[0].trails)} trails": race,
        "boundary + descent": MovingBoundary(experiment).animation(),
    }
    best = dict.fromkeys(videos, 0.0)
    with theme_context("dark"):
        for _ in range(REPEATS):
            for label, animation in videos.items():
                best[label] = max(best[label], frames_per_second(animation))
    print(f"compressed landscape at {SHAPE.width}x{SHAPE.height}, {SHAPE.frames} frames, drawing alone "
          f"(figure set-up included), best of {REPEATS}")
    first = next(iter(best))
    for label, rate in best.items():
        ratio = "" if label == first else f"  {rate / best[first]:.2f}x the frame rate of one trail"
        print(f"{label:<18}: {rate:6.1f} frames/s{ratio}")
