"""The torch.optim algorithms of scenes/optimizers.py against a reference written out parameter by parameter.

The reference shares nothing with the module: the gradient and the loss are sums over the samples in plain
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

import numpy as np
import pytest

from scenes.context import SceneContext
from scenes.data import blobs
from scenes.neuron import Parameters
from scenes.normalization import SECOND_FEATURE_SCALES, NormalizationExperiment
from scenes.optimizers import OPTIMIZERS, Optimizer, optimize, trails
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


def reference_history(o: Optimizer, X, y, start: Parameters, n_iter: int) -> np.ndarray:
    theta = [float(start.W[0, 0]), float(start.W[1, 0]), float(start.b[0])]
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


# --- against the reference -----------------------------------------------------------------------------------

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


@pytest.mark.parametrize("name", ["Nesterov", "RMSProp"])
def test_the_reference_checks_hyper_parameters_away_from_the_defaults(name):
    X, y, start = synthetic()
    changed = {"Nesterov": {"momentum": 0.5}, "RMSProp": {"alpha": 0.9, "eps": 1e-3}}[name]
    o = dataclasses.replace(BY_NAME[name], **changed)
    np.testing.assert_allclose(optimize(o, X, y, start, 30), reference_history(o, X, y, start, 30), rtol=1e-10)


# --- known facts ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", SECOND_FEATURE_SCALES)
def test_gradient_descent_is_the_articles_descent_bit_for_bit(variant):
    e = experiment(variant)
    gd = BY_NAME["gradient descent"]
    assert gd.record() == {"algorithm": "sgd", "lr": 0.6, "momentum": 0.0, "nesterov": False}
    np.testing.assert_array_equal(optimize(gd, e.data.X, e.data.y, start_of(e), 100),
                                  descent_history(e.data.X, e.data.y, start_of(e), 0.6, 100))
    np.testing.assert_array_equal(trails(e)["gradient descent"], e.history)


def test_nesterov_without_momentum_is_gradient_descent():
    X, y, start = synthetic()
    plain = BY_NAME["gradient descent"]
    nesterov = dataclasses.replace(plain, momentum=0.0, nesterov=True)  # torch refuses it; the formula allows it
    np.testing.assert_array_equal(optimize(nesterov, X, y, start, 40), optimize(plain, X, y, start, 40))


def test_momentum_changes_the_descent_from_the_second_step():
    X, y, start = synthetic()
    plain = optimize(dataclasses.replace(BY_NAME["gradient descent"], lr=0.1), X, y, start, 10)
    heavy = optimize(dataclasses.replace(BY_NAME["gradient descent"], lr=0.1, momentum=0.9), X, y, start, 10)
    np.testing.assert_array_equal(heavy[:2], plain[:2])  # b_1 = g_1: the first step is gradient descent's
    assert np.all(np.abs(heavy[2:, :3] - plain[2:, :3]) > 1e-6)


@pytest.mark.parametrize("name", ["Adam", "AdaGrad"])
@pytest.mark.parametrize("data", ["synthetic", "compressed", "normalized"])
def test_the_first_step_moves_every_parameter_by_the_learning_rate(name, data):
    """Both divide the first gradient by its own size: ``g / (|g| + ε)``, a step of lr whatever the scale."""
    if data == "synthetic":
        X, y, start = synthetic()
    else:
        e = experiment(data)
        X, y, start = e.data.X, e.data.y, start_of(e)
    o = BY_NAME[name]
    first = optimize(o, X, y, start, n_iter=1)
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


# --- the list and its records --------------------------------------------------------------------------------

def test_the_six_optimizers_in_the_articles_order():
    assert [o.name for o in OPTIMIZERS] == ["gradient descent", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"]
    assert len({o.name for o in OPTIMIZERS}) == len(OPTIMIZERS)
    assert len({o.color for o in OPTIMIZERS}) == len(OPTIMIZERS)
    assert {o.color for o in OPTIMIZERS} <= OKABE_ITO
    assert BY_NAME["gradient descent"].color == "#D55E00"  # vermillion, next to the article's red


RECORD_KEYS = {
    "sgd": ["algorithm", "lr", "momentum", "nesterov"],
    "adagrad": ["algorithm", "lr", "eps"],
    "rmsprop": ["algorithm", "lr", "alpha", "eps"],
    "adam": ["algorithm", "lr", "betas", "eps"],
}


@pytest.mark.parametrize("name", BY_NAME)
def test_a_record_holds_exactly_what_its_algorithm_uses(name):
    o = BY_NAME[name]
    record = o.record()
    assert list(record) == RECORD_KEYS[o.algorithm]
    assert record["algorithm"] == o.algorithm and record["lr"] == o.lr
    assert json.loads(json.dumps(record)) == record  # betas as a list, as manifest.json reads it back


def test_torchs_defaults_and_the_chosen_hyper_parameters():
    assert Optimizer("a", "adagrad", lr=1, color="#000000").record() == {"algorithm": "adagrad", "lr": 1, "eps": 1e-10}
    assert Optimizer("r", "rmsprop", lr=1, color="#000000").record() == {
        "algorithm": "rmsprop", "lr": 1, "alpha": 0.99, "eps": 1e-8}
    assert Optimizer("A", "adam", lr=1, color="#000000").record() == {
        "algorithm": "adam", "lr": 1, "betas": [0.9, 0.999], "eps": 1e-8}
    assert BY_NAME["momentum"].record() == {"algorithm": "sgd", "lr": 0.06, "momentum": 0.9, "nesterov": False}
    assert BY_NAME["Nesterov"].record() == {"algorithm": "sgd", "lr": 0.06, "momentum": 0.9, "nesterov": True}


@pytest.mark.parametrize("kwargs", [
    {"algorithm": "lbfgs"},
    {"algorithm": "adam", "momentum": 0.9},
    {"algorithm": "sgd", "eps": 1e-8},
    {"algorithm": "adagrad", "betas": (0.9, 0.99)},
    {"algorithm": "sgd", "lr": 0.0},
])
def test_settings_that_would_have_no_effect_are_refused(kwargs):
    with pytest.raises(ValueError):
        Optimizer(**{"name": "x", "lr": 0.1, "color": "#000000", **kwargs})


def test_listing_the_optimizers_loads_no_numpy():
    """A scene can put the optimizers' names and records in its outputs without the maths' libraries."""
    probe = "import sys, scenes.optimizers as o; o.OPTIMIZERS[0].record(); print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_blobs_are_the_experiments_data():
    """The trails run on the article's blobs, not a copy of them."""
    for variant, scale in SECOND_FEATURE_SCALES.items():
        np.testing.assert_array_equal(experiment(variant).data.X, blobs(scale).X)
