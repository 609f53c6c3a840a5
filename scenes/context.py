"""What every scene is given: the seed, where the cat/dog data lives, the grid size.

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


@dataclass(frozen=True)
class SceneContext:
    seed: int = 0
    data_dir: Path = Path("datasets")
    grid_size: int = 100  # the article's h: points per side of the loss meshgrid
    grid_limit: float | None = None  # forces the landscape to ±grid_limit; None: it covers the descent

    def rng(self, stream: str) -> np.random.Generator:
        """An independent generator for ``stream`` (e.g. the cat/dog initialisation): the engine's, for any post."""
        return Context(seed=self.seed).rng(stream)
