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

# Colours by meaning, not by hue: a scene gives each thing it draws a role, and the theme it is drawn in gives the
# role its shade (render.theme.SERIES), the same hue in every output.  ``series(k)`` is the k-th role (an
# optimizer's place in a race, the first or second of two things compared; the first is also a lone descent's
# path); FOREGROUND is the theme's text colour, for what claims no role.
SERIES_COUNT = 8
FOREGROUND = "foreground"


def series(index: int) -> str:
    """The colour of the series at ``index``, as a spec names it (matplotlib's ``C0`` notation)."""
    if not 0 <= index < SERIES_COUNT:
        raise ValueError(f"no series {index}: there are {SERIES_COUNT}")
    return f"C{index}"


# A figure's width in inches: at 100 dpi, 700 CSS px, the width of a blog column; text is sized for it.
COLUMN = 7.0
# And on a phone held upright, 390 CSS px: each output is drawn again at this width, its panels stacked, its text
# the same size on screen (render.layouts).
PHONE = 3.9


@dataclass(frozen=True)
class Names:
    """The post's words for what a landscape is over: its two ``parameters`` (the axes), the ``loss`` (its
    colour bar, the loss axis, the counter), a ``step`` of a descent (the counter, the step axis, the slider),
    and ``point``, the pair's own name where the post has one (the article's ``W = (-7.5, 7.5)``).

    Generic by default: the engine writes no post's words but those the post declares.
    """

    parameters: tuple[str, str] = ("θ0", "θ1")
    loss: str = "loss"
    step: str = "iteration"
    point: str = ""

    def at(self, values: str) -> str:
        """``W = (-7.5, 7.5)`` for ``values`` ``"(-7.5, 7.5)"``; ``(θ0, θ1) = (...)`` where the pair has no name."""
        return f"{self.point or '(' + ', '.join(self.parameters) + ')'} = {values}"


@dataclass(frozen=True)
class Extent:
    """The parameters a loss landscape covers, ``x = (min, max)`` along the first and ``y = (min, max)`` along
    the second: what a contour, a descent video or a surface drew, recorded in the manifest under their names."""

    x: tuple[float, float]
    y: tuple[float, float]
    names: Names = Names()

    def record(self) -> dict[str, list[float]]:
        first, second = self.names.parameters
        return {first: [float(v) for v in self.x], second: [float(v) for v in self.y]}


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
    color: str | None = None  # None: the next series' colour
    width: float | None = None
    linestyle: str = "solid"  # or "dashed": a reference drawn beside the data (a chance level), not data


@dataclass(frozen=True)
class Curves:
    """Lines on shared axes (learning curves, loss curves)."""

    lines: tuple[Line, ...]
    xlabel: str = ""
    ylabel: str = ""
    title: str = ""
    legend: bool = True
    yscale: str = "linear"  # or "log": curves that span decades compared on one axis
    xscale: str = "linear"  # or "log": steps where most change happens early (the first of thousands)
    # ("symlog": the same, linear below the first step after 0, so that step 0 is on it too)
    # The legend under the figure's panels, in a row, rather than in the panel: for curves that fill it.
    legend_below: bool = False
    # Each line's label beside its end, right of the panel, moved apart where ends are close: the names read
    # where the lines finish, without a legend to look up (takes the legend's place).
    end_labels: bool = False


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
    # One data unit as long on y as on x: where the point is the cloud's shape (a feature ten times larger
    # draws ten times taller), not where the points merely need to fill the panel.
    equal_aspect: bool = False


@dataclass(frozen=True)
class Landscape:
    """The loss over a grid of two parameters (any others fixed): ``loss[j, i]`` is the loss at ``(x[i], y[j])``,
    ``x`` along the first parameter; ``names`` are the post's words for them and for the loss, which every writer
    labels it with.

    Axes rather than meshgrids: what ``contourf`` and plotly's surfaces take, and a third of the data."""

    x: np.ndarray
    y: np.ndarray
    loss: np.ndarray
    names: Names = Names()


@dataclass(frozen=True)
class Trail:
    """One recorded descent: at step ``k``, iteration ``iteration[k]`` at parameters ``(x[k], y[k])``, with the
    true loss ``loss[k]`` there; and how it is drawn.

    ``label`` names it where there are several (a legend entry); ``color`` is its line.  ``marks``, where given
    (a value per step), marks a still's every step coloured by it on ``marks_cmap``, with a colour bar labelled
    ``marks_label``: the article's contour colours its steps by the bias.
    """

    x: np.ndarray
    y: np.ndarray
    iteration: np.ndarray
    loss: np.ndarray
    label: str = ""
    color: str = "C0"  # the path's: by default the first series', a lone descent's
    # Its loss curve's, where that means something else than the path (what the descent was trained on); None:
    # the path's where a view has several trails, else the text colour.
    loss_color: str | None = None
    marks: np.ndarray | None = None
    marks_cmap: str | None = None  # None: matplotlib's default colour map
    marks_label: str = ""


@dataclass(frozen=True)
class Contour:
    """Filled contours of a loss landscape, with any number of trails on it."""

    landscape: Landscape
    trails: tuple[Trail, ...] = ()
    # How many levels, or the levels' values (log-spaced for a loss that spans decades): colours then spread
    # evenly over the bands between them.
    levels: int | tuple[float, ...] = 10
    cmap: str = "magma"
    colorbar: bool = True  # of the trails' marks where one has some, else of the loss
    # The trails' labels (where they have some) and the mark of points beyond the landscape; False: no legend at
    # all (another panel may carry it instead).
    legend: bool = True
    xlabel: str = ""  # "": the landscape's name of its first parameter
    ylabel: str = ""  # "": of its second
    title: str = ""
    # Each trail's start and end marked in shapes and colours that show on every colour of the landscape and on
    # either theme, named "start" and "end" in the legend.
    ends: bool = False
    # The loss's colour bar too where a trail's marks have theirs (which then goes under the panel).
    loss_colorbar: bool = False


Panel = Union[Curves, Images, Heatmap, Scatter, Contour]


@dataclass(frozen=True)
class Figure:
    """A static figure: panels side by side, and the data behind it."""

    panels: tuple[Panel, ...]
    size: tuple[float, float]  # inches at 100 dpi, as in plt.figure(figsize=...); COLUMN wide reads best
    tables: dict[str, Table] = field(default_factory=dict)  # CSV suffix ("" for NAME.csv) -> table
    alt: str = ""  # what the figure shows, in words, for readers who cannot see it
    extent: Extent | None = None  # the landscape a contour covers
    # Every number the alt text leaves out, for a reader who wants them: shown under the figure, on request.
    description: str = ""
    # The panels one above another rather than side by side: two panels that each need the column's width
    # (and read on a phone, where side by side each would be a few hundred pixels wide).
    stacked: bool = False
    ratios: tuple[float, ...] = ()  # the panels' relative widths (or heights, stacked); (): equal
    # The phone's layout (PHONE wide, the panels always stacked): its height in inches; 0, from its panels.
    phone_height: float = 0.0


@dataclass(frozen=True)
class Camera:
    """Where a 3D view of a descent looks from, relative to the descent: ``turn`` degrees counter-clockwise
    from looking down it (from behind its start, towards its end), at ``height`` (plotly's eye z; its
    default camera is at 1.25).  Or, given ``eye``, from there (plotly's camera eye ``x, y, z``), whatever the
    descent does; ``turn`` and ``height`` are then ignored.

    ``projection`` is plotly's: ``"orthographic"`` (the article's) keeps parallel lines parallel;
    ``"perspective"`` makes what is near larger, which tells a valley's near wall from its far one at once."""

    turn: float = 0.0
    height: float = 1.25
    eye: tuple[float, float, float] | None = None
    projection: str = "orthographic"


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
    levels: int | tuple[float, ...] = 20  # of the video's contour, as :attr:`Contour.levels`
    # The loss panel's step axis: "log" for trails recorded at steps spaced in log time (thousands of steps, most
    # of the change in the first few), linear below the first step after 0, so that step 0 is on it too.
    step_scale: str = "linear"


@dataclass(frozen=True)
class Boundary:
    """The data a linear classifier classifies, and its decision boundary moving along a trail: what a video's
    panel shows.

    At step ``k`` the boundary is the line ``x[k]·x0 + y[k]·x1 + intercept[k] = 0`` of the trail's parameters
    and the intercept (one per step), drawn in the trail's colour and labelled ``line_label``; each side is
    shaded in the colour of the class the classifier gives it (``data``'s colour map: the side where the sum is
    ``>= 0`` in class 1's).  ``accuracy[k]``, the share of the points it classifies right there, is the panel's
    title, written by ``accuracy_text`` (a format string given the share); ``data.limits`` frame it.
    """

    data: Scatter
    trail: Trail
    intercept: np.ndarray
    accuracy: np.ndarray
    title: str = ""
    accuracy_text: str = "accuracy {:.0%}"
    line_label: str = "decision boundary"
    side_label: str = "predicted {}"  # the legend's entry for a side's shade, given its class's name


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
    title: str = ""  # above the views; for one descent, by default its title (none if it has none)
    alt: str = ""
    extent: Extent | None = None  # the landscape every view covers
    # What happens when, in words, for readers who cannot see it: a descriptions track beside the video.
    captions: tuple[Caption, ...] = ()
    tables: dict[str, Table] = field(default_factory=dict)  # CSV suffix ("" for NAME.csv) -> table
    # Every number the alt text leaves out: the transcript under the video begins with it.
    description: str = ""


@dataclass(frozen=True)
class Surface:
    """The loss function in 3D with the descents on it (the article's ``go.Surface``).

    ``others`` are more losses over the same grid with the same descents on them (a model's test loss beside the
    train loss it was trained on): the interactive view shows one at a time, ``view`` first, with a button for
    each labelled by its view's ``title`` (else its loss's name), all on one loss axis and one colour scale, so
    that a height and a colour are one loss on each; the still shows ``view``.
    """

    view: Descent
    alt: str = ""
    extent: Extent | None = None
    camera: Camera = field(default_factory=Camera)
    # Every number the alt text leaves out, for a reader who wants them: shown under the view, on request.
    description: str = ""
    others: tuple[Descent, ...] = ()
    tables: dict[str, Table] = field(default_factory=dict)  # CSV suffix ("" for NAME.csv) -> table


Content = Union[Figure, Animation, Surface]


@dataclass(frozen=True)
class Output:
    """One file set a scene makes: ``name`` is its file stem and its Make target.

    ``parameters`` are recorded in the manifest and are part of the output's rebuild key: put there everything
    the content depends on besides code and ``inputs`` (the seed, a post option), or a change of it will not
    render the output again.

    ``unavailable`` returns why the output cannot be made right now (missing
    input files, with how to provide them) or ``None``; ``build`` computes the
    content, only when the output is rendered.
    """

    name: str
    kind: str  # "figure", "video" or "surface": one of render.kinds.KINDS, which says what build returns for it
    caption: str
    build: Callable[[], Content]
    unavailable: Callable[[], str | None] = lambda: None
    parameters: dict[str, object] = field(default_factory=dict)
    inputs: Callable[[], tuple[Path, ...]] = lambda: ()  # files read, hashed to tell when to re-render
