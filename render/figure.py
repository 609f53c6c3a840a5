"""Static figures: the panels a scene declares, drawn with matplotlib and exported.

Figures are built on ``matplotlib.figure.Figure`` directly, not through
pyplot, so no global figure list grows during a long render.  Each panel type
has one drawing function; a new kind of panel is a new entry in ``DRAWERS``.
"""

from __future__ import annotations

from typing import Callable

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure as MplFigure
from matplotlib.legend import Legend

from render import spec
from render.edges import BEYOND_LABEL, BEYOND_MARKER, at_edge, grid_bounds
from render.files import OutputLayout, atomic_path
from render.images import WEBP_OF, webp_of_png
from render.tables import write_table
from render.layouts import COLUMN, LAYOUTS, Layout
from render.settings import ROLES, RenderSettings, RunSession, Written
from render.theme import theme_context

PIXEL_DENSITY = 2  # PNGs at 2x for high-density screens: 100 dpi figure sizes, saved at 200 dpi
BASE_DPI = 100
FOREGROUND = spec.FOREGROUND  # a colour that means "the theme's text colour"
LEGEND_COLUMNS = 3  # entries in a row of a legend under the panels: three names fit a column's width


def drawn_color(name: str | None) -> str | None:
    """A spec's colour as matplotlib takes it: :data:`FOREGROUND` is the theme's text colour, the rest as given
    (series roles ``C0``... are the theme's own cycle)."""
    return matplotlib.rcParams["text.color"] if name == FOREGROUND else name


LOG_LABEL_DECADES = 4  # a log axis spanning at most this many decades is labelled at 1, 2 and 5 of each


def labelled_log_ticks(ax: Axes) -> None:
    """Labels at 1, 2 and 5 times each power of ten, written as plain numbers (0.2, 0.5, 1, 2, ...), where the
    axis spans few decades: matplotlib labels only the powers of ten, and an axis from 0.12 to 300 then has
    nothing to read below 1.  Over more decades, the powers of ten alone, still as plain numbers."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    low, high = ax.get_ylim()
    decades = np.log10(high / low) if low > 0 and high > low else np.inf
    subs = (1.0, 2.0, 5.0) if decades <= LOG_LABEL_DECADES else (1.0,)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def draw_curves(fig: MplFigure, ax: Axes, panel: spec.Curves) -> None:
    for line in panel.lines:
        ax.plot(line.x, line.y, label=line.label, color=drawn_color(line.color), lw=line.width, ls=line.linestyle)
    ax.set(xlabel=panel.xlabel, ylabel=panel.ylabel, title=panel.title, xscale=panel.xscale, yscale=panel.yscale)
    if panel.xscale == "symlog":  # linear up to the first x after 0 (the first step), as a video's step axis
        after = [float(x) for line in panel.lines for x in np.asarray(line.x) if x > 0]
        ax.set_xscale("symlog", linthresh=min(after, default=1.0))
    if panel.yscale == "log":
        labelled_log_ticks(ax)
    if panel.end_labels:
        label_ends(fig, ax, panel.lines)
    elif panel.legend and any(line.label for line in panel.lines):
        if panel.legend_below:
            handles, labels = ax.get_legend_handles_labels()
            fig.legend(handles, labels, loc="outside lower center", frameon=False,
                       ncols=min(len(labels), LEGEND_COLUMNS))
        else:
            ax.legend()


END_LABEL_GAP = 1.25  # line heights between the centres of two end labels
END_LABEL_PAD = 0.03  # of the panel's width, between the lines' ends and their labels
END_LABEL_SWATCH = 0.05  # of the panel's width: a stroke of the line's colour before its name
END_LABEL_CHARACTER = 0.55  # a character's mean width in the label's font size (DejaVu Sans), for the room they take


def spread(positions: list[float], gap: float, low: float = 0.0, high: float = 1.0) -> list[float]:
    """``positions`` (in order) moved as little as possible so that each is at least ``gap`` above the one before,
    kept within ``low..high`` where there is room: the end labels' heights.

    Pool-adjacent-violators on the positions less their rank times the gap: each run of labels too close to
    fit goes, evenly spaced, around the mean of where its members would be (a least-squares fit, in one pass)."""
    blocks: list[list[float]] = []  # [mean of position - rank * gap, count]
    for rank, position in enumerate(positions):
        blocks.append([position - rank * gap, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            blocks[-1] = [(blocks[-1][0] * blocks[-1][1] + mean * count) / (blocks[-1][1] + count),
                          blocks[-1][1] + count]
    placed = [mean + rank * gap for rank, mean in enumerate(m for m, count in blocks for _ in range(count))]
    for k in range(len(placed)):  # up from the floor, then down from the ceiling, keeping the gaps
        placed[k] = max(placed[k], low if k == 0 else placed[k - 1] + gap)
    for k in reversed(range(len(placed))):
        placed[k] = min(placed[k], high if k == len(placed) - 1 else placed[k + 1] - gap)
    return placed


def label_ends(fig: MplFigure, ax: Axes, lines: tuple[spec.Line, ...]) -> None:
    """Each labelled line's name at the panel's right, at the height of its last point (moved apart from the
    others where needed), joined to that point by a thin line of its colour: direct labels, read where each line
    ends.  The x-axis is widened to hold them inside the panel, so that a panel stacked over or beside another
    keeps its width and its neighbours' colour bars stay at their side.  Heights are in the panel's fraction,
    which the layout does not change; sizes are measured against the panel as the figure's size makes it,
    near enough for the layout to keep."""
    labelled = [line for line in lines if line.label]
    if not labelled:
        return
    ax.autoscale_view()
    (x_low, x_high), ylim = ax.get_xlim(), ax.get_ylim()
    size = matplotlib.font_manager.FontProperties(size=matplotlib.rcParams["legend.fontsize"]).get_size()
    width_points, height_points = fig.get_size_inches() * 72 * ax.get_position().size
    room = min(0.45, (END_LABEL_CHARACTER * size * max(len(line.label) for line in labelled)) / width_points
               + 2 * END_LABEL_PAD + END_LABEL_SWATCH)
    ax.set(xlim=(x_low, x_high + (x_high - x_low) * room / (1 - room)), ylim=ylim)  # frozen from here on
    ax.set_xticks([tick for tick in ax.get_xticks() if x_low <= tick <= x_high])  # none under the labels
    ax.set_xlim(x_low, x_high + (x_high - x_low) * room / (1 - room))
    to_axes = ax.transScale + ax.transLimits
    ends = [(float(np.asarray(line.x)[-1]), float(np.asarray(line.y)[-1])) for line in labelled]
    heights = [float(to_axes.transform(end)[1]) for end in ends]
    order = sorted(range(len(labelled)), key=heights.__getitem__)
    placed = spread([heights[k] for k in order], END_LABEL_GAP * size / height_points, 0.03, 0.97)
    left = 1 - room + END_LABEL_PAD
    for k, height in zip(order, placed):
        line = labelled[k]
        # A faint leader from the line's end, a swatch of its colour, and its name in the text's colour (which
        # reads on either theme, where some of a palette's colours would not as text).
        ax.annotate("", xy=ends[k], xytext=(left, height), textcoords="axes fraction",
                    arrowprops=dict(arrowstyle="-", color=drawn_color(FOREGROUND), alpha=0.45, lw=0.7, shrinkA=0,
                                    shrinkB=1))
        ax.plot([left, left + END_LABEL_SWATCH * 0.8], [height, height], transform=ax.transAxes, clip_on=False,
                color=drawn_color(line.color), lw=3, solid_capstyle="butt")
        ax.text(left + END_LABEL_SWATCH, height, line.label, transform=ax.transAxes, va="center", ha="left",
                fontsize=size, color=drawn_color(FOREGROUND))


# Points' outline: thin, in the theme's text colour, on the points and on their legend's keys alike, so that a
# colour map's light end (the article's 'ocean' maps class 1 to white) shows on a light background.
POINT_EDGE_WIDTH = 0.6


NARROW_FIGURE = 5.0  # inches: a figure this narrow (a phone's) has no room for a legend beside a panel
NARROW_AXIS_BINS = 4  # at most this many steps between ticks along the shorter side of an equal-aspect panel


def _sparse_ticks_on_the_narrow_side(ax: Axes) -> None:
    """At an equal aspect the side of the shorter span may be a few dozen pixels long: its ticks go at round
    steps of 1, 2 or 5 (not 2.5, whose labels are wider), few enough that their labels do not run together."""
    spans = {axis: abs(limits[1] - limits[0]) for axis, limits in (("x", ax.get_xlim()), ("y", ax.get_ylim()))}
    ax.locator_params(axis=min(spans, key=spans.get), nbins=NARROW_AXIS_BINS, steps=[1, 2, 5, 10])


def draw_scatter(fig: MplFigure, ax: Axes, panel: spec.Scatter) -> None:
    """The points coloured by class, with a legend of the classes; at an equal aspect the legend stands beside the
    axes, since the cloud's shape is then the picture and a tall, narrow one would be hidden under it."""
    edge = dict(edgecolors=drawn_color(FOREGROUND), linewidths=POINT_EDGE_WIDTH)
    points = ax.scatter(panel.x, panel.y, c=panel.color_values, cmap=panel.cmap, **edge)
    ax.set(xlabel=panel.xlabel, ylabel=panel.ylabel, title=panel.title)
    if panel.limits is not None:
        ax.set(xlim=panel.limits[0], ylim=panel.limits[1])
    if panel.equal_aspect:
        ax.set_aspect("equal", adjustable="box")  # the limits stay; the panel takes their shape
        _sparse_ticks_on_the_narrow_side(ax)
    if panel.class_names:
        handles, _ = points.legend_elements(markeredgecolor=edge["edgecolors"], markeredgewidth=POINT_EDGE_WIDTH)
        if panel.equal_aspect and fig.get_size_inches()[0] < NARROW_FIGURE:  # a phone's: no room beside it
            fig.legend(handles, panel.class_names, loc="outside lower center", ncols=len(handles), frameon=False)
            return
        beside = dict(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0) if panel.equal_aspect else {}
        ax.legend(handles, panel.class_names, **beside)


def draw_contour(fig: MplFigure, ax: Axes, panel: spec.Contour) -> None:
    """The landscape, then each trail: its line, and its steps coloured by its ``marks`` or its end point; a
    colour bar of the marks where a trail has some, else of the loss.  Everything is labelled in the landscape's
    names unless the panel says otherwise."""
    landscape, names = panel.landscape, panel.landscape.names
    filled = filled_contour(ax, landscape, panel.levels, panel.cmap)
    coloured, coloured_label = None, ""
    beyond_marked = False
    for trail in panel.trails:
        x, y, beyond = at_edge(trail.x, trail.y, landscape)
        ax.plot(x, y, c=drawn_color(trail.color), zorder=2, path_effects=TRAIL_HALO,
                **({"label": trail.label} if trail.label else {}))
        if trail.marks is not None:
            marks = np.asarray(trail.marks)
            coloured = ax.scatter(x[~beyond], y[~beyond], c=marks[~beyond], cmap=trail.marks_cmap, marker="x",
                                  zorder=3, vmin=marks.min(), vmax=marks.max())
            coloured_label = trail.marks_label
        else:
            ax.plot(x[-1:], y[-1:], ls="none", marker="o", c=trail.color, zorder=3,
                    **(END_DOT_EDGE if panel.ends else {}))
        if beyond.any():
            ax.scatter(x[beyond], y[beyond], marker=BEYOND_MARKER, facecolors="none", edgecolors=trail.color,
                       zorder=3, clip_on=False, **({} if beyond_marked else {"label": BEYOND_LABEL}))
            beyond_marked = True
    if panel.ends:
        mark_ends(ax, panel.trails, landscape, marked_end=coloured is not None)
    if panel.legend and (beyond_marked or panel.ends or any(trail.label for trail in panel.trails)):
        if fig.get_size_inches()[0] < NARROW_FIGURE and len(fig.axes) == 1:  # a phone's: the panel is narrow
            handles, labels = ax.get_legend_handles_labels()
            fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 2), frameon=False)
        else:
            shown = [np.column_stack(at_edge(t.x, t.y, landscape)[:2]) for t in panel.trails if len(t.x)]
            if shown:
                ClearCornerLegend(ax, shown)
            else:
                ax.legend(loc=LEGEND_CORNERS[0])
    if panel.colorbar:
        if coloured is not None and panel.loss_colorbar:
            loss_colorbar(fig, filled, ax, names.loss)
            fig.colorbar(coloured, ax=ax, label=coloured_label, location="bottom", shrink=0.6, aspect=30)
        elif coloured is not None:
            fig.colorbar(coloured, ax=ax, label=coloured_label)
        else:
            loss_colorbar(fig, filled, ax, names.loss)
    if panel.trails:  # the landscape is the frame (the scene chose it to cover the trails)
        (x_low, x_high), (y_low, y_high) = grid_bounds(landscape)
        ax.set_xlim(x_low, x_high)
        ax.set_ylim(y_low, y_high)
    ax.set(xlabel=panel.xlabel or names.parameters[0], ylabel=panel.ylabel or names.parameters[1], title=panel.title)


# Where a panel's legend may go, in the order tried: lower left first, where it always was.
LEGEND_CORNERS = ("lower left", "lower right", "upper right", "upper left")


class ClearCornerLegend(Legend):
    """A panel's legend of its trails that goes, each time it is drawn (the layout has sized the panel by then),
    to the first of ``LEGEND_CORNERS`` that hides no trail's start or end if any corner can, then the fewest of
    their points.

    matplotlib's ``loc="best"`` counts a filled contour's every boundary as data to avoid, so over a landscape it
    put the legend on a trail's start, the one point a reader looks for first.  Only the trails (each an N x 2
    array in data coordinates) count here.  On a phone a legend can span the panel's width, and then some of a
    trail is under it wherever it goes.
    """

    def __init__(self, ax: Axes, trails: list[np.ndarray]) -> None:
        super().__init__(ax, *ax.get_legend_handles_labels(), loc=LEGEND_CORNERS[0])
        self.trails = trails
        ax.legend_ = self  # as Axes.legend does: the panel's one legend
        self._remove_method = lambda _: setattr(ax, "legend_", None)

    def draw(self, renderer) -> None:
        ax = self.axes
        points = ax.transData.transform(np.concatenate(self.trails))
        ends = ax.transData.transform(np.array([row for trail in self.trails for row in (trail[0], trail[-1])]))
        reach = START_MARK["markersize"] * ax.figure.dpi / 72  # a point a marker's width outside shows under it
        hidden = {}
        for corner in LEGEND_CORNERS:
            self.set_loc(corner)
            box = self.get_window_extent(renderer).padded(reach)
            hidden[corner] = (int(box.count_contains(ends)), int(box.count_contains(points)))
            if hidden[corner] == (0, 0):
                break
        self.set_loc(min(hidden, key=hidden.get))
        super().draw(renderer)


# A dark edge along each trail, for its colour to stand out of the landscape's light bands as well as its dark ones.
TRAIL_HALO = [patheffects.Stroke(linewidth=2.8, foreground="black", alpha=0.5), patheffects.Normal()]

# Where a contour marks its trails' ends: white edged in black, for the white to show on the landscape's dark
# colours and the black on its light ones, whatever the theme around it.  The start is a ring, the end a star
# (where the trail's own steps are coloured) or its colour's dot edged in white (where trails are told by colour).
START_MARK = dict(marker="o", markersize=9, markerfacecolor="white", markeredgecolor="black", markeredgewidth=1.6)
END_MARK = dict(marker="*", markersize=15, markerfacecolor="white", markeredgecolor="black", markeredgewidth=1.2)
END_DOT_EDGE = dict(markersize=8, markeredgecolor="white", markeredgewidth=1.2)
START_LABEL, END_LABEL = "start", "end"


def mark_ends(ax: Axes, trails: tuple[spec.Trail, ...], landscape: spec.Landscape, marked_end: bool) -> None:
    """A ring at each trail's start on the landscape (once where they share it) and, where a trail's steps are
    coloured by its marks, a star at its end; each named once in the legend."""
    starts = {(float(t.x[0]), float(t.y[0])) for t in trails if len(t.x)}
    (x_low, x_high), (y_low, y_high) = grid_bounds(landscape)
    starts = sorted((x, y) for x, y in starts if x_low <= x <= x_high and y_low <= y <= y_high)
    if starts:
        xs, ys = zip(*starts)
        ax.plot(xs, ys, ls="none", zorder=4, label=START_LABEL, **START_MARK)
    if marked_end:
        ends = [(float(t.x[-1]), float(t.y[-1])) for t in trails if t.marks is not None and len(t.x)]
        ends = [(x, y) for x, y in ends if x_low <= x <= x_high and y_low <= y <= y_high]
        if ends:
            xs, ys = zip(*ends)
            ax.plot(xs, ys, ls="none", zorder=4, label=END_LABEL, **END_MARK)


# A colour bar of levels given as values shows about this many of them (all of 20 would crowd it).
COLORBAR_TICKS = 6


def loss_colorbar(fig: MplFigure, filled, ax: Axes, label: str):
    """The loss's colour bar: matplotlib's own for a count of levels; for values (log-spaced, say), one in a few of
    them, in three significant digits, rather than every boundary to two decimals (0.00, 0.00, 0.02, ...)."""
    if not isinstance(filled.norm, BoundaryNorm):
        return fig.colorbar(filled, ax=ax, label=label)
    levels = filled.levels
    return fig.colorbar(filled, ax=ax, label=label, ticks=levels[::max(1, -(-len(levels) // COLORBAR_TICKS))],
                        format="{x:.3g}")


def filled_contour(ax: Axes, landscape: spec.Landscape, levels: int | tuple[float, ...], cmap: str):
    """``contourf`` of the landscape at ``levels``: a count (matplotlib picks round values), or the values
    themselves, each band then one step along the colour map, however unevenly the values are spaced (log-spaced
    levels would otherwise leave all but the top bands the map's darkest colour)."""
    if isinstance(levels, int):
        return ax.contourf(landscape.x, landscape.y, landscape.loss, levels, cmap=cmap)
    values = sorted(float(v) for v in levels)
    colormap = matplotlib.colormaps[cmap]
    return ax.contourf(landscape.x, landscape.y, landscape.loss, values, cmap=colormap,
                       norm=BoundaryNorm(values, colormap.N))


def draw_images(fig: MplFigure, ax: Axes, panel: spec.Images) -> None:
    """A grid of images inside one panel's area (one sub-axes per image)."""
    ax.remove()
    rows = int(np.ceil(len(panel.images) / panel.columns))
    grid = ax.get_subplotspec().subgridspec(rows, panel.columns)
    for k, (image, title) in enumerate(zip(panel.images, panel.titles)):
        sub = fig.add_subplot(grid[k // panel.columns, k % panel.columns])
        sub.imshow(image, cmap=panel.cmap, vmin=0, vmax=255 if image.dtype == np.uint8 else None)
        sub.set_title(title)
        sub.set_axis_off()


def draw_heatmap(fig: MplFigure, ax: Axes, panel: spec.Heatmap) -> None:
    """An image whose colours are symmetric around ``center`` (white there on a diverging map), with its colour bar."""
    reach = float(np.abs(np.asarray(panel.image, dtype=float) - panel.center).max()) or 1.0
    shown = ax.imshow(panel.image, cmap=panel.cmap, vmin=panel.center - reach, vmax=panel.center + reach,
                      interpolation="nearest")
    # Under the image, as wide as it: beside it, a bar as tall as the panel would dwarf a square image.
    fig.colorbar(shown, ax=ax, label=panel.colorbar_label, location="bottom", shrink=0.9)
    ax.set_title(panel.title)
    ax.set_axis_off()


DRAWERS: dict[type, Callable[[MplFigure, Axes, object], None]] = {
    spec.Curves: draw_curves,
    spec.Scatter: draw_scatter,
    spec.Contour: draw_contour,
    spec.Images: draw_images,
    spec.Heatmap: draw_heatmap,
}


# A panel's height in the phone's layout (inches at 100 dpi), by what it shows, where the figure does not say:
# a landscape or an image near square at the phone's width, curves lower, with room for titles and labels.
PHONE_PANEL_HEIGHT: dict[type, Callable[[object], float]] = {
    spec.Curves: lambda panel: 2.7,
    spec.Scatter: lambda panel: 3.6,
    spec.Contour: lambda panel: 3.6 + (0.8 if panel.loss_colorbar else 0.0),
    spec.Images: lambda panel: 0.25 + 1.5 * -(-len(panel.images) // panel.columns),
    spec.Heatmap: lambda panel: 4.3,
}


def figure_grid(figure: spec.Figure, layout: Layout) -> tuple[tuple[float, float], bool, tuple[float, ...]]:
    """Size, whether stacked, and the panels' ratios of ``figure`` in ``layout``: the column's as declared; the
    phone's at its width, every panel stacked, each as tall as it needs (:data:`PHONE_PANEL_HEIGHT`)."""
    if layout is COLUMN:
        return figure.size, figure.stacked, figure.ratios
    heights = [PHONE_PANEL_HEIGHT[type(panel)](panel) for panel in figure.panels]
    if figure.stacked and figure.ratios:  # the figure's own proportions, already one above another
        heights = [sum(heights) * r / sum(figure.ratios) for r in figure.ratios]
    return (layout.inches, figure.phone_height or sum(heights)), True, tuple(heights)


def draw_figure(figure: spec.Figure, layout: Layout = COLUMN) -> MplFigure:
    """Draw the declared panels side by side (or stacked), under the style currently in effect, for ``layout``'s
    width."""
    size, stacked, ratios = figure_grid(figure, layout)
    fig = MplFigure(figsize=size, dpi=BASE_DPI, layout="constrained")
    count = len(figure.panels)
    ratios = {("height_ratios" if stacked else "width_ratios"): ratios} if ratios and count > 1 else {}
    axes = fig.subplots(*((count, 1) if stacked else (1, count)), squeeze=False, gridspec_kw=ratios).ravel()
    for ax, panel in zip(axes, figure.panels):
        DRAWERS[type(panel)](fig, ax, panel)
    return fig


def export_figure(name: str, figure: spec.Figure, layout: OutputLayout, theme: str) -> list[Written]:
    """Write ``NAME.png`` (2x), ``NAME@1x.png``, each one's WebP (``NAME.webp``, ``NAME@1x.webp``), ``NAME.svg``,
    the phone's layout of the PNGs and WebPs (``NAME-phone.png``, ``NAME-phone@1x.webp``, ...) and the CSV data
    behind the figure.

    The 2x image is the default (sharp on high-density screens); the 1x
    one lets a page offer ``srcset`` so other screens download a quarter of it.
    A page offers the WebPs first: lossless, the PNG's own pixels in about half
    its bytes (``render.images``); the PNGs are the fallback.
    """
    written = []
    png = {"metadata": {"Software": None}}
    with theme_context(theme):
        for laid_out in LAYOUTS:
            fig = draw_figure(figure, laid_out)
            files = [("png", "", {"dpi": BASE_DPI * PIXEL_DENSITY, **png}), ("png1x", "@1x", {"dpi": BASE_DPI, **png})]
            if laid_out is COLUMN:  # vector graphics to download: one layout is enough
                files.append(("svg", "", {"metadata": {"Date": None, "Creator": None}}))
            for role, variant, options in files:
                path = layout.file(name, ROLES[role].suffix[1:], variant=laid_out.file_variant(variant))
                with atomic_path(path) as temporary:
                    fig.savefig(temporary, format=path.suffix[1:], **options)
                written.append(Written(path, laid_out.role(role)))
                if role in WEBP_OF:  # the same pixels, losslessly, in about half the bytes
                    webp = path.with_suffix(ROLES[WEBP_OF[role]].suffix)
                    written.append(Written(webp, laid_out.role(WEBP_OF[role]), webp_of_png(path, webp)))
    for suffix, table in figure.tables.items():
        written.append(Written(write_table(table, layout.data_file(name, suffix)), "data"))
    return written


def write_figure(name: str, content: spec.Content, settings: RenderSettings, session: RunSession) -> list[Written]:
    """The pipeline's figure writer (the PNGs' pixel sizes are read from their headers by the manifest)."""
    if not isinstance(content, spec.Figure):
        raise TypeError(f"the figure writer draws Figure content, got {type(content).__name__}")
    return export_figure(name, content, settings.layout, settings.theme)
