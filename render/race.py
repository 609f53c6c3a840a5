"""The common case in a few lines: optimizers racing down a loss of two parameters, as a still, a video and 3D.

Most posts about training show the same three things: where a few
optimizers (or one optimizer at a few learning rates) go on a loss
landscape, how their losses fall, and the landscape itself in 3D.  A post
gives the loss (vectorised over arrays of its two parameters), a start, its
optimizers and its words; :class:`Race` does the rest::

    race = Race(name="lr", title="Linear regression", loss=mse, start=(-1.0, 4.0),
                optimizers=(Optimizer("too small", "sgd", lr=0.01), Optimizer("right", "sgd", lr=0.3)),
                names=Names(("slope", "intercept"), loss="MSE"))
    post = Post(name="my-post", title="...", outputs=race.outputs)

The outputs are ``NAME-contour`` (the trails on the contour beside their
losses), ``NAME-race`` (a video of the same on one clock, with captions) and
``NAME-surface`` (the 3D surface with every trail), each with its data as
CSV and alt text written from the numbers.

The landscape covers every trail that settles; a trail that diverges is drawn
until it leaves the landscape, its last point marked on the edge, and the
captions and alt text say where it left, so that one learning rate too large
cannot stretch the landscape (or the loss axis) until the others vanish.
Gradients are central differences of the loss unless the post gives its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Mapping

from render.optimizers import Optimizer, palette_colors
from render.spec import (
    COLUMN, Animation, Camera, Contour, Curves, Descent, Extent, Figure, Landscape, Line, Names, Output, Surface,
    Table, Trail,
)
from render.words import describe_landscape, describe_trails, race_alt, race_captions

if TYPE_CHECKING:
    import numpy as np

    from render.post import Context

MARGIN = 0.15  # of the span of the settled trails, left around them on the landscape
LOG_SPAN = 30.0  # losses spanning more than this factor get a logarithmic loss axis and log-spaced levels
LEVELS = 20
LOG_DECADES_SHOWN = 1e4  # log-spaced levels span at most four decades below the highest loss
LOSS_LINE_WIDTH = 1.0  # the loss curves: several of them cross, and thin lines keep each one traceable
SUFFIXES = {"contour": "figure", "race": "video", "surface": "surface"}  # each output's name suffix, and its kind


def _nice(low: float, high: float) -> tuple[float, float]:
    """``low..high`` widened to round numbers (a step of 1, 2 or 5 times a power of ten, a tenth of the span)."""
    span = high - low
    if not span > 0:
        span = max(abs(low), 1.0)
        low, high = low - span / 2, high + span / 2
    raw = span / 10
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step


@dataclass(frozen=True)
class Race:
    """Optimizers from one start on one loss of two parameters: the outputs ``NAME-contour``, ``NAME-race`` and
    ``NAME-surface``.

    ``loss(p0, p1)`` takes two arrays of one shape and returns the loss at each pair (NumPy broadcasting does
    it for most losses written with ``np.mean`` over a data axis, see the README's example); ``gradient(p0, p1)``,
    if given, returns the two partial derivatives at one point.  ``steps`` is how many each optimizer takes.
    ``extent`` forces the landscape (else it covers the trails that settle); ``levels`` are the contour's
    (a count, or values; default: log-spaced where the loss spans decades); ``captions`` overrides the
    generated caption of an output, by suffix (``"contour"``, ``"race"``, ``"surface"``).
    """

    name: str
    title: str
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray]
    start: tuple[float, float]
    optimizers: tuple[Optimizer, ...]
    names: Names = field(default_factory=Names)
    steps: int = 100
    gradient: Callable[[float, float], tuple[float, float]] | None = None
    extent: Extent | None = None
    levels: int | tuple[float, ...] | None = None
    camera: Camera = field(default_factory=Camera)
    captions: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.optimizers:
            raise ValueError(f"race {self.name}: give at least one optimizer")
        labels = [o.name for o in self.optimizers]
        if len(set(labels)) != len(labels):
            raise ValueError(f"race {self.name}: two optimizers share a name; each is a legend entry")
        if self.steps < 1:
            raise ValueError(f"race {self.name}: steps must be at least 1, got {self.steps}")
        unknown = set(self.captions) - set(SUFFIXES)
        if unknown:
            raise ValueError(f"race {self.name}: captions for {', '.join(sorted(unknown))}; "
                             f"give them for {', '.join(SUFFIXES)}")

    @property
    def parameters(self) -> dict[str, object]:
        return {"start": list(self.start), "steps": self.steps,
                "optimizers": {o.name: o.record() for o in self.optimizers}}

    def default_captions(self) -> dict[str, str]:
        count = f"{len(self.optimizers)} descents" if len(self.optimizers) > 1 else "The descent"
        listed = ", ".join(o.name for o in self.optimizers)
        return {
            "contour": f"{count} ({listed}) on the {self.names.loss} of {self.title}, and their "
                       f"{self.names.loss} {self.names.step} by {self.names.step}.",
            "race": f"{count} ({listed}) race down the {self.names.loss} of {self.title} on one clock, "
                    f"their {self.names.loss} beside them.",
            "surface": f"3D view of the {self.names.loss} of {self.title} with every descent on it; "
                       "click a legend entry to hide or show one.",
        }

    def outputs(self, context: Context) -> list[Output]:
        """The three outputs, on a landscape grid of ``context.grid_size`` points a side."""
        run = RaceRun(self, context.grid_size)
        captions = {**self.default_captions(), **self.captions}
        # The seed and the post's options may have made the loss (its data): a change of them renders again.
        parameters = {**self.parameters, "grid_size": context.grid_size, "seed": context.seed,
                      "options": {key: value if isinstance(value, (int, float, bool)) or value is None else str(value)
                                  for key, value in context.options.items()}}
        builds = {"contour": run.figure, "race": run.animation, "surface": run.surface}
        return [Output(f"{self.name}-{suffix}", kind, captions[suffix], builds[suffix], parameters=parameters)
                for suffix, kind in SUFFIXES.items()]


class RaceRun:
    """One render's computation of a :class:`Race`: the trails once, the landscape once, shared by its outputs."""

    def __init__(self, race: Race, grid_size: int) -> None:
        self.race = race
        self.grid_size = grid_size

    def evaluate(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The post's loss at each pair, checked to be one value per pair (a loss that sums over its inputs
        instead would draw a flat landscape and say nothing)."""
        import numpy as np

        loss = np.asarray(self.race.loss(first, second), dtype=float)
        if loss.shape != first.shape:
            raise ValueError(f"race {self.race.name}: the loss of two {first.shape} arrays has shape {loss.shape}; "
                             "it must be computed element by element")
        return loss

    def loss_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        import numpy as np

        race, (a, b) = self.race, theta
        if race.gradient is not None:
            return float(self.evaluate(np.array([a]), np.array([b]))[0]), np.array(race.gradient(a, b), dtype=float)
        h = 1e-6 * max(1.0, abs(a), abs(b))  # central differences: error of order h², far below what is drawn
        values = self.evaluate(np.array([a, a + h, a - h, a, a]), np.array([b, b, b, b + h, b - h]))
        return float(values[0]), np.array([(values[1] - values[2]) / (2 * h), (values[3] - values[4]) / (2 * h)])

    @cached_property
    def rows(self) -> dict[str, np.ndarray]:
        """Each optimizer's rows ``p0, p1, step, loss`` (the start first), ending early where it stops being finite."""
        import numpy as np

        from render.optimizers import descend

        start = np.array(self.race.start, dtype=float)
        return {o.name: descend(self.loss_and_gradient, start, self.race.steps, o) for o in self.race.optimizers}

    def _settles(self, rows: np.ndarray) -> bool:
        return len(rows) == self.race.steps + 1 and rows[-1, 3] <= rows[0, 3]

    @cached_property
    def extent(self) -> Extent:
        """The race's own, else round numbers around the start and every trail that settles."""
        import numpy as np

        if self.race.extent is not None:
            return Extent(self.race.extent.x, self.race.extent.y, self.race.names)
        settled = [rows for rows in self.rows.values() if self._settles(rows)] or [rows[:2] for rows in self.rows.values()]
        points = np.vstack([rows[:, :2] for rows in settled])
        low, high = points.min(axis=0), points.max(axis=0)
        margin = MARGIN * np.maximum(high - low, 1e-9)
        x, y = (_nice(low[k] - margin[k], high[k] + margin[k]) for k in (0, 1))
        return Extent(x, y, self.race.names)

    @cached_property
    def left(self) -> dict[str, int | None]:
        """Where each trail leaves the landscape (the first row beyond it), or ``None``."""
        import numpy as np

        (x_low, x_high), (y_low, y_high) = self.extent.x, self.extent.y
        out = {}
        for name, rows in self.rows.items():
            beyond = np.flatnonzero((rows[:, 0] < x_low) | (rows[:, 0] > x_high) |
                                    (rows[:, 1] < y_low) | (rows[:, 1] > y_high))
            out[name] = int(beyond[0]) if len(beyond) else None
        return out

    @cached_property
    def trails(self) -> tuple[Trail, ...]:
        """Each trail as drawn: up to where it leaves the landscape (that point included, shown on the edge)."""
        colors = palette_colors(self.race.optimizers)
        trails = []
        for optimizer, color in zip(self.race.optimizers, colors):
            rows, leaves = self.rows[optimizer.name], self.left[optimizer.name]
            shown = rows if leaves is None else rows[: leaves + 1]
            trails.append(Trail(shown[:, 0], shown[:, 1], shown[:, 2], shown[:, 3], label=optimizer.name, color=color))
        return tuple(trails)

    @cached_property
    def landscape(self) -> Landscape:
        import numpy as np

        x = np.linspace(*self.extent.x, self.grid_size)
        y = np.linspace(*self.extent.y, self.grid_size)
        grid_x, grid_y = np.meshgrid(x, y)  # loss[j, i] at (x[i], y[j]), as Landscape says
        return Landscape(x, y, self.evaluate(grid_x, grid_y), self.race.names)

    @property
    def log_scale(self) -> bool:
        import numpy as np

        losses = np.concatenate([t.loss for t in self.trails])
        return bool(losses.min() > 0 and losses.max() / losses.min() > LOG_SPAN)

    @cached_property
    def levels(self) -> int | tuple[float, ...]:
        import numpy as np

        if self.race.levels is not None:
            return self.race.levels
        low, high = float(self.landscape.loss.min()), float(self.landscape.loss.max())
        if low > 0 and high / low > LOG_SPAN:  # a quadratic bowl: linear levels would make its floor one band
            floor = max(low, high / LOG_DECADES_SHOWN)  # below it, one band: the valley floor, not 10 shades of it
            levels = np.geomspace(floor, high, LEVELS + 1)
            return tuple(float(v) for v in (np.concatenate([[low], levels]) if floor > low else levels))
        return LEVELS

    @cached_property
    def descent(self) -> Descent:
        return Descent(self.landscape, self.trails, title=self.race.title,
                       loss_scale="log" if self.log_scale else "linear", levels=self.levels)

    def table(self) -> Table:
        import numpy as np

        p0, p1 = self.race.names.parameters
        labels = tuple(t.label for t in self.trails for _ in t.loss)
        rows = np.vstack([np.column_stack([t.x, t.y, t.iteration, t.loss]) for t in self.trails])
        return Table(("optimizer", p0, p1, self.race.names.step, self.race.names.loss), rows, row_labels=labels)

    def alt(self) -> str:
        """The point first, short: which trail ends lowest and which highest (the numbers are in the
        description)."""
        return race_alt(self.trails, self.race.names, [self.left[t.label] for t in self.trails])

    def description(self, what: str) -> str:
        """What the output is, the landscape's ranges, then where each trail goes: the long description under it."""
        left = [self.left[t.label] for t in self.trails]
        return (f"{what} {describe_landscape(self.landscape.loss, self.extent)} "
                f"{describe_trails(self.trails, self.race.names, left)}")

    def figure(self) -> Figure:
        names = self.race.names
        scale = "log" if self.log_scale else "linear"
        # The landscape with its colour bar and the trails' start marked, over thin loss lines each named at its
        # end (no legend to look up); each panel the column's width.
        curves = Curves(tuple(Line(t.iteration, t.loss, t.label, t.color, width=LOSS_LINE_WIDTH) for t in self.trails),
                        xlabel=names.step, ylabel=f"{names.loss} (log scale)" if scale == "log" else names.loss,
                        yscale=scale, end_labels=True)
        contour = Contour(self.landscape, trails=self.trails, levels=self.levels, legend=False, ends=True)
        return Figure(panels=(contour, curves), size=(COLUMN, 7.5), stacked=True, ratios=(3, 2),
                      tables={"": self.table()},
                      alt=self.alt(), description=self.description("Two panels."), extent=self.extent)

    def animation(self) -> Animation:
        left = [self.left[t.label] for t in self.trails]
        return Animation((self.descent,), title=self.race.title, alt=self.alt(),
                         description=self.description("Video."), extent=self.extent,
                         captions=race_captions(self.trails, self.race.names, left), tables={"": self.table()})

    def surface(self) -> Surface:
        return Surface(self.descent, alt=self.alt(), description=self.description("Interactive 3D surface."),
                       extent=self.extent, camera=self.race.camera)
