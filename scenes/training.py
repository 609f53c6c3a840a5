"""Training the neuron and recording what the article plots of it.

Two recordings, one per half of the article:

* :func:`descent_history` — the normalization experiment's gradient descent,
  one row ``W0, W1, b, i, loss`` per iteration, for contours and videos
  (and :func:`accuracy_along` it, for its moving decision boundary).
* :func:`learning_curves` — the cat/dog neuron's train/test loss and accuracy
  every ten iterations, for the learning-curve figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import expit

from render.spec import Trail
from scenes.neuron import Parameters, gradients, log_loss_from_logits, logits

HISTORY_COLUMNS = ("W0", "W1", "b", "i", "loss")


def as_trail(history: np.ndarray, **style: object) -> Trail:
    """A recorded history (rows ``W0, W1, b, i, loss``) as the engine draws it, by name, never by column: the
    weights are the landscape's two parameters (the bias, fixed on the landscape, is not); ``style`` is how
    (``Trail``'s ``label``, ``color``, ``marks``...)."""
    w0, w1, _, i, loss = history.T
    return Trail(w0, w1, i, loss, **style)


def bias_marks(history: np.ndarray) -> dict[str, object]:
    """The article's contour marks its steps coloured by the bias ``b`` (on 'Blues', its colour bar labelled
    ``b``): ``as_trail``'s style for that."""
    return {"marks": history[:, HISTORY_COLUMNS.index("b")], "marks_cmap": "Blues", "marks_label": "b"}


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
    return record_descent(X, y, start, n_iter, lambda g, t: learning_rate * g)


def record_descent(X: np.ndarray, y: np.ndarray, start: Parameters, n_iter: int,
                   step: Callable[[np.ndarray, int], np.ndarray]) -> np.ndarray:
    """Train the two-weight neuron ``n_iter`` steps and record every point visited, as :func:`descent_history`
    says; ``step(g, t)`` is how far the parameters ``(W0, W1, b)``, one vector as torch would see it, move down
    at step ``t`` (from 1) for the gradient ``g``: an optimizer's rule (``scenes.optimizers``), or gradient
    descent's ``learning_rate · g``, which updates them exactly as the article's ``update`` does."""
    if start.W.shape != (2, 1):
        raise ValueError(f"the descent history records two weights, got W of shape {start.W.shape}")
    history = np.empty((n_iter + 1, len(HISTORY_COLUMNS)))
    theta = np.concatenate([start.W.ravel(), start.b])
    for i in range(n_iter + 1):
        Z = logits(X, Parameters(W=theta[:2].reshape(2, 1), b=theta[2:]))
        history[i] = (*theta, i, log_loss_from_logits(Z, y))
        if i < n_iter:
            dW, db = gradients(expit(Z), X, y)
            theta = theta - step(np.concatenate([dW.ravel(), db]), i + 1)
    return history


def curvatures_at_minimum(X: np.ndarray, y: np.ndarray, w0: np.ndarray, w1: np.ndarray, loss: np.ndarray,
                          b: float, newton_steps: int = 20) -> tuple[float, float]:
    """The two curvatures of the loss over the weights (the eigenvalues of its Hessian, steepest first) at its
    minimum for the bias ``b``: the measured shape of a landscape ``loss[j, k]`` at ``(w0[k], w1[j])``.

    For the mean log loss the Hessian is ``X^T diag(A(1 - A)) X / n``.  The minimum is the grid's lowest point
    moved by Newton's method to where the gradient vanishes (a grid step is coarse against a trough a thousand
    times steeper across than along); where Newton's method leaves the grid (no minimum at a finite point, as
    for separable classes), the lowest grid point is kept.
    """
    j, k = np.unravel_index(int(np.argmin(loss)), loss.shape)
    W = np.array([w0[k], w1[j]], dtype=float)
    y = np.asarray(y, dtype=float).ravel()

    def hessian(at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        A = expit(X @ at + b)
        return X.T @ (A - y) / len(y), (X * (A * (1 - A))[:, None]).T @ X / len(y)

    def mean_loss(at: np.ndarray) -> float:
        return float(log_loss_from_logits(X @ at + b, y))

    refined = W
    for _ in range(newton_steps):  # damped: a step is halved until the loss falls (a full one can overshoot)
        gradient, H = hessian(refined)
        try:
            step = np.linalg.solve(H, gradient)
        except np.linalg.LinAlgError:
            break
        for _ in range(30):
            if mean_loss(refined - step) <= mean_loss(refined):
                refined = refined - step
                break
            step = step / 2
    inside = w0.min() <= refined[0] <= w0.max() and w1.min() <= refined[1] <= w1.max()
    values = np.linalg.eigvalsh(hessian(refined if inside and np.isfinite(refined).all() else W)[1])
    return float(values[1]), float(values[0])


def accuracy_along(X: np.ndarray, y: np.ndarray, history: np.ndarray) -> np.ndarray:
    """The share of ``(X, y)`` the neuron classifies right (as :func:`~scenes.neuron.predict` does) at every row
    of a descent history: how good its decision boundary is, step by step."""
    Z = X @ history[:, :2].T + history[:, 2]  # (samples, rows): every row's logits at once
    return ((expit(Z) >= 0.5) == (y.reshape(-1, 1) == 1)).mean(axis=0)


@dataclass(frozen=True)
class LearningCurves:
    """Train/test loss and accuracy every ``every`` iterations, and the trained neuron."""

    iterations: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    params: Parameters
    # Row k: the sum of the residuals over the iterations before ``iterations[k]``: the parameters there are
    # the start moved by ``-lr/n`` times ``(Xᵀ·sum, Σ sum)`` (:func:`parameters_along`).
    residual_sums: np.ndarray | None = None


def parameters_along(curves: LearningCurves, X_train: np.ndarray, start: Parameters,
                     learning_rate: float) -> np.ndarray:
    """The neuron's parameters (weights, then bias) at each recorded iteration and at the end, one row each:
    the trajectory a landscape of the neuron is sliced along, from what the training kept (no second run)."""
    step = learning_rate / len(X_train)
    sums = curves.residual_sums
    weights = start.W.ravel() - step * (sums @ X_train)
    bias = start.b[0] - step * sums.sum(axis=1)
    along = np.column_stack([weights, bias])
    return np.vstack([along, np.append(curves.params.W.ravel(), curves.params.b)])


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
    """The cat/dog neuron's curves (:func:`_curves_on_one_thread`), the same bytes whoever calls it.

    Its products are BLAS ``symv`` calls, which split a product between threads and add the parts in an order
    that depends on how many there are: the same training on two threads ended 3e-13 away from one thread's
    (final train loss 0.97015879230389424 against ...423552), so a render on one worker and one on two wrote
    different CSVs.  BLAS runs on one thread here, whatever the caller allows.  The library is loaded first:
    a thread limit reaches only the libraries already loaded.
    """
    import scipy.linalg.blas  # noqa: F401  (loads SciPy's BLAS, so that the limit below reaches it)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _curves_on_one_thread(X_train, y_train, X_test, y_test, start, learning_rate, n_iter, every,
                                     progress)


def _curves_on_one_thread(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    start: Parameters,
    learning_rate: float,
    n_iter: int,
    every: int,
    progress: bool,
) -> LearningCurves:
    """The article's ``artificial_neuron`` loop, reorganised to iterate on the logits.

    Every step changes ``W`` by a combination of the training rows
    (``-lr/n · Xᵀr`` with the residual ``r = A - y``) and ``b`` by
    ``-lr/n · Σr``, so the training logits move by ``-K·r`` with
    ``K = lr/n · (X·Xᵀ + 1)``.  With ``K`` computed once (1000 x 1000 for the
    article's 1000 x 4096 images) a step costs one small matrix-vector product
    instead of two large ones, and after any number of steps the logits are
    exactly ``z_start - K·(sum of the residuals)``: the trained parameters and
    the test logits follow from that running sum too.

    That product is the whole cost, and it is bound by reading ``K``: in
    float32 it reads half the bytes.  But a float32 product errs by ~1e-7 of
    its result, and the article's first steps move the logits by whole units.
    So only a small remainder goes through float32.  Two consecutive exact
    (float64) steps give ``K·r`` at two points; the residual changes smoothly,
    so the next residuals are close to the straight line through those two,
    whose product is known exactly by the same extrapolation.  A step moves
    the logits by that exact part plus the float32 product of the remainder
    ``r - r_line``, whose error is about ``eps32 · max|K| · ‖r - r_line‖`` (the
    rounding errors, of random sign, add in quadrature).  These estimates are
    summed, and before the sum passes 1e-9 (logit units) the logits are
    recomputed exactly from the float64 residual sum and two exact steps draw
    the next line: ~110 times in the article's 10,000 steps.  So every
    residual comes from logits within ~1e-9 of the exact logits of the same
    history, the state (logits, residual sum, records) is float64, and the
    trained parameters are exactly those of the residual history: the
    article's gradient descent, with final losses ~1e-12 from its loop's
    (`make bench` measures this and the speed).

    The curve is recorded every ``every`` iterations by keeping the logits and
    the residual sum at those steps and evaluating losses and accuracies in
    blocks, the test logits with one matrix product per block.
    """
    # Here, not at the top: the descent history (every video) needs neither BLAS calls nor a progress bar.
    from scipy.linalg.blas import dsymv, sdot, ssymv
    from tqdm.auto import tqdm

    drift_tolerance = 1e-9  # logit units; see above
    y = y_train.ravel().astype(float)
    y_t = y_test.ravel().astype(float)
    n = len(y)
    step = learning_rate / n
    # K is symmetric, so its C-ordered transpose is the Fortran array BLAS wants.
    kernel = X_train @ X_train.T
    kernel += 1.0
    kernel *= step
    kernel = kernel.T
    kernel32 = kernel.astype(np.float32)
    largest = max(float(kernel.max(initial=0.0)), -float(kernel.min(initial=0.0)))
    error_per_norm = float(np.finfo(np.float32).eps) * largest  # float32 error / ‖r - r_line‖
    kernel_test = X_train @ X_test.T  # n x n_test: the test logits move by -kernel_testᵀ·r
    kernel_test += 1.0
    kernel_test *= step
    z_start = np.ascontiguousarray(logits(X_train, start).ravel())
    z_test_start = logits(X_test, start).ravel()

    z = z_start.copy()
    A = np.empty(n)
    residual = np.empty(n)
    residual_sum = np.zeros(n)
    A_line, A_slope = np.zeros(n), np.zeros(n)  # the line's activations (r_line = A_line - y)
    product, product_slope = np.zeros(n), np.zeros(n)  # K·r_line, exactly
    remainder = np.empty(n, dtype=np.float32)
    correction = np.zeros(n, dtype=np.float32)
    drift, exact_steps = 0.0, 2

    n_records = len(range(0, n_iter, every))
    columns = np.empty((n_records, 5))
    block = max(1, min(n_records, 256))
    z_rows, sum_rows = np.empty((block, n)), np.empty((block, n))
    residual_sums = np.empty((n_records, n))
    filled = done = 0

    def flush() -> None:
        nonlocal filled, done
        z_train, z_test = z_rows[:filled], sum_rows[:filled] @ kernel_test
        np.subtract(z_test_start, z_test, out=z_test)
        residual_sums[done : done + filled] = sum_rows[:filled]
        rows = columns[done : done + filled]
        rows[:, 0] = np.arange(done, done + filled) * every
        rows[:, 1] = log_loss_from_logits(z_train, y, axis=1)
        rows[:, 2] = log_loss_from_logits(z_test, y_t, axis=1)
        rows[:, 3] = np.mean((expit(z_train) >= 0.5) == y, axis=1)
        rows[:, 4] = np.mean((expit(z_test) >= 0.5) == y_t, axis=1)
        done, filled = done + filled, 0

    for i in tqdm(range(n_iter), desc="cat/dog neuron", unit="it", disable=None if progress else True, leave=False):
        if i % every == 0:
            if filled == block:
                flush()
            z_rows[filled] = z
            sum_rows[filled] = residual_sum
            filled += 1
        expit(z, out=A)
        np.subtract(A, y, out=residual)
        residual_sum += residual
        if exact_steps:  # a float64 step, and a point of the next line
            np.copyto(product_slope, product)
            product = dsymv(1.0, kernel, residual, beta=0.0, y=product, overwrite_y=True)
            np.subtract(product, product_slope, out=product_slope)
            np.subtract(A, A_line, out=A_slope)
            np.copyto(A_line, A)
            z -= product
            exact_steps -= 1
            continue
        product += product_slope
        A_line += A_slope
        np.subtract(A, A_line, out=remainder, casting="same_kind")  # r - r_line
        drift += error_per_norm * math.sqrt(sdot(remainder, remainder))
        if drift <= drift_tolerance:
            correction = ssymv(1.0, kernel32, remainder, beta=0.0, y=correction, overwrite_y=True)
            z -= product
            z -= correction
        else:  # this step exactly, from the residual sum; then a new line
            np.copyto(z, z_start)
            z = dsymv(-1.0, kernel, residual_sum, beta=1.0, y=z, overwrite_y=True)
            drift, exact_steps = 0.0, 2
    if filled:
        flush()

    trained = Parameters(
        W=start.W - step * (X_train.T @ residual_sum)[:, None],
        b=start.b - step * residual_sum.sum(keepdims=True),
    )
    return LearningCurves(
        iterations=columns[:, 0].astype(int),
        train_loss=columns[:, 1],
        test_loss=columns[:, 2],
        train_accuracy=columns[:, 3],
        test_accuracy=columns[:, 4],
        params=trained,
        residual_sums=residual_sums,
    )
