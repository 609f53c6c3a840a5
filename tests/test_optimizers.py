"""The torch.optim rules of render/optimizers.py, and the article's choices of them in scenes/optimizers.py,
against a reference written out parameter by parameter.

The reference shares nothing with the modules: the gradient and the loss are sums over the samples in plain
Python (``math.fsum``), and every update is the published formula applied to one scalar parameter at a time
(torch's documented pseudo-code for SGD, Adagrad and RMSprop; Kingma & Ba's Algorithm 1 for Adam, in the
paper's rearranged form with ``α_t = α √(1 − β₂ᵗ) / (1 − β₁ᵗ)``).
"""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

import render.optimizers
from render.optimizers import PALETTE, Optimizer, descend, palette_colors
from render.theme import SERIES
from scenes.context import SceneContext
from scenes.data import blobs
from scenes.neuron import Parameters
from scenes.normalization import SECOND_FEATURE_SCALES, NormalizationExperiment
from scenes.optimizers import OPTIMIZERS, optimize, trails
from scenes.training import descent_history

BY_NAME = {o.name: o for o in OPTIMIZERS}
OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}


# --- the reference -------------------------------------------------------------------------------------------

def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def softplus(z: float) -> float:
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def reference_loss_and_gradient(X, y, theta) -> tuple[float, list[float]]:
    """Mean log loss and its gradient over (w0, w1, b), one sample at a time."""
    w0, w1, b = theta
    losses, g0, g1, gb = [], [], [], []
    for (x0, x1), (label,) in zip(X.tolist(), y.tolist(), strict=True):
        z = w0 * x0 + w1 * x1 + b
        losses.append(softplus(z) - label * z)
        r = sigmoid(z) - label
        g0.append(r * x0)
        g1.append(r * x1)
        gb.append(r)
    n = len(losses)
    return math.fsum(losses) / n, [math.fsum(g0) / n, math.fsum(g1) / n, math.fsum(gb) / n]


def sgd_step(o: Optimizer, state: dict, g: float, t: int) -> float:
    if o.momentum != 0:
        state["b"] = g if t == 1 else o.momentum * state["b"] + g  # dampening 0
        g = g + o.momentum * state["b"] if o.nesterov else state["b"]
    return o.lr * g


def adagrad_step(o: Optimizer, state: dict, g: float, t: int) -> float:
    state["sum"] = state.get("sum", 0.0) + g * g
    return o.lr * g / (math.sqrt(state["sum"]) + o.eps)


def rmsprop_step(o: Optimizer, state: dict, g: float, t: int) -> float:
    state["v"] = o.alpha * state.get("v", 0.0) + (1 - o.alpha) * g * g
    return o.lr * g / (math.sqrt(state["v"]) + o.eps)


def adam_step(o: Optimizer, state: dict, g: float, t: int) -> float:
    beta1, beta2 = o.betas
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * g * g
    alpha_t = o.lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    eps_hat = o.eps * math.sqrt(1 - beta2 ** t)  # the ε of m̂ / (√v̂ + ε), moved with the corrections
    return alpha_t * state["m"] / (math.sqrt(state["v"]) + eps_hat)


REFERENCE_STEPS = {"sgd": sgd_step, "adagrad": adagrad_step, "rmsprop": rmsprop_step, "adam": adam_step}


def reference_history(o: Optimizer, X, y, start: Parameters | list[float], n_iter: int) -> np.ndarray:
    theta = list(start) if isinstance(start, list) else [float(start.W[0, 0]), float(start.W[1, 0]), float(start.b[0])]
    states = [{}, {}, {}]  # each parameter's own state
    rows = []
    for t in range(n_iter + 1):
        loss, g = reference_loss_and_gradient(X, y, theta)
        rows.append([*theta, t, loss])
        for k in range(3):
            theta[k] -= REFERENCE_STEPS[o.algorithm](o, states[k], g[k], t + 1)
    return np.array(rows)


# --- data ----------------------------------------------------------------------------------------------------

def synthetic() -> tuple[np.ndarray, np.ndarray, Parameters]:
    """40 overlapping points, the second feature 3 times larger: a small, non-separable, uneven problem."""
    rng = np.random.default_rng(7)
    y = (np.arange(40) % 2).reshape(-1, 1).astype(float)
    X = rng.standard_normal((40, 2)) + 1.2 * y
    X[:, 1] *= 3.0
    return X, y, Parameters(W=np.array([[-2.0], [2.0]]), b=np.array([0.5]))


def experiment(variant: str, seed: int = 0) -> NormalizationExperiment:
    return NormalizationExperiment(SceneContext(seed=seed), variant, SECOND_FEATURE_SCALES[variant])


def start_of(e: NormalizationExperiment) -> Parameters:
    return Parameters(W=e.history[0, :2].reshape(2, 1), b=e.history[0, 2:3].copy())


# --- the engine's rules (render.optimizers) against the reference ------------------------------------------

# One of each rule, with hyper-parameters away from torch's defaults so that each of them is exercised
# (the defaults are the article's, checked through scenes.optimizers below).
ENGINE = {
    "sgd": Optimizer("sgd", "sgd", lr=0.3),
    "momentum": Optimizer("momentum", "sgd", lr=0.05, momentum=0.8),
    "nesterov": Optimizer("nesterov", "sgd", lr=0.05, momentum=0.5, nesterov=True),
    "adagrad": Optimizer("adagrad", "adagrad", lr=0.5, eps=1e-6),
    "rmsprop": Optimizer("rmsprop", "rmsprop", lr=0.05, alpha=0.9, eps=1e-3),
    "adam": Optimizer("adam", "adam", lr=0.1, betas=(0.8, 0.99), eps=1e-6),
}


def engine_descent(o: Optimizer, X, y, start: list[float], n_iter: int) -> np.ndarray:
    """``descend`` on the reference's own loss: only the rules and the loop are the engine's."""

    def loss_and_gradient(theta: np.ndarray) -> tuple[float, np.ndarray]:
        loss, g = reference_loss_and_gradient(X, y, theta.tolist())
        return loss, np.array(g)

    return descend(loss_and_gradient, np.array(start), n_iter, o)


SYNTHETIC_START = [-2.0, 2.0, 0.5]


@pytest.mark.parametrize("name", ENGINE)
def test_every_engine_step_matches_the_reference(name):
    X, y, _ = synthetic()
    history = engine_descent(ENGINE[name], X, y, SYNTHETIC_START, n_iter=60)
    assert history.shape == (61, 5)
    np.testing.assert_array_equal(history[:, 3], np.arange(61))
    np.testing.assert_allclose(history, reference_history(ENGINE[name], X, y, SYNTHETIC_START, 60),
                               rtol=1e-10, atol=1e-13)


def test_nesterov_without_momentum_is_gradient_descent():
    X, y, _ = synthetic()
    plain = ENGINE["sgd"]
    nesterov = dataclasses.replace(plain, momentum=0.0, nesterov=True)  # torch refuses it; the formula allows it
    np.testing.assert_array_equal(engine_descent(nesterov, X, y, SYNTHETIC_START, 40),
                                  engine_descent(plain, X, y, SYNTHETIC_START, 40))


def test_momentum_changes_the_descent_from_the_second_step():
    X, y, _ = synthetic()
    plain = engine_descent(dataclasses.replace(ENGINE["sgd"], lr=0.1), X, y, SYNTHETIC_START, 10)
    heavy = engine_descent(dataclasses.replace(ENGINE["sgd"], lr=0.1, momentum=0.9), X, y, SYNTHETIC_START, 10)
    np.testing.assert_array_equal(heavy[:2], plain[:2])  # b_1 = g_1: the first step is gradient descent's
    assert np.all(np.abs(heavy[2:, :3] - plain[2:, :3]) > 1e-6)


@pytest.mark.parametrize("algorithm", ["adam", "adagrad"])
@pytest.mark.parametrize("scale", [0.1, 1.0, 1e3])
def test_the_first_step_moves_every_parameter_by_the_learning_rate(algorithm, scale):
    """Both divide the first gradient by its own size: ``g / (|g| + ε)``, a step of lr whatever the scale."""
    step = render.optimizers.STEPS[algorithm](Optimizer("o", algorithm, lr=0.7))
    g = scale * np.array([3.0, -0.5, 20.0])
    np.testing.assert_allclose(np.abs(step(g, 1)), 0.7, rtol=1e-6)


def test_each_descent_gets_a_fresh_state():
    """A rule's state (momentum buffer, sums of squares) belongs to one descent, never carried to the next."""
    X, y, _ = synthetic()
    for o in ENGINE.values():
        np.testing.assert_array_equal(engine_descent(o, X, y, SYNTHETIC_START, 15),
                                      engine_descent(o, X, y, SYNTHETIC_START, 15))


# --- descend on a quadratic bowl -----------------------------------------------------------------------------

CURVATURES = np.array([1.0, 10.0])  # a narrow valley: the second direction 10 times steeper


def bowl(theta: np.ndarray) -> tuple[float, np.ndarray]:
    return 0.5 * float(CURVATURES @ (theta * theta)), CURVATURES * theta


@pytest.mark.parametrize("optimizer", [Optimizer("gd", "sgd", lr=0.15), Optimizer("m", "sgd", lr=0.05, momentum=0.5),
                                       Optimizer("n", "sgd", lr=0.05, momentum=0.5, nesterov=True)])
def test_gradient_descent_converges_in_a_bowl(optimizer):
    start = np.array([3.0, -2.0])
    history = descend(bowl, start, 300, optimizer)
    assert history.shape == (301, 4)
    np.testing.assert_array_equal(history[0], [3.0, -2.0, 0, bowl(start)[0]])
    np.testing.assert_array_equal(history[:, 2], np.arange(301))
    assert history[-1, 3] < 1e-12 and np.all(np.abs(history[-1, :2]) < 1e-6)
    np.testing.assert_array_equal(start, [3.0, -2.0])  # the caller's start is not moved


def test_plain_sgd_is_theta_minus_lr_g_at_every_step():
    lr = 0.15
    history = descend(bowl, np.array([3.0, -2.0]), 25, Optimizer("gd", "sgd", lr=lr))
    for before, after in zip(history[:-1], history[1:], strict=True):
        theta = before[:2]
        np.testing.assert_array_equal(after[:2], theta - lr * bowl(theta)[1])  # to the last bit
        assert after[3] == bowl(after[:2])[0]  # the loss where the parameters are


def scalar_divergence(lr: float, start: tuple[float, float], n_iter: int) -> list[list[float]]:
    """Gradient descent in the bowl with Python floats, stopping before the first non-finite row."""
    (a0, a1), theta, rows = CURVATURES.tolist(), list(start), []
    for i in range(n_iter + 1):
        loss = 0.5 * (a0 * (theta[0] * theta[0]) + a1 * (theta[1] * theta[1]))
        if not all(math.isfinite(v) for v in (*theta, loss)):
            break
        rows.append([*theta, i, loss])
        theta = [theta[0] - lr * (a0 * theta[0]), theta[1] - lr * (a1 * theta[1])]
    return rows


@pytest.mark.parametrize("optimizer", [Optimizer("gd", "sgd", lr=0.5), Optimizer("m", "sgd", lr=0.5, momentum=0.9)])
def test_a_divergent_trail_ends_at_its_last_finite_row_without_a_warning(optimizer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would fail here, whatever pytest's settings
        history = descend(bowl, np.array([3.0, -2.0]), 2000, optimizer)
    assert 10 < len(history) < 2001
    assert np.isfinite(history).all()
    np.testing.assert_array_equal(history[:, 2], np.arange(len(history)))
    assert abs(history[-1, 1]) > 1e100  # it did run away before it stopped
    if optimizer.momentum == 0:  # gradient descent: the very rows of the scalar loop, and no more
        expected = np.array(scalar_divergence(0.5, (3.0, -2.0), 2000))
        assert history.shape == expected.shape
        np.testing.assert_allclose(history, expected, rtol=1e-12)


def test_a_loss_that_stops_being_finite_ends_the_trail_even_if_the_parameters_do_not():
    def steep(theta: np.ndarray) -> tuple[float, np.ndarray]:
        return (float(np.exp(theta[0])), np.array([-1.0]))  # moves +1 a step; exp overflows past 709.78

    history = descend(steep, np.array([700.0]), 50, Optimizer("gd", "sgd", lr=1.0))
    np.testing.assert_array_equal(history[:, 0], np.arange(700.0, 710.0))


@pytest.mark.parametrize("start, message", [(np.array([np.inf, 0.0]), "the start must be finite"),
                                            (np.zeros((2, 1)), "one vector of parameters")])
def test_a_start_that_is_no_trail_is_refused(start, message):
    with pytest.raises(ValueError, match=message):
        descend(bowl, start, 5, Optimizer("gd", "sgd", lr=0.1))


def test_zero_iterations_record_the_start():
    np.testing.assert_array_equal(descend(bowl, np.array([1.0, 1.0]), 0, Optimizer("gd", "sgd", lr=0.1)),
                                  [[1.0, 1.0, 0, 5.5]])


# --- the engine's Optimizer, its records and colours ---------------------------------------------------------

RECORD_KEYS = {
    "sgd": ["algorithm", "lr", "momentum", "nesterov"],
    "adagrad": ["algorithm", "lr", "eps"],
    "rmsprop": ["algorithm", "lr", "alpha", "eps"],
    "adam": ["algorithm", "lr", "betas", "eps"],
}


def test_torchs_defaults():
    assert Optimizer("s", "sgd", lr=1).record() == {"algorithm": "sgd", "lr": 1, "momentum": 0.0, "nesterov": False}
    assert Optimizer("a", "adagrad", lr=1).record() == {"algorithm": "adagrad", "lr": 1, "eps": 1e-10}
    assert Optimizer("r", "rmsprop", lr=1).record() == {"algorithm": "rmsprop", "lr": 1, "alpha": 0.99, "eps": 1e-8}
    assert Optimizer("A", "adam", lr=1).record() == {"algorithm": "adam", "lr": 1, "betas": [0.9, 0.999], "eps": 1e-8}


@pytest.mark.parametrize("kwargs", [
    {"algorithm": "lbfgs"},
    {"algorithm": "adam", "momentum": 0.9},
    {"algorithm": "sgd", "eps": 1e-8},
    {"algorithm": "adagrad", "betas": (0.9, 0.99)},
    {"algorithm": "sgd", "lr": 0.0},
])
def test_settings_that_would_have_no_effect_are_refused(kwargs):
    with pytest.raises(ValueError):
        Optimizer(**{"name": "x", "lr": 0.1, **kwargs})


def test_the_palette_is_the_theme_s_series_in_order():
    """Roles, not hues: each theme shades them (the dark one in Okabe & Ito's colours; tests/test_palette.py)."""
    assert PALETTE == ("C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7")
    assert set(SERIES["dark"][:6]) == OKABE_ITO - {"#000000", "#F0E442"}


def test_optimizers_without_colours_take_the_palette_in_order():
    optimizers = [Optimizer(str(k), "sgd", lr=0.1) for k in range(8)]
    assert palette_colors(optimizers) == PALETTE
    assert palette_colors(iter(optimizers[:2])) == PALETTE[:2]  # any iterable, read once
    assert palette_colors([]) == ()


def test_a_colour_given_is_kept_and_skipped_by_the_others():
    optimizers = [Optimizer("a", "sgd", lr=0.1), Optimizer("b", "adam", lr=0.1, color="C0"),
                  Optimizer("c", "adam", lr=0.1), Optimizer("d", "adam", lr=0.1, color="#123456")]
    assert palette_colors(optimizers) == ("C1", "C0", "C2", "#123456")


def test_running_out_of_colours_is_an_error_not_a_repeat():
    with pytest.raises(ValueError, match="ninth: no colour left in the palette of 8"):
        palette_colors([*(Optimizer(str(k), "sgd", lr=0.1) for k in range(8)), Optimizer("ninth", "sgd", lr=0.1)])


def test_the_engines_optimizers_load_no_numpy():
    """A post lists its optimizers for ``render list`` without the maths' libraries; NumPy comes with a descent."""
    probe = ("import sys, render.optimizers as o; o.palette_colors([o.Optimizer('x', 'adam', lr=1)]); "
             "o.Optimizer('x', 'adam', lr=1).record(); print('numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


# --- the article's choices (scenes.optimizers) ---------------------------------------------------------------

def test_the_article_uses_the_engines_optimizers():
    import scenes.optimizers

    assert scenes.optimizers.Optimizer is Optimizer
    assert scenes.optimizers.STEPS is render.optimizers.STEPS
    assert all(isinstance(o, Optimizer) for o in OPTIMIZERS)


@pytest.mark.parametrize("name", BY_NAME)
def test_every_step_matches_the_reference_on_synthetic_data(name):
    X, y, start = synthetic()
    history = optimize(BY_NAME[name], X, y, start, n_iter=60)
    expected = reference_history(BY_NAME[name], X, y, start, n_iter=60)
    assert history.shape == (61, 5)
    np.testing.assert_array_equal(history[:, 3], np.arange(61))
    np.testing.assert_allclose(history, expected, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", BY_NAME)
def test_first_steps_match_the_reference_on_the_compressed_data(name):
    e = experiment("compressed")
    history = optimize(BY_NAME[name], e.data.X, e.data.y, start_of(e), n_iter=5)
    expected = reference_history(BY_NAME[name], e.data.X, e.data.y, start_of(e), n_iter=5)
    np.testing.assert_allclose(history, expected, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", BY_NAME)
def test_the_articles_descent_is_the_engines(name):
    """``optimize`` (the neuron's loop) and ``descend`` (the engine's) give the same trail, bit for bit."""
    X, y, start = synthetic()
    from scenes.neuron import gradients, log_loss_from_logits, logits
    from scipy.special import expit

    def loss_and_gradient(theta: np.ndarray) -> tuple[float, np.ndarray]:
        Z = logits(X, Parameters(W=theta[:2].reshape(2, 1), b=theta[2:]))
        dW, db = gradients(expit(Z), X, y)
        return log_loss_from_logits(Z, y), np.concatenate([dW.ravel(), db])

    np.testing.assert_array_equal(optimize(BY_NAME[name], X, y, start, 40),
                                  descend(loss_and_gradient, np.array(SYNTHETIC_START), 40, BY_NAME[name]))


@pytest.mark.parametrize("variant", SECOND_FEATURE_SCALES)
def test_gradient_descent_is_the_articles_descent_bit_for_bit(variant):
    e = experiment(variant)
    gd = BY_NAME["gradient descent"]
    assert gd.record() == {"algorithm": "sgd", "lr": 0.6, "momentum": 0.0, "nesterov": False}
    np.testing.assert_array_equal(optimize(gd, e.data.X, e.data.y, start_of(e), 100),
                                  descent_history(e.data.X, e.data.y, start_of(e), 0.6, 100))
    np.testing.assert_array_equal(trails(e)["gradient descent"], e.history)


@pytest.mark.parametrize("name", ["Adam", "AdaGrad"])
@pytest.mark.parametrize("variant", SECOND_FEATURE_SCALES)
def test_the_first_step_on_the_articles_data_is_the_learning_rate(name, variant):
    e = experiment(variant)
    o = BY_NAME[name]
    first = optimize(o, e.data.X, e.data.y, start_of(e), n_iter=1)
    np.testing.assert_allclose(np.abs(first[1, :3] - first[0, :3]), o.lr, rtol=1e-6)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("variant", SECOND_FEATURE_SCALES)
def test_every_trail_is_finite_for_the_articles_100_iterations(variant, seed):
    found = trails(experiment(variant, seed))
    assert list(found) == [o.name for o in OPTIMIZERS]
    for name, history in found.items():
        assert history.shape == (101, 5), name
        assert np.isfinite(history).all(), name
        assert history[-1, 4] < history[0, 4], name  # each gets somewhere


def test_trails_start_where_the_article_starts():
    for history in trails(experiment("normalized")).values():
        assert history[0, :2].tolist() == [-7.5, 7.5]
        assert history[0, 2] == experiment("normalized").history[0, 2]


def test_the_six_optimizers_in_the_articles_order():
    assert [o.name for o in OPTIMIZERS] == ["gradient descent", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"]
    assert len({o.name for o in OPTIMIZERS}) == len(OPTIMIZERS)
    assert BY_NAME["gradient descent"].color == "C0"  # the first series: every lone descent's path too
    # the article's colours are the ones the engine would give them, in the same order
    assert tuple(o.color for o in OPTIMIZERS) == palette_colors(dataclasses.replace(o, color=None) for o in OPTIMIZERS)


@pytest.mark.parametrize("name", BY_NAME)
def test_a_record_holds_exactly_what_its_algorithm_uses(name):
    o = BY_NAME[name]
    record = o.record()
    assert list(record) == RECORD_KEYS[o.algorithm]
    assert record["algorithm"] == o.algorithm and record["lr"] == o.lr
    assert json.loads(json.dumps(record)) == record  # betas as a list, as manifest.json reads it back


def test_the_chosen_hyper_parameters():
    assert BY_NAME["momentum"].record() == {"algorithm": "sgd", "lr": 0.06, "momentum": 0.9, "nesterov": False}
    assert BY_NAME["Nesterov"].record() == {"algorithm": "sgd", "lr": 0.06, "momentum": 0.9, "nesterov": True}
    assert BY_NAME["AdaGrad"].record() == {"algorithm": "adagrad", "lr": 1.0, "eps": 1e-10}
    assert BY_NAME["RMSProp"].record() == {"algorithm": "rmsprop", "lr": 0.3, "alpha": 0.99, "eps": 1e-8}
    assert BY_NAME["Adam"].record() == {"algorithm": "adam", "lr": 0.3, "betas": [0.9, 0.999], "eps": 1e-8}


def test_listing_the_optimizers_loads_no_numpy():
    """A scene can put the optimizers' names and records in its outputs without the maths' libraries."""
    probe = "import sys, scenes.optimizers as o; o.OPTIMIZERS[0].record(); print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_blobs_are_the_experiments_data():
    """The trails run on the article's blobs, not a copy of them."""
    for variant, scale in SECOND_FEATURE_SCALES.items():
        np.testing.assert_array_equal(experiment(variant).data.X, blobs(scale).X)
