"""Pictures that make the article's argument: the blobs keep their shape, the 3D surfaces show the valley.

The blobs figures are measured as drawn (pixels per data unit along each axis,
from the axes' own transform); the surfaces from the plotly figures the writer
exports (the camera, the axes, the colours).
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from plotly.colors import get_colorscale

from render.figure import draw_figure
from render.surface import surface_figure
from render.theme import BACKGROUNDS, THEMES, theme_context
from scenes import SceneContext, article_outputs
from scenes.landscape import NAMES

matplotlib.use("Agg")

BLOBS = ("blobs-compressed", "blobs-normalized")
SURFACES = ("surface-compressed", "surface-normalized", "optimizers-surface-compressed",
            "optimizers-surface-normalized")


@pytest.fixture(scope="module")
def outputs():
    return {o.name: o for o in article_outputs(SceneContext(grid_size=20))}


@pytest.fixture(scope="module")
def surfaces(outputs):
    return {name: outputs[name].build() for name in SURFACES}


def drawn_blobs(outputs, name: str, theme: str = "dark"):
    with theme_context(theme):
        fig = draw_figure(outputs[name].build())
        FigureCanvasAgg(fig).draw()
    return fig, fig.axes[0]


def pixels_per_unit(ax) -> tuple[float, float]:
    """Display pixels per data unit along x and along y, from the axes' transform after the layout."""
    (x0, y0), (x1, y1) = ax.transData.transform([(0.0, 0.0), (1.0, 1.0)])
    return abs(x1 - x0), abs(y1 - y0)


def cloud_shape(ax) -> float:
    """The drawn cloud's height over its width, in pixels."""
    points = ax.transData.transform(ax.collections[0].get_offsets())
    width, height = np.ptp(points, axis=0)
    return height / width


@pytest.mark.parametrize("name", BLOBS)
def test_a_blob_panel_draws_a_data_unit_as_long_on_both_axes(outputs, name):
    _, ax = drawn_blobs(outputs, name)
    along_x, along_y = pixels_per_unit(ax)
    assert along_y == pytest.approx(along_x, rel=0.01), f"{name}: {along_x:.2f} px per unit on x, {along_y:.2f} on y"


def test_the_compressed_cloud_draws_ten_times_taller_for_its_width_than_the_normalized_one(outputs):
    _, compressed = drawn_blobs(outputs, "blobs-compressed")
    _, normalized = drawn_blobs(outputs, "blobs-normalized")
    assert cloud_shape(compressed) / cloud_shape(normalized) == pytest.approx(10.0, rel=0.02)


def test_the_narrow_axis_of_the_compressed_cloud_has_tick_labels_that_do_not_run_together(outputs):
    fig, ax = drawn_blobs(outputs, "blobs-compressed")
    renderer = fig.canvas.get_renderer()
    low, high = ax.get_xlim()
    boxes = sorted((label.get_window_extent(renderer) for tick, label in zip(ax.get_xticks(), ax.get_xticklabels())
                    if low <= tick <= high and label.get_text()), key=lambda box: box.x0)
    assert len(boxes) >= 2, "the axis needs two ticks to give its scale"
    assert all(left.x1 < right.x0 for left, right in zip(boxes, boxes[1:])), [b.bounds for b in boxes]


@pytest.mark.parametrize("theme", sorted(THEMES))
@pytest.mark.parametrize("name", BLOBS)
def test_every_point_and_legend_key_has_an_edge_unlike_the_background(outputs, name, theme):
    """Class 1 is white on the article's colour map: on the light theme only its edge shows it."""
    fig, ax = drawn_blobs(outputs, name, theme)
    background = to_rgba(BACKGROUNDS[theme])
    edges = ax.collections[0].get_edgecolors()
    assert len(edges) and all(e[3] > 0 and not np.allclose(e, background) for e in edges)
    for key in ax.get_legend().legend_handles:
        assert key.get_markeredgewidth() > 0
        assert not np.allclose(to_rgba(key.get_markeredgecolor()), background), f"{name} {theme}: a key without edge"


def test_the_declared_camera_reaches_the_plotly_figure(surfaces):
    for name, surface in surfaces.items():
        camera = surface_figure(surface.view, interactive=False, camera=surface.camera).layout.scene.camera
        assert surface.camera.eye is not None, f"{name}: an eye of its own, not one turned from the descent"
        assert (camera.eye.x, camera.eye.y, camera.eye.z) == pytest.approx(surface.camera.eye)
        assert camera.projection.type == surface.camera.projection


def test_the_compressed_valley_is_seen_in_perspective_from_along_it(surfaces):
    """The valley runs along W0 (the loss is steep in W1): an eye mostly along W0 and low sees its V."""
    for name in ("surface-compressed", "optimizers-surface-compressed"):
        camera = surfaces[name].camera
        x, y, z = camera.eye
        assert camera.projection == "perspective"
        assert abs(x) > abs(y) and z < abs(x), f"{name}: {camera.eye}"


def test_every_surface_puts_the_same_weight_on_the_same_side(surfaces):
    """W0 on plotly's x in every surface, and every eye in one quadrant, so W0 runs the same way on the screen."""
    quadrants = set()
    for name, surface in surfaces.items():
        scene = surface_figure(surface.view, interactive=False, camera=surface.camera).layout.scene
        assert (scene.xaxis.title.text, scene.yaxis.title.text) == NAMES.parameters, name
        quadrants.add(tuple(np.sign(surface.camera.eye[:2])))
    assert len(quadrants) == 1, quadrants


def colors(scale) -> list[tuple[float, str]]:
    return [(round(float(at), 6), color.lower()) for at, color in scale]


def test_surfaces_are_coloured_with_the_contours_magma_and_name_the_loss_upright(surfaces, outputs):
    contour_cmap = outputs["contour-compressed"].build().panels[0].cmap
    for name, surface in surfaces.items():
        for interactive in (False, True):
            figure = surface_figure(surface.view, interactive=interactive, camera=surface.camera)
            (trace,) = [t for t in figure.data if t.type == "surface"]
            assert colors(trace.colorscale) == colors(get_colorscale(contour_cmap)), name
            # plotly writes a z title down its axis, over the tick labels: the colour bar names the loss instead.
            assert not figure.layout.scene.zaxis.title.text, name
            assert trace.colorbar.title.text == NAMES.loss
