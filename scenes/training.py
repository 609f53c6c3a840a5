"""Training the neuron and recording what the article plots of it.

Two recordings, one per half of the article:

* :func:`descent_history` — the normalization experiment's gradient descent,
  one row ``W0, W1, b, i, loss`` per iteration, for contours and videos.
* :func:`learning_curves` — the cat/dog neuron's train/test loss and accuracy
  every ten iterations, for the learning-curve figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg.blas import dsymv
from scipy.special import expit
from tqdm.auto import tqdm

from scenes.neuron import Parameters, gradients, log_loss_from_logits, logits, update

HISTORY_COLUMNS = ("W0", "W1", "b", "i", "loss")


def descent_history(
    X: np.ndarray, y: np.ndarray, start: Parameters, learning_rate: float, n_iter: int
) -> np.ndarray:
    """Run ``n_iter`` steps of gradient descent and record every point visited.

    Row ``i`` holds the parameters after ``i`` steps and the true loss there,
    so row 0 is the start and row ``n_iter`` the end: ``n_iter + 1`` rows, each
    one gradient step from the previous.  (The article's ``experimental_neuron``
    stored the loss of one point beside the parameters of the next, and called
    ``log_loss(y, A)`` with its arguments swapped; neither is repeated here.)
    """
    if start.W.shape != (2, 1):
        raise ValueError(f"the descent history records two weights, got W of shape {start.W.shape}")
    history = np.empty((n_iter + 1, len(HISTORY_COLUMNS)))
    params = start
    for i in range(n_iter + 1):
        Z = logits(X, params)
        history[i] = (params.W[0, 0], params.W[1, 0], params.b[0], i, log_loss_from_logits(Z, y))
        if i < n_iter:
            params = update(*gradients(expit(Z), X, y), params, learning_rate)
    return history


@dataclass(frozen=True)
class LearningCurves:
    """Train/test loss and accuracy every ``every`` iterations, and the trained neuron."""

    iterations: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    params: Parameters


def learning_curves(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    start: Parameters,
    learning_rate: float,
    n_iter: int,
    every: int = 10,
    progress: bool = True,
) -> LearningCurves:
    """The article's ``artificial_neuron`` loop, reorganised to iterate on the logits.

    Every step changes ``W`` by a combination of the training rows
    (``-lr/n · Xᵀ(A - y)``), so the training logits move by
    ``-lr/n · X·Xᵀ(A - y) - lr·mean(A - y)``.  With the Gram matrix ``X·Xᵀ``
    computed once (1000 x 1000 for the article's 1000 x 4096 images) a step costs
    one small matrix-vector product instead of two large ones (`make bench`
    measures the gain against the article's own loop).  The test logits
    follow from the running sum of residuals through ``X_test·Xᵀ``, and only
    when a point of the curve is recorded.  The mathematics is the article's
    gradient descent; only the order of the arithmetic changes.
    """
    y = y_train.ravel().astype(float)
    y_t = y_test.ravel().astype(float)
    step = learning_rate / len(y)
    # A step moves W by -step·Xᵀr and b by -step·Σr (r = A - y), so the logits
    # move by -step·(X·Xᵀ + 1)·r: one symmetric matrix-vector product, done by
    # BLAS ``dsymv`` in place (it reads half the matrix; the matrix is
    # symmetric, so its C-ordered transpose is the Fortran array BLAS wants).
    kernel = X_train @ X_train.T
    kernel += 1.0
    kernel *= step
    kernel = kernel.T
    kernel_test = step * (X_test @ X_train.T + 1.0)
    z = np.ascontiguousarray(logits(X_train, start).ravel())
    z_test_start = logits(X_test, start).ravel()
    A = np.empty_like(z)
    residual = np.empty_like(z)
    residual_sum = np.zeros_like(z)

    recorded: list[tuple[int, float, float, float, float]] = []
    for i in tqdm(range(n_iter), desc="cat/dog neuron", unit="it", disable=None if progress else True, leave=False):
        expit(z, out=A)
        if i % every == 0:
            z_test = z_test_start - kernel_test @ residual_sum
            recorded.append(
                (
                    i,
                    float(log_loss_from_logits(z, y)),
                    float(log_loss_from_logits(z_test, y_t)),
                    float(np.mean((A >= 0.5) == y)),
                    float(np.mean((expit(z_test) >= 0.5) == y_t)),
                )
            )
        np.subtract(A, y, out=residual)
        z = dsymv(-1.0, kernel, residual, beta=1.0, y=z, overwrite_y=True)
        residual_sum += residual

    trained = Parameters(
        W=start.W - step * (X_train.T @ residual_sum)[:, None],
        b=start.b - step * residual_sum.sum(keepdims=True),
    )
    columns = np.array(recorded, dtype=float).reshape(-1, 5)
    return LearningCurves(
        iterations=columns[:, 0].astype(int),
        train_loss=columns[:, 1],
        test_loss=columns[:, 2],
        train_accuracy=columns[:, 3],
        test_accuracy=columns[:, 4],
        params=trained,
    )
