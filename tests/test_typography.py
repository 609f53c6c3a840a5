"""Text that reads in a blog column: every figure and video frame shown 700 CSS px wide has no text
under 11 px, tick labels included, and no text outside the picture.

Sizes are measured from matplotlib's own text artists as drawn: the font size
in pixels at the figure's dpi, scaled to the 700 px the reader sees, and the
extent of each text on the canvas.
"""

from __future__ import annotations

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from render.figure import draw_figure
from render.settings import PRESETS
from render.spec import Animation
from render.theme import THEMES, theme_context
from render.video import DescentFrames
from render.encode import VideoShape
from scenes import SceneContext, article_outputs

matplotlib.use("Agg")

COLUMN_PX = 700
SMALLEST_PX = 11


def text_sizes(fig) -> list[tuple[str, float]]:
    """Every text the renderer draws, with its size in CSS px when ``fig`` is shown ``COLUMN_PX`` wide;
    fails if a text lies outside the canvas.  (Recorded at the renderer, so only what is drawn counts:
    not the labels of ticks outside the axes, which exist but are never drawn.)"""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()  # the layout, once
    renderer = canvas.get_renderer()
    drawn = []
    original = renderer.draw_text

    def record(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        drawn.append((s, prop.get_size_in_points(), mtext))
        return original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    renderer.draw_text = record
    try:
        fig.draw(renderer)
    finally:
        del renderer.draw_text
    width, height = canvas.get_width_height()
    sizes = []
    for text, points, artist in drawn:
        if not text.strip():
            continue
        if artist is not None:
            box = artist.get_window_extent(renderer)
            assert -1 <= box.x0 and box.x1 <= width + 1 and -1 <= box.y0 and box.y1 <= height + 1, \
                f"{text!r} lies outside the picture: {box}"
        sizes.append((text, points * fig.dpi / 72 * COLUMN_PX / width))
    return sizes


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from tests.conftest import write_catdog

    data = write_catdog(tmp_path_factory.mktemp("data"), side=16)
    return {o.name: o for o in article_outputs(SceneContext(data_dir=data, grid_size=20))}


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_figure_reads_at_a_columns_width(outputs, theme):
    figures = [o for o in outputs.values() if o.kind == "figure"]
    assert len(figures) == 12
    for output in figures:
        with theme_context(theme):
            sizes = text_sizes(draw_figure(output.build()))
        assert sizes, output.name
        small = [(text, round(px, 1)) for text, px in sizes if px < SMALLEST_PX]
        assert small == [], f"{output.name}: text under {SMALLEST_PX} px at {COLUMN_PX} px wide: {small}"


@pytest.mark.parametrize("quality", [None, *PRESETS])
def test_every_video_reads_at_a_columns_width_at_every_quality(outputs, quality):
    width, height = (1280, 720) if quality is None else PRESETS[quality][:2]
    for name in ("descent-compressed", "descent-comparison"):
        content = outputs[name].build()
        with theme_context("dark"):
            frames = DescentFrames(Animation(content.views), VideoShape(width, height, 10.0, 101), animated=False)
            frames.update(100)
            sizes = text_sizes(frames.figure)
        small = [(text, round(px, 1)) for text, px in sizes if px < SMALLEST_PX]
        assert small == [], f"{name} at {width}x{height}: text under {SMALLEST_PX} px at {COLUMN_PX} px wide: {small}"


def test_the_measure_sees_text_that_is_too_small(outputs):
    """The check itself: the article's original 12-inch contour figure has 8 px tick labels at 700 px."""
    from dataclasses import replace

    with theme_context("dark"):
        wide = draw_figure(replace(outputs["contour-compressed"].build(), size=(12, 4)))
        assert min(px for _, px in text_sizes(wide)) < SMALLEST_PX


def test_svg_text_stays_text(tmp_path, outputs):
    from render.figure import export_figure
    from render.files import OutputLayout

    export_figure("blobs-compressed", outputs["blobs-compressed"].build(), OutputLayout(tmp_path), "dark")
    svg = (tmp_path / "blobs-compressed.svg").read_text(encoding="utf-8")
    assert "<text" in svg and "feature 0</text>" in svg and "font-family" in svg.replace("font: ", "font-family")
