"""The loss landscape of the normalization experiment: loss over a W1 x W2 meshgrid.

The article evaluates ``X·W_final + b`` for all ``h²`` grid points at once, a
(100 x h²) array: fine for ``h = 100``, 3.2 GB for ``h = 2000``.  Here the grid
is evaluated in blocks of rows so memory stays bounded whatever ``h`` is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from render.spec import Extent, Landscape, Names
from scenes.neuron import log_loss_from_logits

# Bytes of logits held at once while evaluating the surface (per block of grid rows).
BLOCK_BYTES = 32 * 2**20
# The article's words for its landscape, in every figure, video, surface and manifest drawn from it.
NAMES = Names(("W0", "W1"), loss="log loss", step="iteration", point="W")


@dataclass(frozen=True)
class LossSurface:
    """``loss[j, k]`` is the mean log loss at ``W = (w1[k], w2[j])`` with the bias fixed: the article's
    meshgrid (``xy`` indexing), kept as its two axes."""

    w1: np.ndarray
    w2: np.ndarray
    loss: np.ndarray
    b: float

    @property
    def extent(self) -> Extent:
        return Extent((float(self.w1[0]), float(self.w1[-1])), (float(self.w2[0]), float(self.w2[-1])), NAMES)

    @property
    def landscape(self) -> Landscape:
        """The surface as the engine draws it, in the article's words (``w1`` is W0's axis, ``w2`` W1's)."""
        return Landscape(self.w1, self.w2, self.loss, NAMES)


def loss_surface(X: np.ndarray, y: np.ndarray, b: float, lim: float = 15.0, h: int = 100,
                 extent: Extent | None = None) -> LossSurface:
    """The loss on the article's meshgrid ``linspace(-lim, lim, h)²`` for a fixed bias ``b``, or on
    ``extent`` (one range per weight) when given.

    The logits are separable, ``Z = x0·w1 + x1·w2 + b``, so each block of grid
    rows is one broadcast sum; no (samples x h²) array is ever built.
    """
    if h < 2:
        raise ValueError(f"the loss surface needs a grid of at least 2 x 2 points, got h = {h}")
    if extent is None:
        if lim <= 0:
            raise ValueError(f"the grid half-width lim must be positive, got {lim}")
        extent = Extent((-lim, lim), (-lim, lim), NAMES)
    w1 = np.linspace(*extent.x, h)
    w2 = np.linspace(*extent.y, h)
    x0 = X[:, 0][:, None, None]  # (n, 1, 1)
    x1 = X[:, 1][:, None, None]
    y3 = y.reshape(-1, 1, 1)
    by_first_feature = x0 * w1[None, None, :] + b  # (n, 1, h)
    rows_per_block = max(1, BLOCK_BYTES // (8 * len(y) * h))
    loss = np.empty((h, h))
    for start in range(0, h, rows_per_block):
        rows = slice(start, start + rows_per_block)
        Z = by_first_feature + x1 * w2[rows][None, :, None]  # (n, rows, h)
        loss[rows] = log_loss_from_logits(Z, y3, axis=0)
    return LossSurface(w1=w1, w2=w2, loss=loss, b=float(b))


def covering_extent(w0: np.ndarray, w1: np.ndarray, minimum: float, step: float, margin: float) -> Extent:
    """The landscape a descent needs: at least ``±minimum`` on each weight, grown to every point of
    the path with ``margin`` to spare, each end on a multiple of ``step`` (round numbers on the axes)."""
    def span(values: np.ndarray) -> tuple[float, float]:
        low = min(-minimum, float(np.floor((values.min() - margin) / step) * step))
        high = max(minimum, float(np.ceil((values.max() + margin) / step) * step))
        return low, high

    return Extent(span(np.asarray(w0)), span(np.asarray(w1)), NAMES)
