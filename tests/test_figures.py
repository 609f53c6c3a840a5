"""Each figure against an expectation that would catch a wrong plot."""

import io

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure as MplFigure

from render.figure import draw_figure, export_figure
from render.files import OutputLayout
from render.theme import theme_context
from scenes import SceneContext, article_outputs
from scenes.catdog import CatDogScene
from scenes.normalization import NormalizationExperiment

matplotlib.use("Agg")


def pixels(fig: MplFigure) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)
    buffer.seek(0)
    return matplotlib.image.imread(buffer)


def assert_same_pixels(ours: MplFigure, reference: MplFigure) -> None:
    a, b = pixels(ours), pixels(reference)
    assert a.shape == b.shape
    assert np.abs(a - b).max() < 1e-6


@pytest.fixture
def experiment():
    return NormalizationExperiment(SceneContext(seed=0, grid_size=40), "compressed", 10.0)


def test_contour_figure_matches_the_articles_code_drawn_directly(experiment):
    """The article's path on its contour, in one panel, drawn as matplotlib would be asked for it: levels at 1, 2
    and 5 times powers of ten, the steps coloured by the bias, a ring at the start and a star at the end, the
    loss's colour bar beside it and the bias's under it."""
    from matplotlib import patheffects
    from matplotlib.colors import BoundaryNorm

    from scenes.normalization import BIAS_MARKS_CMAP, round_levels

    s, h = experiment.surface, experiment.history
    levels = round_levels(s.loss)
    assert levels[0] <= s.loss.min() and s.loss.max() <= levels[-1] and 0.5 in levels and 100 in levels
    with theme_context("dark"):
        ours = draw_figure(experiment.contour_figure())
        reference = MplFigure(figsize=experiment.contour_figure().size, dpi=100, layout="constrained")
        ax = reference.subplots(1, 1)
        W11, W22 = np.meshgrid(s.w1, s.w2)  # the article's meshgrids
        magma = matplotlib.colormaps["magma"]
        filled = ax.contourf(W11, W22, s.loss, levels, cmap=magma, norm=BoundaryNorm(levels, magma.N))
        halo = [patheffects.Stroke(linewidth=2.8, foreground="black", alpha=0.5), patheffects.Normal()]
        ax.plot(h[:, 0], h[:, 1], c="C0", zorder=2, path_effects=halo)  # the first series: gradient descent's
        points = ax.scatter(h[:, 0], h[:, 1], c=h[:, 2], cmap=BIAS_MARKS_CMAP, marker="x", zorder=3)
        ax.plot(h[:1, 0], h[:1, 1], ls="none", marker="o", markersize=9, markerfacecolor="white",
                markeredgecolor="black", markeredgewidth=1.6, zorder=4, label="start")
        ax.plot(h[-1:, 0], h[-1:, 1], ls="none", marker="*", markersize=15, markerfacecolor="white",
                markeredgecolor="black", markeredgewidth=1.2, zorder=4, label="end")
        ax.legend(loc="lower left")
        reference.colorbar(filled, ax=ax, label="log loss", ticks=levels[::2], format="{x:.3g}")
        reference.colorbar(points, ax=ax, label="b", location="bottom", shrink=0.6, aspect=30)
        ax.set_xlim(*experiment.extent.x)  # the article's ±15, grown to cover the whole descent
        ax.set_ylim(*experiment.extent.y)
        ax.set(xlabel="W0", ylabel="W1", title=f"at the final bias b = {h[-1, 2]:.2f}")
        assert_same_pixels(ours, reference)


def test_contour_path_is_the_recorded_history(experiment):
    with theme_context("dark"):
        fig = draw_figure(experiment.contour_figure())
    path_axes = fig.axes[0]
    (line,) = [line for line in path_axes.get_lines() if line.get_linestyle() != "None"]
    np.testing.assert_array_equal(line.get_xdata(), experiment.history[:, 0])
    np.testing.assert_array_equal(line.get_ydata(), experiment.history[:, 1])
    (points,) = [c for c in path_axes.collections if isinstance(c, matplotlib.collections.PathCollection)]
    np.testing.assert_array_equal(points.get_array(), experiment.history[:, 2])
    assert path_axes.get_xlim() == experiment.extent.x == (-15.0, 20.0)  # W0 reaches 16.5
    assert path_axes.get_ylim() == experiment.extent.y == (-15.0, 15.0)


def test_a_forced_grid_limit_marks_the_points_beyond_it_at_its_edge():
    from render.edges import BEYOND_LABEL

    forced = NormalizationExperiment(SceneContext(seed=0, grid_size=40, grid_limit=10.0), "compressed", 10.0)
    with theme_context("dark"):
        fig = draw_figure(forced.contour_figure())
    path_axes = fig.axes[0]
    (line,) = [line for line in path_axes.get_lines() if line.get_linestyle() != "None"]
    assert line.get_xdata().max() == 10.0 and line.get_ydata().min() == -10.0  # on the edge, not cut off
    beyond = [c for c in path_axes.collections if c.get_label() == BEYOND_LABEL]
    h = forced.history
    outside = (np.abs(h[:, 0]) > 10) | (np.abs(h[:, 1]) > 10)
    assert len(beyond) == 1 and len(beyond[0].get_offsets()) == outside.sum() > 0
    assert path_axes.get_legend().get_texts()[0].get_text() == BEYOND_LABEL



def test_a_contour_with_two_named_trails_draws_each_and_a_legend_of_both(experiment):
    from matplotlib.colors import to_rgba

    from render.spec import COLUMN, Contour, Figure
    from scenes.training import as_trail

    h = experiment.history
    first = as_trail(h, label="compressed", color="red")
    second = as_trail(h[:60] * [1, -1, 1, 1, 1], label="mirrored", color="cyan")  # across W1 = 0, on the grid
    landscape = experiment.surface.landscape
    with theme_context("dark"):
        fig = draw_figure(Figure(panels=(Contour(landscape, trails=(first, second)),), size=(COLUMN, 3.2)))
    ax, colorbar_ax = fig.axes
    lines = [line for line in ax.get_lines() if line.get_linestyle() != "None"]
    assert [line.get_label() for line in lines] == ["compressed", "mirrored"]
    for line, trail in zip(lines, (first, second)):
        np.testing.assert_array_equal(line.get_xdata(), trail.x)
        np.testing.assert_array_equal(line.get_ydata(), trail.y)
        assert to_rgba(line.get_color()) == to_rgba(trail.color)
    # Without a point colour map, each trail's end is marked in its colour.
    ends = [line for line in ax.get_lines() if line.get_linestyle() == "None"]
    assert [(line.get_xdata().tolist(), line.get_ydata().tolist(), to_rgba(line.get_color())) for line in ends] == [
        ([t.x[-1]], [t.y[-1]], to_rgba(t.color)) for t in (first, second)]
    legend = ax.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == ["compressed", "mirrored"]
    assert colorbar_ax.get_ylabel() == "log loss"  # no trail is coloured by its bias: the bar is the loss's
    assert ax.get_xlim() == experiment.extent.x and ax.get_ylim() == experiment.extent.y


def test_loss_figure_matches_a_direct_plot(experiment):
    h = experiment.history
    with theme_context("dark"):
        ours = draw_figure(experiment.loss_figure())
        reference = MplFigure(figsize=experiment.loss_figure().size, dpi=100, layout="constrained")
        ax = reference.subplots()
        ax.plot(h[:, 3], h[:, 4], c="C6")  # the compressed experiment's loss, wherever it is drawn
        ax.set(xlabel="iteration", ylabel="log loss")
        assert_same_pixels(ours, reference)


def test_blobs_scatter_holds_the_points_and_classes(experiment):
    with theme_context("dark"):
        fig = draw_figure(experiment.blobs_figure())
    (points,) = fig.axes[0].collections
    np.testing.assert_array_equal(points.get_offsets(), experiment.data.X)
    np.testing.assert_array_equal(points.get_array(), experiment.data.y.ravel())


def test_catdog_figures_show_the_data(catdog_dir):
    scene = CatDogScene(SceneContext(data_dir=catdog_dir))
    with theme_context("dark"):
        samples = draw_figure(scene.samples())
        curves = draw_figure(scene.learning_curves())
    indices = scene.samples().tables[""].rows[:, 0].astype(int)
    labels = scene.data.train.labels[indices, 0].astype(int)
    assert [ax.get_title() for ax in samples.axes] == [f"{['cat', 'dog'][k]} ({k})" for k in labels]
    np.testing.assert_array_equal(samples.axes[0].get_images()[0].get_array(), scene.data.train.images[indices[0]])
    loss_axes, accuracy_axes = curves.axes
    assert [line.get_label() for line in loss_axes.get_lines()] == ["train loss", "test loss"]
    np.testing.assert_array_equal(loss_axes.get_lines()[0].get_ydata(), scene.curves.train_loss)
    np.testing.assert_array_equal(accuracy_axes.get_lines()[1].get_ydata(), scene.curves.test_accuracy)
    assert loss_axes.get_lines()[0].get_xdata()[-1] == 9990


@pytest.mark.parametrize("theme, face", [("dark", 0.12), ("light", 1.0)])
def test_theme_sets_the_background(tmp_path, experiment, theme, face):
    layout = OutputLayout(tmp_path, "" if theme == "dark" else "-light")
    paths = [w.path for w in export_figure("loss-compressed", experiment.loss_figure(), layout, theme)]
    png = next(p for p in paths if p.suffix == ".png")
    assert png.name == ("loss-compressed.png" if theme == "dark" else "loss-compressed-light.png")
    image = matplotlib.image.imread(png)
    assert image.shape[:2] == (900, 1400)  # 7 x 4.5 inches (a blog column) at 2 x 100 dpi
    np.testing.assert_allclose(image[2, 2, :3], face, atol=1 / 255)


def test_same_seed_gives_byte_identical_files(tmp_path, catdog_dir):
    def render(directory, seed, only=None):
        layout = OutputLayout(directory)
        context = SceneContext(seed=seed, data_dir=catdog_dir, grid_size=30)
        return {
            p.relative_to(directory): p.read_bytes()
            for output in article_outputs(context) if output.kind == "figure" and only in (None, output.name)
            for p in (w.path for w in export_figure(output.name, output.build(), layout, "dark"))
        }

    first, second = render(tmp_path / "a", 7), render(tmp_path / "b", 7)
    other = render(tmp_path / "c", 8, only="catdog-learning-curves")
    assert first == second
    assert first[next(p for p in first if p.name == "catdog-learning-curves.png")] != \
        other[next(p for p in other if p.name == "catdog-learning-curves.png")]


def test_history_csv_has_the_articles_header(tmp_path, experiment):
    written = export_figure("contour-compressed", experiment.contour_figure(), OutputLayout(tmp_path), "dark")
    csv = tmp_path / "data" / "contour-compressed.csv"
    assert csv in [w.path for w in written]
    assert csv.read_text().splitlines()[0] == "W0,W1,b,i,loss"
    np.testing.assert_array_equal(np.loadtxt(csv, delimiter=",", skiprows=1), experiment.history)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_figures_and_surfaces_share_one_background_per_theme(experiment, theme):
    from matplotlib.colors import to_hex

    from render.surface import surface_figure
    from render.theme import BACKGROUNDS

    with theme_context(theme):
        fig = draw_figure(experiment.loss_figure())
        assert to_hex(fig.get_facecolor()) == to_hex(fig.axes[0].get_facecolor()) == BACKGROUNDS[theme]
    layout = surface_figure(experiment.descent_view(), theme).layout
    assert layout.paper_bgcolor == layout.plot_bgcolor == BACKGROUNDS[theme]


@pytest.mark.parametrize("corner", ["lower left", "lower right", "upper right", "upper left"])
def test_a_landscapes_legend_hides_no_trails_start_or_end(experiment, corner):
    """Wherever a trail starts, the legend goes to a corner clear of its start and end, on a phone's narrow panel
    too (a legend there can span most of the panel's width)."""
    from render.layouts import LAYOUTS
    from render.spec import COLUMN, Contour, Figure, Trail

    landscape = experiment.surface.landscape
    (x_low, x_high), (y_low, y_high) = experiment.extent.x, experiment.extent.y
    x = x_high - 0.05 * (x_high - x_low) if "right" in corner else x_low + 0.05 * (x_high - x_low)
    y = y_high - 0.05 * (y_high - y_low) if "upper" in corner else y_low + 0.05 * (y_high - y_low)
    steps = np.arange(50)
    trail = Trail(np.linspace(x, (x_low + x_high) / 2, 50), np.linspace(y, (y_low + y_high) / 2, 50), steps,
                  np.zeros(50), label="path", color="red")
    figure = Figure(panels=(Contour(landscape, trails=(trail,), ends=True),
                            Contour(landscape, trails=(trail,), ends=True, legend=False)),
                    size=(COLUMN, 6.0), stacked=True)
    for layout in LAYOUTS:  # the column's, and the phone's narrow panels
        with theme_context("dark"):
            fig = draw_figure(figure, layout)
            fig.draw_without_rendering()  # the legend finds its corner when it is drawn
        ax = fig.axes[0]
        box = ax.get_legend().get_window_extent()
        for point in ((trail.x[0], trail.y[0]), (trail.x[-1], trail.y[-1])):
            assert not box.contains(*ax.transData.transform(point)), (layout.name, corner, point)
