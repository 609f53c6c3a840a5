"""Words that match the pictures (a path is "straight" only if it is; a landscape is named by its measured shape;
the stretched feature by what it is), and the small fixes to the cat/dog figures and the loss comparison."""

import re

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
import pytest

from render.figure import draw_figure
from render.spec import Curves
from render.theme import theme_context
from render.words import STRAIGHT_TURN, curvature_words, path_shape, path_turns
from scenes import SceneContext, article_outputs
from scenes.catdog import CatDogScene
from scenes.describe import descent_path
from scenes.normalization import SECOND_FEATURE_SCALES, NormalizationExperiment

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from tests.conftest import write_catdog

    data = write_catdog(tmp_path_factory.mktemp("words") / "datasets")
    return {o.name: o for o in article_outputs(SceneContext(data_dir=data, grid_size=24))}


@pytest.fixture(scope="module")
def built(outputs):
    return {name: output.build() for name, output in outputs.items()
            if not name.startswith(("optimizers-", "boundary-"))}


# -- a path is straight only by the stated measure ------------------------------------------------
def test_a_line_is_straight_a_quarter_circle_curves_through_90_degrees_and_a_zigzag_turns_sharply():
    t = np.linspace(0, 1, 60)
    assert path_shape(t, -2 * t) == "straight"
    assert path_shape(np.cos(t * np.pi / 2), np.sin(t * np.pi / 2)) == "curving smoothly through about 90°"
    assert path_shape(t, np.where(np.arange(60) % 2, 1.0, -1.0) * (1 - t)) == "turning sharply back and forth"
    # Many tiny steps at the end of a descent weigh by their length, not their count.
    x = np.concatenate([t, 1 + 1e-6 * np.cos(np.arange(40))])
    y = np.concatenate([t, 1 + 1e-6 * np.sin(np.arange(40))])
    assert abs(path_turns(x, y)).sum() < STRAIGHT_TURN


def test_the_normalized_descent_is_called_curving_by_its_measured_turn_not_straight(built):
    history = NormalizationExperiment(SceneContext(grid_size=24), "normalized", 1.0).history
    total = abs(path_turns(history[:, 0], history[:, 1])).sum()
    assert total > 45  # it bends: from heading down-left-ish to right and back
    angle = int(re.search(r"turning about (\d+)°", descent_path(history)).group(1))
    assert abs(angle - total) <= 10
    for name in ("contour-normalized", "descent-normalized", "surface-normalized"):
        content = built[name]
        assert "straight" not in content.alt and "curves smoothly down (turning about" in content.alt, content.alt
        assert "curving smoothly through about" in content.description
    for name in ("contour-normalized", "descent-normalized", "surface-normalized", "descent-comparison"):
        assert "straight" not in built[name].alt


def test_captions_call_no_descent_straight_and_no_landscape_a_round_or_wide_bowl(outputs):
    for name, output in outputs.items():
        assert "straight" not in output.caption, (name, output.caption)
        assert not re.search(r"\bround\b|wide bowl|bowl is", output.caption), (name, output.caption)


# -- landscapes by their measured shape -------------------------------------------------------------
def test_curvature_words_follow_the_ratio():
    assert curvature_words(1.0, 0.8) == "a round bowl"
    assert curvature_words(5.0, 1.0) == "an oval bowl, 5 times steeper across than along"
    assert curvature_words(14.0, 1.0) == "a trough, 14 times steeper across than along"
    assert curvature_words(723.0, 1.0) == "a long, narrow trough, 720 times steeper across than along"


@pytest.mark.parametrize("variant", list(SECOND_FEATURE_SCALES))
def test_each_landscape_is_described_by_the_curvatures_of_its_hessian_at_the_minimum(variant, built):
    experiment = NormalizationExperiment(SceneContext(grid_size=24), variant, SECOND_FEATURE_SCALES[variant])
    steep, shallow = experiment.curvatures
    # The Hessian at the minimum, independently: finite differences of the loss around the point found.
    from scipy.optimize import minimize

    from scenes.neuron import log_loss_from_logits

    X, y, b = experiment.data.X, experiment.data.y.ravel(), experiment.surface.b
    loss = lambda w: float(log_loss_from_logits(X @ w + b, y))  # noqa: E731
    found = minimize(loss, np.zeros(2), method="BFGS", options={"gtol": 1e-10}).x
    h = 1e-4
    H = np.array([[(loss(found + h * (ei + ej)) - loss(found + h * (ei - ej)) - loss(found - h * (ei - ej))
                    + loss(found - h * (ei + ej))) / (4 * h * h) for ej in np.eye(2)] for ei in np.eye(2)])
    expected = np.sort(np.linalg.eigvalsh(H))[::-1]
    np.testing.assert_allclose([steep, shallow], expected, rtol=1e-3)
    words = curvature_words(steep, shallow)
    for name in (f"contour-{variant}", f"descent-{variant}", f"surface-{variant}"):
        assert f"Near its minimum the loss is {words}" in built[name].description
    assert "trough" in words  # both landscapes are troughs: neither is a round bowl
    if variant == "compressed":
        assert steep / shallow > 100 and words.startswith("a long, narrow trough")


# -- the stretched feature named for what it is ------------------------------------------------------
def test_no_output_calls_the_features_compressed(outputs, built):
    for name, output in outputs.items():
        assert "compressed features" not in output.caption, name
    for name, content in built.items():
        texts = [content.alt, content.description, getattr(content, "title", "")]
        texts += [caption.text for caption in getattr(content, "captions", ())]
        texts += [view.title for view in getattr(content, "views", ())]
        texts += [line.label or "" for panel in getattr(content, "panels", ()) if isinstance(panel, Curves)
                  for line in panel.lines]
        for text in texts:
            assert not re.search(r"compressed features", text, re.I), (name, text)
    assert "unscaled features" in built["loss-comparison"].alt
    assert [line.label for line in built["loss-comparison"].panels[0].lines] == [
        "unscaled features", "normalized features"]


# -- the small ones --------------------------------------------------------------------------------
def test_the_samples_show_as_many_cats_as_dogs_drawn_with_the_seed(tmp_path):
    from tests.conftest import write_catdog

    data = write_catdog(tmp_path / "datasets", n_train=40)
    figure = CatDogScene(SceneContext(data_dir=data)).samples()
    labels = figure.tables[""].rows[:, 1]
    assert (labels == 0).sum() == (labels == 1).sum() == 4
    assert list(labels) == [0] * 4 + [1] * 4  # a row of cats above a row of dogs
    again = CatDogScene(SceneContext(data_dir=data)).samples().tables[""].rows
    other = CatDogScene(SceneContext(data_dir=data, seed=1)).samples().tables[""].rows
    np.testing.assert_array_equal(figure.tables[""].rows, again)
    assert not np.array_equal(figure.tables[""].rows, other)
    assert "4 cats above 4 dogs" in figure.alt


def test_the_accuracy_panel_has_a_labelled_dashed_chance_line(catdog_dir):
    scene = CatDogScene(SceneContext(data_dir=catdog_dir))
    figure = scene.learning_curves()
    chance = [line for line in figure.panels[1].lines if (line.label or "").startswith("chance")]
    assert len(chance) == 1 and chance[0].label == "chance (50%)" and set(chance[0].y) == {0.5}
    assert "A dashed line marks chance, 50%" in figure.description
    with theme_context("dark"):
        fig = draw_figure(figure)
    drawn = [line for line in fig.axes[1].get_lines() if line.get_label() == "chance (50%)"]
    assert len(drawn) == 1 and drawn[0].get_linestyle() == "--"
    assert "chance (50%)" in [t.get_text() for t in fig.axes[1].get_legend().get_texts()]


def test_the_weights_figure_shows_one_difference_map_on_a_symmetric_scale(catdog_dir):
    figure = CatDogScene(SceneContext(data_dir=catdog_dir)).weights()
    titles = [panel.title for panel in figure.panels]
    assert titles.count("mean dog − mean cat") == 1 and "mean cat" not in titles
    with theme_context("light"):
        fig = draw_figure(figure)
    image = next(ax for ax in fig.axes if ax.get_title() == "mean dog − mean cat").get_images()[0]
    low, high = image.get_clim()
    assert low == -high > -np.inf and high == np.abs(figure.panels[-1].image).max()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_loss_comparisons_log_axis_is_labelled_below_1(built, theme):
    with theme_context(theme):
        fig = draw_figure(built["loss-comparison"])
        FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    low, high = ax.get_ylim()
    shown = [(tick.get_loc(), tick.label1.get_text()) for tick in ax.yaxis.get_major_ticks()
             if low <= tick.get_loc() <= high and tick.label1.get_visible() and tick.label1.get_text()]
    below = [text for loc, text in shown if loc < 1]
    assert below, shown
    assert all(re.fullmatch(r"[0-9.]+", text) for _, text in shown), shown  # plain numbers: 0.2, 0.5, 1, 2, ...
