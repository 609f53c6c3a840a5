import numpy as np
import pytest

from render.spec import series
from scenes.context import SceneContext
from scenes.data import blobs
from scenes.neuron import Parameters, gradients, initialisation, log_loss, model, predict, update
from scenes.normalization import NormalizationExperiment
from scenes.training import as_trail, bias_marks, descent_history, learning_curves


def test_history_is_true_gradient_descent():
    data = blobs(10.0)
    start = Parameters(W=np.array([[-7.5], [7.5]]), b=np.array([0.3]))
    history = descent_history(data.X, data.y, start, learning_rate=0.6, n_iter=20)
    assert history.shape == (21, 5)
    assert history[:, 3].tolist() == list(range(21))
    for row, following in zip(history[:-1], history[1:]):
        params = Parameters(W=row[:2].reshape(2, 1), b=row[2:3])
        assert row[4] == pytest.approx(log_loss(data.X, data.y, params), rel=1e-12)
        stepped = update(*gradients(model(data.X, params), data.X, data.y), params, 0.6)
        np.testing.assert_allclose(following[:3], [*stepped.W.ravel(), *stepped.b], rtol=1e-12)


def test_history_starts_where_the_article_starts():
    history = NormalizationExperiment(SceneContext(seed=5), "compressed", 10.0).history
    assert history[0, :2].tolist() == [-7.5, 7.5]
    assert len(history) == 101



def test_a_history_becomes_a_trail_by_name_column_for_column():
    data = blobs(10.0)
    start = Parameters(W=np.array([[-7.5], [7.5]]), b=np.array([0.3]))
    history = descent_history(data.X, data.y, start, learning_rate=0.6, n_iter=20)
    trail = as_trail(history, label="compressed", color="blue", **bias_marks(history))
    for name, column in zip(("x", "y", None, "iteration", "loss"), history.T):  # the order of HISTORY_COLUMNS
        if name:  # the bias is no parameter of the landscape: it is a trail's marks where asked
            np.testing.assert_array_equal(getattr(trail, name), column)
    np.testing.assert_array_equal(trail.marks, history[:, 2])
    assert (trail.label, trail.color, trail.marks_cmap, trail.marks_label) == ("compressed", "blue", "Blues", "b")
    plain = as_trail(history)
    assert (plain.label, plain.color, plain.marks, plain.marks_cmap) == ("", series(0), None, None)


def test_the_descent_view_is_the_experiments_history_on_its_surface():
    experiment = NormalizationExperiment(SceneContext(seed=5, grid_size=12), "compressed", 10.0)
    view = experiment.descent_view()
    (trail,) = view.trails
    np.testing.assert_array_equal(np.column_stack([trail.x, trail.y, trail.iteration, trail.loss]),
                                  experiment.history[:, [0, 1, 3, 4]])
    surface = experiment.surface
    np.testing.assert_array_equal(view.landscape.x, surface.w1)  # the surface's W0 axis
    np.testing.assert_array_equal(view.landscape.y, surface.w2)
    np.testing.assert_array_equal(view.landscape.loss, surface.loss)
    assert view.title == "unscaled features" and view.loss_scale == "linear"


def naive_loop(X, y, Xt, yt, params, lr, n_iter):
    """The article's artificial_neuron loop, with the exact loss: the reference."""
    rows = []
    for i in range(n_iter):
        A = model(X, params)
        if i % 10 == 0:
            rows.append((log_loss(X, y, params), log_loss(Xt, yt, params),
                         np.mean(predict(X, params) == y), np.mean(predict(Xt, params) == yt)))
        params = update(*gradients(A, X, y), params, lr)
    return np.array(rows), params


def test_learning_curves_match_the_articles_loop():
    rng = np.random.default_rng(3)
    X, Xt = rng.random((60, 50)), rng.random((20, 50))
    y = (X[:, :5].sum(axis=1, keepdims=True) > 2.5).astype(float)
    yt = (Xt[:, :5].sum(axis=1, keepdims=True) > 2.5).astype(float)
    start = initialisation(50, rng)
    expected, trained = naive_loop(X, y, Xt, yt, start, 0.05, 300)
    curves = learning_curves(X, y, Xt, yt, start, 0.05, 300, progress=False)
    assert curves.iterations.tolist() == list(range(0, 300, 10))
    assert_same_descent(curves, expected, trained, weights_atol=1e-12)


def test_learning_curves_are_the_same_bytes_whatever_threads_blas_may_use():
    """At the article's size (1,000 images of 4,096 pixels) BLAS splits a product between threads, and two
    threads add its parts in another order than one; the training runs on one, whatever its caller allows."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(4)
    X, Xt = rng.integers(0, 256, (1000, 4096)) / 255, rng.integers(0, 256, (200, 4096)) / 255
    y, yt = rng.integers(0, 2, (1000, 1)), rng.integers(0, 2, (200, 1))
    start = initialisation(4096, rng)
    curves = {}
    for threads in (1, 2):
        with threadpool_limits(limits=threads):
            curves[threads] = learning_curves(X, y, Xt, yt, start, 0.01, 200, progress=False)
    for field in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
        assert getattr(curves[1], field).tobytes() == getattr(curves[2], field).tobytes(), field
    assert curves[1].params.W.tobytes() == curves[2].params.W.tobytes()


def assert_same_descent(curves, expected, trained, weights_atol: float) -> None:
    """``learning_curves``' record and final weights are the article's loop's (``naive_loop``'s)."""
    np.testing.assert_allclose(curves.train_loss, expected[:, 0], rtol=1e-9)
    np.testing.assert_allclose(curves.test_loss, expected[:, 1], rtol=1e-9)
    np.testing.assert_array_equal(curves.train_accuracy, expected[:, 2])
    np.testing.assert_array_equal(curves.test_accuracy, expected[:, 3])
    np.testing.assert_allclose(curves.params.W, trained.W, rtol=1e-9, atol=weights_atol)
    np.testing.assert_allclose(curves.params.b, trained.b, rtol=1e-9)


def test_same_seed_same_history_other_seed_other_bias():
    def history(seed):
        return NormalizationExperiment(SceneContext(seed=seed), "normalized", 1.0).history

    np.testing.assert_array_equal(history(1), history(1))
    assert history(1)[0, 2] != history(2)[0, 2]
