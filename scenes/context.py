"""What every scene is given: the seed, where the cat/dog data lives, the grid size, the narrowest landscape.

Randomness comes from :meth:`SceneContext.rng`, one generator per named
stream derived from the seed, so an output draws the same numbers whether it
is rendered alone or with all the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from render.post import Context

if TYPE_CHECKING:
    import numpy as np

# The narrowest landscape --grid-limit may force, ±0.1 on each weight.  Over ±0.1 the loss of either experiment
# still changes by a quarter or more (compressed 2.3 to 6.7, normalized 1.3 to 1.8 at the article's seed); over
# ±0.001 by under 1%, and over ±1e-9 not at all: one flat colour, its alt text "ranging from 4.46 to 4.46".
MIN_GRID_LIMIT = 0.1


class LandscapeError(Exception):
    """A loss landscape that cannot be drawn truthfully: the loss does not change over it."""


@dataclass(frozen=True)
class SceneContext:
    seed: int = 0
    data_dir: Path = Path("datasets")
    grid_size: int = 100  # the article's h: points per side of the loss meshgrid
    grid_limit: float | None = None  # forces the landscape to ±grid_limit; None: it covers the descent

    def rng(self, stream: str) -> np.random.Generator:
        """An independent generator for ``stream`` (e.g. the cat/dog initialisation): the engine's, for any post."""
        return Context(seed=self.seed).rng(stream)
