"""Beyond the article: what the zig-zag does to the classifier, and what else fixes it.

The article shows gradient descent zig-zagging on the loss of its blobs, and fixes it by normalizing the
features.  Two questions follow, one scene each:

* :class:`MovingBoundary` — what does the zig-zag do to the classifier?  The blobs with the neuron's decision
  boundary moving in step with the descent, and the descent on its contour beside it: a video per landscape.
* :class:`OptimizerRace` — what else fixes the zig-zag?  Here the data stays as it is and the descent changes:
  every optimizer of :mod:`scenes.optimizers` starts where the article's descent starts and runs as many steps,
  on one clock, over the same loss contour.  Per landscape: a video, a still of the same, and the 3D surface
  with every trail (a legend entry each, to toggle it).  Adding an optimizer is one entry in
  ``scenes.optimizers.OPTIMIZERS``; nothing here names one.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from render.spec import (
    COLUMN, Animation, Boundary, Contour, Curves, Descent, Extent, Figure, Line, Output, Surface, Table,
)
from render.words import race_alt
from scenes.describe import (
    boundary_alt, boundary_captions, describe_boundary, describe_descent, describe_scatter, describe_surface, in_3d,
    race_captions,
)
from scenes.normalization import CAMERAS, GRID_MARGIN, NormalizationExperiment, limits_around, round_levels
from scenes.optimizers import OPTIMIZERS

if TYPE_CHECKING:
    import numpy as np

BOUNDARY_CAPTIONS = {
    "compressed": "The blobs with the neuron's decision boundary, moving in step with gradient descent on the "
    "compressed loss beside it: as the weights zig-zag across the valley, the boundary swings back and forth "
    "and the share of points it classifies right jumps up and down.",
    "normalized": "The blobs with the neuron's decision boundary, moving in step with gradient descent on the "
    "uncompressed loss beside it: the boundary turns once into place between the two classes and stays there.",
}
RACE_MARGIN = 0.08  # of the trails' span on each weight, left around them on the race's landscape
RACE_LINE_WIDTH = 1.0  # the race's loss curves: six of them cross, thin lines keep each one traceable
ACCURACY_TEXT = "{:.0%} classified right"  # the boundary panel's title, given the share of the points


class MovingBoundary:
    """The blobs of one of the article's experiments and the neuron's decision boundary along its descent."""

    def __init__(self, experiment: NormalizationExperiment) -> None:
        self.experiment = experiment
        self.variant = experiment.variant

    @cached_property
    def accuracy(self) -> np.ndarray:
        """The share of the blobs classified right at each row of the descent."""
        from scenes.training import accuracy_along

        return accuracy_along(self.experiment.data.X, self.experiment.data.y, self.experiment.history)

    def limits(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The blobs' own range on each feature, with a margin: the boundary sweeps across the points, so they
        fill the panel; drawn to one scale, the ×10 shows in the cloud's shape."""
        return limits_around(self.experiment.data.X)

    def animation(self) -> Animation:
        import numpy as np

        from scenes.training import HISTORY_COLUMNS

        experiment = self.experiment
        X, y, h = experiment.data.X, experiment.data.y, experiment.history
        descent = replace(experiment.descent_view(), title="")  # the animation's title names the features
        # Both features to one scale, as the blobs figures draw them: the ×10 feature's cloud is ten times taller.
        data = replace(experiment.blobs_scatter(self.limits()), equal_aspect=True)
        boundary = Boundary(data, descent.trails[0], intercept=h[:, 2],
                            accuracy=self.accuracy, accuracy_text=ACCURACY_TEXT)
        description = (f"Two panels. Left: {describe_scatter(X, y, experiment.second_feature_scale)} "
                       f"A line, the neuron's decision boundary "
                       f"W0·x0 + W1·x1 + b = 0, moves with its parameters, the side it calls class 1 shaded in that "
                       f"class's colour. {describe_boundary(self.accuracy)} Right, the descent on the {self.variant} "
                       f"loss: {describe_surface(descent.landscape.loss, experiment.extent)} "
                       f"{describe_descent(h, experiment.extent.names)}")
        return Animation((boundary, descent),
                         title=f"Gradient descent on {self.experiment.features}: the decision boundary",
                         alt=boundary_alt(h, self.accuracy), description=description, extent=experiment.extent,
                         captions=boundary_captions(h, self.accuracy),
                         tables={"": Table((*HISTORY_COLUMNS, "accuracy"), np.column_stack([h, self.accuracy]))})

    def outputs(self) -> list[Output]:
        return [Output(f"boundary-{self.variant}", "video", BOUNDARY_CAPTIONS[self.variant], self.animation,
                       parameters=self.experiment.parameters)]


def captions(variant: str) -> dict[str, str]:
    """What each output shows, naming the optimizers of ``OPTIMIZERS`` (so a new one is named too)."""
    names = [optimizer.name for optimizer in OPTIMIZERS]
    listed = f"{', '.join(names[:-1])} and {names[-1]}"
    count = f"{len(names)} optimizers"
    return {
        "video": (f"{count.capitalize()} ({listed}) race down the {variant} loss from the article's start, one step "
                  "per iteration, each its own colour; beside them, every optimizer's loss on a logarithmic axis."),
        "figure": (f"Where {count} go on the {variant} loss in the article's 100 iterations from its start, and "
                   "their losses on one logarithmic axis."),
        "surface": (f"3D view of the {variant} loss with the trails of {count} on it; click a legend entry to "
                    "hide or show a trail."),
    }


class OptimizerRace:
    """Every optimizer on one of the article's experiments: its trails, their landscape, and the outputs."""

    def __init__(self, experiment: NormalizationExperiment) -> None:
        self.experiment = experiment
        self.variant = experiment.variant

    @property
    def parameters(self) -> dict[str, object]:
        return {
            **self.experiment.parameters,
            "optimizers": {optimizer.name: optimizer.record() for optimizer in OPTIMIZERS},
        }

    @cached_property
    def histories(self) -> dict[str, np.ndarray]:
        """Each optimizer's rows ``W0, W1, b, i, loss`` (row 0 the article's start)."""
        from scenes.optimizers import trails

        return trails(self.experiment, OPTIMIZERS)

    @cached_property
    def extent(self) -> Extent:
        """Where the trails are (or ``--grid-limit``): every point of every trail, with a margin, on whole
        numbers.  Not the article's ±15: on the normalized loss the trails would fill an eighth of it."""
        import numpy as np

        from scenes.landscape import NAMES

        limit = self.experiment.context.grid_limit
        if limit is not None:
            return Extent((-limit, limit), (-limit, limit), NAMES)
        rows = np.vstack(list(self.histories.values()))
        low, high = rows[:, :2].min(axis=0), rows[:, :2].max(axis=0)
        margin = np.maximum(RACE_MARGIN * (high - low), GRID_MARGIN)
        x, y = ((float(np.floor(low[k] - margin[k])), float(np.ceil(high[k] + margin[k]))) for k in (0, 1))
        return Extent(x, y, NAMES)

    @property
    def alt(self) -> str:
        """Which optimizer ends lowest and which highest, in the words of every race (render.words): none of the
        article's trails leaves its landscape."""
        trails = self.descent.trails
        return race_alt(trails, self.descent.landscape.names, [None] * len(trails))

    @cached_property
    def descent(self) -> Descent:
        """Every trail on the landscape that covers them all (computed once for the output's text and picture)."""
        from scenes.training import as_trail

        trails = tuple(as_trail(self.histories[o.name], label=o.name, color=o.color) for o in OPTIMIZERS)
        landscape = self.experiment.surface_on(self.extent).landscape
        return Descent(landscape, trails, title=self.experiment.features, loss_scale="log",
                       levels=round_levels(landscape.loss))  # the valley floor in bands, as in the still

    def table(self) -> Table:
        """Every optimizer's rows, each headed by its name."""
        import numpy as np

        from scenes.training import HISTORY_COLUMNS

        names = tuple(name for name, rows in self.histories.items() for _ in rows)
        return Table(("optimizer", *HISTORY_COLUMNS), np.vstack(list(self.histories.values())), row_labels=names)

    def description(self, what: str = "") -> str:
        """Every optimizer's end, where they all start and the landscape, after ``what`` the picture is."""
        landscape = self.descent.landscape
        names = self.extent.names
        ends = "; ".join(
            f"{name} ends at loss {rows[-1, 4]:.3g}, {names.at(f'({rows[-1, 0]:.1f}, {rows[-1, 1]:.1f})')}"
            for name, rows in self.histories.items())
        first = next(iter(self.histories.values()))  # every trail starts at the same row, the article's
        text = (f"{describe_surface(landscape.loss, self.extent)} {len(OPTIMIZERS)} optimizers start at "
                f"{names.at(f'({first[0, 0]:.1f}, {first[0, 1]:.1f})')}, loss {first[0, 4]:.3g}, and take "
                f"{len(first) - 1} steps: {ends}.")
        return f"{what} {text}" if what else text

    def animation(self) -> Animation:
        return Animation((self.descent,), title=f"{len(OPTIMIZERS)} optimizers on {self.experiment.features}",
                         alt=self.alt, description=self.description(), extent=self.extent,
                         captions=race_captions(self.histories),
                         tables={"": self.table()})

    def figure(self) -> Figure:
        """The trails on the loss, started at one ring, with the loss's colour bar; beside them their losses,
        thin lines each named at its end."""
        descent = self.descent
        curves = Curves(tuple(Line(t.iteration, t.loss, t.label, t.color, width=RACE_LINE_WIDTH)
                              for t in descent.trails),
                        xlabel="iteration", ylabel="log loss (log scale)", yscale="log", end_labels=True)
        contour = Contour(descent.landscape, trails=descent.trails, levels=round_levels(descent.landscape.loss),
                          legend=False, ends=True)
        return Figure(panels=(contour, curves), stacked=True, ratios=(3, 2),
                      size=(COLUMN, 7.5), tables={"": self.table()}, alt=self.alt,
                      description=self.description("Two panels."),
                      extent=self.extent)

    def surface(self) -> Surface:
        return Surface(self.descent, alt=in_3d(self.alt),
                       description=self.description("Interactive 3D surface."), extent=self.extent,
                       camera=CAMERAS[self.variant])

    def outputs(self) -> list[Output]:
        words = captions(self.variant)
        return [
            Output(f"optimizers-{self.variant}", "video", words["video"], self.animation, parameters=self.parameters),
            Output(f"optimizers-contour-{self.variant}", "figure", words["figure"], self.figure,
                   parameters=self.parameters),
            Output(f"optimizers-surface-{self.variant}", "surface", words["surface"], self.surface,
                   parameters=self.parameters),
        ]
