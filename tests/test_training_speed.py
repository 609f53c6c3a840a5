"""``learning_curves``' float32 steps: used, and still the article's gradient descent."""

import numpy as np
import pytest
import scipy.linalg.blas

from scenes.neuron import initialisation
from scenes.training import learning_curves
from tests.test_training import assert_same_descent, naive_loop


def counting(monkeypatch, name):
    """Count the calls of a BLAS routine (``learning_curves`` imports them from scipy when it runs)."""
    calls = []
    blas = getattr(scipy.linalg.blas, name)

    def wrapper(*args, **kwargs):
        calls.append(1)
        return blas(*args, **kwargs)

    monkeypatch.setattr(scipy.linalg.blas, name, wrapper)
    return calls


def separable(rng, n, m):
    X = rng.random((n, m))
    y = (X[:, : m // 4].sum(axis=1, keepdims=True) + 0.3 * rng.standard_normal((n, 1)) > m / 8).astype(float)
    return X, y


def test_float32_steps_match_the_articles_loop(monkeypatch):
    rng = np.random.default_rng(11)
    (X, y), (Xt, yt) = separable(rng, 300, 120), separable(rng, 80, 120)
    start = initialisation(120, rng)
    expected, trained = naive_loop(X, y, Xt, yt, start, 0.05, 1500)
    float32_steps = counting(monkeypatch, "ssymv")
    float64_products = counting(monkeypatch, "dsymv")
    curves = learning_curves(X, y, Xt, yt, start, 0.05, 1500, progress=False)
    assert len(float32_steps) > 0.9 * 1500 and len(float32_steps) + len(float64_products) >= 1500
    # W's entries are O(1); the float32 remainders leave them ~1e-11 from the loop's
    assert_same_descent(curves, expected, trained, weights_atol=1e-10)


@pytest.mark.parametrize("n_iter, every", [(0, 10), (1, 10), (25, 10), (2600, 10), (30, 1)])
def test_records_every_iterations_in_any_number_of_blocks(n_iter, every):
    rng = np.random.default_rng(5)
    (X, y), (Xt, yt) = separable(rng, 40, 12), separable(rng, 10, 12)
    start = initialisation(12, rng)
    curves = learning_curves(X, y, Xt, yt, start, 0.1, n_iter, every=every, progress=False)
    assert curves.iterations.tolist() == list(range(0, n_iter, every))
    for column in (curves.train_loss, curves.test_loss, curves.train_accuracy, curves.test_accuracy):
        assert column.shape == curves.iterations.shape and np.isfinite(column).all()
    if n_iter == 2600:  # 260 records: a full block of 256 and a partial one
        expected, trained = naive_loop(X, y, Xt, yt, start, 0.1, n_iter)
        np.testing.assert_allclose(curves.train_loss, expected[:, 0], rtol=1e-9)
        np.testing.assert_allclose(curves.test_loss, expected[:, 1], rtol=1e-9)
        np.testing.assert_allclose(curves.params.W, trained.W, rtol=1e-9, atol=1e-10)
