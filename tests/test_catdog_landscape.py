"""The cat/dog neuron's landscape on planes through its parameters: its path, its honesty, its outputs."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scenes.catdog import LEARNING_RATE, N_ITER, CatDogScene
from scenes.catdog_landscape import CatDogLandscape, neuron_model
from scenes.context import SceneContext
from scenes.neuron import log_loss
from scenes.training import parameters_along
from tests.conftest import write_catdog

NAMES = ("catdog-landscape", "catdog-landscape-surface", "catdog-landscape-descent", "catdog-landscape-random")


@pytest.fixture(scope="module")
def landscape(tmp_path_factory) -> CatDogLandscape:
    data = write_catdog(tmp_path_factory.mktemp("catdog") / "datasets", n_train=40, n_test=16, side=8)
    return CatDogLandscape(CatDogScene(SceneContext(data_dir=data, grid_size=12)))


def test_the_trajectory_is_the_training_s_own(landscape):
    """Each snapshot, rebuilt from the residual sums the training kept, has the loss the training recorded."""
    scene = landscape.scene
    X, _ = scene.data.flattened()
    snapshots = parameters_along(scene.curves, X, scene.start, LEARNING_RATE)
    assert snapshots.shape == (N_ITER // 10 + 1, X.shape[1] + 1)
    y = scene.data.train.labels
    for row in (0, 1, 57, N_ITER // 10 - 1):
        params = type(scene.start)(W=snapshots[row, :-1, None], b=snapshots[row, -1:])
        assert log_loss(X, y, params) == pytest.approx(scene.curves.train_loss[row], rel=1e-9)
    np.testing.assert_array_equal(snapshots[-1, :-1], scene.curves.params.W.ravel())
    np.testing.assert_array_equal(landscape.iterations[[0, 1, -1]], [0, 10, N_ITER])


@pytest.mark.parametrize("kind", ["principal", "random"])
def test_each_plane_is_honest_about_the_path(landscape, kind):
    plane = landscape.principal_slice if kind == "principal" else landscape.random_slice
    seen = plane.seen
    # The trained neuron is the plane's origin, on it, with the loss the plane gives there.
    assert (abs(seen.alpha[-1]), abs(seen.beta[-1]), seen.distance[-1]) == (0.0, 0.0, 0.0)
    assert plane.plane_loss[-1] == pytest.approx(landscape.true_loss[-1], rel=1e-12)
    # A snapshot's plane loss is the model's loss at its projection, evaluated independently.
    X, y = landscape.split("train")
    logits, loss_of_logits = neuron_model(X, y)
    k = len(seen.alpha) // 3
    at = landscape.trained + seen.alpha[k] * plane.directions.first + seen.beta[k] * plane.directions.second
    assert plane.plane_loss[k] == pytest.approx(float(loss_of_logits(logits(at)[:, None])[0]), rel=1e-12)
    # The grid covers the extent it claims, train and test on it.
    assert plane.losses["train"].shape == plane.losses["test"].shape == (12, 12)
    assert (plane.alphas[0], plane.alphas[-1]) == plane.extent.x and (plane.betas[0], plane.betas[-1]) == plane.extent.y
    if kind == "principal":  # the whole path is on the picture
        assert plane.extent.x[0] < seen.alpha.min() and seen.alpha.max() < plane.extent.x[1]
        assert plane.extent.y[0] < seen.beta.min() and seen.beta.max() < plane.extent.y[1]
        assert plane.extent.names.parameters[0].startswith("PC1 (")
    else:
        assert plane.directions.seed == landscape.scene.context.seed


def test_the_honesty_panel_starts_at_iteration_0(landscape):
    """A symmetric log axis, linear below the first step: the start, whose true loss is far from the plane's, is
    drawn too."""
    panel = landscape.honesty(landscape.principal_slice)
    assert panel.xscale == "symlog"
    for line in panel.lines:
        np.testing.assert_array_equal(line.x, landscape.iterations)
    np.testing.assert_array_equal(panel.lines[0].y, landscape.true_loss)


def test_the_surface_shows_the_train_loss_and_a_button_away_the_test_loss(landscape):
    surface = landscape.surface()
    plane = landscape.principal_slice
    (test,) = surface.others
    assert (surface.view.title, test.title) == ("train loss", "test loss")
    assert (surface.view.landscape.names.loss, test.landscape.names.loss) == ("train loss", "test loss")
    np.testing.assert_array_equal(test.landscape.loss, plane.losses["test"])
    (trail,), (test_trail,) = surface.view.trails, test.trails
    np.testing.assert_array_equal(test_trail.x, trail.x)
    # The test loss the training recorded at each snapshot, and at the end the trained neuron's.
    np.testing.assert_array_equal(test_trail.loss[:-1], landscape.scene.curves.test_loss)
    X, y = landscape.split("test")
    logits, loss_of_logits = neuron_model(X, y)
    assert test_trail.loss[-1] == pytest.approx(float(loss_of_logits(logits(landscape.trained)[:, None])[0]))
    assert plane.under["test"][-1] == pytest.approx(test_trail.loss[-1], rel=1e-12)  # the origin is on the plane
    path, grid = surface.tables[""], surface.tables["grid"]
    assert path.columns == ("iteration", "alpha", "beta", "distance_from_plane", "train_loss", "plane_train_loss",
                            "test_loss", "plane_test_loss")
    np.testing.assert_array_equal(path.rows[:, 6], test_trail.loss)
    np.testing.assert_array_equal(path.rows[:, 7], plane.under["test"])
    assert grid.columns == ("alpha", "beta", "train_loss", "test_loss")
    assert "test loss is lowest" in surface.description


def test_the_video_shows_log_spaced_iterations_from_the_first_to_the_last(landscape):
    steps = landscape.iterations[landscape.video_steps()]
    assert steps[0] == 0 and steps[-1] == N_ITER
    assert np.all(np.diff(steps) > 0)
    gaps = np.diff(steps[1:])
    assert gaps[0] < 50 and gaps[-1] > 500  # dense early, sparse late: log time


def test_the_four_outputs_render_with_their_data_and_words(tmp_path):
    data = write_catdog(tmp_path / "datasets", n_train=40, n_test=16, side=8)
    out = tmp_path / "out"
    render = Path(sys.executable).with_name("render")
    done = subprocess.run([str(render), *NAMES, "--out", str(out), "--grid-size", "12", "--duration", "1",
                           "--quality", "low", "--formats", "mp4,poster"], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "RENDER_DATA": str(data)})
    assert done.returncode == 0, done.stderr
    path_columns = ["iteration", "alpha", "beta", "distance_from_plane", "train_loss", "plane_train_loss"]
    for name, splits in (("catdog-landscape", ["test_loss", "plane_test_loss"]), ("catdog-landscape-random", [])):
        assert (out / f"{name}.png").is_file()
        with open(out / "data" / f"{name}.csv", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == path_columns + splits  # the test loss where the figure draws it
        assert len(rows) == N_ITER // 10 + 2
        with open(out / "data" / f"{name}-grid.csv", newline="") as handle:
            assert len(list(csv.reader(handle))) == 12 * 12 + 1
    assert (out / "catdog-landscape-descent.mp4").is_file() and (out / "catdog-landscape-descent.vtt").is_file()
    assert (out / "catdog-landscape-surface.html").is_file()
    with open(out / "data" / "catdog-landscape-surface.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-2:] == ["test_loss", "plane_test_loss"] and len(rows) == N_ITER // 10 + 2
    assert (out / "data" / "catdog-landscape-surface-grid.csv").is_file()
    manifest = {entry["name"]: entry for entry in json.loads((out / "manifest.json").read_text())["outputs"]}
    for name in NAMES:
        assert manifest[name]["parameters"]["grid_size"] == 12
        assert "plane" in manifest[name]["alt"].lower()
