"""Part 6 of the article: why normalization matters, on two-feature blobs.

The same neuron descends the same data twice: once with the second feature
multiplied by 10 ("compressed" loss function) and once as generated
("normalized").  Each experiment records its descent history and the loss
surface it moves on, and declares the figures drawn from them.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from render.spec import (
    COLUMN, Animation, Camera, Contour, Curves, Descent, Extent, Figure, Line, Output, Scatter, Surface, Table,
    series,
)
from scenes.context import MIN_GRID_LIMIT, LandscapeError, SceneContext
from scenes.data import Blobs, blobs
from scenes.describe import (
    descent_alt, descent_captions, describe_descent, describe_extent, describe_loss_curve, describe_minimum,
    describe_scatter, describe_surface, in_3d, loss_curve_alt, scatter_alt,
)

if TYPE_CHECKING:
    import numpy as np

    from scenes.landscape import LossSurface

LEARNING_RATE = 0.6
N_ITER = 100
START_W = (-7.5, 7.5)
# The two experiments: the article multiplies the second feature by 10, then leaves it as generated.
SECOND_FEATURE_SCALES = {"compressed": 10.0, "normalized": 1.0}
# Each experiment's loss, in every output that draws it: the two series after the optimizers' six (the path is
# gradient descent's, the first series, on both).
LOSS_COLORS = {"compressed": series(6), "normalized": series(7)}
# What each experiment's features are, in the words the outputs show: the variant names the loss as the article
# does ("compressed"), not the feature, which is ten times larger than the other, as generated times 10.
FEATURES = {"compressed": "unscaled features", "normalized": "normalized features"}
CLASS_NAMES = ("class 0", "class 1")
BLOB_MARGIN = 0.05  # of the data's range, around the blobs
# Inches: tall enough for each cloud's shape at an equal aspect (see NormalizationExperiment.blobs_figure).
BLOB_HEIGHTS = {"compressed": 7.0, "normalized": 4.5}
# Where each 3D surface is seen from: one eye for both, so that each weight runs the same way on the screen in
# every surface (W0 towards the viewer, W1 to the right), in perspective, so that the near wall is told from the
# far one.  From low on the side of W0's high end the camera looks along the compressed valley: its V and the
# zig-zag in its crease show at once, and the normalized bowl shows its rim and the smooth path down it.
CAMERAS = {variant: Camera(eye=(2.0, -1.35, 1.0), projection="perspective") for variant in SECOND_FEATURE_SCALES}
GRID_LIMIT = 15.0  # the article's lim: the landscape covers at least -15..15 on each weight
GRID_STEP = 5.0  # a landscape grown to cover a descent ends on multiples of 5
GRID_MARGIN = 1.0  # room left around the farthest point of the descent
CONTOUR_HEIGHT = 4.7  # inches: one panel a column wide, the bias's colour bar under it
# The steps' colour by bias: from navy to pale yellow, so that the last steps, where the bias has grown and the
# path has reached the dark floor of the valley, are light on it (the article's 'Blues' ends in a navy lost there),
# and the first, high on the light walls, are dark on them.
BIAS_MARKS_CMAP = "YlGnBu_r"
FLAT_SHARE = 1e-3  # a loss changing by less than this share of itself over a landscape draws as one colour

CAPTIONS = {
    "compressed": {
        "blobs": "The two classes of make_blobs with the second feature multiplied by 10: "
        "one input is ten times larger than the other.",
        "loss": "The neuron's log loss over 100 iterations at learning rate 0.6 on unscaled features: "
        "it learns in a tumultuous way.",
        "contour": "The loss over the weights (W0, W1) is squeezed along W1 by the feature ten times larger: "
        "a long, narrow trough, and the descent path (points coloured by the bias b) zig-zags across it. The "
        "contour is the slice of the loss at the bias the descent ends with, whose value its title gives.",
        "descent": "Gradient descent on a compressed loss function: the weights zig-zag across the "
        "narrow valley of the loss while the log loss jumps up and down.",
        "surface": "3D visualization of the compressed loss function: a narrow valley between steep walls, "
        "and the descent path zig-zagging from wall to wall down it.",
    },
    "normalized": {
        "blobs": "The same two classes with both features on the same scale.",
        "loss": "The same neuron on features of the same scale: the loss falls smoothly.",
        "contour": "With features on one scale the loss is a far wider trough, and the descent path "
        "(points coloured by the bias b) curves smoothly down it to the minimum without going back up. The "
        "contour is the slice at the bias the descent ends with, whose value its title gives.",
        "descent": "Gradient descent on an uncompressed loss function: the weights curve smoothly down to "
        "the minimum and the log loss falls smoothly.",
        "surface": "3D visualization of the uncompressed loss function: a trough far wider than with one feature "
        "ten times larger, and the descent path curving smoothly down it to the minimum.",
    },
}


def round_levels(loss: np.ndarray) -> tuple[float, ...]:
    """Contour levels at 1, 2 and 5 times powers of ten from below the loss's least value to above its greatest:
    each band a factor of about two, so that a valley floor whose loss is a hundredth of the walls' is as many
    bands as the walls are (evenly spaced levels make it all one), and the colour bar reads in round numbers."""
    import numpy as np

    high = float(np.max(loss))
    low = max(float(np.min(loss)), high * 1e-6)  # a loss of zero somewhere: six decades below the top will do
    powers = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    steps = sorted(m * 10.0 ** p for p in powers for m in (1, 2, 5))
    below = max(v for v in steps if v <= low)
    above = min(v for v in steps if v >= high)
    return tuple(float(f"{v:.3g}") for v in steps if below <= v <= above)


def limits_around(*point_sets: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits that hold every point of ``point_sets`` (rows ``x0, x1``), with a margin of ``BLOB_MARGIN``."""
    low = [min(float(p[:, k].min()) for p in point_sets) for k in (0, 1)]
    high = [max(float(p[:, k].max()) for p in point_sets) for k in (0, 1)]
    margin = [BLOB_MARGIN * (high[k] - low[k]) for k in (0, 1)]
    return tuple((low[k] - margin[k], high[k] + margin[k]) for k in (0, 1))


def blob_limits(X: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits around these blobs on the second feature and around every experiment's on the first (the same
    feature in both), so that each figure, drawn at an equal aspect, takes its own cloud's shape."""
    shared = limits_around(*(blobs(scale).X for scale in SECOND_FEATURE_SCALES.values()))
    return shared[0], limits_around(X)[1]


class NormalizationExperiment:
    """One run of the article's ``experimental_neuron`` on blobs with a given feature scale.

    The maths (training, the loss landscape, and the NumPy and SciPy they run
    on) is imported when the descent is run, not when the outputs are declared.
    """

    def __init__(self, context: SceneContext, variant: str, second_feature_scale: float):
        self.context = context
        self.variant = variant
        self.second_feature_scale = second_feature_scale
        self.features = FEATURES.get(variant, f"{variant} features")

    @property
    def parameters(self) -> dict[str, object]:
        return {
            "second_feature_scale": self.second_feature_scale, "learning_rate": LEARNING_RATE,
            "n_iter": N_ITER, "start_W": list(START_W),
            "grid_limit": "covers the descent" if self.context.grid_limit is None else self.context.grid_limit,
            "grid_size": self.context.grid_size, "seed": self.context.seed,
        }

    @cached_property
    def data(self) -> Blobs:
        return blobs(self.second_feature_scale)

    @cached_property
    def history(self) -> np.ndarray:
        """``W0, W1, b, i, loss`` for each of the ``N_ITER + 1`` points of the descent."""
        import numpy as np

        from scenes.neuron import Parameters, initialisation
        from scenes.training import descent_history

        initial = initialisation(2, self.context.rng(f"experiment-{self.variant}"))
        start = Parameters(W=np.array([[START_W[0]], [START_W[1]]]), b=initial.b)
        return descent_history(self.data.X, self.data.y, start, LEARNING_RATE, N_ITER)

    @cached_property
    def extent(self) -> Extent:
        """The weights the landscape covers: the article's ±15 grown to the whole descent, or ``--grid-limit``."""
        from scenes.landscape import NAMES, covering_extent

        if self.context.grid_limit is not None:
            limit = self.context.grid_limit
            return Extent((-limit, limit), (-limit, limit), NAMES)
        return covering_extent(self.history[:, 0], self.history[:, 1], GRID_LIMIT, GRID_STEP, GRID_MARGIN)

    def surface_on(self, extent: Extent) -> LossSurface:
        """The loss over a meshgrid of ``extent`` at the trained bias, refused where it is flat: drawn, a flat loss
        is one colour without a contour line, and its alt text says "ranging from 4.46 to 4.46"."""
        from scenes.landscape import loss_surface

        surface = loss_surface(self.data.X, self.data.y, b=self.history[-1, 2], h=self.context.grid_size,
                               extent=extent)
        low, high = float(surface.loss.min()), float(surface.loss.max())
        if high - low <= FLAT_SHARE * max(abs(low), abs(high)):
            raise LandscapeError(f"the loss over {describe_extent(extent)} changes by less than a thousandth "
                                 f"({low:.3g} to {high:.3g}): too narrow a landscape to draw; pass --grid-limit "
                                 f"{MIN_GRID_LIMIT:g} or more, or none to cover the descent")
        return surface

    @cached_property
    def surface(self) -> LossSurface:
        return self.surface_on(self.extent)

    @cached_property
    def curvatures(self) -> tuple[float, float]:
        """The loss's two curvatures at its minimum (steepest first): the landscape's measured shape."""
        from scenes.training import curvatures_at_minimum

        s = self.surface
        return curvatures_at_minimum(self.data.X, self.data.y, s.w1, s.w2, s.loss, s.b)

    def landscape_words(self) -> str:
        """What the landscape covers and ranges over, then its measured shape near the minimum."""
        return f"{describe_surface(self.surface.loss, self.extent)} {describe_minimum(*self.curvatures)}"

    def descent_view(self, extent: Extent | None = None) -> Descent:
        """The descent on its landscape (or on ``extent``), for the videos and the 3D surface."""
        from scenes.training import as_trail

        s = self.surface if extent is None else self.surface_on(extent)
        return Descent(s.landscape, (as_trail(self.history, loss_color=self.loss_color),), title=self.features,
                       levels=round_levels(s.loss))  # the valley floor in bands, as on the contours

    @property
    def loss_color(self) -> str:
        """This experiment's loss, wherever it is drawn: a figure's curve, a video's loss panel."""
        return LOSS_COLORS[self.variant]

    def history_table(self) -> Table:
        from scenes.training import HISTORY_COLUMNS

        return Table(HISTORY_COLUMNS, self.history)

    def blobs_scatter(self, limits: tuple[tuple[float, float], tuple[float, float]]) -> Scatter:
        """The blobs coloured by class, within ``limits`` (x and y)."""
        X, y, scale = self.data.X, self.data.y, self.second_feature_scale
        return Scatter(X[:, 0], X[:, 1], y.ravel(), xlabel="feature 0",
                       ylabel="feature 1" if scale == 1 else f"feature 1 (×{scale:g})",
                       class_names=CLASS_NAMES, limits=limits)

    def blobs_figure(self) -> Figure:
        """The blobs at an equal aspect, a column wide: their shape is the argument.

        Both clouds at one scale in data units per pixel cannot both be read (a normalized cloud 150 px tall
        would put the compressed one 1,500 px tall), so each figure has its own scale, one data unit as long on
        both axes: the normalized cloud is about as tall as it is wide, the compressed one a column ten times
        taller, as tall as a phone's screen is wide."""
        import numpy as np

        X, y = self.data.X, self.data.y
        return Figure(
            panels=(replace(self.blobs_scatter(blob_limits(X)), equal_aspect=True),),
            size=(COLUMN, BLOB_HEIGHTS[self.variant]),
            tables={"": Table(("x0", "x1", "y"), np.column_stack([X, y]))},
            alt=scatter_alt(X, y),
            description=describe_scatter(X, y, self.second_feature_scale),
        )

    def loss_figure(self) -> Figure:
        h = self.history
        return Figure(
            panels=(Curves((Line(h[:, 3], h[:, 4], color=self.loss_color),), xlabel="iteration", ylabel="log loss",
                           legend=False),),
            size=(COLUMN, 4.5),
            tables={"": self.history_table()},
            alt=loss_curve_alt(h[:, 4], f"The log loss on {self.features}"),
            description=describe_loss_curve(h[:, 3], h[:, 4], f"Log loss of the neuron on {self.features}"),
        )

    def contour_figure(self) -> Figure:
        """One panel: the path on the loss, at levels a round factor apart so that the valley floor, where the
        path runs, is several bands rather than one; its start and end marked; the loss's colour bar beside it
        and the bias's under it (the landscape is a slice at the final bias, the steps coloured by the bias
        they had)."""
        from scenes.training import as_trail, bias_marks

        s, h = self.surface, self.history
        # The article's red line, its steps coloured by the bias on a map that ends light on the dark valley floor.
        trail = as_trail(h, **{**bias_marks(h), "marks_cmap": BIAS_MARKS_CMAP})
        final_bias = f"The landscape is a slice at the final bias b = {h[-1, 2]:.2f}."
        return Figure(
            panels=(Contour(s.landscape, trails=(trail,), levels=round_levels(s.loss), ends=True,
                            loss_colorbar=True, title=f"at the final bias b = {h[-1, 2]:.2f}"),),
            size=(COLUMN, CONTOUR_HEIGHT),
            tables={"": self.history_table()},
            alt=descent_alt(h, self.features),
            description=f"{self.landscape_words()} {final_bias} "
                        f"{describe_descent(h, self.extent.names)}",
            extent=self.extent,
        )

    def descent_animation(self) -> Animation:
        s, h = self.surface, self.history
        description = f"{self.landscape_words()} {describe_descent(h, self.extent.names)}"
        return Animation((self.descent_view(),), title=f"Gradient descent on {self.features}",
                         alt=descent_alt(h, self.features), description=description, extent=self.extent,
                         captions=descent_captions(h))

    def loss_surface_3d(self) -> Surface:
        s, h = self.surface, self.history
        description = f"Interactive 3D surface. {self.landscape_words()} {describe_descent(h, self.extent.names)}"
        return Surface(self.descent_view(), alt=in_3d(descent_alt(h, self.features)), description=description,
                       extent=self.extent, camera=CAMERAS[self.variant])

    def outputs(self) -> list[Output]:
        captions = CAPTIONS[self.variant]
        return [
            Output(f"blobs-{self.variant}", "figure", captions["blobs"], self.blobs_figure,
                   parameters={"second_feature_scale": self.second_feature_scale}),
            Output(f"loss-{self.variant}", "figure", captions["loss"], self.loss_figure,
                   parameters=self.parameters),
            Output(f"contour-{self.variant}", "figure", captions["contour"], self.contour_figure,
                   parameters=self.parameters),
            Output(f"descent-{self.variant}", "video", captions["descent"], self.descent_animation,
                   parameters=self.parameters),
            Output(f"surface-{self.variant}", "surface", captions["surface"], self.loss_surface_3d,
                   parameters=self.parameters),
        ]
