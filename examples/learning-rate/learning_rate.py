"""Linear regression by gradient descent at three learning rates: too small, right, and too large.

Fifty noisy points on a line (seeded), the mean squared error of a slope and an
intercept, and gradient descent from one start at three learning rates: the
smallest crawls, the middle one reaches the valley floor, the largest
overshoots further at every step until it leaves the landscape.  The
landscape, the contour still, the race video with its captions and the 3D
surface all come from :class:`render.race.Race`.
"""

from functools import partial

import numpy as np

from render.optimizers import Optimizer
from render.post import Context, Post
from render.race import Race
from render.spec import Names

SLOPE, INTERCEPT, NOISE = 2.0, 1.0, 0.5  # the line the points scatter around


def points(rng: np.random.Generator, n: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points ``x`` in [0, 3] (not centred, so the valley is long and narrow) around the line."""
    x = rng.uniform(0.0, 3.0, n)
    return x, SLOPE * x + INTERCEPT + rng.normal(0.0, NOISE, n)


def mse(slope: np.ndarray, intercept: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The mean squared error of every (slope, intercept) pair at once: the data on a last axis of its own."""
    residuals = slope[..., None] * x + intercept[..., None] - y
    return (residuals ** 2).mean(axis=-1)


def outputs(context: Context):
    x, y = points(context.rng("points"))
    return Race(
        name="learning-rate", title="linear regression", loss=partial(mse, x=x, y=y), start=(-1.0, 4.0), steps=50,
        optimizers=(Optimizer("too small (0.01)", "sgd", lr=0.01), Optimizer("right (0.2)", "sgd", lr=0.2),
                    Optimizer("too large (0.3)", "sgd", lr=0.3)),
        names=Names(("slope", "intercept"), loss="MSE"),
    ).outputs(context)


post = Post(name="learning-rate", title="Three learning rates on one linear regression", outputs=outputs,
            description="Gradient descent on the mean squared error of a line at a learning rate too small, one "
                        "that is right and one that diverges.")
