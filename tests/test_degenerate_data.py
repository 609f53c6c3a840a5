"""Degenerate inputs are refused in one line or drawn truthfully, never published as NaN.

A training set of one class (or of one image), a landscape too narrow to
draw, and any floating-point error NumPy would only warn about: each fails
its output with a line that says what was wrong and how to fix it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest
from click.testing import CliRunner

from render.cli import main
from render.keys import declaring_module
from render.post import OK, WARN
from scenes import SceneContext, article_outputs
from scenes.context import MIN_GRID_LIMIT, LandscapeError
from scenes.data import DatasetError, dataset_check
from scenes.normalization import NormalizationExperiment
from scenes.strict import strict_numpy
from tests.conftest import write_catdog

NEURON_OUTPUTS = ("catdog-learning-curves", "catdog-weights")  # the outputs that train on both classes
SCENE_MODULES = {"scenes.catdog", "scenes.catdog_landscape", "scenes.normalization", "scenes.comparison", "scenes.beyond"}


def keep_training_images(directory: Path, labels: list[float]) -> Path:
    """Rewrite ``trainset.hdf5`` in ``directory`` to its first ``len(labels)`` images, labelled ``labels``."""
    path = directory / "trainset.hdf5"
    with h5py.File(path, "r") as store:
        images = np.asarray(store["X_train"])[: len(labels)]
    with h5py.File(path, "w") as store:
        store["X_train"] = images
        store["Y_train"] = np.array(labels).reshape(-1, 1)
    return path


ONE_CLASS = {  # what the training set holds, and how the line says it
    "only cats": ([0.0] * 24, "holds 24 cats (label 0) and no dog (label 1)"),
    "one image": ([1.0], "holds 1 dog (label 1) and no cat (label 0)"),
}


def output_named(context: SceneContext, name: str):
    return next(output for output in article_outputs(context) if output.name == name)


@pytest.mark.parametrize("case", ONE_CLASS)
def test_a_training_set_of_one_class_fails_the_neurons_outputs_in_one_line(tmp_path, case):
    labels, held = ONE_CLASS[case]
    data = write_catdog(tmp_path / "datasets")
    train = keep_training_images(data, labels)
    result = CliRunner().invoke(main, [*NEURON_OUTPUTS, "catdog-samples", "--data", str(data),
                                       "--out", str(tmp_path / "out"), "--jobs", "1"], env={"RENDER_DATA": None})
    assert result.exit_code == 1, result.output
    errors = [line.partition("] ")[2] for line in result.output.splitlines() if "] error:" in line]
    assert errors == [f"error: {name}: needs both cats and dogs in the training set, to learn to tell them apart; "
                      f"{train} {held}: use the article's trainset.hdf5" for name in NEURON_OUTPUTS]
    assert "nan" not in result.output and "Warning" not in result.output
    assert not any((tmp_path / "out" / f"{name}.png").exists() for name in NEURON_OUTPUTS)
    assert (tmp_path / "out" / "catdog-samples.png").is_file()  # the images themselves are drawn truthfully


def test_the_doctor_warns_of_a_training_set_of_one_class(tmp_path):
    data = write_catdog(tmp_path / "datasets")
    assert dataset_check(data).status == OK
    train = keep_training_images(data, [0.0] * 5)
    check = dataset_check(data)
    assert (check.status, check.detail) == (WARN, f"{train} holds 5 cats (label 0) and no dog (label 1): the neuron's "
                                                  "learning curves and weights will fail, they need both cats and "
                                                  "dogs to train on")


def test_a_training_set_of_both_classes_however_small_is_drawn(tmp_path):
    data = write_catdog(tmp_path / "datasets")
    keep_training_images(data, [0.0, 1.0])
    figure = output_named(SceneContext(data_dir=data), "catdog-weights").build()
    assert "nan" not in figure.alt + figure.description and np.isfinite(figure.tables[""].rows).all()


def test_a_grid_limit_too_narrow_to_draw_is_refused_when_the_options_are_read(tmp_path):
    result = CliRunner().invoke(main, ["contour-compressed", "--grid-limit", "1e-9", "--out", str(tmp_path)],
                                env={"RENDER_DATA": None})
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "error: Invalid value for '--grid-limit': 1e-09 is not in the range 0.1<=x<=1000 (see 'render all --help')"]
    assert not (tmp_path / "contour-compressed.png").exists()


def test_a_flat_landscape_is_refused_by_the_scene_that_would_draw_it():
    """The same rule for a context made in code, which no option parser reads: a loss that does not change
    over the landscape is not drawn as one flat colour with the alt text "from 4.46 to 4.46"."""
    context = SceneContext(grid_size=10, grid_limit=1e-9)
    for name in ("contour-compressed", "descent-normalized", "optimizers-surface-compressed"):
        with pytest.raises(LandscapeError, match=r"^the loss over W0 and W1 from -1e-09 to 1e-09 changes by less "
                                                 r"than a thousandth \((4\.46 to 4\.46|1\.51 to 1\.51)\): too narrow "
                                                 r"a landscape to draw; pass --grid-limit 0\.1 or more, or none to "
                                                 r"cover the descent$"):
            output_named(context, name).build()


@pytest.mark.parametrize("variant, scale", [("compressed", 10.0), ("normalized", 1.0)])
def test_the_narrowest_grid_limit_allowed_draws_a_loss_that_changes(variant, scale):
    experiment = NormalizationExperiment(SceneContext(grid_size=20, grid_limit=MIN_GRID_LIMIT), variant, scale)
    loss = experiment.surface.loss
    assert loss.max() - loss.min() > 0.25 * loss.max()  # a quarter or more, as MIN_GRID_LIMIT says


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # as a render runs: NumPy's warnings only printed
def test_a_nan_no_check_foresaw_fails_the_output_instead_of_being_published(tmp_path, monkeypatch):
    """With the one-class check out of the way, the mean dog of no dogs is 0/0: NumPy would warn and draw NaN;
    inside a build of the article it raises."""
    data = write_catdog(tmp_path / "datasets")
    keep_training_images(data, [0.0] * 6)
    monkeypatch.setattr("scenes.catdog.one_class_only", lambda train, path: None)
    with pytest.raises((FloatingPointError, RuntimeWarning)):
        output_named(SceneContext(data_dir=data), "catdog-weights").build()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_strict_builds_raise_on_floating_point_errors_and_leave_underflow_alone():
    assert strict_numpy(lambda: np.exp(np.array([-1000.0])))()[0] == 0.0  # a probability rounding to 0
    for nan_maker in (lambda: np.array([0.0]) / 0.0, lambda: np.exp(np.array([1000.0])),
                      lambda: np.array([]).mean()):
        with pytest.raises((FloatingPointError, RuntimeWarning)):
            strict_numpy(nan_maker)()
    filters = list(warnings.filters)
    strict_numpy(lambda: None)()
    assert warnings.filters == filters  # nothing of the strictness outlives the build


def test_every_output_of_the_article_builds_strictly_and_keeps_its_scenes_code_as_its_key(catdog_dir):
    """Sound data builds without a floating-point error anywhere; the guard around each build leaves the
    engine finding the scene module an output's rebuild key is read from."""
    for output in article_outputs(SceneContext(data_dir=catdog_dir, grid_size=12)):
        assert declaring_module(output) in SCENE_MODULES, output.name
        content = output.build()
        words = content.alt + content.description
        assert "nan" not in words and "inf " not in words, output.name


def test_a_training_set_of_one_class_is_refused_by_the_scene_too(tmp_path):
    data = write_catdog(tmp_path / "datasets")
    keep_training_images(data, [1.0] * 3)
    for name in NEURON_OUTPUTS:
        with pytest.raises(DatasetError, match=r"holds 3 dogs \(label 1\) and no cat \(label 0\)"):
            output_named(SceneContext(data_dir=data), name).build()
