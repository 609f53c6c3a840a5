"""What else fixes the zig-zag? The optimizers of ``torch.optim``, in NumPy, on the normalization experiment.

Part 6 of the article fixes gradient descent's zig-zag across the narrow valley of the compressed loss by
normalizing the features.  The other fix is to change the descent instead of the data: momentum damps the
zig-zag by averaging successive gradients, and AdaGrad, RMSProp and Adam give each parameter its own step
size, which undoes a difference of scale between the features.  Each follows the algorithm ``torch.optim``
documents (SGD, Adagrad, RMSprop, Adam), with torch's default hyper-parameters, as the engine writes them out
(:mod:`render.optimizers`); this module holds the article's choices of them, run from the article's start on
both landscapes so that the trails can be drawn beside the article's red path.

Learning rates.  Gradient descent keeps the article's 0.6.  For the others, candidate round rates were run
for 100 iterations from the article's start (``--seed`` 0) on both datasets, keeping per optimizer one rate
whose trail is finite, ends near the valley floor on BOTH landscapes and shows the optimizer's own way of
getting there.  Final loss after 100 iterations, compressed / normalized (start: 163.4 / 17.2; the minimum is
0.095 on both, at b = 13.2, farther from the start's bias than most trails get in 100 steps):

* gradient descent 0.6: 3.05 / 0.153, the article's zig-zag and glide.
* momentum 0.9: lr 0.01 → 0.38 / 0.51, 0.03 → 0.21 / 0.16, **0.06 → 0.40 / 0.20**, 0.1 → 0.66 / 0.25,
  0.3 → 1.8 / 0.35, 0.6 → 3.0 / 0.29 (b overshoots to 38).  0.06 = 0.6 × (1 − 0.9): once the momentum has
  built up, its step is gradient descent's, so the trails differ only by the averaging, which turns the
  zig-zag into a few wide, damped swings (21 reversals of W1 instead of 52).
* Nesterov 0.9: lr 0.01 → 0.26 / 0.48, 0.03 → 0.19 / 0.16, **0.06 → 0.34 / 0.17**, 0.1 → 0.54 / 0.20,
  0.3 → 1.6 / 0.18.  The same rate as momentum, so that the two differ by the look-ahead alone: smaller swings
  (loss rises on 28 steps instead of 43 on the compressed landscape).
* AdaGrad: lr 0.1 → 121 / 12.8, 0.3 → 41 / 4.4, **1 → 0.21 / 0.17**, 2 → 0.15 / 0.12, 3 → 0.16 / 0.12.  At 1
  the loss never rises on either landscape: every parameter starts with a step of lr whatever its feature's
  scale, and the steps shrink as the squared gradients add up.  (2 and 3 start to zig-zag on the compressed one.)
* RMSProp (α 0.99): lr 0.03 → 32 / 3.3, 0.1 → 0.20 / 0.15, **0.3 → 0.21 / 0.11**, 1 → 1.2 / 0.15.  At 0.1 it
  retraces AdaGrad at 1 (while t ≪ 1/(1 − α) its mean of squares is ≈ (1 − α) × AdaGrad's sum, so its steps
  are 10 times larger at the same rate); at 0.3 it is fastest to the valley floor, and its steps, which do not
  shrink, jitter there: RMSProp's signature.
* Adam: lr 0.03 → 96 / 10, 0.1 → 7.2 / 0.33, **0.3 → 0.25 / 0.18**, 1 → 0.57 / 0.097.  The same rate as
  RMSProp, which it extends with momentum: one wide arc and a few damped swings on the compressed landscape.

Every trail above stays finite, and the chosen ones stay inside the article's ±15 landscape.  With seeds 0–29
(the start's bias changes) the chosen rates end at most at 0.70 (momentum) on the compressed landscape and at
0.25 on the normalized one, where gradient descent ends at up to 34 and 0.19.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from render.optimizers import HYPER_PARAMETERS, STEPS, Optimizer, Step
from render.spec import series

if TYPE_CHECKING:  # NumPy is imported when a descent runs, not when the optimizers are listed
    import numpy as np

    from scenes.neuron import Parameters
    from scenes.normalization import NormalizationExperiment

__all__ = ["HYPER_PARAMETERS", "OPTIMIZERS", "STEPS", "Optimizer", "Step", "optimize", "trails"]

# The order of the legends, and each optimizer's colour: the theme's series in that order
# (``render.optimizers.PALETTE``), so gradient descent, first, is the colour of every lone descent's path.
# The rules are torch.optim's, from the engine (``render.optimizers``).
OPTIMIZERS: tuple[Optimizer, ...] = (
    Optimizer("gradient descent", "sgd", lr=0.6, color=series(0)),
    Optimizer("momentum", "sgd", lr=0.06, momentum=0.9, color=series(1)),
    Optimizer("Nesterov", "sgd", lr=0.06, momentum=0.9, nesterov=True, color=series(2)),
    Optimizer("AdaGrad", "adagrad", lr=1.0, color=series(3)),
    Optimizer("RMSProp", "rmsprop", lr=0.3, alpha=0.99, color=series(4)),
    Optimizer("Adam", "adam", lr=0.3, betas=(0.9, 0.999), color=series(5)),
)


def optimize(optimizer: Optimizer, X: np.ndarray, y: np.ndarray, start: Parameters, n_iter: int) -> np.ndarray:
    """Train the neuron with ``optimizer`` and record every point visited, as :func:`~scenes.training.descent_history`
    does (rows ``W0, W1, b, i, loss``, ``n_iter + 1`` of them).  Both are :func:`~scenes.training.record_descent`, so
    plain gradient descent (sgd, momentum 0) is the article's trail, bit for bit."""
    from scenes.training import record_descent

    return record_descent(X, y, start, n_iter, STEPS[optimizer.algorithm](optimizer))


def trails(
    experiment: NormalizationExperiment, optimizers: tuple[Optimizer, ...] = OPTIMIZERS
) -> dict[str, np.ndarray]:
    """Each optimizer's history on the experiment's data, from its start, for as many steps as its descent.

    The start is the experiment's own (row 0 of its gradient-descent history: the article's weights and
    the seeded bias), so the trails begin where the article's path begins.
    """
    from scenes.neuron import Parameters

    article = experiment.history
    start = Parameters(W=article[0, :2].reshape(2, 1), b=article[0, 2:3].copy())
    data = experiment.data
    return {o.name: optimize(o, data.X, data.y, start, len(article) - 1) for o in optimizers}
