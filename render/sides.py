"""A neuron's decision boundary within a panel: the segment of the line ``w0·x0 + w1·x1 + b = 0`` the panel shows,
and the two sides of it, each a polygon.

matplotlib's ``axline`` would draw the line, but not the sides, and a filled contour of the sign of
``w0·x0 + w1·x1 + b`` would redraw a grid every frame; a rectangle cut by a line is at most a pentagon, so
cutting it (Sutherland and Hodgman's clipping, one edge) is a few vertices per frame, exact at every size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Sides:
    """Where ``w0·x0 + w1·x1 + b`` is at least 0 (the neuron says class 1) and where it is below, as polygons
    of ``(x0, x1)`` vertices (empty where the boundary leaves that side no room), and the boundary's segment
    (two points, or none where the line misses the panel, only touches a corner or runs along an edge)."""

    positive: np.ndarray
    negative: np.ndarray
    line: np.ndarray


def _corners(x_limits: tuple[float, float], y_limits: tuple[float, float]) -> np.ndarray:
    (x_low, x_high), (y_low, y_high) = x_limits, y_limits
    return np.array([[x_low, y_low], [x_high, y_low], [x_high, y_high], [x_low, y_high]], dtype=float)


def _keep(polygon: np.ndarray, values: np.ndarray, inside: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The part of a convex ``polygon`` on one side of a linear function's zero (``values`` at its vertices,
    ``inside`` those on that side), and the points where its edges cross from one side to the other."""
    kept, crossings = [], []
    for k in range(len(polygon)):
        n = (k + 1) % len(polygon)
        if inside[k]:
            kept.append(polygon[k])
        if inside[k] != inside[n]:
            crossing = polygon[k] + values[k] / (values[k] - values[n]) * (polygon[n] - polygon[k])
            kept.append(crossing)
            crossings.append(crossing)
    return np.array(kept, dtype=float).reshape(-1, 2), crossings


def sides(x_limits: tuple[float, float], y_limits: tuple[float, float], w0: float, w1: float, b: float) -> Sides:
    """The rectangle ``x_limits`` x ``y_limits`` cut by the boundary of weights ``(w0, w1)`` and bias ``b``.

    With both weights 0 there is no line: the whole panel is on the side of ``b``'s sign.
    """
    corners = _corners(x_limits, y_limits)
    values = corners @ np.array([w0, w1], dtype=float) + b
    # A corner exactly on the line is on the positive side (the neuron says class 1 at 50 %), as predict has it.
    positive, crossings = _keep(corners, values, values >= 0)
    negative, _ = _keep(corners, values, values < 0)
    line = np.array(crossings, dtype=float).reshape(-1, 2) if len(crossings) == 2 else np.empty((0, 2))
    if len(line) and np.array_equal(line[0], line[1]):  # through one corner only: a point, not a segment
        line = np.empty((0, 2))
    return Sides(_or_empty(positive), _or_empty(negative), line)


def _or_empty(polygon: np.ndarray) -> np.ndarray:
    """``polygon``, or no vertex where it has no area (a corner the line passes through, kept as a sliver)."""
    x, y = polygon.T
    area = float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    return polygon if len(polygon) >= 3 and area != 0 else np.empty((0, 2))
