"""Static figures: the panels a scene declares, drawn with matplotlib and exported.

Figures are built on ``matplotlib.figure.Figure`` directly, not through
pyplot, so no global figure list grows during a long render.  Each panel type
has one drawing function; a new kind of panel is a new entry in ``DRAWERS``.
"""

from __future__ import annotations

from typing import Callable

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure as MplFigure

from render import spec
from render.edges import BEYOND_LABEL, BEYOND_MARKER, at_edge, grid_bounds
from render.files import OutputLayout, atomic_path
from render.tables import write_table
from render.settings import RenderSettings, RunSession, Written
from render.theme import theme_context

PIXEL_DENSITY = 2  # PNGs at 2x for high-density screens: 100 dpi figure sizes, saved at 200 dpi
BASE_DPI = 100
FOREGROUND = "foreground"  # a colour that means "the theme's text colour"
LEGEND_COLUMNS = 3  # entries in a row of a legend under the panels: three names fit a column's width


def _color(name: str | None) -> str | None:
    return matplotlib.rcParams["text.color"] if name == FOREGROUND else name


LOG_LABEL_DECADES = 4  # a log axis spanning at most this many decades is labelled at 1, 2 and 5 of each


def _labelled_log_ticks(ax: Axes) -> None:
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
        ax.plot(line.x, line.y, label=line.label, color=_color(line.color), lw=line.width, ls=line.linestyle)
    ax.set(xlabel=panel.xlabel, ylabel=panel.ylabel, title=panel.title, yscale=panel.yscale)
    if panel.yscale == "log":
        _labelled_log_ticks(ax)
    if panel.legend and any(line.label for line in panel.lines):
        if panel.legend_below:
            handles, labels = ax.get_legend_handles_labels()
            fig.legend(handles, labels, loc="outside lower center", frameon=False,
                       ncols=min(len(labels), LEGEND_COLUMNS))
        else:
            ax.legend()


# Points' outline: thin, in the theme's text colour, on the points and on their legend's keys alike, so that a
# colour map's light end (the article's 'ocean' maps class 1 to white) shows on a light background.
POINT_EDGE_WIDTH = 0.6


NARROW_AXIS_BINS = 4  # at most this many steps between ticks along the shorter side of an equal-aspect panel


def _sparse_ticks_on_the_narrow_side(ax: Axes) -> None:
    """At an equal aspect the side of the shorter span may be a few dozen pixels long: its ticks go at round
    steps of 1, 2 or 5 (not 2.5, whose labels are wider), few enough that their labels do not run together."""
    spans = {axis: abs(limits[1] - limits[0]) for axis, limits in (("x", ax.get_xlim()), ("y", ax.get_ylim()))}
    ax.locator_params(axis=min(spans, key=spans.get), nbins=NARROW_AXIS_BINS, steps=[1, 2, 5, 10])


def draw_scatter(fig: MplFigure, ax: Axes, panel: spec.Scatter) -> None:
    """The points coloured by class, with a legend of the classes; at an equal aspect the legend stands beside the
    axes, since the cloud's shape is then the picture and a tall, narrow one would be hidden under it."""
    edge = dict(edgecolors=_color(FOREGROUND), linewidths=POINT_EDGE_WIDTH)
    points = ax.scatter(panel.x, panel.y, c=panel.color_values, cmap=panel.cmap, **edge)
    ax.set(xlabel=panel.xlabel, ylabel=panel.ylabel, title=panel.title)
    if panel.limits is not None:
        ax.set(xlim=panel.limits[0], ylim=panel.limits[1])
    if panel.equal_aspect:
        ax.set_aspect("equal", adjustable="box")  # the limits stay; the panel takes their shape
        _sparse_ticks_on_the_narrow_side(ax)
    if panel.class_names:
        handles, _ = points.legend_elements(markeredgecolor=edge["edgecolors"], markeredgewidth=POINT_EDGE_WIDTH)
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
        ax.plot(x, y, c=trail.color, zorder=2, **({"label": trail.label} if trail.label else {}))
        if trail.marks is not None:
            marks = np.asarray(trail.marks)
            coloured = ax.scatter(x[~beyond], y[~beyond], c=marks[~beyond], cmap=trail.marks_cmap, marker="x",
                                  zorder=3, vmin=marks.min(), vmax=marks.max())
            coloured_label = trail.marks_label
        else:
            ax.plot(x[-1:], y[-1:], ls="none", marker="o", c=trail.color, zorder=3)
        if beyond.any():
            ax.scatter(x[beyond], y[beyond], marker=BEYOND_MARKER, facecolors="none", edgecolors=trail.color,
                       zorder=3, clip_on=False, **({} if beyond_marked else {"label": BEYOND_LABEL}))
            beyond_marked = True
    if panel.legend and (beyond_marked or any(trail.label for trail in panel.trails)):
        ax.legend(loc="lower left")
    if panel.colorbar:
        if coloured is not None:
            fig.colorbar(coloured, ax=ax, label=coloured_label)
        else:
            loss_colorbar(fig, filled, ax, names.loss)
    if panel.trails:  # the landscape is the frame (the scene chose it to cover the trails)
        (x_low, x_high), (y_low, y_high) = grid_bounds(landscape)
        ax.set_xlim(x_low, x_high)
        ax.set_ylim(y_low, y_high)
    ax.set(xlabel=panel.xlabel or names.parameters[0], ylabel=panel.ylabel or names.parameters[1], title=panel.title)


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


def draw_figure(figure: spec.Figure) -> MplFigure:
    """Draw the declared panels side by side, under the style currently in effect."""
    fig = MplFigure(figsize=figure.size, dpi=BASE_DPI, layout="constrained")
    axes = fig.subplots(1, len(figure.panels), squeeze=False)[0]
    for ax, panel in zip(axes, figure.panels):
        DRAWERS[type(panel)](fig, ax, panel)
    return fig


def export_figure(name: str, figure: spec.Figure, layout: OutputLayout, theme: str) -> list[Written]:
    """Write ``NAME.png`` (2x), ``NAME@1x.png``, ``NAME.svg`` and the CSV data behind the figure.

    The 2x PNG is the default image (sharp on high-density screens); the 1x
    one lets a page offer ``srcset`` so other screens download a quarter of it.
    """
    written = []
    with theme_context(theme):
        fig = draw_figure(figure)
        for path, role, options in (
            (layout.file(name, "png"), "png", {"dpi": BASE_DPI * PIXEL_DENSITY, "metadata": {"Software": None}}),
            (layout.file(name, "png", variant="@1x"), "png1x", {"dpi": BASE_DPI, "metadata": {"Software": None}}),
            (layout.file(name, "svg"), "svg", {"metadata": {"Date": None, "Creator": None}}),
        ):
            with atomic_path(path) as temporary:
                fig.savefig(temporary, format=path.suffix[1:], **options)
            written.append(Written(path, role))
    for suffix, table in figure.tables.items():
        written.append(Written(write_table(table, layout.data_file(name, suffix)), "data"))
    return written


def write_figure(name: str, content: spec.Content, settings: RenderSettings, session: RunSession) -> list[Written]:
    """The pipeline's figure writer (the PNGs' pixel sizes are read from their headers by the manifest)."""
    if not isinstance(content, spec.Figure):
        raise TypeError(f"the figure writer draws Figure content, got {type(content).__name__}")
    return export_figure(name, content, settings.layout, settings.theme)
