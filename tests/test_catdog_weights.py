"""The cat/dog neuron's weights as an image, beside the mean dog minus the mean cat: drawn the right way round."""

import matplotlib
import numpy as np
import pytest

from render.figure import draw_figure, export_figure
from render.files import OutputLayout
from render.spec import Heatmap
from render.theme import theme_context
from scenes import SceneContext, article_outputs
from scenes.catdog import CatDogScene
from scenes.neuron import logits

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    from tests.conftest import write_catdog

    return CatDogScene(SceneContext(data_dir=write_catdog(tmp_path_factory.mktemp("data"))))


@pytest.fixture(scope="module")
def figure(scene):
    return scene.weights()


def test_the_weights_image_is_the_trained_W_reshaped(scene, figure):
    heatmap, change, means = figure.panels
    assert isinstance(heatmap, Heatmap) and isinstance(change, Heatmap) and isinstance(means, Heatmap)
    side = scene.data.train.images.shape[1]
    W = scene.curves.params.W
    assert heatmap.image.shape == (side, side) and W.shape == (side * side, 1)
    np.testing.assert_array_equal(heatmap.image, W.reshape(side, side))
    assert heatmap.center == 0.0 and heatmap.colorbar_label == "weight"


def test_what_training_changed_is_the_weights_minus_their_random_start(scene, figure):
    heatmap, change, _ = figure.panels
    side = heatmap.image.shape[0]
    start = scene.start.W.reshape(side, side)  # the start training began from
    np.testing.assert_array_equal(change.image, heatmap.image - start)
    np.testing.assert_array_equal(figure.tables[""].rows[:, 3], start.ravel())  # the CSV's initial_weight
    assert change.center == 0.0 and change.colorbar_label == "change"


def test_each_weight_sits_on_the_pixel_it_multiplies(scene, figure):
    """The neuron's logits, recomputed pixel by pixel from the drawn weights, are its own: weights[r, c]
    multiplies pixel (r, c) of the image, so the map is neither transposed nor flipped."""
    X_train, _ = scene.data.flattened()
    images = scene.data.train.images
    np.testing.assert_array_equal(X_train[3].reshape(images.shape[1:]), images[3] / float(images.max()))
    weights = figure.panels[0].image
    by_pixel = (images / float(images.max()) * weights).sum(axis=(1, 2)) + scene.curves.params.b[0]
    np.testing.assert_allclose(by_pixel, logits(X_train, scene.curves.params)[:, 0], rtol=1e-12, atol=1e-12)
    assert not np.allclose(weights, weights.T)  # a transposed map would fail the comparison above


def test_one_map_is_the_mean_training_dog_minus_the_mean_cat(scene, figure):
    difference = figure.panels[2]
    assert difference.title == "mean dog − mean cat" and difference.center == 0.0
    images, labels = scene.data.train.images, scene.data.train.labels[:, 0]
    cat, dog = images[labels == 0].mean(axis=0), images[labels == 1].mean(axis=0)
    np.testing.assert_allclose(difference.image, dog - cat)
    table = figure.tables[""]
    assert table.columns == ("row", "col", "weight", "initial_weight", "mean_cat", "mean_dog")
    rows, cols = table.rows[:, 0].astype(int), table.rows[:, 1].astype(int)
    np.testing.assert_array_equal(table.rows[:, 2], figure.panels[0].image[rows, cols])
    np.testing.assert_array_equal(table.rows[:, 4], cat[rows, cols])
    np.testing.assert_array_equal(table.rows[:, 5], dog[rows, cols])


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_colour_limits_are_symmetric_around_zero(figure, theme):
    with theme_context(theme):
        fig = draw_figure(figure)
    shown = [image for ax in fig.axes for image in ax.get_images() if image.get_cmap().name == "RdBu_r"]
    assert len(shown) == 3
    for image, heatmap in zip(shown, figure.panels):
        low, high = image.get_clim()
        assert low == -high == -np.abs(heatmap.image).max()
        np.testing.assert_array_equal(image.get_array(), heatmap.image)
    assert [ax.get_xlabel() for ax in fig.axes if ax.get_xlabel()] == ["weight", "change", "grey levels"]
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == [
        "trained weights", "what training changed", "mean dog − mean cat"]


def test_the_description_gives_the_real_numbers(scene, figure):
    weights = figure.panels[0].image
    r, c = np.unravel_index(weights.argmax(), weights.shape)
    for number in (f"{weights.min():.2f}", f"{weights.max():.2f}", f"{(weights > 0).mean():.0%}",
                   f"row {r}, column {c}", f"{weights.size:,} weights"):
        assert number in figure.description, number
    assert "12 training dogs minus the mean of the 12 cats" in figure.description
    change = figure.panels[1].image
    assert f"from {change.min():.2f} to {change.max():.2f}" in figure.description


def test_it_renders_with_its_csv(tmp_path, scene):
    output = {o.name: o for o in article_outputs(scene.context)}["catdog-weights"]
    assert output.kind == "figure" and output.unavailable() is None
    assert set(output.inputs()) == set(scene.input_files())
    written = export_figure(output.name, output.build(), OutputLayout(tmp_path), "dark")
    assert {(w.path.relative_to(tmp_path).as_posix(), w.role) for w in written} == {
        ("catdog-weights.png", "png"), ("catdog-weights@1x.png", "png1x"), ("catdog-weights.svg", "svg"),
        ("catdog-weights-phone.png", "phone-png"), ("catdog-weights-phone@1x.png", "phone-png1x"),
        ("catdog-weights.webp", "webp"), ("catdog-weights@1x.webp", "webp1x"),
        ("catdog-weights-phone.webp", "phone-webp"), ("catdog-weights-phone@1x.webp", "phone-webp1x"),
        ("data/catdog-weights.csv", "data")}
    assert matplotlib.image.imread(tmp_path / "catdog-weights@1x.png").shape[1] == 700
    assert matplotlib.image.imread(tmp_path / "catdog-weights-phone@1x.png").shape[1] == 390
    csv = tmp_path / "data" / "catdog-weights.csv"
    assert csv.read_text().splitlines()[0] == "row,col,weight,initial_weight,mean_cat,mean_dog"
    assert len(np.loadtxt(csv, delimiter=",", skiprows=1)) == scene.data.train.images[0].size


def test_without_the_dataset_it_is_unavailable(tmp_path):
    output = {o.name: o for o in article_outputs(SceneContext(data_dir=tmp_path))}["catdog-weights"]
    reason = output.unavailable()
    assert reason is not None and "trainset.hdf5 and testset.hdf5" in reason and str(tmp_path) in reason
