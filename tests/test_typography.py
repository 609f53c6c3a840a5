"""Text that reads in a blog column: every figure, video frame and surface image shown 700 CSS px wide has no
text under 11 px, tick labels included, and no text outside the picture.

Sizes are measured from matplotlib's own text artists as drawn: the font size
in pixels at the figure's dpi, scaled to the 700 px the reader sees, and the
extent of each text on the canvas.  A video is measured on its last frame as
the video writer draws it, the animation's title and layout included.  A
surface image is drawn by Chrome, so its text is measured from the sizes its
figure gives plotly.js (each font size set anywhere, and the layout's, which
every other text inherits), scaled as the image is exported.

On a phone the pictures of the phone's layout are shown 390 px wide: every
one of them, in both themes, holds the same 11 px there, and a loss panel
under a contour is over 100 px tall; the column's pictures would not (the
check that the measure sees it).
"""

from __future__ import annotations

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Affine2D

from render.figure import draw_figure
from render.settings import PRESETS
from render.layouts import COLUMN, LAYOUTS, PHONE, Layout
from render.surface import IMAGE_WIDTH, still_size, surface_figure
from render.theme import THEMES, theme_context
from render.video import PLAYER_CONTROLS
from scenes import SceneContext, article_outputs
from tests.reference import video_frames

matplotlib.use("Agg")

COLUMN_PX = 700
PHONE_PX = 390
SMALLEST_PX = 11


def text_sizes(fig, shown_px: int = COLUMN_PX) -> list[tuple[str, float]]:
    """Every text the renderer draws, with its size in CSS px when ``fig`` is shown ``shown_px`` wide;
    fails if a text lies outside the canvas.  (Recorded at the renderer, so only what is drawn counts:
    not the labels of ticks outside the axes, which exist but are never drawn.)"""
    return [(text, size) for text, size, _ in drawn_texts(fig, shown_px)]


def drawn_texts(fig, shown_px: int = COLUMN_PX) -> list[tuple[str, float, object]]:
    """:func:`text_sizes`, each text with its extent in CSS px from the picture's bottom left when shown
    ``shown_px`` wide (``None`` for a text drawn by no text artist)."""
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
        box = None
        if artist is not None:
            box = artist.get_window_extent(renderer)
            assert -1 <= box.x0 and box.x1 <= width + 1 and -1 <= box.y0 and box.y1 <= height + 1, \
                f"{text!r} lies outside the picture: {box}"
            box = box.transformed(Affine2D().scale(shown_px / width))
        sizes.append((text, points * fig.dpi / 72 * shown_px / width, box))
    return sizes


DECLARED = article_outputs(SceneContext())  # names and kinds in article order; nothing is built
FIGURES = [o.name for o in DECLARED if o.kind == "figure"]
VIDEOS = [o.name for o in DECLARED if o.kind == "video"]
SURFACES = [o.name for o in DECLARED if o.kind == "surface"]
PLOTLY_DEFAULT_FONT_SIZE = 12  # px, what plotly.js gives a text whose figure sets no size


def plotly_text_sizes(figure: dict) -> list[tuple[str, float]]:
    """Every font size a plotly figure sets, by where it is set, and the layout's font, which every text
    without a size of its own inherits (plotly's default, 12, where the layout sets none)."""
    sizes = [("layout.font", figure.get("layout", {}).get("font", {}).get("size", PLOTLY_DEFAULT_FONT_SIZE))]

    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                place = f"{where}.{key}" if where else key
                if "font" in key and isinstance(value, dict) and "size" in value:
                    sizes.append((place, value["size"]))
                walk(value, place)
        elif isinstance(node, (list, tuple)):
            for k, item in enumerate(node):
                walk(item, f"{where}[{k}]")

    walk(figure, "")
    return sizes


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from tests.conftest import write_catdog

    data = write_catdog(tmp_path_factory.mktemp("data"), side=16)
    return {o.name: o for o in article_outputs(SceneContext(data_dir=data, grid_size=20))}


def video_text(content, size: tuple[int, int] | None = None, layout: Layout = COLUMN,
               theme: str = "dark") -> list[tuple[str, float]]:
    """The texts of a video's last frame (the poster) as the video writer draws it in ``layout``, sizes at the
    layout's width."""
    return [(text, px) for text, px, _ in video_texts(content, size, layout, theme)]


def video_texts(content, size: tuple[int, int] | None = None, layout: Layout = COLUMN,
                theme: str = "dark") -> list[tuple[str, float, object]]:
    """:func:`video_text`, each text with its extent on the frame."""
    with theme_context(theme):
        frames = video_frames(content, animated=False, size=size, layout=layout)  # the moving artists drawn too
        frames.update(frames.shape.frames - 1)
        return drawn_texts(frames.figure, layout.css_px)


def surface_text(content, theme: str = "dark", layout: Layout = COLUMN) -> list[tuple[str, float]]:
    """The font sizes of a surface's static image in ``layout``, at the layout's width: drawn at a scale in an
    image as much wider than the figure's layout, whose width is :func:`~render.surface.still_size`'s."""
    static = surface_figure(content.view, theme, interactive=False, camera=content.camera, layout=layout).to_dict()
    width = still_size(content.view, layout)[0]
    return [(where, size * layout.css_px / width) for where, size in plotly_text_sizes(static)]


@pytest.fixture(scope="module")
def measured(outputs):
    """Every text of an output (in the dark theme) and its size at 700 px wide, measured once per output."""
    sizes = {}

    def measure(name: str) -> list[tuple[str, float]]:
        if name not in sizes:
            output = outputs[name]
            if output.kind == "figure":
                with theme_context("dark"):
                    sizes[name] = text_sizes(draw_figure(output.build()))
            elif output.kind == "video":
                sizes[name] = video_text(output.build())
            else:
                sizes[name] = surface_text(output.build())
        return sizes[name]

    return measure


def test_every_output_kind_is_measured():
    assert (len(FIGURES), len(VIDEOS), len(SURFACES)) == (14, 8, 5)


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_figure_reads_at_a_columns_width(outputs, theme):
    for name in FIGURES:
        with theme_context(theme):
            sizes = text_sizes(draw_figure(outputs[name].build()))
        assert sizes, name
        small = [(text, round(px, 1)) for text, px in sizes if px < SMALLEST_PX]
        assert small == [], f"{name}: text under {SMALLEST_PX} px at {COLUMN_PX} px wide: {small}"


@pytest.mark.parametrize("name", VIDEOS)
def test_every_video_reads_at_a_columns_width_with_its_title(outputs, measured, name):
    content = outputs[name].build()
    sizes = measured(name)
    drawn = [text for text, _ in sizes]
    for title in (content.title, *(view.title for view in content.views if len(content.views) > 1)):
        assert not title or title in drawn, f"{name}: its title {title!r} is not drawn"
    small = [(text, round(px, 1)) for text, px in sizes if px < SMALLEST_PX]
    assert small == [], f"{name}: text under {SMALLEST_PX} px at {COLUMN_PX} px wide: {small}"


@pytest.mark.parametrize("quality", [None, *PRESETS])
def test_videos_read_at_a_columns_width_at_every_quality(outputs, quality):
    size = None if quality is None else PRESETS[quality][:2]
    for name in ("descent-compressed", "boundary-compressed"):
        sizes = video_text(outputs[name].build(), size)
        small = [(text, round(px, 1)) for text, px in sizes if px < SMALLEST_PX]
        assert small == [], f"{name} at {quality or 'the default size'}: text under {SMALLEST_PX} px at " \
                            f"{COLUMN_PX} px wide: {small}"


@pytest.mark.parametrize("theme", sorted(THEMES))
@pytest.mark.parametrize("name", SURFACES)
def test_every_surface_image_reads_at_a_columns_width(outputs, name, theme):
    small = [(where, round(px, 1)) for where, px in surface_text(outputs[name].build(), theme) if px < SMALLEST_PX]
    assert small == [], f"{name}: text under {SMALLEST_PX} px at {COLUMN_PX} px wide: {small}"


def test_the_surface_measure_sees_plotlys_default_size(outputs):
    """The check itself: the interactive page's figure sets no size, so plotly's 12 px applies, 8.4 px in an
    image 1000 px wide shown at 700."""
    content = outputs["surface-compressed"].build()
    page = surface_figure(content.view, "dark", interactive=True, camera=content.camera).to_dict()
    assert min(size for _, size in plotly_text_sizes(page)) * COLUMN_PX / IMAGE_WIDTH < SMALLEST_PX


def phone_text(output, theme: str) -> list[tuple[str, float]]:
    """Every text of an output's phone layout in ``theme``, at 390 px wide."""
    content = output.build()
    if output.kind == "figure":
        with theme_context(theme):
            return text_sizes(draw_figure(content, PHONE), PHONE_PX)
    if output.kind == "video":
        return video_text(content, layout=PHONE, theme=theme)
    return surface_text(content, theme, PHONE)


@pytest.mark.parametrize("theme", sorted(THEMES))
@pytest.mark.parametrize("name", [*FIGURES, *VIDEOS, *SURFACES])
def test_every_output_reads_at_a_phones_width_in_its_phone_layout(outputs, name, theme):
    sizes = phone_text(outputs[name], theme)
    assert sizes, name
    small = [(text, round(px, 1)) for text, px in sizes if px < SMALLEST_PX]
    assert small == [], f"{name}: text under {SMALLEST_PX} px at {PHONE_PX} px wide: {small}"


def test_the_column_layout_would_not_read_at_a_phones_width(measured):
    """The check itself: the column's pictures shown 390 px wide have text under 11 px (7.7 px tick labels)."""
    for name in ("contour-compressed", "descent-compressed", "surface-compressed"):
        assert min(px for _, px in measured(name)) * PHONE_PX / COLUMN_PX < SMALLEST_PX, name


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
@pytest.mark.parametrize("name", VIDEOS)
def test_no_text_of_a_video_lies_under_a_players_controls(outputs, name, layout):
    """The last frame (the poster, what a paused player shows under its controls) shown at its layout's width: its
    lowest text (an axis label, a legend) lies above the band the player's controls cover."""
    lowest = min((box.y0, text) for text, _, box in video_texts(outputs[name].build(), layout=layout)
                 if box is not None)
    assert lowest[0] >= PLAYER_CONTROLS, \
        f"{name}: {lowest[1]!r} lies {lowest[0]:.0f} px over the bottom at {layout.css_px} px wide, under the " \
        f"player's controls ({PLAYER_CONTROLS} px)"


SMALLEST_PANEL_PX = 100  # a loss panel under a contour: tall enough to follow its curve


@pytest.mark.parametrize("name", VIDEOS)
def test_every_panel_of_a_phone_video_is_over_100_px_tall(outputs, name):
    with theme_context("dark"):
        frames = video_frames(outputs[name].build(), animated=False, layout=PHONE)
        frames.figure.canvas.draw()
        scale = PHONE_PX / frames.shape.width
        heights = [ax.get_window_extent().height * scale for ax in frames.figure.get_axes()
                   if ax.get_label() != "<colorbar>"]
    assert heights and min(heights) >= SMALLEST_PANEL_PX, f"{name}: panels {[round(h) for h in heights]} px tall"


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
