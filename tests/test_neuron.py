import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import log_loss as sklearn_log_loss

from scenes.neuron import Parameters, gradients, log_loss, log_loss_from_logits, model, predict, update


def random_problem(seed=0, n=30, features=3, scale=1.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, features)) * scale
    y = (rng.random((n, 1)) > 0.5).astype(float)
    params = Parameters(W=rng.normal(size=(features, 1)), b=rng.normal(size=1))
    return X, y, params


def test_loss_matches_sklearn():
    X, y, params = random_problem()
    expected = sklearn_log_loss(y.ravel(), model(X, params).ravel(), labels=[0, 1])
    assert log_loss(X, y, params) == pytest.approx(expected, rel=1e-12)


def test_gradients_match_finite_differences():
    X, y, params = random_problem(seed=1)
    dW, db = gradients(model(X, params), X, y)
    eps = 1e-6
    for k in range(params.W.shape[0]):
        step = np.zeros_like(params.W)
        step[k] = eps
        numeric = (log_loss(X, y, Parameters(params.W + step, params.b))
                   - log_loss(X, y, Parameters(params.W - step, params.b))) / (2 * eps)
        assert dW[k, 0] == pytest.approx(numeric, rel=1e-6, abs=1e-9)
    numeric_b = (log_loss(X, y, Parameters(params.W, params.b + eps))
                 - log_loss(X, y, Parameters(params.W, params.b - eps))) / (2 * eps)
    assert db[0] == pytest.approx(numeric_b, rel=1e-6, abs=1e-9)


def test_update_moves_against_the_gradient():
    X, y, params = random_problem(seed=2)
    after = update(*gradients(model(X, params), X, y), params, learning_rate=0.01)
    assert log_loss(X, y, after) < log_loss(X, y, params)


def test_loss_is_exact_where_the_articles_epsilon_saturates():
    # A confident mistake: the article's log(A + 1e-15) caps this at ~34.5.
    Z = np.array([[-800.0]])
    assert log_loss_from_logits(Z, np.array([[1.0]])) == pytest.approx(800.0)
    assert log_loss_from_logits(Z, np.array([[0.0]])) == pytest.approx(0.0, abs=1e-300)


def test_predict_thresholds_at_one_half():
    params = Parameters(W=np.array([[1.0]]), b=np.array([0.0]))
    assert predict(np.array([[-1.0], [0.0], [2.0]]), params).ravel().tolist() == [False, True, True]


@settings(max_examples=60, deadline=None)
@given(
    Z=arrays(np.float64, st.integers(1, 40), elements=st.floats(-1e300, 1e300)),
    scale=st.sampled_from([1e-3, 1.0, 1e3, 1e8]),
)
def test_no_warnings_and_loss_nonnegative_for_any_finite_input(Z, scale):
    y = (np.arange(Z.size) % 2).astype(float)
    X = Z.reshape(-1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = log_loss_from_logits(Z, y)
        A = model(X, Parameters(W=np.array([[scale]]), b=np.array([0.0])))
    assert loss >= 0
    assert np.all((A >= 0) & (A <= 1))
