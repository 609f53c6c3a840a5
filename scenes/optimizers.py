"""What else fixes the zig-zag? The optimizers of ``torch.optim``, in NumPy, on the normalization experiment.

Part 6 of the article fixes gradient descent's zig-zag across the narrow valley of the compressed loss by
normalizing the features.  The other fix is to change the descent instead of the data: momentum damps the
zig-zag by averaging successive gradients, and AdaGrad, RMSProp and Adam give each parameter its own step
size, which undoes a difference of scale between the features.  Each is written here from the algorithm
``torch.optim`` documents (SGD, Adagrad, RMSprop, Adam), with torch's default hyper-parameters, and run from
the article's start on both landscapes so that the trails can be drawn beside the article's red path.

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

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # NumPy is imported when a descent runs, not when the optimizers are listed
    import numpy as np

    from scenes.neuron import Parameters
    from scenes.normalization import NormalizationExperiment

# torch.optim's defaults for the hyper-parameters each algorithm uses; the others it does not have.
# (SGD: dampening 0, no weight decay; Adagrad: lr_decay 0, initial accumulator 0; RMSprop: not centred,
# no momentum; Adam: bias-corrected, not AMSGrad.)
HYPER_PARAMETERS: dict[str, dict[str, object]] = {
    "sgd": {"momentum": 0.0, "nesterov": False},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
    "adam": {"betas": (0.9, 0.999), "eps": 1e-8},
}


@dataclass(frozen=True)
class Optimizer:
    """One optimizer as ``torch.optim`` would be built: its algorithm, learning rate and hyper-parameters.

    A hyper-parameter left at ``None`` takes torch's default for the algorithm; giving one that the
    algorithm does not use is an error, so that the manifest never records a setting that had no effect.
    Unlike torch, ``nesterov=True`` with ``momentum=0`` is allowed: it is plain gradient descent.
    """

    name: str  # as shown in a legend
    algorithm: str  # "sgd" | "adagrad" | "rmsprop" | "adam"
    lr: float
    color: str  # Okabe–Ito, readable on the dark and the light theme
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
        """The settings for ``manifest.json`` (``parameters.optimizers[name]``): only those the algorithm uses."""
        settings = {key: getattr(self, key) for key in HYPER_PARAMETERS[self.algorithm]}
        if "betas" in settings:
            settings["betas"] = list(settings["betas"])  # as JSON will read it back
        return {"algorithm": self.algorithm, "lr": self.lr, **settings}


# The order of the legends.  Okabe–Ito colours without black and yellow, which vanish on the dark and the
# light theme; gradient descent keeps vermillion, the palette's nearest to the article's red path.
OPTIMIZERS: tuple[Optimizer, ...] = (
    Optimizer("gradient descent", "sgd", lr=0.6, color="#D55E00"),
    Optimizer("momentum", "sgd", lr=0.06, momentum=0.9, color="#0072B2"),
    Optimizer("Nesterov", "sgd", lr=0.06, momentum=0.9, nesterov=True, color="#56B4E9"),
    Optimizer("AdaGrad", "adagrad", lr=1.0, color="#009E73"),
    Optimizer("RMSProp", "rmsprop", lr=0.3, alpha=0.99, color="#E69F00"),
    Optimizer("Adam", "adam", lr=0.3, betas=(0.9, 0.999), color="#CC79A7"),
)

Step = Callable[["np.ndarray", int], "np.ndarray"]  # (g_t, t) -> how far θ moves down at step t


def _sgd(o: Optimizer) -> Step:
    """torch's SGD: ``b_1 = g_1``, ``b_t = μ b_{t-1} + g_t``; Nesterov steps along ``g_t + μ b_t``."""
    buffer = None

    def step(g: np.ndarray, t: int) -> np.ndarray:
        nonlocal buffer
        if o.momentum == 0:
            return o.lr * g  # torch keeps no buffer then: the article's update, to the last bit
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


STEPS: dict[str, Callable[[Optimizer], Step]] = {"sgd": _sgd, "adagrad": _adagrad, "rmsprop": _rmsprop, "adam": _adam}


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
