"""Points of a descent beyond the landscape drawn: kept in sight at its edge, and marked as such.

A landscape normally covers its whole descent (the scenes choose its extent
from the path); when a user forces a smaller one (``--grid-limit``), the
points beyond it are drawn on the edge they crossed, with a hollow marker,
never silently cut off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from render.spec import Landscape

BEYOND_MARKER = "o"  # hollow: drawn with no face colour
BEYOND_LABEL = "beyond the grid, shown at its edge"


def grid_bounds(landscape: Landscape) -> tuple[tuple[float, float], tuple[float, float]]:
    x, y = landscape.x, landscape.y
    return (float(x.min()), float(x.max())), (float(y.min()), float(y.max()))


def at_edge(x: np.ndarray, y: np.ndarray, landscape: Landscape) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``x, y`` moved onto the grid's edge where they lie beyond it, and which points were moved."""
    (x_low, x_high), (y_low, y_high) = grid_bounds(landscape)
    shown_x, shown_y = np.clip(x, x_low, x_high), np.clip(y, y_low, y_high)
    return shown_x, shown_y, (shown_x != x) | (shown_y != y)
