"""The update rules of ``torch.optim``, written out in NumPy, for any post that draws a descent.

A post that races optimizers over a loss landscape needs a few parameters moved by the rules torch users know,
reproducibly and in float64, so that plain gradient descent is the post's own ``θ ← θ − lr·g`` to the last bit.
Torch itself would be a large dependency to move a handful of numbers (and computes in float32 by default), so
each rule is written here from the algorithm torch documents, with torch's default hyper-parameters:

* SGD with momentum and Nesterov (``torch.optim.SGD``; Polyak 1964, and Sutskever et al. 2013 in torch's form),
* Adagrad (``torch.optim.Adagrad``; Duchi, Hazan & Singer 2011),
* RMSprop (``torch.optim.RMSprop``; Hinton's lecture 6e of *Neural Networks for Machine Learning*, 2012),
* Adam (``torch.optim.Adam``; Kingma & Ba 2015, Algorithm 1).

:func:`descend` runs one of them on any differentiable loss and records the trail a figure draws: one row
``(*θ, i, loss)`` per iteration, the start first.  The engine knows nothing of what is being trained; a post
passes a function giving the loss and its gradient at ``θ``.

NumPy is imported only when a descent runs: a post's list of optimizers (names, colours, settings for its
manifest) is read by ``render list``, which loads nothing heavy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from render.spec import SERIES_COUNT, series

if TYPE_CHECKING:
    import numpy as np

# torch.optim's defaults for the hyper-parameters each algorithm uses; the others it does not have.
# (SGD: dampening 0, no weight decay; Adagrad: lr_decay 0, initial accumulator 0; RMSprop: not centred,
# no momentum; Adam: bias-corrected, not AMSGrad.)
HYPER_PARAMETERS: dict[str, dict[str, object]] = {
    "sgd": {"momentum": 0.0, "nesterov": False},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
    "adam": {"betas": (0.9, 0.999), "eps": 1e-8},
}

# The theme's series, by role (render.theme.SERIES: one hue per role in every output and theme, told apart under
# deuteranopia and protanopia): optimizers take them in the order a post lists them, the first also a lone
# descent's path.
PALETTE: tuple[str, ...] = tuple(series(k) for k in range(SERIES_COUNT))


@dataclass(frozen=True)
class Optimizer:
    """One optimizer as ``torch.optim`` would be built: its algorithm, learning rate and hyper-parameters.

    A hyper-parameter left at ``None`` takes torch's default for the algorithm; giving one that the
    algorithm does not use is an error, so that a manifest never records a setting that had no effect.
    Unlike torch, ``nesterov=True`` with ``momentum=0`` is allowed: it is plain gradient descent.
    A ``color`` left at ``None`` is chosen by whoever draws the optimizers (:func:`palette_colors`).
    """

    name: str  # as shown in a legend
    algorithm: str  # "sgd" | "adagrad" | "rmsprop" | "adam"
    lr: float
    color: str | None = None
    momentum: float | None = None
    nesterov: bool | None = None
    alpha: float | None = None
    betas: tuple[float, float] | None = None
    eps: float | None = None

    def __post_init__(self) -> None:
        if self.algorithm not in HYPER_PARAMETERS:
            raise ValueError(f"{self.name}: unknown algorithm {self.algorithm!r}, expected one of "
                             f"{', '.join(HYPER_PARAMETERS)}")
        if not self.lr > 0:
            raise ValueError(f"{self.name}: the learning rate must be positive, got {self.lr}")
        used = HYPER_PARAMETERS[self.algorithm]
        for key in ("momentum", "nesterov", "alpha", "betas", "eps"):
            if key in used and getattr(self, key) is None:
                object.__setattr__(self, key, used[key])  # frozen: the default is filled in once, here
            elif key not in used and getattr(self, key) is not None:
                raise ValueError(f"{self.name}: {self.algorithm} has no {key}")

    def record(self) -> dict[str, object]:
        """The settings for a manifest (``parameters.optimizers[name]``): only those the algorithm uses."""
        settings = {key: getattr(self, key) for key in HYPER_PARAMETERS[self.algorithm]}
        if "betas" in settings:
            settings["betas"] = list(settings["betas"])  # as JSON will read it back
        return {"algorithm": self.algorithm, "lr": self.lr, **settings}


def palette_colors(optimizers: Iterable[Optimizer]) -> tuple[str, ...]:
    """Each optimizer's colour: its own, or else the next colour of :data:`PALETTE` that no optimizer claims.

    A post that names no colours still gets one per trail, distinct and colour-blind-safe, in the order it lists
    the optimizers; a post that names some keeps them, and the others avoid them.  Two trails in one colour
    could not be told apart, so running out of palette is an error rather than a repeat.
    """
    optimizers = tuple(optimizers)
    claimed = {o.color for o in optimizers if o.color is not None}
    free = iter(color for color in PALETTE if color not in claimed)
    colors = []
    for o in optimizers:
        if o.color is None:
            colors.append(next(free, None))
            if colors[-1] is None:
                raise ValueError(f"{o.name}: no colour left in the palette of {len(PALETTE)}; give it a color")
        else:
            colors.append(o.color)
    return tuple(colors)


Step = Callable[["np.ndarray", int], "np.ndarray"]  # (g_t, t) -> how far θ moves down at step t


def _sgd(o: Optimizer) -> Step:
    """torch's SGD: ``b_1 = g_1``, ``b_t = μ b_{t-1} + g_t``; Nesterov steps along ``g_t + μ b_t``."""
    buffer = None

    def step(g: np.ndarray, t: int) -> np.ndarray:
        nonlocal buffer
        if o.momentum == 0:
            return o.lr * g  # torch keeps no buffer then: plain gradient descent, to the last bit
        buffer = g.copy() if buffer is None else o.momentum * buffer + g
        return o.lr * (g + o.momentum * buffer if o.nesterov else buffer)

    return step


def _adagrad(o: Optimizer) -> Step:
    """torch's Adagrad: the sum of every squared gradient so far scales each parameter's step."""
    state_sum = 0.0

    def step(g: np.ndarray, t: int) -> np.ndarray:
        nonlocal state_sum
        state_sum = state_sum + g * g
        return o.lr * g / ((state_sum ** 0.5) + o.eps)

    return step


def _rmsprop(o: Optimizer) -> Step:
    """torch's RMSprop: a running mean of the squared gradients (weight α on the past) scales each step."""
    square_avg = 0.0

    def step(g: np.ndarray, t: int) -> np.ndarray:
        nonlocal square_avg
        square_avg = o.alpha * square_avg + (1 - o.alpha) * g * g
        return o.lr * g / ((square_avg ** 0.5) + o.eps)

    return step


def _adam(o: Optimizer) -> Step:
    """torch's Adam: running means of the gradients and of their squares, both corrected for starting at 0."""
    beta1, beta2 = o.betas
    m = v = 0.0

    def step(g: np.ndarray, t: int) -> np.ndarray:
        nonlocal m, v
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
        return o.lr * m_hat / ((v_hat ** 0.5) + o.eps)

    return step


# Each builds a fresh step rule, with its own state, for one descent.
STEPS: dict[str, Callable[[Optimizer], Step]] = {"sgd": _sgd, "adagrad": _adagrad, "rmsprop": _rmsprop, "adam": _adam}


def descend(
    loss_and_gradient: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start: np.ndarray,
    n_iter: int,
    optimizer: Optimizer,
) -> np.ndarray:
    """Run ``optimizer`` for ``n_iter`` steps from ``start`` and record every point visited, for a figure to draw.

    Row ``i`` is ``(*θ, i, loss)``: the parameters after ``i`` steps and the loss there, so row 0 is the start
    and a full trail has ``n_iter + 1`` rows, each one step (``θ ← θ − step(g, t)``, ``t`` from 1) from the
    previous.  Plain gradient descent (sgd without momentum) is therefore ``θ − lr·g`` exactly, as a post that
    wrote its own loop would have it.

    A trail that diverges ends where its numbers stop being finite: the rows returned are those up to and
    including the last whose parameters and loss are all finite, without a warning, so that a learning rate
    too large for a landscape shows as a short trail instead of stopping the render.  (A start that is not
    finite, or where the loss is not, is an error: there is no trail to draw.)
    """
    import numpy as np

    theta = np.array(start, dtype=float)  # a copy: the caller's start is never moved
    if theta.ndim != 1:
        raise ValueError(f"the start must be one vector of parameters, got shape {theta.shape}")
    if not np.isfinite(theta).all():
        raise ValueError(f"the start must be finite, got {theta}")
    if n_iter < 0:
        raise ValueError(f"the number of iterations must be at least 0, got {n_iter}")
    step = STEPS[optimizer.algorithm](optimizer)
    history = np.empty((n_iter + 1, theta.size + 2))
    # Overflow, inf − inf and the like are how divergence shows up; they are caught by the checks below.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i in range(n_iter + 1):
            loss, g = loss_and_gradient(theta)
            if not (math.isfinite(loss) and np.isfinite(theta).all()):
                if i == 0:
                    raise ValueError(f"the loss at the start is not finite: {loss}")
                return history[:i].copy()
            history[i] = (*theta, i, loss)
            if i < n_iter:
                theta = theta - step(g, i + 1)
    return history
