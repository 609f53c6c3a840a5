"""The 3D loss surfaces that end each half of part 6, as files a blog can embed.

The article shows ``go.Surface(z=L, x=W11, y=W22)`` with the ``plotly_dark``
template, an orthographic camera and no margins.  Here the same surface also
carries the recorded descent: a line lying just above the surface, the start
and the end marked, and in the interactive page a slider (plotly frames) that
moves a marker along the path, iteration by iteration.

Each surface is written as ``NAME.html`` (a whole page, or a ``<div>`` fragment
to paste into one) and as static images drawn by kaleido in a Chrome that
stays open for the whole run (see :mod:`render.chrome`).  The HTML is written
first, so a missing or hung browser costs the images, never the page.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from pathlib import Path

import jinja2
import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup
from plotly.offline import get_plotlyjs
from scipy.interpolate import RegularGridInterpolator

from render.chrome import ImageExporter
from render.errors import PartlyWritten, RenderError
from render.files import atomic_path, write_text_atomic
from render.images import webp_of_png
from render.layouts import COLUMN, LAYOUTS, PHONE, PHONE_WIDEST, Layout
from render.settings import ROLES, RenderSettings, RunSession, Written
from render.spec import Camera, Content, Descent, Landscape, Names, Surface, Trail
from render.tables import write_table
from render.theme import BACKGROUNDS, resolve

TEMPLATES = {"dark": "plotly_dark", "light": "plotly_white"}
# The loss's colours, the 2D contours' own (spec.Contour.cmap): one colour map for one meaning in every view.
SURFACE_COLORS = "magma"
MARKER_COLOR = "#00e5ff"  # the slider's marker: cyan, a hue magma has none of, apart from the paths too
LIFT = 0.015  # the path floats this fraction of the loss range above the surface, so it is never buried
SAMPLES_PER_STEP = 16  # points per gradient step, so the line follows the surface between iterations
# Static images: 1200 x 900 pixels, drawn at 1.2x so the text stays legible in a blog's column; for a phone,
# its own width (390 CSS px) at 2x, taller than wide for the colour bar under the scene and the legend over it.
IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 1000, 750, 1.2
PHONE_HEIGHT, PHONE_SCALE = 420, 2.0  # the phone's still, before its legend's rows and its bottom margin
# CSS px at the bottom of the phone's still, under its colour bar: where a page's "Explore in 3D" label lies over
# the image (render/templates: 12 px from its bottom, about 36 px tall).
PHONE_LABEL = 52
PHONE_SCENE_BOTTOM = 0.16  # of the phone's still, under the scene: its colour bar
# CSS px: a row of the phone's legend, an entry's text width in it, and its symbol's (which plotly adds to it)
PHONE_LEGEND_ROW, PHONE_LEGEND_ENTRY, PHONE_LEGEND_SYMBOL = 24, 125, 40


def legend_rows(view: Descent) -> int:
    """The rows of the phone's legend: a line per trail (or the path, its start and end), a few to a row."""
    entries = len(view.trails) + 1 if len(view.trails) > 1 else 3
    return -(-entries // (PHONE.css_px // (PHONE_LEGEND_ENTRY + PHONE_LEGEND_SYMBOL)))


def still_size(view: Descent, layout: Layout) -> tuple[int, int, float]:
    """Width and height of ``view``'s still in ``layout`` (plotly's layout pixels), and the scale it is drawn at."""
    if layout is COLUMN:
        return IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE
    return layout.css_px, PHONE_HEIGHT + PHONE_LABEL + PHONE_LEGEND_ROW * legend_rows(view), PHONE_SCALE
COLUMN_PX, COLUMN_TEXT_PX = 700, 11  # an image shown 700 CSS px wide has no text under 11 px
PLOTLYJS_FILE = "plotly.min.js"
INCLUDE_PLOTLYJS = {"directory": "directory", "cdn": "cdn", "inline": True}
FRAGMENT_HEIGHT = "600px"
CONFIG = {"responsive": True, "displaylogo": False}
SWITCH_MENU = "landscapes"  # the name of a page's menu of buttons that switch between its landscapes
# plotly.js fills the shown landscape's button (and the one under the pointer) in its own near white, #F4FAFF,
# whatever the theme: every button's label is dark so that it reads there, on a grey the white stands out from.
SWITCH_LOOK = dict(bgcolor="#9aa0a8", bordercolor="#6b7078", borderwidth=1, font=dict(color="#111111"))
SCENE_BOTTOM = 0.22  # of the page's height, below the 3D scene, until the page has measured its controls
NARROWEST_SCENE = 0.8  # width / height below which the page draws the scene smaller, not cut at its sides
# The page's controls, in CSS px whatever its size (a fraction of its height would run them into each other in a
# short frame): along the bottom the play and pause buttons, then the slider's rail to the right edge, its current
# value over the rail's start; the colour bar over that row, the scene over the colour bar.
CONTROLS_EDGE = 12  # from the frame's sides to the buttons and to the rail's ends
SLIDER_START = 110  # from the frame's left edge to the rail: right of the two buttons
SLIDER_ROW = 72  # from the bottom: the buttons, the rail and the current value over it, and a gap over them
GAP = 8  # between the colour bar and the scene, and between a legend in rows and the scene
# A page as narrow as a phone's window (PHONE_WIDEST, where a page offers the phone's layout) lays its legend out
# as the phone's still does, in rows over the scene (under the mode bar); a wider one in a column at its top left,
# over the scene's empty corner.
LEGEND_CORNER = dict(x=0.01, y=0.99)  # the top left corner, in a column (plotly anchors it by its own top left)
WIDE_LEGEND = dict(LEGEND_CORNER, orientation="v", xanchor="left", yanchor="top", entrywidth=0)
NARROW_LEGEND = dict(orientation="h", x=0, xanchor="left", yanchor="top", entrywidth=PHONE_LEGEND_ENTRY)

PAGE = jinja2.Environment(autoescape=True).from_string("""\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>html, body { margin: 0; height: 100%; background: {{ background }}; overflow: hidden; }</style>
</head>
<body>
{{ plot }}
<script>
// The page lays itself out in CSS px for its frame's size, on load and on every resize: its controls keep their
// size along the bottom; a legend goes in rows over the scene in a narrow frame (as in the phone's still), in a
// column at its top left in a wide one; the scene takes what is left between them.  A 3D scene is fitted to its
// domain's height: in a domain narrower than NARROWEST its sides would be cut off, so it is drawn smaller in
// proportion.  When done, the plot's data-fitted says for which size.
(function () {
  var NARROW = {{ narrow }}, NARROWEST = {{ narrowest }}, GAP = {{ gap }}, LEGENDS = {{ legends | tojson }};
  var SWITCH = {{ switch | tojson }};  // the first menu is the buttons switching landscapes, at the top left
  var plot = document.getElementById({{ div_id | tojson }});
  function box(selector) {
    var element = plot.querySelector(selector), frame = plot.getBoundingClientRect();
    if (!element) return null;
    var r = element.getBoundingClientRect();
    return {top: r.top - frame.top, bottom: r.bottom - frame.top};
  }
  function fit() {
    var width = plot.clientWidth, height = plot.clientHeight, narrow = width <= NARROW;
    var legend = {}, chosen = narrow ? LEGENDS.narrow : LEGENDS.wide, modebar = box(".modebar");
    var above = SWITCH ? box(".updatemenu-header-group") : null;  // the switch, which the legend goes under
    for (var key in chosen) legend["legend." + key] = chosen[key];
    if (narrow) {  // under the mode bar (and the switch beside it)
      legend["legend.y"] = 1 - (Math.max(modebar ? modebar.bottom : 0, above ? above.bottom : 0) + GAP) / height;
    } else if (above) {
      legend["legend.y"] = 1 - (above.bottom + GAP) / height;
    }
    return Plotly.relayout(plot, legend).then(function () {
      var shown = box(".legend"), bar = box(".colorbar .cbtitle") || box(".colorbar .cbfills");  // its top
      var domain = [bar ? (height - bar.top + GAP) / height : {{ scene_bottom }},
                    narrow && shown ? 1 - (shown.bottom + GAP) / height : 1];
      // Zoom is the scene's aspect ratio (plotly.js zooms an orthographic scene so on a scroll).
      var k = Math.min(1, width / (height * (domain[1] - domain[0])) / NARROWEST);
      return Plotly.relayout(plot, {"scene.domain.y": domain, "scene.aspectmode": "manual",
                                    "scene.aspectratio": {x: k, y: k, z: k}});
    }).then(function () { plot.dataset.fitted = width + "x" + height; });
  }
  if (window.Plotly && plot) {
    window.addEventListener("load", fit);  // once the first plot is drawn
    window.addEventListener("resize", fit);
  }
})();
</script>
</body>
</html>
""")


class SurfaceExportError(PartlyWritten):
    """The page was written but a static image was not; the message names both, and the page is published."""


def surface_height(landscape: Landscape, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The surface's loss under each point ``(x, y)``, linear between grid nodes; NaN off the grid.

    The recorded loss of an iteration was measured at that iteration's bias,
    while the surface is drawn at the trained bias: the path is placed on the
    drawn surface so that it lies on it rather than floating above or under it.
    """
    grid = RegularGridInterpolator((landscape.y, landscape.x), landscape.loss, bounds_error=False,
                                   fill_value=np.nan)
    return grid(np.column_stack([np.ravel(y), np.ravel(x)])).reshape(np.shape(x))


def path_on_surface(trail: Trail, landscape: Landscape) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A trail as a dense polyline just above the surface; off-grid stretches are gaps (NaN)."""
    steps = np.linspace(0.0, 1.0, SAMPLES_PER_STEP, endpoint=False)
    x = np.append((trail.x[:-1, None] + np.outer(np.diff(trail.x), steps)).ravel(), trail.x[-1])
    y = np.append((trail.y[:-1, None] + np.outer(np.diff(trail.y), steps)).ravel(), trail.y[-1])
    z = surface_height(landscape, x, y) + _lift(landscape)
    off_grid = np.isnan(z)
    return np.where(off_grid, np.nan, x), np.where(off_grid, np.nan, y), z


def _lift(landscape: Landscape) -> float:
    return LIFT * float(np.nanmax(landscape.loss) - np.nanmin(landscape.loss))


def _iteration_points(trail: Trail, landscape: Landscape) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return trail.x, trail.y, surface_height(landscape, trail.x, trail.y) + _lift(landscape)


def camera_eye(view: Descent, camera: Camera = Camera()) -> dict[str, float]:
    """plotly's default camera distance, turned ``camera.turn`` degrees from looking down the (first) descent;
    or the camera's own ``eye``, where it declares one.

    The default eye, (1.25, 1.25, 1.25), sees the normalized descent from
    behind the valley wall it runs down, which then hides it; looking along
    the descent puts the walls it comes down behind the path instead.  A
    descent that zig-zags across a valley reads better from the side of it.
    """
    if camera.eye is not None:
        return dict(zip("xyz", (float(v) for v in camera.eye)))
    trail = view.trails[0]
    direction = np.array([trail.x[-1] - trail.x[0], trail.y[-1] - trail.y[0]])
    length = float(np.hypot(*direction))
    horizontal = np.hypot(1.25, 1.25)
    x, y = (direction / length * horizontal) if length > 0 else (1.25, 1.25)
    turn = np.radians(camera.turn)
    x, y = x * np.cos(turn) - y * np.sin(turn), x * np.sin(turn) + y * np.cos(turn)
    return {"x": round(float(x), 4), "y": round(float(y), 4), "z": camera.height}


def hover(names: Names) -> str:
    """What hovering a step says, in the post's words: the loss recorded at that step (at the value there of any
    parameter the landscape fixes), not the height of the drawn surface."""
    first, second = names.parameters
    return (f"{names.step} %{{customdata[0]:d}}<br>{first} %{{x:.3f}}<br>{second} %{{y:.3f}}"
            f"<br>{names.loss} %{{customdata[1]:.4f}}<extra></extra>")


START_MARKER = dict(color="white", size=6, line=dict(color="black", width=1))
END_MARKER = dict(color="white", size=6, symbol="diamond", line=dict(color="black", width=1))


@dataclass(frozen=True)
class PlacedTrail:
    """A trail's steps placed on the drawn surface, and what hovering one says: worked out once per figure,
    for its line, its steps, its start and end, and the slider's frames."""

    trail: Trail
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    customdata: np.ndarray  # iteration, loss
    names: Names  # the landscape's, which hovering a step speaks in


def _placed(trail: Trail, landscape: Landscape) -> PlacedTrail:
    x, y, z = _iteration_points(trail, landscape)
    return PlacedTrail(trail, x, y, z, np.column_stack([trail.iteration, trail.loss]), landscape.names)


def _trail_traces(placed: PlacedTrail, landscape: Landscape, group: str | None, theme: str) -> list[go.Scatter3d]:
    """A trail's line, its steps (to hover), and its end; where there are several, one legend entry each
    (``legendgroup`` ``group``: clicking it toggles all three); in the trail's own colour, its role's shade in
    ``theme``."""
    trail, x, y, z, customdata = placed.trail, placed.x, placed.y, placed.z, placed.customdata
    px, py, pz = path_on_surface(trail, landscape)
    end = len(trail.iteration) - 1
    color = resolve(trail.color, theme)
    several = group is not None
    grouped = dict(legendgroup=group) if several else {}
    step, hovertemplate = landscape.names.step, hover(landscape.names)
    end_label = f"end, {step} {int(trail.iteration[end])}" + (" (off the grid)" if np.isnan(z[end]) else "")
    return [
        go.Scatter3d(x=px, y=py, z=pz, mode="lines", name=trail.label if several else "descent path",
                     hoverinfo="skip", line=dict(color=color, width=6), **grouped),
        go.Scatter3d(x=x, y=y, z=z, mode="markers", showlegend=False, customdata=customdata,
                     hovertemplate=hovertemplate, marker=dict(color=color, size=2), **grouped),
        go.Scatter3d(x=x[end:], y=y[end:], z=z[end:], mode="markers", name=end_label, customdata=customdata[end:],
                     hovertemplate=hovertemplate, marker=END_MARKER, **grouped,
                     **({"showlegend": False} if several else {})),
    ]


def _group(trail: Trail, shown: int) -> str:
    """A trail's legend group on the ``shown``-th landscape: its label, and on any but the first the landscape's
    number too, so that clicking its entry never shows a hidden landscape's copy of it."""
    return trail.label if shown == 0 else f"{trail.label} ({shown})"


def switch_label(view: Descent) -> str:
    """What the button showing ``view`` says: its title, else its loss's name."""
    return view.title or view.landscape.names.loss


def _view_traces(view: Descent, placed: list[PlacedTrail], shown: int, theme: str,
                 scale: dict[str, float]) -> list[go.BaseTraceType]:
    """One landscape's surface and its trails on it, coloured on the ``scale`` every landscape of the figure
    shares."""
    landscape, names = view.landscape, view.landscape.names
    first_name, second_name = names.parameters
    several = len(view.trails) > 1
    surface = go.Surface(
        # Opacity 1 as in the article.  plotly/Kaleido#475 (a Surface at opacity 1 vanishing behind a
        # Scatter3d in static exports) does not show with plotly.js 3 here; tests/test_surface.py checks.
        # The grid's axes as 1-D arrays: the same surface as the article's meshgrids, a third of the data.
        z=landscape.loss, x=landscape.x, y=landscape.y, opacity=1, name=names.loss, colorscale=SURFACE_COLORS,
        colorbar=dict(title=dict(text=names.loss), len=0.9, y=0.45),  # clear of the mode bar
        hovertemplate=f"{first_name} %{{x:.3f}}<br>{second_name} %{{y:.3f}}<br>{names.loss} %{{z:.4f}}"
                      "<extra>surface</extra>", **scale)
    trails = [_trail_traces(one, landscape, _group(one.trail, shown) if several else None, theme) for one in placed]
    # One trail: its line and steps, the start, then its end (the article's legend order).  Several share the
    # start; each is one legend entry.
    first = placed[0]
    start = go.Scatter3d(x=first.x[:1], y=first.y[:1], z=first.z[:1], mode="markers", name=f"start, {names.step} 0",
                         customdata=first.customdata[:1], hovertemplate=hover(names), marker=START_MARKER)
    if several:
        return [surface, *(trace for group in trails for trace in group), start]
    return [surface, *trails[0][:2], start, trails[0][2]]


def _shared_scale(views: tuple[Descent, ...]) -> tuple[dict[str, float], list[float] | None]:
    """The colour range and the loss axis's range every landscape of a figure is drawn on (none for one
    landscape: plotly's own), so that switching between them keeps a colour and a height one loss."""
    if len(views) == 1:
        return {}, None
    low = min(float(np.nanmin(view.landscape.loss)) for view in views)
    high = max(float(np.nanmax(view.landscape.loss)) for view in views)
    lift = max(_lift(view.landscape) for view in views)
    return {"cmin": low, "cmax": high}, [low, high + 2 * lift]


def surface_figure(view: Descent, theme: str = "dark", interactive: bool = True,
                   camera: Camera = Camera(), layout: Layout = COLUMN, others: tuple[Descent, ...] = ()) -> go.Figure:
    """The article's surface with the descents on it, in the landscape's names; ``interactive`` adds the slider,
    and a button for it and for each of ``others`` (the same trails on other losses over the same grid) to show
    one at a time.  A still shows ``view`` alone, and in the phone's ``layout`` has its colour bar under the
    scene, as the page has at any width."""
    views = (view, *others) if interactive else (view,)
    for other in views[1:]:
        if other.landscape.loss.shape != view.landscape.loss.shape or len(other.trails) != len(view.trails):
            raise ValueError(f"the surface {switch_label(other)!r} is not over the grid of {switch_label(view)!r} "
                             "with the same trails")
    names = view.landscape.names
    first_name, second_name = names.parameters
    scale, loss_range = _shared_scale(views)
    placed = [[_placed(trail, shown.landscape) for trail in shown.trails] for shown in views]
    traces, owners = [], []  # every trace, and the number of the landscape it belongs to
    for k, (shown, on_it) in enumerate(zip(views, placed)):
        drawn = _view_traces(shown, on_it, k, theme, scale)
        traces += drawn
        owners += [k] * len(drawn)
    look = dict(
        template=TEMPLATES[theme],
        paper_bgcolor=BACKGROUNDS[theme], plot_bgcolor=BACKGROUNDS[theme],  # the figures' own background
        margin=dict(l=0, r=0, b=0, t=0),
        # The loss is named by the colour bar alone: plotly writes a z title along its axis, top to bottom over
        # the tick labels, unreadable in a column and gone on a phone.
        scene=dict(camera=dict(projection=dict(type=camera.projection), eye=camera_eye(view, camera)),
                   xaxis_title_text=first_name, yaxis_title_text=second_name, zaxis_title_text="",
                   **({"zaxis_range": loss_range} if loss_range else {})),
        legend=dict(LEGEND_CORNER, bgcolor="rgba(0,0,0,0)"),
    )
    figure = go.Figure(data=traces, layout=look)
    phone = not interactive and layout is not COLUMN
    if not interactive:  # an image shown at its layout's width: text of at least 11 CSS px there
        width = still_size(view, layout)[0]
        figure.update_layout(font_size=math.ceil(COLUMN_TEXT_PX * width / layout.css_px))
    if interactive or phone:
        # A page may be a phone's width: the colour bar goes below the scene instead of beside it (on the page,
        # over the row of the slider and its buttons).
        for surface in figure.select_traces(selector=dict(type="surface")):
            surface.update(colorbar=dict(
                orientation="h", x=0.5, xanchor="center", y=0.02 if phone else 0, yanchor="bottom", len=0.6,
                thickness=12, title=dict(text=surface.colorbar.title.text, side="top"),
                **({} if phone else {"ypad": SLIDER_ROW})))
        top = 1 - legend_rows(view) * PHONE_LEGEND_ROW / (still_size(view, layout)[1] - PHONE_LABEL) if phone else 1
        figure.update_layout(scene_domain=dict(x=[0, 1], y=[PHONE_SCENE_BOTTOM if phone else SCENE_BOTTOM, top]))
    if phone:  # the legend in rows over the scene, where beside it, it would cover the surface
        figure.update_layout(legend=dict(NARROW_LEGEND, y=1),
                             margin=dict(b=PHONE_LABEL))
    if interactive:
        owners += _add_iteration_slider(figure, placed, names)
        if len(views) > 1:
            _add_switch(figure, views, owners)
    return figure


def _add_switch(figure: go.Figure, views: tuple[Descent, ...], owners: list[int]) -> None:
    """Buttons at the top left, one per landscape, each showing its traces (``owners[k]`` is trace ``k``'s
    landscape) and hiding the others'; the first landscape shown at first.  The first of the figure's menus, so
    that the page finds it (its legend goes under it)."""
    for trace, owner in zip(figure.data, owners):
        if owner:
            trace.visible = False
    switch = go.layout.Updatemenu(
        name=SWITCH_MENU, type="buttons", direction="right", x=0, y=1, xanchor="left", yanchor="top",
        pad=dict(l=CONTROLS_EDGE, t=CONTROLS_EDGE), showactive=True, active=0, **SWITCH_LOOK,
        buttons=[dict(label=switch_label(shown), method="restyle",
                      args=[{"visible": [owner == k for owner in owners]}]) for k, shown in enumerate(views)])
    figure.layout.updatemenus = (switch, *figure.layout.updatemenus)  # assigned: update_layout merges lists


def _add_iteration_slider(figure: go.Figure, placed: list[list[PlacedTrail]], names: Names) -> list[int]:
    """A marker on each trail of each landscape and a slider (plotly frames) moving them one iteration per step;
    a trail that ends first keeps its marker on its end.  The slider says ``names.step``.  Returns the number of
    the landscape each marker belongs to."""
    first = len(figure.data)
    foreground = figure.layout.template.layout.font.color or "black"
    group = len(placed[0]) > 1
    owners = []
    for k, on_it in enumerate(placed):
        for one in on_it:
            figure.add_trace(go.Scatter3d(x=one.x[:1], y=one.y[:1], z=one.z[:1], mode="markers",
                                          name=f"{names.step} (slider)", customdata=one.customdata[:1],
                                          hovertemplate=hover(one.names),
                                          marker=dict(color=MARKER_COLOR, size=7),
                                          **({"legendgroup": _group(one.trail, k), "showlegend": False}
                                             if group else {})))
            owners.append(k)
    markers = [one for on_it in placed for one in on_it]
    longest = max(markers, key=lambda one: len(one.trail.iteration))
    iterations = [int(i) for i in longest.trail.iteration]

    def at(k: int, one: PlacedTrail) -> go.Scatter3d:
        k = min(k, len(one.trail.iteration) - 1)
        return go.Scatter3d(x=one.x[k:k + 1], y=one.y[k:k + 1], z=one.z[k:k + 1], customdata=one.customdata[k:k + 1])

    figure.frames = [
        go.Frame(name=str(i), traces=list(range(first, first + len(markers))), data=[at(k, one) for one in markers])
        for k, i in enumerate(iterations)
    ]
    still = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    play = {"fromcurrent": True, "frame": {"duration": 100, "redraw": True}, "transition": {"duration": 0}}
    figure.update_layout(
        sliders=[dict(
            active=0, x=0, len=1, y=0, yanchor="bottom",
            pad=dict(t=0, b=CONTROLS_EDGE, l=SLIDER_START, r=CONTROLS_EDGE),
            currentvalue=dict(prefix=f"{names.step} ", font=dict(size=14, color=foreground)),
            # 101 tick labels would overlap, and the current value says the step: none shown, and no row taken.
            font=dict(color="rgba(0,0,0,0)", size=1), ticklen=0, minorticklen=0,
            steps=[dict(label=str(i), method="animate", args=[[str(i)], still]) for i in iterations],
        )],
        updatemenus=[dict(
            # Left of the slider, inside the frame at any width.
            type="buttons", direction="left", x=0, y=0, xanchor="left", yanchor="bottom",
            pad=dict(l=CONTROLS_EDGE, b=CONTROLS_EDGE),
            showactive=False,
            buttons=[dict(label="▶", method="animate", args=[None, play]),
                     dict(label="❚❚", method="animate", args=[[None], still])],
        )],
    )
    return owners


def surface_html(name: str, figure: go.Figure, plotlyjs: str = "directory", fragment: bool = False,
                 title: str = "") -> str:
    """The page (or ``<div>`` fragment) showing ``figure``; the same figure gives the same bytes.

    ``div_id`` is the output's name, so fragments of several surfaces can share
    a page.  In ``directory`` mode the page loads ``plotly.min.js`` from its own
    directory: one copy serves every page, offline and on any static host.
    """
    height = FRAGMENT_HEIGHT if fragment else "100vh"
    plot = pio.to_html(
        figure, full_html=False, include_plotlyjs=INCLUDE_PLOTLYJS[plotlyjs], div_id=name, auto_play=False,
        config=CONFIG, default_width="100%", default_height=height, validate=False,
    )
    if fragment:
        return plot.strip() + "\n"
    background = figure.layout.paper_bgcolor or figure.layout.template.layout.paper_bgcolor or "white"
    # plotly's markup is trusted as is; the title goes through Jinja2's escaping.
    return PAGE.render(title=title or name, background=background, plot=Markup(plot.strip()), div_id=name,
                       narrow=PHONE_WIDEST, narrowest=NARROWEST_SCENE, gap=GAP, scene_bottom=SCENE_BOTTOM,
                       legends={"narrow": NARROW_LEGEND, "wide": WIDE_LEGEND},
                       switch=any(menu.name == SWITCH_MENU for menu in figure.layout.updatemenus))


def write_plotlyjs(directory: Path) -> Path:
    """``plotly.min.js`` beside the pages, rewritten only when the installed plotly's differs."""
    target = Path(directory) / PLOTLYJS_FILE
    source = get_plotlyjs()
    if not (target.is_file() and target.read_text(encoding="utf-8") == source):
        write_text_atomic(target, source)
    return target


def write_surface(name: str, content: Content, settings: RenderSettings, session: RunSession) -> list[Written]:
    """Write ``NAME.html`` (and ``plotly.min.js``) and the data's CSVs, then ``NAME.png`` and the other image
    formats.

    The browser starts in the background before the page is written, so its
    start-up overlaps with the HTML.  If an image cannot be made (no Chrome, a
    timeout) the page and the data stay written and a :class:`SurfaceExportError` says so.
    """
    if not isinstance(content, Surface):
        raise TypeError(f"the surface writer draws Surface content, got {type(content).__name__}")
    options = settings.surface
    exporter = session.shared("chrome", ImageExporter) if options.image_formats else None
    layout = settings.layout
    written: list[Path] = []
    if options.plotlyjs == "directory":
        key = f"plotlyjs:{layout.out_dir.resolve()}"
        written.append(session.shared(key, lambda: contextlib.nullcontext(write_plotlyjs(layout.out_dir))))
    titles = [view.title for view in (content.view, *content.others) if view.title]
    title = ("The loss surfaces" if content.others else "The loss surface") + (
        f", {' and '.join(titles)}" if titles else "")
    figure = surface_figure(content.view, settings.theme, interactive=True, camera=content.camera,
                            others=content.others)
    page = surface_html(name, figure, options.plotlyjs, options.fragment, title=title)
    written.insert(0, write_text_atomic(layout.file(name, "html"), page))
    roles = {path: "js" if path.name == PLOTLYJS_FILE else "html" for path in written}
    for suffix, table in content.tables.items():  # the numbers too before any image: a browser can fail
        written.append(write_table(table, layout.data_file(name, suffix)))
        roles[written[-1]] = "data"
    for laid_out in LAYOUTS:
        static = surface_figure(content.view, settings.theme, interactive=False, camera=content.camera,
                                layout=laid_out).to_dict()
        for image_format in options.image_formats:
            if laid_out is not COLUMN and laid_out.role(image_format) not in ROLES:
                continue  # vector graphics to download: the column's is enough
            path = layout.file(name, image_format, laid_out.file_variant())
            try:
                image = exporter.export(static, image_format, *still_size(content.view, laid_out),
                                        options.export_timeout)
            except RenderError as error:
                done = ", ".join(p.name for p in written)
                raise SurfaceExportError(f"{done} written, but no {path.name}: {error}", written) from None
            with atomic_path(path) as temporary:
                temporary.write_bytes(image)
            written.append(path)
            roles[path] = laid_out.role(image_format)
    return still_webps([Written(path, roles[path]) for path in written])


def still_webps(files: list[Written]) -> list[Written]:
    """``files`` and, beside each layout's PNG still, its WebP (``NAME.webp``, unless the browser drew one) and its
    WebP at the layout's width in CSS px (``NAME@1x.webp``, ``NAME-phone@1x.webp``), which a page offers in a
    ``srcset``: a 700 px column on a screen of one pixel per CSS px takes 700 px, not the 1200 px still.  Lossy at
    quality 90, a sixth of the PNG's bytes (render.images says why)."""
    by_role = {file.role: file for file in files}
    for laid_out in LAYOUTS:
        png = by_role.get(laid_out.role("png"))
        if png is None:
            continue
        webp = png.path.with_suffix(ROLES["webp"].suffix)
        if laid_out.role("webp") not in by_role:
            files.append(Written(webp, laid_out.role("webp"), webp_of_png(png.path, webp, lossy=True)))
        shown = png.path.with_name(f"{png.path.stem}@1x{ROLES['webp1x'].suffix}")
        files.append(Written(shown, laid_out.role("webp1x"),
                             webp_of_png(png.path, shown, lossy=True, width=laid_out.css_px)))
    return files
