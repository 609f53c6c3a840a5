"""What a scene declares: its outputs, and the plain data each one draws.

This is the only module of ``render`` that ``scenes`` imports.  It holds no
behaviour: a scene says *what* to show (curves, a scatter, a contour with a
descent path, ...), and the writers in ``render`` decide *how*.  Building an
output's content is deferred (``Output.build``) so that listing outputs or
rendering one of them never trains what another needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Union

if TYPE_CHECKING:  # arrays are only annotations here: declaring outputs needs no numpy
    import numpy as np

KINDS = ("figure", "video", "surface")
# A figure's width in inches: at 100 dpi, 700 CSS px, the width of a blog column; text is sized for it.
COLUMN = 7.0  # what an Output can be; each has a writer in render.pipeline


@dataclass(frozen=True)
class Extent:
    """The weights a loss landscape covers, ``w0 = (min, max)`` and ``w1 = (min, max)``: what a
    contour, a descent video or a surface drew, recorded in the manifest."""

    w0: tuple[float, float]
    w1: tuple[float, float]

    def record(self) -> dict[str, list[float]]:
        return {"W0": [float(v) for v in self.w0], "W1": [float(v) for v in self.w1]}


@dataclass(frozen=True)
class Table:
    """Data behind an output, written as CSV in ``data/`` (``columns`` is the header).

    ``row_labels``, where given, is a first column of text (which trail a row belongs to); ``rows`` are the
    numbers of the other columns."""

    columns: tuple[str, ...]
    rows: np.ndarray
    row_labels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Line:
    x: np.ndarray
    y: np.ndarray
    label: str | None = None
    color: str | None = None
    width: float | None = None


@dataclass(frozen=True)
class Curves:
    """Lines on shared axes (learning curves, loss curves)."""

    lines: tuple[Line, ...]
    xlabel: str = ""
    ylabel: str = ""
    title: str = ""
    legend: bool = True
    yscale: str = "linear"  # or "log": curves that span decades compared on one axis
    # The legend under the figure's panels, in a row, rather than in the panel: for curves that fill it.
    legend_below: bool = False


@dataclass(frozen=True)
class Images:
    """A grid of grey images with one title each (the dataset samples)."""

    images: np.ndarray  # (n, height, width)
    titles: tuple[str, ...]
    columns: int = 3
    cmap: str = "gray"


@dataclass(frozen=True)
class Heatmap:
    """One image of signed values on a diverging colour map, its limits symmetric around ``center``, with a
    colour bar (the cat/dog neuron's weights as a picture)."""

    image: np.ndarray  # (height, width)
    cmap: str = "RdBu_r"
    center: float = 0.0
    colorbar_label: str = ""
    title: str = ""


@dataclass(frozen=True)
class Scatter:
    """Points coloured by class (the blobs)."""

    x: np.ndarray
    y: np.ndarray
    color_values: np.ndarray
    cmap: str = "ocean"
    xlabel: str = ""
    ylabel: str = ""
    title: str = ""
    class_names: tuple[str, ...] = ()  # a legend entry per class (by color value, in order)
    limits: tuple[tuple[float, float], tuple[float, float]] | None = None  # x and y, shared between figures


@dataclass(frozen=True)
class Landscape:
    """The loss over a grid of weights, the bias fixed: ``loss[j, i]`` is the loss at ``(w0[i], w1[j])``.

    Axes rather than meshgrids: what ``contourf`` and plotly's surfaces take, and a third of the data."""

    w0: np.ndarray
    w1: np.ndarray
    loss: np.ndarray


@dataclass(frozen=True)
class Trail:
    """One recorded descent: at step ``k``, iteration ``iteration[k]`` at weights ``(w0[k], w1[k])`` and bias
    ``b[k]``, with the true loss ``loss[k]`` there; and how it is drawn.

    ``label`` names it where there are several (a legend entry); ``color`` is its line; ``point_cmap``, where
    given, marks a still's every step coloured by the bias, as the article's contour does.
    """

    w0: np.ndarray
    w1: np.ndarray
    b: np.ndarray
    iteration: np.ndarray
    loss: np.ndarray
    label: str = ""
    color: str = "r"
    point_cmap: str | None = None


@dataclass(frozen=True)
class Contour:
    """Filled contours of a loss landscape, with any number of trails on it."""

    landscape: Landscape
    trails: tuple[Trail, ...] = ()
    levels: int = 10
    cmap: str = "magma"
    colorbar: bool = True  # of the trails' bias where one has point_cmap, else of the loss
    legend: bool = True  # the trails' labels (where they have some); another panel may carry them instead
    xlabel: str = "W0"
    ylabel: str = "W1"
    title: str = ""


Panel = Union[Curves, Images, Heatmap, Scatter, Contour]


@dataclass(frozen=True)
class Figure:
    """A static figure: panels side by side, and the data behind it."""

    panels: tuple[Panel, ...]
    size: tuple[float, float]  # inches at 100 dpi, as in plt.figure(figsize=...); COLUMN wide reads best
    tables: dict[str, Table] = field(default_factory=dict)  # CSV suffix ("" for NAME.csv) -> table
    alt: str = ""  # what the figure shows, in words, for readers who cannot see it
    extent: Extent | None = None  # the landscape a contour covers


@dataclass(frozen=True)
class Camera:
    """Where a 3D view of a descent looks from, relative to the descent: ``turn`` degrees counter-clockwise
    from looking down it (from behind its start, towards its end), at ``height`` (plotly's eye z; its
    default camera is at 1.25)."""

    turn: float = 0.0
    height: float = 1.25


@dataclass(frozen=True)
class Descent:
    """Trails on one loss landscape: what a video's panel and a 3D surface show.

    The landscape is drawn with the bias at its trained value; ``loss_scale`` is the loss axis beside it
    ("log" for trails whose losses span decades).
    """

    landscape: Landscape
    trails: tuple[Trail, ...]
    title: str = ""
    loss_scale: str = "linear"


@dataclass(frozen=True)
class Boundary:
    """The data a neuron classifies, and its decision boundary moving along a trail: what a video's panel shows.

    At step ``k`` the boundary is the line ``w0[k]·x0 + w1[k]·x1 + b[k] = 0`` of the trail's parameters, drawn in
    the trail's colour, and each side is shaded in the colour of the class the neuron gives it (``data``'s
    colour map: the side where ``W·x + b >= 0`` in class 1's).  ``accuracy[k]``, the share of the points it
    classifies right there, is the panel's title; ``data.limits`` frame it.
    """

    data: Scatter
    trail: Trail
    accuracy: np.ndarray
    title: str = ""


@dataclass(frozen=True)
class Caption:
    """What a descent video's captions say while iterations ``first`` to ``last`` (inclusive) are shown.

    The video's writer times it: it appears with iteration ``first`` and stays until the next caption
    appears (the last one until the video ends), at whatever frame rate and length the video is made.
    ``text`` is plain text: no markup, no ``<`` and no ``-->`` (WebVTT would read them as tags or timing).
    """

    first: int
    last: int
    text: str


@dataclass(frozen=True)
class Animation:
    """A video of one or more views advancing on one time axis, side by side: descents, and decision boundaries
    moving in step with one."""

    views: tuple[Descent | Boundary, ...]
    title: str = ""  # above the views; for one descent, by default "Gradient descent on" its title
    alt: str = ""
    extent: Extent | None = None  # the landscape every view covers
    # What happens when, in words, for readers who cannot see it: a captions track beside the video.
    captions: tuple[Caption, ...] = ()
    tables: dict[str, Table] = field(default_factory=dict)  # CSV suffix ("" for NAME.csv) -> table


@dataclass(frozen=True)
class Surface:
    """The loss function in 3D with the descents on it (the article's ``go.Surface``)."""

    view: Descent
    alt: str = ""
    extent: Extent | None = None
    camera: Camera = field(default_factory=Camera)


Content = Union[Figure, Animation, Surface]


@dataclass(frozen=True)
class Output:
    """One file set a scene makes: ``name`` is its file stem and its Make target.

    ``unavailable`` returns why the output cannot be made right now (missing
    input files, with how to provide them) or ``None``; ``build`` computes the
    content, only when the output is rendered.
    """

    name: str
    kind: str  # one of KINDS
    caption: str
    build: Callable[[], Content]
    unavailable: Callable[[], str | None] = lambda: None
    parameters: dict[str, object] = field(default_factory=dict)
    inputs: Callable[[], tuple[Path, ...]] = lambda: ()  # files read, hashed to tell when to re-render
