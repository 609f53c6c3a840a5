"""The post's vocabulary, everywhere: a post on slope and intercept with mean squared error reads 'slope',
'intercept' and 'MSE' in its figure, video, 3D page and CSV, and nothing says the article's W0, W1 or 'log loss'.

And nothing of the article's shape is forced on a post: no legend in a panel that asked for none, a camera
declared absolutely, contour levels given as values."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest
from matplotlib.text import Text

from render.edges import BEYOND_LABEL
from render.encode import VideoShape, probe
from render.figure import draw_figure, export_figure
from render.files import OutputLayout
from render.settings import RenderSettings, RunSession, VideoSettings
from render.spec import (
    COLUMN, Animation, Boundary, Camera, Contour, Descent, Extent, Figure, Landscape, Names, Scatter, Table, Trail,
)
from render.surface import camera_eye, surface_figure, surface_html
from render.theme import theme_context
from render.video import DescentFrames, write_video

NAMES = Names(("slope", "intercept"), loss="MSE", step="epoch")
POST_WORDS = ("slope", "intercept", "MSE", "epoch")
# The article's words, and the engine's generic ones (a writer that ignored the post's names would say those).
FOREIGN_WORDS = ("W0", "W1", "log loss", "iteration", "Gradient descent", "classified right", "θ0", "θ1")
SMALL = VideoShape(width=320, height=180, fps=10.0, frames=21)
STEPS = 20


def bowl(names: Names = NAMES, limit: float = 3.0) -> Landscape:
    """The mean squared error of a line fitted to points on ``y = x + 1``: a quadratic bowl over (slope,
    intercept) with its minimum at (1, 1)."""
    axis = np.linspace(-limit, limit, 25)
    slope, intercept = np.meshgrid(axis, axis)
    return Landscape(axis, axis, (slope - 1) ** 2 + 0.5 * (intercept - 1) ** 2 + 0.01, names)


def descent(start: tuple[float, float] = (-2.5, 2.5), rate: float = 0.2, **style) -> Trail:
    """Gradient descent on :func:`bowl` from ``start``."""
    points = [np.array(start, dtype=float)]
    for _ in range(STEPS):
        slope, intercept = points[-1]
        points.append(points[-1] - rate * np.array([2 * (slope - 1), intercept - 1]))
    p = np.array(points)
    loss = (p[:, 0] - 1) ** 2 + 0.5 * (p[:, 1] - 1) ** 2 + 0.01
    return Trail(p[:, 0], p[:, 1], np.arange(STEPS + 1.0), loss, **style)


def texts(figure) -> str:
    """Every text a matplotlib figure draws (titles, labels, tick labels, legends, colour bars), one per line."""
    return "\n".join(t.get_text() for t in figure.findobj(Text) if t.get_text())


def assert_post_words_only(text: str, where: str, words: tuple[str, ...] = POST_WORDS) -> None:
    for word in words:
        assert word in text, f"{where} does not say {word!r}"
    for word in FOREIGN_WORDS:
        assert word not in text, f"{where} says {word!r}, not the post's word"


# -- the still --------------------------------------------------------------------------------------
def test_a_contour_figure_and_its_csv_say_the_posts_words(tmp_path):
    trail = descent()
    rows = np.column_stack([trail.x, trail.y, trail.iteration, trail.loss])
    figure = Figure(panels=(Contour(bowl(), trails=(trail,)),), size=(COLUMN, 3.2),
                    tables={"": Table((*NAMES.parameters, NAMES.step, NAMES.loss), rows)})
    written = export_figure("bowl", figure, OutputLayout(tmp_path), "dark")
    svg = (tmp_path / "bowl.svg").read_text(encoding="utf-8")
    # Text is text in the SVGs (svg.fonttype: none): what it says can be read back.
    shown = "\n".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert_post_words_only(shown, "the contour's SVG", words=("slope", "intercept", "MSE"))  # it has no steps
    for word in ("W0", "W1", "log loss"):
        assert word not in svg
    with open(tmp_path / "data" / "bowl.csv", newline="") as table:
        assert next(csv.reader(table)) == ["slope", "intercept", "epoch", "MSE"]
    assert tmp_path / "data" / "bowl.csv" in [w.path for w in written]


def test_a_contours_labels_default_to_the_landscapes_names_and_the_panel_may_override_them():
    with theme_context("dark"):
        ax, colorbar = draw_figure(Figure(panels=(Contour(bowl()),), size=(COLUMN, 3.2))).axes
        assert (ax.get_xlabel(), ax.get_ylabel(), colorbar.get_ylabel()) == ("slope", "intercept", "MSE")
        ax, _ = draw_figure(Figure(panels=(Contour(bowl(), xlabel="m", ylabel="c"),), size=(COLUMN, 3.2))).axes
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("m", "c")
        # A landscape that names nothing is labelled in generic words, never the article's.
        ax, colorbar = draw_figure(Figure(panels=(Contour(bowl(Names())),), size=(COLUMN, 3.2))).axes
        assert (ax.get_xlabel(), ax.get_ylabel(), colorbar.get_ylabel()) == ("θ0", "θ1", "loss")


def test_marks_colour_a_trails_steps_under_the_posts_colour_bar_label():
    trail = descent(marks=np.linspace(0, 1, STEPS + 1), marks_cmap="Blues", marks_label="learning rate")
    with theme_context("dark"):
        fig = draw_figure(Figure(panels=(Contour(bowl(), trails=(trail,)),), size=(COLUMN, 3.2)))
    ax, colorbar = fig.axes
    (steps,) = ax.collections[-1:]
    np.testing.assert_array_equal(steps.get_array(), trail.marks)
    assert steps.get_cmap().name == "Blues"
    assert colorbar.get_ylabel() == "learning rate"


@pytest.mark.parametrize("legend", [True, False])
def test_a_trail_beyond_the_landscape_adds_a_legend_only_where_the_panel_asks_for_one(legend):
    far = descent(start=(-6.0, 2.5))  # starts beyond the bowl's ±3
    with theme_context("dark"):
        fig = draw_figure(Figure(panels=(Contour(bowl(), trails=(far,), legend=legend),), size=(COLUMN, 3.2)))
    ax = fig.axes[0]
    if legend:
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [BEYOND_LABEL]
    else:
        assert ax.get_legend() is None
    assert any(c.get_offsets().shape[0] for c in ax.collections[-1:])  # the points beyond are still drawn


def test_contour_levels_can_be_values_each_band_its_own_colour():
    levels = tuple(float(v) for v in np.geomspace(0.01, 20, 8))  # log-spaced: a quadratic bowl's floor in detail
    with theme_context("dark"):
        ax = draw_figure(Figure(panels=(Contour(bowl(), levels=levels),), size=(COLUMN, 3.2))).axes[0]
    (filled,) = [c for c in ax.collections if hasattr(c, "levels")]
    np.testing.assert_allclose(filled.levels, levels)
    colours = filled.get_facecolor()
    assert len(colours) == len(levels) - 1
    # Evenly along the colour map whatever the spacing: the steps between neighbouring bands are alike, where a
    # linear norm would give the six lowest bands of log-spaced levels nearly one colour.
    steps = np.abs(np.diff(colours[:, :3], axis=0)).sum(axis=1)
    assert steps.min() > 0.05


# -- the video --------------------------------------------------------------------------------------
def test_a_videos_counter_axes_and_colour_bar_say_the_posts_words():
    view = Descent(bowl(), (descent(),), levels=(0.01, 0.1, 1.0, 10.0, 20.0))
    with theme_context("dark"):
        frames = DescentFrames(Animation((view,)), SMALL, animated=False)
        for k in (0, 7, STEPS):
            frames.still(index=k)
            counter = frames.descents[0].counter.get_text()
            assert counter == f"epoch {k} / {STEPS} · MSE {view.trails[0].loss[k]:.3g}"
        assert_post_words_only(texts(frames.figure), "the video's frame")
        assert frames.figure._suptitle is None  # untitled, and its view untitled: no title of the engine's own
        contour_ax = frames.figure.axes[0]
        (filled,) = [c for c in contour_ax.collections if hasattr(c, "levels")]
        np.testing.assert_allclose(filled.levels, view.levels)


def test_an_untitled_animation_shows_its_views_title_as_it_is():
    view = Descent(bowl(), (descent(),), title="fitting a line", loss_scale="log")
    with theme_context("dark"):
        frames = DescentFrames(Animation((view,)), SMALL, animated=False)
        frames.still(index=0)
    assert frames.figure._suptitle.get_text() == "fitting a line"
    assert frames.figure.axes[1].get_ylabel() == "MSE (log scale)"  # the loss panel's


def test_a_moving_boundary_uses_its_intercept_and_its_own_words():
    trail = descent()
    points = np.array([[-1.0, -1.0], [1.0, 2.0], [2.0, -1.5], [-2.0, 1.0]])
    data = Scatter(points[:, 0], points[:, 1], np.array([0, 1, 1, 0]), class_names=("no", "yes"),
                   limits=((-3.0, 3.0), (-3.0, 3.0)))
    intercept = np.linspace(0.5, -0.5, STEPS + 1)
    accuracy = np.linspace(0.25, 1.0, STEPS + 1)
    boundary = Boundary(data, trail, intercept, accuracy, accuracy_text="{:.0%} of the points on their side",
                        line_label="the line")
    with theme_context("dark"):
        frames = DescentFrames(Animation((boundary, Descent(bowl(), (trail,)))), SMALL, animated=False)
        frames.still(index=STEPS)
        artists = frames.descents[0]
        x, y = artists.line.get_data()
        np.testing.assert_allclose(np.asarray(x) * trail.x[-1] + np.asarray(y) * trail.y[-1] + intercept[-1], 0,
                                   atol=1e-9)
        assert artists.title.get_text() == "100% of the points on their side"
        shown = texts(frames.figure)
        assert "the line" in shown and "decision boundary" not in shown and "classified right" not in shown
        # The engine's own default is no post's words either.
        default = DescentFrames(Animation((Boundary(data, trail, intercept, accuracy),)), SMALL, animated=False)
        default.still(index=0)
        assert default.descents[0].title.get_text() == "accuracy 25%"


def test_a_short_video_through_the_writer(tmp_path):
    content = Animation((Descent(bowl(), (descent(),)),), title="A line fitted by gradient descent")
    settings = RenderSettings(out_dir=tmp_path, video=VideoSettings(formats=("mp4",), fps=5, duration=0.6))
    with RunSession() as session:
        written, phone = write_video("bowl", content, settings, session)
    assert phone.role == "phone-mp4" and probe(phone.path).frames == 3
    found = probe(written.path)
    assert found.frames == 3


# -- the 3D page ------------------------------------------------------------------------------------
def test_the_surface_page_says_the_posts_words():
    view = Descent(bowl(), (descent(),), title="fitting a line")
    page = surface_html("bowl", surface_figure(view), plotlyjs="cdn", title="The MSE of a line")
    assert_post_words_only("\n".join(words_in(page)), "the 3D page")
    figure = surface_figure(view)
    layout = figure.layout
    assert (layout.scene.xaxis.title.text, layout.scene.yaxis.title.text, figure.data[0].colorbar.title.text) == (
        "slope", "intercept", "MSE")
    assert layout.sliders[0].currentvalue.prefix == "epoch "


def test_a_camera_declared_absolutely_ignores_the_descents_direction():
    eye = (0.2, -1.9, 0.8)
    forward = Descent(bowl(), (descent(),))
    backward = Descent(bowl(), (descent(start=(2.5, -2.5)),))
    assert camera_eye(forward, Camera(eye=eye)) == camera_eye(backward, Camera(eye=eye)) == dict(zip("xyz", eye))
    assert camera_eye(forward, Camera(turn=30, eye=eye)) == dict(zip("xyz", eye))
    assert camera_eye(forward) != camera_eye(backward)  # relative, by default: it follows the descent
    assert surface_figure(forward, camera=Camera(eye=eye), interactive=False).layout.scene.camera.eye.x == 0.2


def words_in(page: str) -> list[str]:
    """Every text the page's figure holds (names, titles, hover templates, legend entries...), not its numbers
    (plotly writes arrays as base64, where any word may turn up by chance)."""
    decoder = json.JSONDecoder()
    start = page.index("Plotly.newPlot(")
    data, end = decoder.raw_decode(page, page.index("[", start))
    layout, end = decoder.raw_decode(page, page.index("{", end))
    frames, _ = decoder.raw_decode(page, page.index("[", page.index("Plotly.addFrames(", end)))

    def strings(value) -> list[str]:
        if isinstance(value, dict):
            return [s for key, item in value.items() if key != "bdata" for s in strings(item)]
        if isinstance(value, list):
            return [s for item in value for s in strings(item)]
        return [value] if isinstance(value, str) else []

    return strings([data, layout, frames])


# -- the manifest -----------------------------------------------------------------------------------
def test_an_extent_is_recorded_under_the_posts_names():
    assert Extent((-3.0, 3.0), (-2.0, 2.0), NAMES).record() == {"slope": [-3.0, 3.0], "intercept": [-2.0, 2.0]}
    assert Extent((0, 1), (0, 1)).record() == {"θ0": [0.0, 1.0], "θ1": [0.0, 1.0]}


def test_the_engines_defaults_are_no_posts_words():
    names = Names()
    assert (names.parameters, names.loss, names.step, names.point) == (("θ0", "θ1"), "loss", "iteration", "")
    assert names.at("(1, 2)") == "(θ0, θ1) = (1, 2)"
    assert Names(("W0", "W1"), point="W").at("(-7.5, 7.5)") == "W = (-7.5, 7.5)"
    assert Animation(()).title == "" and Contour(bowl()).xlabel == ""
