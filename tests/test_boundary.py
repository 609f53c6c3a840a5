"""The moving decision boundary: where its line and sides are, what each frame shows, what the output holds."""

import csv
import re

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.colors import to_rgb

from render.cli import main
from render.encode import VideoShape
from render.sides import sides
from render.spec import Boundary, Descent
from render.theme import BACKGROUNDS, theme_context
from render.video import SIDE_ALPHA, BoundaryArtists, DescentFrames, caption_problem, relative_luminance
from scenes import SceneContext
from scenes.beyond import MovingBoundary
from scenes.neuron import Parameters, predict
from scenes.normalization import NormalizationExperiment

HEADER = ("W0", "W1", "b", "i", "loss", "accuracy")  # the descent's columns, then the boundary's accuracy
SMALL = VideoShape(width=320, height=180, fps=10.0, frames=101)
SHAPE = VideoShape(width=640, height=360, fps=10.0, frames=101)
X_LIMITS, Y_LIMITS = (-2.0, 5.0), (-15.0, 65.0)


def area(polygon: np.ndarray) -> float:
    """The shoelace formula."""
    x, y = polygon.T
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


@pytest.fixture(scope="module", params=["compressed", "normalized"])
def scene(request):
    scale = {"compressed": 10.0, "normalized": 1.0}[request.param]
    return MovingBoundary(NormalizationExperiment(SceneContext(grid_size=20), request.param, scale))


# -- the geometry --------------------------------------------------------------------------
finite = st.floats(-50, 50, allow_nan=False)


@given(finite, finite, finite)
def test_the_sides_split_the_panel_along_the_line(w0, w1, b):
    cut = sides(X_LIMITS, Y_LIMITS, w0, w1, b)
    value = lambda points: points @ np.array([w0, w1]) + b  # noqa: E731
    reach = 1e-9 * (abs(w0) * 5 + abs(w1) * 65 + abs(b) + 1)  # rounding, on the scale of the terms
    assert (value(cut.positive) >= -reach).all() and (value(cut.negative) <= reach).all()
    whole = (X_LIMITS[1] - X_LIMITS[0]) * (Y_LIMITS[1] - Y_LIMITS[0])
    assert area(cut.positive) + area(cut.negative) == pytest.approx(whole, rel=1e-9)
    for points in (cut.positive, cut.negative, cut.line):  # nothing outside the panel
        assert ((points >= [X_LIMITS[0], Y_LIMITS[0]]) & (points <= [X_LIMITS[1], Y_LIMITS[1]])).all()
    assert len(cut.line) in (0, 2)
    np.testing.assert_allclose(value(cut.line), 0, atol=reach)


def test_a_line_that_misses_the_panel_leaves_it_to_one_side():
    cut = sides(X_LIMITS, Y_LIMITS, 0.0, 1.0, 100.0)  # x1 = -100: below the panel, which is all class 1
    assert len(cut.line) == 0 and len(cut.negative) == 0 and len(cut.positive) == 4
    no_weights = sides(X_LIMITS, Y_LIMITS, 0.0, 0.0, -1.0)  # no line at all: the bias decides
    assert len(no_weights.line) == 0 and len(no_weights.positive) == 0 and len(no_weights.negative) == 4


def test_a_line_through_one_corner_only_is_no_line_and_leaves_no_sliver():
    cut = sides((0.0, 4.0), (0.0, 4.0), -1.0, -1.0, 0.0)  # zero at (0, 0), negative everywhere else
    assert len(cut.line) == 0 and len(cut.positive) == 0 and area(cut.negative) == 16.0


def test_the_line_crosses_the_panel_where_it_should():
    cut = sides((0.0, 4.0), (0.0, 4.0), 1.0, -1.0, 0.0)  # x1 = x0: the diagonal, class 1 below it
    assert sorted(map(tuple, cut.line)) == [(0.0, 0.0), (4.0, 4.0)]
    assert area(cut.positive) == area(cut.negative) == 8.0
    assert (4.0, 0.0) in map(tuple, cut.positive) and (0.0, 4.0) in map(tuple, cut.negative)


# -- the scene -------------------------------------------------------------------------------
def test_the_accuracy_is_the_neurons_predictions_at_every_step(scene):
    X, y, h = scene.experiment.data.X, scene.experiment.data.y, scene.experiment.history
    for k in (0, 1, 7, 50, 100):
        params = Parameters(W=h[k, :2].reshape(2, 1), b=h[k, 2:3])
        assert scene.accuracy[k] == np.mean(predict(X, params) == y)


def test_the_boundary_moves_with_the_articles_descent_beside_it(scene):
    animation = scene.animation()
    boundary, descent = animation.views
    assert isinstance(boundary, Boundary) and isinstance(descent, Descent)
    (trail,) = descent.trails
    for field in ("x", "y", "iteration", "loss"):
        np.testing.assert_array_equal(getattr(boundary.trail, field), getattr(trail, field))
    np.testing.assert_array_equal(trail.x, scene.experiment.history[:, 0])
    np.testing.assert_array_equal(boundary.intercept, scene.experiment.history[:, 2])  # the bias b
    X = scene.experiment.data.X
    (x_low, x_high), (y_low, y_high) = boundary.data.limits
    assert x_low < X[:, 0].min() and X[:, 0].max() < x_high and y_low < X[:, 1].min() and X[:, 1].max() < y_high
    table = animation.tables[""]
    assert table.columns == HEADER
    np.testing.assert_array_equal(table.rows[:, -1], scene.accuracy)


def test_the_captions_and_alt_text_say_what_the_boundary_does(scene):
    animation = scene.animation()
    assert caption_problem(animation.captions, len(scene.accuracy)) is None
    for caption in animation.captions:
        shares = scene.accuracy[caption.first: caption.last + 1]
        assert f"{shares[-1]:.0%}" in caption.text, caption.text  # where the boundary's accuracy ends
        assert "(" not in caption.text  # the weights are on screen; the words are the boundary's
    drops = int((np.diff(scene.accuracy) < 0).sum())
    assert f"ends at {scene.accuracy[-1]:.0%}" in animation.description
    assert {0: "never dropping", 1: "dropping once on the way"}.get(drops, f"dropping {drops} times on the way") \
        in animation.description


def test_on_compressed_features_the_boundary_swings_and_on_normalized_ones_it_settles():
    context = SceneContext(grid_size=20)
    compressed = MovingBoundary(NormalizationExperiment(context, "compressed", 10.0)).accuracy
    normalized = MovingBoundary(NormalizationExperiment(context, "normalized", 1.0)).accuracy
    assert (np.diff(compressed) < 0).sum() > 4 * (np.diff(normalized) < 0).sum()
    assert normalized[-50:].min() > 0.9 and compressed[-50:].min() < 0.8


# -- the frames -----------------------------------------------------------------------------
def boundary_artists(frames: DescentFrames) -> BoundaryArtists:
    (artists,) = [d for d in frames.descents if isinstance(d, BoundaryArtists)]
    return artists


def test_each_frame_draws_the_line_of_its_iterations_parameters(scene):
    animation = scene.animation()
    boundary = animation.views[0]
    with theme_context("dark"):
        frames = DescentFrames(animation, SMALL)
        for k in (0, 13, 100):
            frames.update(k)
            artists = boundary_artists(frames)
            x, y = artists.line.get_data()
            assert len(x) == 2  # the line crosses the panel at every one of these steps
            values = np.asarray(x) * boundary.trail.x[k] + np.asarray(y) * boundary.trail.y[k] + boundary.intercept[k]
            np.testing.assert_allclose(values, 0, atol=1e-9 * abs(boundary.trail.y[k]) * 100)
            assert artists.title.get_text() == f"{boundary.accuracy[k]:.0%} classified right"
        # Halfway between two iterations the line is that of the parameters halfway between them.
        glide = DescentFrames(animation, VideoShape(320, 180, 20.0, 201))
        glide.update(27)
        x, y = boundary_artists(glide).line.get_data()
        w0, w1, b = (np.mean(values[13:15]) for values in (boundary.trail.x, boundary.trail.y, boundary.intercept))
        np.testing.assert_allclose(np.asarray(x) * w0 + np.asarray(y) * w1 + b, 0, atol=1e-6)


def test_blitted_boundary_frames_equal_frames_drawn_whole(scene):
    animation = scene.animation()
    with theme_context("dark"):
        blitted = [np.asarray(f, np.uint8).reshape(SMALL.height, SMALL.width, 4)[..., :3].copy()
                   for f in DescentFrames(animation, SMALL).frames()]
        for k in (0, 50, 100):
            whole = DescentFrames(animation, SMALL, animated=False).still(index=k)[..., :3]
            assert np.array_equal(blitted[k], whole), f"frame {k}"
    assert not np.array_equal(blitted[5], blitted[6])


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_each_side_is_shaded_in_the_colour_of_the_class_the_neuron_gives_it(scene, theme):
    """Pixels of the panel far from any point and from the line take one shade per side: in the dark theme the
    colour of the class the neuron gives that side; in every theme two shades that differ from each other and
    from the background (class 1's white would shade nothing on a light page)."""
    animation = scene.animation()
    boundary = animation.views[0]
    k = 100
    w = np.array([boundary.trail.x[k], boundary.trail.y[k]])
    with theme_context(theme):
        frames = DescentFrames(animation, SHAPE, animated=False)
        image = frames.still(index=k)[..., :3].astype(float)
        ax = boundary_artists(frames).line.axes
        colors = boundary_artists(frames).points.get_facecolors()[:, :3]
    data = boundary.data
    class_color = {label: colors[np.flatnonzero(data.color_values == label)[0]] for label in (0.0, 1.0)}
    background = np.array(to_rgb(BACKGROUNDS[theme]))
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()  # the panel as drawn, to one scale
    grid = np.stack(np.meshgrid(np.linspace(x_low, x_high, 40)[1:-1], np.linspace(y_low, y_high, 40)[1:-1]), -1)
    seen = {0.0: [], 1.0: []}
    points = ax.transData.transform(np.column_stack([data.x, data.y]))
    start, end = ax.transData.transform(np.column_stack(boundary_artists(frames).line.get_data()))
    for point in grid.reshape(-1, 2):
        here = ax.transData.transform(point)
        (dx, dy), (hx, hy) = end - start, here - start
        from_line = abs(dx * hy - dy * hx) / np.hypot(dx, dy)
        if np.hypot(*(points - here).T).min() < 12 or from_line < 8:  # clear of the points' and line's pixels
            continue
        label = 1.0 if point @ w + boundary.intercept[k] >= 0 else 0.0
        seen[label].append(image[SHAPE.height - round(here[1]), round(here[0])] / 255)
    assert min(len(pixels) for pixels in seen.values()) > 10, {k: len(v) for k, v in seen.items()}
    shade = {}
    for label, pixels in seen.items():
        pixels = np.array(pixels)
        np.testing.assert_allclose(pixels, pixels[0] + 0 * pixels, atol=3 / 255)  # one shade per side
        shade[label] = pixels[0]
        assert np.abs(shade[label] - background).max() > 0.05, (theme, label)  # it shows on the page
        if theme == "dark":
            alpha = {0.0: boundary_artists(frames).negative, 1.0: boundary_artists(frames).positive}[label].get_alpha()
            assert 0 < alpha <= SIDE_ALPHA
            np.testing.assert_allclose(shade[label], alpha * class_color[label] + (1 - alpha) * background,
                                       atol=3 / 255)
    assert np.abs(shade[0.0] - shade[1.0]).max() > 0.1  # the two sides tell apart
    # and are equally light: a boundary swinging across the panel changes its hue, never flashes
    assert abs(relative_luminance(shade[0.0]) - relative_luminance(shade[1.0])) < 0.01


def test_the_legend_says_which_side_is_predicted_which_class(scene):
    animation = scene.animation()
    with theme_context("dark"):
        frames = DescentFrames(animation, SMALL)
        artists = boundary_artists(frames)
        (legend,) = [legend for column in frames.figure.subfigs for legend in column.legends]
        entries = {text.get_text(): handle for text, handle in zip(legend.get_texts(), legend.legend_handles)}
    assert {"predicted class 0", "predicted class 1"} <= set(entries)
    for name, side in (("class 0", artists.negative), ("class 1", artists.positive)):
        np.testing.assert_allclose(entries[f"predicted {name}"].get_facecolor(), side.get_facecolor())


def test_the_panel_draws_both_features_to_one_scale(scene):
    with theme_context("dark"):
        frames = DescentFrames(scene.animation(), SHAPE)
        frames.figure.canvas.draw()
        ax = boundary_artists(frames).line.axes
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    box = ax.get_window_extent()
    assert (x_high - x_low) / box.width == pytest.approx((y_high - y_low) / box.height, rel=0.02)


# -- the output ------------------------------------------------------------------------------
def test_boundary_video_renders_with_its_captions_and_data(tmp_path):
    result = CliRunner().invoke(main, ["boundary-normalized", "--out", str(tmp_path), "--quality", "low",
                                       "--duration", "2", "--formats", "mp4", "--grid-size", "20"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "boundary-normalized.mp4").stat().st_size > 0
    vtt = (tmp_path / "boundary-normalized.vtt").read_text()
    assert vtt.startswith("WEBVTT") and "the boundary" in vtt
    with open(tmp_path / "data" / "boundary-normalized.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == HEADER and len(rows) == 102
    assert all(re.fullmatch(r"0(\.\d+)?|1(\.0+)?", row[-1]) for row in rows[1:])


def test_a_boundary_without_one_accuracy_per_step_is_refused_in_one_line(scene):
    from dataclasses import replace

    from render.errors import RenderError

    animation = scene.animation()
    broken = replace(animation.views[0], accuracy=scene.accuracy[:-1])
    with theme_context("dark"), pytest.raises(RenderError, match=r"100 accuracies for the 101 steps"):
        DescentFrames(replace(animation, views=(broken, animation.views[1])), SMALL)
