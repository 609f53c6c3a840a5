"""Cat/dog training, 10,000 iterations: the article's loop against ``learning_curves``.

The baseline is the article's ``artificial_neuron`` loop as published
(``1 / (1 + exp(-Z))``, ``log(A + 1e-15)``, sklearn's ``accuracy_score`` every
10 iterations), minus its plotting.  Both start from the same parameters; the
ratio is measured in one process, round after round, and the median reported.
Both loops suffer when other processes hold the cores (more than the ratio
shows: a multi-threaded BLAS call waits for its slowest thread), so both run
with the same number of BLAS threads, pinned with threadpoolctl: 1 by default,
as the renderer's workers run, because on a shared 2-core machine a second
thread mostly waits for a busy core.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from scenes.data import DatasetError, load_catdog
from scenes.neuron import Parameters, log_loss
from scenes.training import learning_curves

N_ITER = 10_000
LEARNING_RATE = 0.01


def article_artificial_neuron(X_train, y_train, X_test, y_test, W, b, learning_rate, n_iter):
    """The article's loop, verbatim but for the plotting and the random start."""

    def model(X, W, b):
        Z = X.dot(W) + b
        return 1 / (1 + np.exp(-Z))

    def article_log_loss(A, y):
        epsilon = 1e-15
        return 1 / len(y) * np.sum(-y * np.log(A + epsilon) - (1 - y) * np.log(1 - A + epsilon))

    train_loss, train_acc, test_loss, test_acc = [], [], [], []
    for i in tqdm(range(n_iter), desc="article loop", leave=False, disable=not sys.stderr.isatty()):
        A = model(X_train, W, b)
        if i % 10 == 0:
            train_loss.append(article_log_loss(A, y_train))
            train_acc.append(accuracy_score(y_train, A >= 0.5))
            A_test = model(X_test, W, b)
            test_loss.append(article_log_loss(A_test, y_test))
            test_acc.append(accuracy_score(y_test, A_test >= 0.5))
        dW = 1 / len(y_train) * np.dot(X_train.T, A - y_train)
        db = 1 / len(y_train) * np.sum(A - y_train)
        W = W - learning_rate * dW
        b = b - learning_rate * db
    return W, b, train_acc, test_acc


def catdog_arrays():
    """The article's data if ``RENDER_DATA`` (or ./datasets) has it, else random images of its shape."""
    directory = Path(os.environ.get("RENDER_DATA", "datasets"))
    try:
        data = load_catdog(directory)
        source = f"the article's images from {directory}"
        X_train, X_test = data.flattened()
        return X_train, data.train.labels, X_test, data.test.labels, source
    except DatasetError:
        rng = np.random.default_rng(0)
        X_train = rng.integers(0, 256, (1000, 4096)) / 255
        X_test = rng.integers(0, 256, (200, 4096)) / 255
        y_train = (np.arange(1000) % 2).reshape(-1, 1).astype(float)
        y_test = (np.arange(200) % 2).reshape(-1, 1).astype(float)
        return X_train, y_train, X_test, y_test, "random images of the article's shape (set RENDER_DATA for the real ones)"


def run(rounds: int = 5, article_iterations: int = 1_000, threads: int = 1) -> None:
    """Alternate the two loops ``rounds`` times and report the median ratio of their rates.

    The article's loop runs ``article_iterations`` per round (its rate is steady
    from the first iteration); ours runs the full 10,000, Gram matrix included.
    The final comparison uses a full 10,000-iteration article run.  Every BLAS
    call runs on ``threads`` threads.
    """
    X_train, y_train, X_test, y_test, source = catdog_arrays()
    rng = np.random.default_rng(0)
    start = Parameters(W=rng.standard_normal((X_train.shape[1], 1)), b=rng.standard_normal(1))
    print(f"data: {source}; {N_ITER:,} iterations at learning rate {LEARNING_RATE}")

    def article(n_iter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the article's overflow in exp
            return article_artificial_neuron(X_train, y_train, X_test, y_test, start.W, start.b, LEARNING_RATE, n_iter)

    def timed(function, *args):
        began = time.perf_counter()
        result = function(*args)
        return time.perf_counter() - began, result

    article_rates, our_rates = [], []
    with threadpool_limits(limits=threads):
        for _ in range(rounds):
            article_rates.append(article_iterations / timed(article, article_iterations)[0])
            seconds, curves = timed(
                learning_curves, X_train, y_train, X_test, y_test, start, LEARNING_RATE, N_ITER, 10, False
            )
            our_rates.append(N_ITER / seconds)
        W, b, train_acc, test_acc = article(N_ITER)
    ratios = [ours / theirs for ours, theirs in zip(our_rates, article_rates)]
    print(f"BLAS threads : {threads} (pinned for both loops)")
    print(f"article loop : {statistics.median(article_rates):9.0f} it/s (median of {rounds})")
    print(f"ours         : {statistics.median(our_rates):9.0f} it/s (median of {rounds}, Gram matrix included)")
    print(f"speed-up     : {statistics.median(ratios):9.1f}x  (rounds: {', '.join(f'{r:.1f}x' for r in ratios)})")

    article_params = Parameters(W=W, b=np.atleast_1d(b))
    final_train = abs(log_loss(X_train, y_train, article_params) - log_loss(X_train, y_train, curves.params))
    final_test = abs(log_loss(X_test, y_test, article_params) - log_loss(X_test, y_test, curves.params))
    print(f"final loss difference after {N_ITER:,}: train {final_train:.1e}, test {final_test:.1e} "
          f"(within 1e-9: {'yes' if max(final_train, final_test) < 1e-9 else 'NO'})")
    print(f"final accuracy: article train {train_acc[-1]:.3f} test {test_acc[-1]:.3f}; "
          f"ours train {curves.train_accuracy[-1]:.3f} test {curves.test_accuracy[-1]:.3f}")
