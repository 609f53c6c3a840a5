import tracemalloc

import numpy as np
import pytest

import scenes.landscape as landscape
from scenes.data import blobs
from scenes.neuron import Parameters, log_loss


def test_surface_is_the_loss_at_each_grid_point():
    data = blobs(10.0)
    surface = landscape.loss_surface(data.X, data.y, b=0.7, lim=15, h=7)
    assert surface.loss.shape == (7, 7)
    W11, W22 = np.meshgrid(surface.w1, surface.w2)  # the article's meshgrids (xy indexing)
    for j in (0, 3, 6):
        for k in (0, 2, 5):
            W = np.array([[W11[j, k]], [W22[j, k]]])
            assert surface.loss[j, k] == pytest.approx(log_loss(data.X, data.y, Parameters(W, np.array([0.7]))))


def test_article_grid_matches_the_articles_formula_without_its_overflow():
    data = blobs(1.0)
    surface = landscape.loss_surface(data.X, data.y, b=0.2)
    W11, W22 = np.meshgrid(surface.w1, surface.w2)  # the article's meshgrids (xy indexing)
    W_final = np.c_[W11.ravel(), W22.ravel()].T
    Z = data.X @ W_final + 0.2
    reference = (np.logaddexp(0, Z) - data.y * Z).mean(axis=0).reshape(W11.shape)
    np.testing.assert_allclose(surface.loss, reference, rtol=1e-12)



def test_the_landscape_is_the_surface_by_its_axes():
    """``loss[j, k]`` is at ``(w1[k], w2[j])``: the engine's ``Landscape(x, y, loss)`` with ``x`` the W0 axis, in
    the article's words."""
    data = blobs(10.0)
    surface = landscape.loss_surface(data.X, data.y, b=0.7, lim=15, h=7)
    drawn = surface.landscape
    np.testing.assert_array_equal(drawn.x, surface.w1)
    np.testing.assert_array_equal(drawn.y, surface.w2)
    np.testing.assert_array_equal(drawn.loss, surface.loss)
    assert (drawn.names.parameters, drawn.names.loss) == (("W0", "W1"), "log loss")
    assert drawn.x.shape == drawn.y.shape == (7,) and drawn.loss.shape == (len(drawn.y), len(drawn.x))


def test_blocks_give_the_same_surface(monkeypatch):
    data = blobs(10.0)
    whole = landscape.loss_surface(data.X, data.y, b=0.1, h=50)
    monkeypatch.setattr(landscape, "BLOCK_BYTES", 8 * 100 * 50 * 3)  # three rows per block
    np.testing.assert_array_equal(landscape.loss_surface(data.X, data.y, b=0.1, h=50).loss, whole.loss)


def test_fine_grid_memory_is_bounded(monkeypatch):
    data = blobs(10.0)
    monkeypatch.setattr(landscape, "BLOCK_BYTES", 4 * 2**20)
    tracemalloc.start()
    surface = landscape.loss_surface(data.X, data.y, b=0.1, h=800)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # The article's single array would be 100 x 800² doubles = 512 MB.
    assert surface.loss.shape == (800, 800)
    assert peak < 64 * 2**20


@pytest.mark.parametrize("h, lim", [(1, 15.0), (10, 0.0)])
def test_bad_grid_is_refused(h, lim):
    data = blobs(1.0)
    with pytest.raises(ValueError):
        landscape.loss_surface(data.X, data.y, b=0.0, lim=lim, h=h)


def test_the_extent_covers_the_descent_on_round_numbers_and_at_least_the_articles():
    from scenes.landscape import covering_extent

    extent = covering_extent(np.array([-7.5, 16.46]), np.array([7.5, -12.7]), minimum=15, step=5, margin=1)
    assert (extent.x, extent.y) == ((-15, 20), (-15, 15))
    assert covering_extent(np.array([0.0]), np.array([0.0]), 15, 5, 1).x == (-15, 15)
    assert extent.record() == {"W0": [-15.0, 20.0], "W1": [-15.0, 15.0]}  # the manifest's keys: the article's


def test_every_landscape_output_records_the_extent_it_drew(tmp_path):
    import json

    from click.testing import CliRunner

    from render.cli import main

    names = ["contour-compressed", "descent-compressed", "surface-compressed", "descent-comparison"]
    args = [*names, "--out", str(tmp_path), "--grid-size", "12", "--duration", "0.5", "--formats", "mp4",
            "--image-formats", "", "--jobs", "1"]
    assert CliRunner().invoke(main, args, env={"RENDER_DATA": None}).exit_code == 0
    extents = {o["name"]: o["extent"] for o in json.loads((tmp_path / "manifest.json").read_text())["outputs"]}
    covering = {"W0": [-15.0, 20.0], "W1": [-15.0, 15.0]}  # the compressed descent reaches W0 = 16.46
    assert extents == {name: covering for name in names}
    forced = CliRunner().invoke(main, [*args[:1], *args[4:], "--grid-limit", "10"], env={"RENDER_DATA": None})
    assert forced.exit_code == 0, forced.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert next(o for o in manifest["outputs"] if o["name"] == "contour-compressed")["extent"] == {
        "W0": [-10.0, 10.0], "W1": [-10.0, 10.0]}
