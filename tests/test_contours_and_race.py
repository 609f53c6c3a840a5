"""The contour figures and the optimizer races read as pictures: one panel with the path, levels that show the
valley, start and end marks that show on the landscape, colour bars, end labels apart, landscapes that fit
their trails."""

import itertools

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb

from render.figure import END_LABEL, START_LABEL, draw_figure, spread
from render.spec import Contour, Curves
from render.theme import theme_context
from scenes import SceneContext
from scenes.beyond import OptimizerRace
from scenes.normalization import NormalizationExperiment

matplotlib.use("Agg")

VARIANTS = {"compressed": 10.0, "normalized": 1.0}
MIN_CONTRAST = 0.35  # relative luminance apart, a mark from the landscape's colour under it


def luminance(color) -> float:
    """WCAG's relative luminance."""
    channels = np.array(to_rgb(color))
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def band_color(panel: Contour, x: float, y: float):
    """The landscape's colour at ``(x, y)`` as the contour fills it (its band, evenly along the colour map)."""
    landscape = panel.landscape
    loss = landscape.loss[np.abs(landscape.y - y).argmin(), np.abs(landscape.x - x).argmin()]
    levels = np.asarray(panel.levels)
    band = np.clip(np.searchsorted(levels, loss) - 1, 0, len(levels) - 2)
    return matplotlib.colormaps[panel.cmap](band / (len(levels) - 2))


@pytest.fixture(scope="module", params=list(VARIANTS))
def experiment(request):
    return NormalizationExperiment(SceneContext(seed=0, grid_size=60), request.param, VARIANTS[request.param])


@pytest.fixture(scope="module")
def drawn(experiment):
    figure = experiment.contour_figure()
    with theme_context("dark"):
        return figure, draw_figure(figure)


def test_the_contour_is_one_panel_with_the_path_and_colour_bars(experiment, drawn):
    figure, fig = drawn
    (panel,) = figure.panels
    assert isinstance(panel, Contour) and len(panel.trails) == 1
    plots = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(plots) == 1
    (path,) = [line for line in plots[0].get_lines() if line.get_linestyle() != "None"]
    np.testing.assert_array_equal(path.get_xdata(), experiment.history[:, 0])
    labels = {ax.get_ylabel() or ax.get_xlabel() for ax in fig.axes if ax.get_label() == "<colorbar>"}
    assert labels == {"log loss", "b"}  # the loss's levels and the bias of each step


def test_levels_are_not_evenly_spaced_and_the_valley_floor_spans_several(drawn):
    figure, _ = drawn
    (panel,) = figure.panels
    levels = np.asarray(panel.levels, dtype=float)
    assert levels.ndim == 1 and np.all(np.diff(levels) > 0)
    assert np.ptp(np.diff(levels)) > 0.5 * np.diff(levels).max()  # far from linear
    loss = panel.landscape.loss
    floor = loss.min() + 0.1 * np.ptp(loss)  # the lowest tenth of the landscape's range
    assert ((levels > loss.min()) & (levels < floor)).sum() >= 3


def test_start_and_end_show_on_the_landscape_under_them(drawn):
    figure, fig = drawn
    (panel,) = figure.panels
    ax = next(ax for ax in fig.axes if ax.get_label() != "<colorbar>")
    for label in (START_LABEL, END_LABEL):
        (mark,) = [line for line in ax.get_lines() if line.get_label() == label]
        x, y = mark.get_xdata()[0], mark.get_ydata()[0]
        under = luminance(band_color(panel, x, y))
        contrasts = [abs(luminance(mark.get_markerfacecolor()) - under),
                     abs(luminance(mark.get_markeredgecolor()) - under)]
        assert max(contrasts) >= MIN_CONTRAST, (label, contrasts)
        # and on both themes' backgrounds, where a legend shows it
        for background in ("#1f1f1f", "#ffffff"):
            assert max(abs(luminance(mark.get_markerfacecolor()) - luminance(background)),
                       abs(luminance(mark.get_markeredgecolor()) - luminance(background))) >= 0.7


def test_the_steps_coloured_by_the_bias_show_on_the_valley_floor(drawn):
    """The article's 'Blues' ends in navy, lost on the dark floor of the valley where the last steps are."""
    figure, _ = drawn
    (panel,) = figure.panels
    (trail,) = panel.trails
    marks = np.asarray(trail.marks)
    colours = matplotlib.colormaps[trail.marks_cmap]((marks - marks.min()) / np.ptp(marks))
    contrast = [abs(luminance(c[:3]) - luminance(band_color(panel, x, y)[:3]))
                for c, x, y in zip(colours, trail.x, trail.y)]
    assert np.mean(contrast) >= 0.3 and np.mean(contrast[-10:]) >= MIN_CONTRAST


def test_the_description_states_the_slices_bias(experiment, drawn):
    figure, _ = drawn
    stated = f"b = {experiment.history[-1, 2]:.2f}"
    assert f"slice at the final bias {stated}" in figure.description
    assert stated in figure.panels[0].title


@pytest.fixture(scope="module")
def race(experiment):
    return OptimizerRace(experiment)


@pytest.fixture(scope="module")
def race_drawn(race):
    figure = race.figure()
    with theme_context("light"):
        fig = draw_figure(figure)
        FigureCanvasAgg(fig).draw()  # the layout done, as when saved
    return figure, fig


def test_the_race_contour_has_a_colour_bar_and_a_start_mark(race, race_drawn):
    figure, fig = race_drawn
    contour = next(p for p in figure.panels if isinstance(p, Contour))
    assert contour.colorbar and contour.ends
    assert [ax.get_ylabel() for ax in fig.axes if ax.get_label() == "<colorbar>"] == ["log loss"]
    ax = fig.axes[0]
    (start,) = [line for line in ax.get_lines() if line.get_label() == START_LABEL]
    first = next(iter(race.histories.values()))[0]
    assert (start.get_xdata()[0], start.get_ydata()[0]) == (first[0], first[1])


def test_the_race_losses_are_named_at_their_ends_apart(race, race_drawn):
    figure, fig = race_drawn
    curves = next(p for p in figure.panels if isinstance(p, Curves))
    assert curves.end_labels
    ax = next(ax for ax in fig.axes if ax.get_label() != "<colorbar>" and ax.get_xlabel() == "iteration")
    assert ax.get_legend() is None and not fig.legends
    texts = [text for text in ax.texts if text.get_text()]
    assert sorted(t.get_text() for t in texts) == sorted(race.histories)
    renderer = fig.canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in texts]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    panel = ax.get_window_extent(renderer)
    for box in boxes:  # inside the panel, so that the figure's layout keeps them
        assert panel.x0 <= box.x0 and box.x1 <= panel.x1 + 1 and panel.y0 <= box.y0 and box.y1 <= panel.y1


def test_the_race_landscape_covers_every_trail_and_fits_them(race):
    rows = np.vstack(list(race.histories.values()))
    (x_low, x_high), (y_low, y_high) = race.extent.x, race.extent.y
    assert x_low <= rows[:, 0].min() and rows[:, 0].max() <= x_high
    assert y_low <= rows[:, 1].min() and rows[:, 1].max() <= y_high
    shares = [np.ptp(rows[:, 0]) / (x_high - x_low), np.ptp(rows[:, 1]) / (y_high - y_low)]
    assert min(shares) >= 0.6 and shares[0] * shares[1] >= 0.4, shares
    landscape = race.descent.landscape
    assert (landscape.x[0], landscape.x[-1], landscape.y[0], landscape.y[-1]) == (x_low, x_high, y_low, y_high)


def test_spread_moves_close_labels_apart_by_the_gap_and_keeps_far_ones():
    assert spread([0.1, 0.5, 0.9], 0.1) == pytest.approx([0.1, 0.5, 0.9])
    placed = spread([0.5, 0.5, 0.5], 0.1)
    assert placed == pytest.approx([0.4, 0.5, 0.6])
    placed = spread([0.0, 0.01, 0.02, 0.9], 0.1, low=0.03)
    assert np.all(np.diff(placed) >= 0.1 - 1e-12) and placed[0] >= 0.03 and placed[-1] == pytest.approx(0.9)
