"""Alt text for every output, written from the numbers it shows.

A reader who cannot see a figure should learn what a sighted reader learns
from it: where the loss starts and ends, where the descent goes, how the
classes are split.  These sentences are generated from the recorded data, so
they stay true when a parameter or the seed changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # array methods only: writing alt text needs no import of NumPy
    import numpy as np

    from render.spec import Extent


def _rises(values: np.ndarray) -> int:
    """How many times a curve goes up again: the zig-zag of a compressed descent."""
    return int((values[1:] > values[:-1]).sum())


def describe_loss_curve(iterations: np.ndarray, loss: np.ndarray, what: str = "Log loss") -> str:
    rises = _rises(loss)
    shape = "falling steadily" if rises == 0 else f"going back up {rises} times on the way"
    return (f"{what} over {int(iterations[-1]):,} iterations of gradient descent: "
            f"from {loss[0]:.3g} at the start to {loss[-1]:.3g} at the end, {shape}.")


def describe_descent(history: np.ndarray) -> str:
    """Where the weights start and end, and how the loss falls (rows ``W0, W1, b, i, loss``)."""
    start, end = history[0], history[-1]
    rises = _rises(history[:, 4])
    path = "straight" if rises == 0 else f"zig-zagging (the loss goes back up {rises} times)"
    return (f"The descent starts at W = ({start[0]:.1f}, {start[1]:.1f}) and ends at "
            f"({end[0]:.1f}, {end[1]:.1f}) after {int(end[3])} steps, {path}, "
            f"while the loss falls from {start[4]:.3g} to {end[4]:.3g}.")


def describe_surface(loss: np.ndarray, extent: Extent) -> str:
    (w0_low, w0_high), (w1_low, w1_high) = extent.w0, extent.w1
    where = (f"W0 and W1 from {w0_low:g} to {w0_high:g}" if extent.w0 == extent.w1
             else f"W0 from {w0_low:g} to {w0_high:g} and W1 from {w1_low:g} to {w1_high:g}")
    return f"Loss over {where}, ranging from {loss.min():.3g} to {loss.max():.3g}."


def describe_scatter(X: np.ndarray, y: np.ndarray, scale: float) -> str:
    counts = [int((y == label).sum()) for label in (0, 1)]
    return (f"Scatter of {len(X)} points in two classes ({counts[0]} and {counts[1]}); "
            f"feature 0 spans {X[:, 0].min():.1f} to {X[:, 0].max():.1f}, feature 1 (x {scale:g}) spans "
            f"{X[:, 1].min():.1f} to {X[:, 1].max():.1f}.")


def describe_learning_curves(n_iter: int, train_loss, test_loss, train_accuracy, test_accuracy) -> str:
    return (f"Learning curves over {n_iter:,} iterations: train loss falls from "
            f"{train_loss[0]:.3g} to {train_loss[-1]:.3g} and test loss from {test_loss[0]:.3g} to "
            f"{test_loss[-1]:.3g}; train accuracy goes from {train_accuracy[0]:.0%} to {train_accuracy[-1]:.0%}, "
            f"test accuracy ends at {test_accuracy[-1]:.0%}.")


def describe_samples(labels: np.ndarray, side: int) -> str:
    cats = int((labels == 0).sum())
    dogs = int((labels == 1).sum())
    return (f"{len(labels)} grey {side}x{side} training photos in a grid, {cats} cats and {dogs} dogs, "
            f"each titled with its label, cat (0) or dog (1).")
