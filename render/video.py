"""Frame-making for the article's centrepiece: gradient descent on the loss landscape, as a video.

Left, the loss contour with the descent path drawn so far and the current
point; right, the loss curve so far on axes fixed to the whole run.  Beyond
the article, a view may also be the data with the neuron's decision boundary
moving along a descent, each side shaded in its class's colour.  The
article called ``contourf`` and ``plot`` again for every frame, so artists
piled up and every frame redrew everything.  Here the static layers (contour,
colour bar, axes, labels) are drawn once; each frame restores that
background and draws only the three moving artists, and the canvas's RGBA
buffer goes straight to the encoders (``render.encode``), no image files in
between.  What a frame shows is a function of its index, as with
``FuncAnimation``; how it is written is the encoders' business.  The scene's
captions, keyed to iterations, are timed on the same schedule and written as
a WebVTT track beside the video.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator, Sequence

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize, to_rgb, to_rgba
from matplotlib.figure import Figure as MplFigure
from matplotlib.figure import SubFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.text import Text
from tqdm.auto import tqdm

from render import spec
from render.edges import BEYOND_MARKER, at_edge, grid_bounds
from render.encode import CAPTIONS_EXTENSION, FORMATS, EncodeError, Poster, VideoFormat, VideoShape
from render.errors import RenderError
from render.figure import drawn_color, filled_contour, labelled_log_ticks, loss_colorbar
from render.files import write_text_atomic
from render.layouts import COLUMN, CSS_PX_PER_INCH, LAYOUTS, Layout
from render.settings import DEFAULT_FPS, RenderSettings, RunSession, VideoSettings, Written
from render.sides import sides
from render.tables import write_table
from render.theme import theme_context

# Text is sized in points; a dpi proportional to the height keeps the same layout at every size, and
# this one makes 10-point text 11.7 px tall when a 16:9 video is shown 700 px wide, whatever its size.
DPI_PER_PIXEL_OF_HEIGHT = 160 / 720
# CSS px at the bottom of a video that a player's native controls cover while they show (paused, or hovered):
# kept clear in every layout, so that no axis label lies under them.  Measured in Chromium on a <video controls>
# shown 700 and 390 px wide, 16:9 and taller than wide: its control panel (the row of buttons, 48 px, over the
# timeline, 24 px) is 72 CSS px tall at every width and height, its bottom on the video's (the boxes of the
# panel's parts in the element's user-agent shadow tree).  A faint shade rises some 30 px above it; text there
# still reads.
PLAYER_CONTROLS = 72
# The phone's layout: a view's height in inches (at the phone's width, 100 CSS px an inch), by what it shows; the
# contour over the loss, the loss panel tall enough to follow (its axes over 100 CSS px).
PHONE_VIEW_HEIGHT = {spec.Descent: 5.4, spec.Boundary: 4.6}
PHONE_DESCENT_RATIOS = (2.0, 1.15)
PHONE_TITLE = 0.35  # inches: a line of the animation's title, over its views

CONTOUR_CMAP = "magma"
LINE_WIDTH = 3  # the article's lw=3, for the path and the loss curve
SEVERAL_LINE_WIDTH = 1.8  # several losses on one panel: thinner, for the lines to stay apart where they cross
POINT_SIZE = 9
LOSS_MARGIN = 0.05  # of the loss range, above and below the curve
# Moving artists sit above every static one (spines are at 2.5), so drawing them last,
# as blitting does, gives the same picture as drawing the whole figure.
MOVING_ZORDER = 3


# -- from the settings to a timeline ------------------------------------------------
def video_shape(video: VideoSettings, rows: int) -> VideoShape:
    """Size, frame rate and frame count for a descent of ``rows`` recorded points: :func:`video_timeline`'s."""
    return video_timeline(video, rows)[0]


def video_timeline(video: VideoSettings, rows: int) -> tuple[VideoShape, Timeline]:
    """The video's shape, and which step each of its frames shows.

    By default the motion runs at the article's pace (ten iterations a second, one frame per iteration at
    10 fps) after a slow start (:func:`step_weights`), between the held first and last frames; a higher frame
    rate fills the same time with interpolated frames.  ``duration`` sets the whole length outright, the holds
    included (shortened where they would take more than half of it).
    """
    (width, height), fps = video.size, video.frame_rate
    weights = step_weights(rows)
    if video.duration is None:
        # The motion's own first and last frames show the start and the end too: the holds are one frame less.
        first, last = max(0, round(fps * HOLD_FIRST) - 1), max(0, round(fps * HOLD_LAST) - 1)
        moving = max(1, round(fps * sum(weights) / DEFAULT_FPS) + 1)
    else:
        total = max(1, round(fps * video.duration))
        share = min(1.0, HOLDS_SHARE * video.duration / (HOLD_FIRST + HOLD_LAST))
        first, last = math.floor(fps * HOLD_FIRST * share), math.floor(fps * HOLD_LAST * share)
        moving = total - first - last
    timeline = Timeline(first, moving, last, weights)
    return VideoShape(width, height, fps, timeline.frames), timeline


def step_weights(rows: int) -> tuple[float, ...]:
    """How long each of the ``rows - 1`` steps lasts, relative to a step at full pace: the first ones longer."""
    return tuple(1 + (SLOW_START - 1) * max(0.0, 1 - k / SLOW_STEPS) for k in range(max(0, rows - 1)))


# -- time: frame index -> fractional iteration -------------------------------------
# A still start and a still end, in the video itself, so that every player and a looping GIF show them: the start
# before anything moves, the end (with its ring) long enough to be read before the loop begins again.
HOLD_FIRST = 1.0  # seconds
HOLD_LAST = 2.5  # seconds
HOLDS_SHARE = 0.5  # of a video given a duration, at most, for the holds: the rest moves
# A descent moves most in its first steps: they are shown slower, the first SLOW_START times as long as a step at
# full pace, easing to full pace over SLOW_STEPS steps, so that the eye follows the first swings.
SLOW_START = 4.0
SLOW_STEPS = 15
def frame_time(index: int, frames: int, rows: int) -> float:
    """The fractional row of the history that frame ``index`` of ``frames`` shows.

    The first frame shows the start, the last the end; in between time runs
    evenly, so frames that fall on a whole iteration show exactly that row.
    (The product is taken before the division so that those are exact.)
    """
    if frames == 1:
        return float(rows - 1)
    return index * (rows - 1) / (frames - 1)


def first_frame_showing(iteration: int, frames: int, rows: int) -> int:
    """The first frame whose :func:`frame_time` reaches ``iteration``: where the counter first shows it.

    The inverse of :func:`frame_time`, rounded up, in integers so that a frame that falls exactly on the
    iteration is that frame.  A video of one frame shows the end, and with it every iteration.
    """
    if frames == 1 or rows == 1:
        return 0
    return -(-iteration * (frames - 1) // (rows - 1))


@dataclass(frozen=True)
class Timeline:
    """Which fractional step each frame of a video shows: ``first`` frames of the start, ``moving`` frames of
    motion, ``last`` frames of the end.

    During the motion, step ``k`` takes a share of the time proportional to ``weights[k]`` (``None``: every
    step the same, as :func:`frame_time`).  Every view follows the one clock: a view of fewer steps moves
    through the same fraction of its own.
    """

    first: int
    moving: int
    last: int
    weights: tuple[float, ...] | None = None

    @classmethod
    def even(cls, frames: int) -> Timeline:
        """Every frame moving, time running evenly: a plain sequence of frames, no holds."""
        return cls(0, frames, 0)

    @property
    def frames(self) -> int:
        return self.first + self.moving + self.last

    def time(self, index: int, rows: int) -> float:
        """The fractional row of a history of ``rows`` that frame ``index`` shows."""
        moving = min(max(index - self.first, 0), self.moving - 1)
        if self.weights is None or len(self.weights) < 1 or self.moving == 1:
            return frame_time(moving, self.moving, rows)
        if moving == self.moving - 1:  # exactly the end, whatever the rounding: its ring shows
            return float(rows - 1)
        bounds = self._bounds
        share = moving / (self.moving - 1)
        k = min(int(np.searchsorted(bounds, share, side="right")) - 1, len(self.weights) - 1)
        t = k + (share - bounds[k]) / (bounds[k + 1] - bounds[k])
        return float(t if rows == len(self.weights) + 1 else t * (rows - 1) / len(self.weights))

    @property
    def _bounds(self) -> np.ndarray:
        """The share of the motion's time at which each step starts (and 1 at the end)."""
        return np.concatenate([[0.0], np.cumsum(self.weights)]) / sum(self.weights)

    def first_showing(self, iteration: int, rows: int) -> int:
        """The first frame whose :meth:`time` reaches ``iteration``: where a caption of it begins."""
        if self.weights is None:
            return (0 if iteration == 0 and self.first else
                    self.first + first_frame_showing(iteration, self.moving, rows))
        low, high = 0, self.first + self.moving - 1  # the last moving frame shows the end
        while low < high:  # the times only grow: the first frame at or past the iteration
            middle = (low + high) // 2
            if self.time(middle, rows) >= iteration - 1e-9:
                high = middle
            else:
                low = middle + 1
        return low


def point_at(points: np.ndarray, t: float) -> np.ndarray:
    """The point at fractional row ``t``: a recorded one on a whole row, else on the segment to the next."""
    k = min(int(math.floor(t)), len(points) - 1)
    fraction = t - k
    if fraction <= 0 or k == len(points) - 1:
        return points[k]
    return points[k] + fraction * (points[k + 1] - points[k])


def path_until(points: np.ndarray, t: float) -> np.ndarray:
    """The recorded points up to fractional row ``t``, ending at the point interpolated at ``t``.

    Between two recorded iterations the point moves on the straight segment
    joining them (the gradient step itself), so a video with more frames than
    iterations glides instead of stuttering.
    """
    k = min(int(math.floor(t)), len(points) - 1)
    if t - k <= 0 or k == len(points) - 1:
        return points[: k + 1]
    return np.vstack([points[: k + 1], point_at(points, t)])


# -- drawing -----------------------------------------------------------------------
@dataclass
class TrailArtists:
    """The moving parts of one trail: the path so far, the current point, the loss so far, and, for a video of
    one trail, the end point's mark (shown on the last frame, and so on the poster)."""

    trail: spec.Trail
    path: Artist
    point: Artist
    end: Artist | None
    curve: Artist | None = None

    def __post_init__(self) -> None:
        # Stacked once, not in every frame: the points the path and the loss curve are cut from.
        self.weights = np.column_stack([self.trail.x, self.trail.y])
        self.losses = np.column_stack([self.trail.iteration, self.trail.loss])

    @property
    def moving(self) -> tuple[Artist, ...]:
        return (self.path, self.point) if self.end is None else (self.path, self.point, self.end)

    def show(self, t: float, landscape: spec.Landscape) -> np.ndarray:
        """Move to fractional step ``t``; the (iteration, loss) reached."""
        weights, losses = path_until(self.weights, t), path_until(self.losses, t)
        x, y, beyond = at_edge(weights[:, 0], weights[:, 1], landscape)
        self.path.set_data(x, y)
        self.point.set_data(x[-1:], y[-1:])
        self.point.set_marker(BEYOND_MARKER if beyond[-1] else "x")
        self.curve.set_data(losses[:, 0], losses[:, 1])
        if self.end is not None:
            finished = t >= len(self.weights) - 1
            self.end.set_data(x[-1:] if finished else [], y[-1:] if finished else [])
        return losses[-1]


@dataclass
class DescentArtists:
    """The moving parts of one descent: each trail's, and the counter above the loss panel, which follows the
    longest trail (the clock runs until it ends)."""

    descent: spec.Descent
    trails: list[TrailArtists]
    counter: Text

    def __post_init__(self) -> None:
        self.longest = max(range(len(self.trails)), key=lambda k: len(self.trails[k].weights))
        self.rows = len(self.trails[self.longest].weights)

    def show(self, t: float) -> tuple[Artist, ...]:
        reached = [artists.show(t, self.descent.landscape) for artists in self.trails]
        iteration, loss = reached[self.longest]
        last = self.trails[self.longest].trail.iteration[-1]
        self.counter.set_text(counter_text(iteration, last, loss if len(self.trails) == 1 else None,
                                           self.descent.landscape.names))
        moving = [artist for artists in self.trails for artist in artists.moving]
        return (*moving, *(artists.curve for artists in self.trails), self.counter)


def counter_text(iteration: float, last: float, loss: float | None, names: spec.Names = spec.Names()) -> str:
    """``iteration 42 / 100 · log loss 0.315`` in the post's words (``names``): where the descent is (whole steps), and
    its loss there (one trail's; where there are several, each has its own curve)."""
    text = f"{names.step} {int(math.floor(iteration + 1e-9))} / {int(last)}"
    return text if loss is None else f"{text} · {names.loss} {loss:.3g}"


def end_ring(ax: Axes, animated: bool) -> Artist:
    """The ring that marks where a descent ends, with a halo of the background colour: it shows on the darkest
    valley and on the lightest wall."""
    (end,) = ax.plot([], [], ls="none", marker="o", ms=POINT_SIZE * 2.2, mfc="none", mew=2,
                     c=matplotlib.rcParams["text.color"], zorder=MOVING_ZORDER + 1, animated=animated, clip_on=False,
                     in_layout=False, path_effects=[patheffects.withStroke(
                         linewidth=5, foreground=matplotlib.rcParams["figure.facecolor"])])
    return end


LEGEND_ENTRY = 1.3  # inches a legend entry takes in a row (a trail's line and a name like "gradient descent")


def legend_columns(width: float) -> int:
    """How many legend entries fit in a row ``width`` inches wide."""
    return max(1, int(width // LEGEND_ENTRY))


def draw_descent(fig: MplFigure, contour_ax: Axes, loss_ax: Axes, descent: spec.Descent,
                 animated: bool) -> DescentArtists:
    """The static layers of one descent, and its moving artists (empty until ``show``)."""
    landscape, names = descent.landscape, descent.landscape.names
    filled = filled_contour(contour_ax, landscape, descent.levels, CONTOUR_CMAP)
    loss_colorbar(fig, filled, contour_ax, names.loss)
    # The landscape is the frame: the scene chose it to cover the descent (points beyond a forced one sit
    # on its edge).
    (x_low, x_high), (y_low, y_high) = grid_bounds(landscape)
    contour_ax.set(xlim=(x_low, x_high), ylim=(y_low, y_high), xlabel=names.parameters[0],
                   ylabel=names.parameters[1])
    several = len(descent.trails) > 1
    trails = []
    for trail in descent.trails:
        color = drawn_color(trail.color)
        (path,) = contour_ax.plot([], [], lw=LINE_WIDTH, c=color, zorder=MOVING_ZORDER, animated=animated)
        (point,) = contour_ax.plot([], [], ls="none", marker="x", ms=POINT_SIZE, mew=LINE_WIDTH * 0.8, mfc="none",
                                   c=color, zorder=MOVING_ZORDER + 1, animated=animated, clip_on=False,
                                   in_layout=False)
        end = None if several else end_ring(contour_ax, animated)  # six rings would hide where trails end
        trails.append(TrailArtists(trail, path, point, end))
    if several:  # each trail's name and colour, in rows under the panels: drawn once, where no trail goes
        width = fig.bbox.width / fig.figure.dpi  # inches: a subfigure's share of the figure
        fig.legend(handles=[Line2D([], [], lw=LINE_WIDTH, c=t.color, label=t.label) for t in descent.trails],
                   loc="outside lower center", ncols=min(len(descent.trails), legend_columns(width)),
                   fontsize="small", frameon=False)

    iterations = np.concatenate([trail.iteration for trail in descent.trails])
    losses = np.concatenate([trail.loss for trail in descent.trails])
    if descent.loss_scale == "log":
        loss_ax.set_yscale("log")
        low, high = losses.min(), losses.max()
        loss_ax.set_ylim(low / (high / low) ** LOSS_MARGIN, high * (high / low) ** LOSS_MARGIN)
        labelled_log_ticks(loss_ax)  # 0.2, 0.5, 1, 2, ... as the figures' log axes, not 10^0
    else:
        margin = LOSS_MARGIN * (losses.max() - losses.min()) or 1.0
        loss_ax.set_ylim(losses.min() - margin, losses.max() + margin)
    if descent.step_scale == "log":
        steps = np.unique(iterations)
        loss_ax.set_xscale("symlog", linthresh=float(steps[steps > 0].min()) if (steps > 0).any() else 1.0)
    loss_ax.set(xlim=(iterations.min(), iterations.max()),
                xlabel=f"{names.step} (log scale)" if descent.step_scale == "log" else names.step,
                ylabel=f"{names.loss} (log scale)" if descent.loss_scale == "log" else names.loss)
    for artists in trails:
        # A loss in its own colour where the trail has one (what it was trained on); else one trail's in the text
        # colour, as the article's, and several in their trails' colours.
        trail = artists.trail
        color = trail.color if several else matplotlib.rcParams["text.color"]
        (artists.curve,) = loss_ax.plot([], [], lw=SEVERAL_LINE_WIDTH if several else LINE_WIDTH,
                                        zorder=MOVING_ZORDER, animated=animated,
                                        c=drawn_color(trail.loss_color or color))
    # The counter is the loss panel's title: the layout keeps room for its longest text.
    last = max(trail.iteration[-1] for trail in descent.trails)
    counter = loss_ax.set_title(counter_text(last, last, None if several else -max(abs(losses)) - 1, names),
                                fontsize="medium")
    counter.set_animated(animated)
    return DescentArtists(descent, trails, counter)


SIDE_ALPHA = 0.3  # how strongly a side of the decision boundary takes its class's colour, at most: the points stay clear
SIDE_CONTRAST = 0.25  # a class colour nearer the background than this (per channel, 0-1) would shade nothing


@dataclass
class BoundaryArtists:
    """The moving parts of a decision boundary: the two shaded sides, the line, the points above them (drawn
    after the sides, as blitting draws, so that no shade covers them) and the accuracy in the title (in the
    boundary's ``accuracy_text``)."""

    boundary: spec.Boundary
    positive: Polygon
    negative: Polygon
    line: Artist
    points: Artist
    title: Text

    def __post_init__(self) -> None:
        self.parameters = np.column_stack([self.boundary.trail.x, self.boundary.trail.y, self.boundary.intercept])
        self.rows = len(self.parameters)

    @property
    def limits(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The panel's range, read when a frame is drawn: an equal aspect widens it at the first draw."""
        return self.line.axes.get_xlim(), self.line.axes.get_ylim()

    def show(self, t: float) -> tuple[Artist, ...]:
        """Move to fractional step ``t``: the line between two steps is that of the parameters in between."""
        w0, w1, b = point_at(self.parameters, t)
        cut = sides(*self.limits, w0, w1, b)
        for patch, polygon in ((self.positive, cut.positive), (self.negative, cut.negative)):
            patch.set_visible(len(polygon) > 0)  # a side the line leaves no room is not drawn
            if len(polygon):
                patch.set_xy(polygon)
        self.line.set_data(cut.line[:, 0], cut.line[:, 1])
        share = self.boundary.accuracy[min(int(math.floor(t + 1e-9)), self.rows - 1)]
        self.title.set_text(self.boundary.accuracy_text.format(share))
        return self.negative, self.positive, self.line, self.points, self.title


def side_color(class_color: np.ndarray) -> np.ndarray:
    """The shade of the side the neuron gives a class: the class's colour, or, where that is the background's
    (the article's 'ocean' map gives class 1 white, on a light page), the text colour, which stands out from it."""
    background = np.array(to_rgb(matplotlib.rcParams["axes.facecolor"]))
    if np.abs(np.asarray(class_color)[:3] - background).max() < SIDE_CONTRAST:
        return np.array(to_rgba(matplotlib.rcParams["text.color"]))
    return np.asarray(class_color)


def relative_luminance(rgb: np.ndarray) -> float:
    """WCAG's relative luminance of an sRGB colour (0-1 channels): what its flash threshold is counted in."""
    rgb = np.asarray(rgb, dtype=float)[:3]
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ (0.2126, 0.7152, 0.0722))


def side_alphas(colors: Sequence[np.ndarray]) -> list[float]:
    """How opaque each side's shade is: at most :data:`SIDE_ALPHA`, and both sides equally light.

    A boundary that swings across the panel swaps the sides' shades over most of it; if they differed in
    lightness, a swing back and forth would be a flash (WCAG 2.3.1 counts changes of luminance).  Shades of
    one luminance differ in hue only: the lighter one is made more transparent until it matches the other.
    """
    background = np.array(to_rgb(matplotlib.rcParams["axes.facecolor"]))
    alphas = np.linspace(0, SIDE_ALPHA, 301)

    def luminances(color: np.ndarray) -> np.ndarray:
        return np.array([relative_luminance(a * color[:3] + (1 - a) * background) for a in alphas])

    curves = [luminances(np.asarray(color)) for color in colors]
    base = relative_luminance(background)
    target = min(abs(curve[-1] - base) for curve in curves)  # the fainter side at full strength
    return [float(alphas[np.argmin(np.abs(np.abs(curve - base) - target))]) for curve in curves]


def draw_boundary(figure: MplFigure | SubFigure, ax: Axes, boundary: spec.Boundary, animated: bool) -> BoundaryArtists:
    """The static layers of a boundary panel (axes, labels, the legend under it) and its moving artists."""
    data = boundary.data
    for what, values in (("accuracies", boundary.accuracy), ("intercepts", boundary.intercept)):
        if len(values) != len(boundary.trail.iteration):
            raise RenderError(f"a boundary has {len(values)} {what} for the "
                              f"{len(boundary.trail.iteration)} steps of its trail: give one per step")
    colors = matplotlib.colormaps[data.cmap](Normalize()(np.asarray(data.color_values, dtype=float)))
    low, high = np.argmin(data.color_values), np.argmax(data.color_values)  # a point of each class: its colour
    points = ax.scatter(data.x, data.y, c=colors, edgecolors=matplotlib.rcParams["text.color"], linewidths=0.5,
                        zorder=MOVING_ZORDER + 2, animated=animated)
    x_limits, y_limits = data.limits or (ax.get_xlim(), ax.get_ylim())  # the scene's, or around the points
    ax.set(xlabel=data.xlabel, ylabel=data.ylabel)
    if data.equal_aspect:
        # A unit of either feature as long on screen, the panel filled by widening the range: the limits are
        # where the range starts from, not fixed (fixed ones would be overridden, with a warning at every draw).
        ax.update_datalim([(x_limits[0], y_limits[0]), (x_limits[1], y_limits[1])])
        ax.margins(0)
        ax.set_aspect("equal", adjustable="datalim")
    else:
        ax.set(xlim=x_limits, ylim=y_limits)
    shades = [side_color(colors[k]) for k in (low, high)]
    negative, positive = (ax.add_patch(Polygon(np.zeros((1, 2)), closed=True, lw=0, fc=shade, alpha=alpha,
                                               zorder=MOVING_ZORDER, animated=animated))
                          for shade, alpha in zip(shades, side_alphas(shades)))
    (line,) = ax.plot([], [], lw=LINE_WIDTH, c=drawn_color(boundary.trail.color), zorder=MOVING_ZORDER + 1,
                      animated=animated)
    # The legend under the panel, drawn once: inside it, the sides moving under it would have to redraw it.
    # In two columns, one per class: its points above the shade of the side the neuron gives it; then the line.
    handles = []
    for k, name, side in zip((low, high), data.class_names, (negative, positive)):
        handles.append(Line2D([], [], ls="none", marker="o", mfc=colors[k], mec=matplotlib.rcParams["text.color"],
                              mew=0.5, label=name))
        handles.append(Rectangle((0, 0), 1, 1, lw=0, fc=side.get_facecolor(), label=boundary.side_label.format(name)))
    handles.insert(2, Line2D([], [], lw=LINE_WIDTH, c=drawn_color(boundary.trail.color), label=boundary.line_label))
    figure.legend(handles=handles, loc="outside lower center", ncols=2, fontsize="small", frameon=False)
    # The accuracy is the panel's title: the layout keeps room for its longest text.
    title = ax.set_title(boundary.accuracy_text.format(1.0), fontsize="medium")
    title.set_animated(animated)
    return BoundaryArtists(boundary, positive, negative, line, points, title)


def view_trails(view: spec.Descent | spec.Boundary) -> tuple[spec.Trail, ...]:
    """The trails a view follows: a descent's, or the one whose parameters move a boundary."""
    return (view.trail,) if isinstance(view, spec.Boundary) else view.trails


class DescentFrames:
    """The frames of an :class:`~render.spec.Animation`: every view advancing on one time axis.

    One descent: contour and loss curve side by side.  Several views (the comparison, a boundary beside its
    descent): one titled column per view, a descent's contour above its loss curve, under the animation's title.
    """

    def __init__(self, animation: spec.Animation, shape: VideoShape, animated: bool = True,
                 timeline: Timeline | None = None, layout: Layout = COLUMN) -> None:
        self.animation = animation
        self.shape = shape
        self.timeline = timeline or Timeline.even(shape.frames)
        if self.timeline.frames != shape.frames:
            raise RenderError(f"a timeline of {self.timeline.frames} frames for a video of {shape.frames}")
        phone = layout is not COLUMN
        # The column's text scales with the video's height (the same layout at every size); the phone's is sized
        # for its width, as a figure's.
        self.figure = sized_figure(shape.width, shape.height, shape.width / layout.inches if phone else None)
        views = animation.views
        def fit(text: str, size: str) -> str:  # a title in the phone's width; the column's has room
            return fitted(text, size, layout.inches) if phone else text

        # A band at the bottom that a player's control bar may cover without hiding an axis.
        margin = controls_band(shape, layout)
        self.figure.get_layout_engine().set(rect=(0, margin, 1, 1 - margin))
        if lone_descent(animation):
            # Its panels in a subfigure, which the layout keeps above the band: a legend of the whole figure would
            # sit on the figure's bottom edge, in the band.
            place = self.figure.subfigures(1, 1)
            if phone:  # the loss under the landscape, each the phone's width
                contour_ax, loss_ax = place.subplots(2, 1, height_ratios=PHONE_DESCENT_RATIOS)
            else:
                contour_ax, loss_ax = place.subplots(1, 2, width_ratios=(1.25, 1))
                self.figure.get_layout_engine().set(wspace=0.06)  # room between colour bar and loss axis
            title = video_title(animation)
            if title:
                self.figure.suptitle(fit(title, "large"), fontsize="large")
            self.descents = [draw_descent(place, contour_ax, loss_ax, views[0], animated)]
        else:
            if animation.title:
                self.figure.suptitle(fit(animation.title, "large"), fontsize="large")
            self.descents = []
            # One titled column per view; on a phone, one titled row per view, as tall as the view needs.
            places = (self.figure.subfigures(len(views), 1, squeeze=False,
                                             height_ratios=[view_height(view) for view in views])[:, 0]
                      if phone else self.figure.subfigures(1, len(views), squeeze=False)[0])
            for place, view in zip(places, views):
                if view.title:
                    place.suptitle(fit(view.title, matplotlib.rcParams["figure.titlesize"]))
                if isinstance(view, spec.Boundary):
                    self.descents.append(draw_boundary(place, place.subplots(), view, animated))
                else:
                    contour_ax, loss_ax = place.subplots(
                        2, 1, height_ratios=PHONE_DESCENT_RATIOS if phone else (2.3, 1))
                    self.descents.append(draw_descent(place, contour_ax, loss_ax, view, animated))

    def update(self, index: int) -> list[Artist]:
        """Move every view to frame ``index``; the artists that changed."""
        changed = []
        for descent in self.descents:
            changed.extend(descent.show(self.timeline.time(index, descent.rows)))
        return changed

    def frames(self) -> Iterator[memoryview]:
        """Every frame, as the canvas's RGBA buffer (valid until the next frame is drawn)."""
        return blit_frames(self.figure, self.update, self.shape.frames)

    def last_frame(self) -> Iterator[memoryview]:
        """Only the last frame, drawn as :meth:`frames` draws it: all a poster needs."""
        return blit_frames(self.figure, lambda index: self.update(self.shape.frames - 1), 1)

    def still(self, t: float | None = None, index: int | None = None) -> np.ndarray:
        """One frame drawn the ordinary way (whole figure, no blitting): the reference for tests."""
        self.figure.canvas.draw()  # the layout and the panels' ranges first, as blit_frames has them
        self.figure.set_layout_engine("none")
        if index is not None:
            self.update(index)
        else:
            for descent in self.descents:
                descent.show(t)
        self.figure.canvas.draw()
        self.figure.set_layout_engine("none")  # as in blit_frames: the first draw's layout, kept
        return np.array(self.figure.canvas.buffer_rgba())


def fitted(text: str, size: str | float, width: float) -> str:
    """``text`` in lines that fit ``width`` inches at font ``size``, broken between words (a title meant for the
    column, on a phone).  By the mean width of a character, which the layout's margins absorb where it errs."""
    import textwrap

    points = matplotlib.font_manager.FontProperties(size=size).get_size_in_points()
    return textwrap.fill(text, max(12, int(width * 72 / (points * TEXT_CHARACTER))))


TEXT_CHARACTER = 0.58  # a character's mean width in its font size (DejaVu Sans, with its capitals and spaces)
PHONE_LINE = 0.3  # inches: a line of a view's title, or a row of its legend, in the phone's layout


def lone_descent(animation: spec.Animation) -> bool:
    """One descent alone: its contour and loss are the whole video, and its title the video's."""
    return len(animation.views) == 1 and isinstance(animation.views[0], spec.Descent)


def video_title(animation: spec.Animation) -> str:
    """The title over the whole video: the animation's, else a lone descent's own (the post's words, or none)."""
    return animation.title or (animation.views[0].title if lone_descent(animation) else "")


def view_height(view: spec.Descent | spec.Boundary, titled: bool = True) -> float:
    """How tall a view is in the phone's layout, in inches: its panels, its title where it has one of its own
    (``titled``), and, for several trails, their legend's rows."""
    several = isinstance(view, spec.Descent) and len(view.trails) > 1
    rows = -(-len(view.trails) // legend_columns(spec.PHONE)) if several else 0
    lines = len(fitted(view.title, matplotlib.rcParams["figure.titlesize"], spec.PHONE).splitlines()) if titled else 0
    return PHONE_VIEW_HEIGHT[type(view)] + PHONE_LINE * (lines + rows)


def video_layout_shape(shape: VideoShape, animation: spec.Animation, layout: Layout) -> VideoShape:
    """The shape of ``animation``'s video in ``layout``: the column's as asked; the phone's as many pixels per
    CSS pixel as the column's, its height what its views need, stacked (even numbers, as H.264 requires).
    Under the theme the video is drawn in: its titles' lines depend on its text's size."""
    if layout is COLUMN:
        return shape
    width = 2 * round(shape.width * layout.css_px / COLUMN.css_px / 2)
    titled = not lone_descent(animation)  # a lone descent's title is the video's
    inches = (sum(view_height(view, titled) for view in animation.views) + PLAYER_CONTROLS / CSS_PX_PER_INCH
              + PHONE_TITLE * len(fitted(video_title(animation), "large", layout.inches).splitlines()))
    return replace(shape, width=width, height=2 * round(inches * width / layout.inches / 2))


def controls_band(shape: VideoShape, layout: Layout) -> float:
    """The share of a video's height, at its bottom, that a player's controls cover when it is shown at
    ``layout``'s width: :data:`PLAYER_CONTROLS` CSS px of the height the video has there.  Nothing is drawn in it
    but the background, so that it reads as the picture's margin."""
    return PLAYER_CONTROLS * shape.width / (layout.css_px * shape.height)


def sized_figure(width: int, height: int, dpi: float | None = None) -> MplFigure:
    """A figure whose canvas is exactly ``width`` x ``height`` pixels, at ``dpi`` (by default, the height's:
    :data:`DPI_PER_PIXEL_OF_HEIGHT`).

    Agg truncates the figure's size in pixels, so a size in inches that comes
    out a hair under an integer would lose a row; a thousandth of a pixel
    more keeps the intended size.
    """
    dpi = dpi or height * DPI_PER_PIXEL_OF_HEIGHT
    fig = MplFigure(figsize=((width + 1e-3) / dpi, (height + 1e-3) / dpi), dpi=dpi, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    if canvas.get_width_height() != (width, height):
        raise RenderError(f"a {width}x{height} canvas came out {canvas.get_width_height()}")
    return fig


def blit_frames(fig: MplFigure, update: Callable[[int], Sequence[Artist]], count: int) -> Iterator[memoryview]:
    """Draw ``fig`` once without its animated artists, then per frame only those ``update`` returns.

    This is matplotlib's blitting (``copy_from_bbox`` / ``restore_region`` /
    ``draw_artist``), the technique ``FuncAnimation(blit=True)`` uses on
    screen, applied to a movie: ``FuncAnimation.save`` redraws and re-encodes
    the whole figure for every frame instead.
    """
    canvas = fig.canvas
    canvas.draw()
    fig.set_layout_engine("none")  # the layout of that draw holds for every frame (and any later still)
    background = canvas.copy_from_bbox(fig.bbox)
    buffer = canvas.buffer_rgba().cast("B")
    for index in range(count):
        canvas.restore_region(background)
        for artist in update(index):
            fig.draw_artist(artist)
        yield buffer


# -- frames to files ---------------------------------------------------------------
def encode_frames(frames: Callable[[], Iterator[memoryview | bytes]], formats: Sequence[VideoFormat],
                  count: int, description: str = "", progress: bool | None = None) -> list[Path]:
    """Feed every frame to every format; the files written, each verified.

    Formats that need a first look at the frames (a GIF's palette) get a pass
    of their own before the one that writes.  If anything fails or is
    interrupted, every ffmpeg is stopped and no file appears.
    """
    first_passes = [f.analysis() for f in formats]
    first_passes = [p for p in first_passes if p is not None]
    total = count * (2 if first_passes else 1)
    # On a terminal a bar of frames; in a log (not a terminal) nothing: the run's own lines say what is done.
    with tqdm(total=total, unit="frame", desc=description, disable=None if progress is None else not progress,
              leave=False, dynamic_ncols=True) as bar:
        for passes in ([first_passes] if first_passes else []) + [[f.open() for f in formats]]:
            with contextlib.ExitStack() as stack:
                sinks = [stack.enter_context(p) for p in passes]
                for frame in frames():
                    for sink in sinks:
                        sink.write(frame)
                    bar.update()
    return [f.path for f in formats]


# -- captions: iterations -> times ---------------------------------------------------
@dataclass(frozen=True)
class Cue:
    """One caption on the video's clock, in whole milliseconds (WebVTT's precision)."""

    start: int
    end: int
    text: str


def caption_problem(captions: Sequence[spec.Caption], rows: int) -> str | None:
    """Why ``captions`` cannot time a descent of ``rows`` iterations, or ``None``.

    They must cover the run in order without a gap (each picks up at the previous one's last iteration
    or the next), since each stays on screen until the next one appears; and be plain text on one line,
    which WebVTT shows as it is once ``&`` is escaped.
    """
    for caption in captions:
        label = f"caption {caption.first}-{caption.last}"
        if not 0 <= caption.first <= caption.last < rows:
            return f"{label} is not a range of the {rows} iterations shown"
        if not caption.text.strip():
            return f"{label} is empty"
        if "-->" in caption.text or "<" in caption.text or "\n" in caption.text or "\r" in caption.text:
            return f"{label} is not plain text on one line (no '<', '-->' or line break): {caption.text!r}"
    if captions[0].first != 0 or captions[-1].last != rows - 1:
        return f"the captions cover iterations {captions[0].first}-{captions[-1].last}, not 0-{rows - 1}"
    for before, after in zip(captions, captions[1:]):
        if after.first not in (before.last, before.last + 1):
            return (f"caption {after.first}-{after.last} does not pick up where caption "
                    f"{before.first}-{before.last} ends")
    return None


def caption_cues(captions: Sequence[spec.Caption], shape: VideoShape, rows: int,
                 timeline: Timeline | None = None) -> list[Cue]:
    """Each caption from the frame that first shows its first iteration until the next caption's (the last
    until the video ends), on the frames' own ``timeline`` (by default time running evenly); a caption no frame
    shows alone (a video of fewer frames than captions) is left out."""
    timeline = timeline or Timeline.even(shape.frames)
    starts = [round(timeline.first_showing(c.first, rows) * 1000 / shape.fps) for c in captions]
    ends = [*starts[1:], round(shape.frames * 1000 / shape.fps)]
    return [Cue(start, end, caption.text) for start, end, caption in zip(starts, ends, captions) if end > start]


def vtt_time(milliseconds: int) -> str:
    """``HH:MM:SS.mmm``, as WebVTT writes a time."""
    seconds, ms = divmod(milliseconds, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}"


def webvtt(cues: Sequence[Cue]) -> str:
    """A WebVTT file: the header, then each cue's times and text, a blank line between cues."""
    blocks = [f"{vtt_time(c.start)} --> {vtt_time(c.end)}\n{c.text.replace('&', '&amp;')}" for c in cues]
    return "\n\n".join(["WEBVTT", *blocks]) + "\n"


def write_video(name: str, content: spec.Content, settings: RenderSettings, session: RunSession) -> list[Written]:
    """The pipeline's video writer: ``NAME.mp4`` and the other formats asked for, each with what its check found,
    and the captions as ``NAME.vtt`` beside a moving video (a poster alone has nothing to caption)."""
    if not isinstance(content, spec.Animation) or not content.views:
        raise RenderError(f"{name}: a video is made from an Animation with at least one view")
    rows = max(len(trail.iteration) for view in content.views for trail in view_trails(view))
    column_shape, timeline = video_timeline(settings.video, rows)
    moving = not all(FORMATS[f] is Poster for f in settings.video.formats)
    cues: list[Cue] = []
    if content.captions and moving:  # checked before the frames are drawn: a bad caption fails at once
        problem = caption_problem(content.captions, rows)
        if problem:
            raise RenderError(f"{name}: {problem}")
        cues = caption_cues(content.captions, column_shape, rows, timeline)
    written = []
    for layout in LAYOUTS:  # the column's, then the phone's: the same frames on the same clock, laid out anew
        with theme_context(settings.theme):  # the text's sizes, which the phone's height follows
            shape = video_layout_shape(column_shape, content, layout)
            formats = [FORMATS[f](settings.layout.file(name, FORMATS[f].extension, layout.file_variant()), shape)
                       for f in settings.video.formats]
            frames = DescentFrames(content, shape, timeline=timeline, layout=layout)
            if moving:
                encode_frames(frames.frames, formats, shape.frames, description=name + layout.variant,
                              progress=None if settings.frame_progress else False)
            else:  # a poster alone (a theme's twin): one frame to draw
                encode_frames(frames.last_frame, formats, 1, description=name, progress=False)
        written += [Written(f.path, layout.role(role), f.facts) for role, f in zip(settings.video.formats, formats)]
    if cues:
        written.append(Written(write_text_atomic(settings.layout.file(name, CAPTIONS_EXTENSION), webvtt(cues)), "vtt"))
    written += [Written(write_table(table, settings.layout.data_file(name, suffix)), "data")
                for suffix, table in content.tables.items()]
    return written


__all__ = [
    "BoundaryArtists", "Cue", "DescentFrames", "EncodeError", "Timeline", "blit_frames", "caption_cues", "caption_problem",
    "encode_frames", "first_frame_showing", "frame_time", "path_until", "point_at", "video_shape", "video_timeline",
    "view_trails",
    "webvtt", "write_video",
]
