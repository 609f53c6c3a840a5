"""The optimizers on the article's landscapes: their data, their records, and a seventh one for free."""

import csv
import re
import json
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner

import scenes.beyond as beyond
from render.cli import main
from render.spec import Animation, Contour, Curves, Figure, Surface
from scenes import SceneContext
from scenes.neuron import Parameters, log_loss
from scenes.normalization import NormalizationExperiment
from scenes.optimizers import OPTIMIZERS, Optimizer

NAMES = [optimizer.name for optimizer in OPTIMIZERS]


@pytest.fixture(scope="module")
def race():
    return beyond.OptimizerRace(NormalizationExperiment(SceneContext(grid_size=20), "compressed", 10.0))


def test_every_row_holds_the_true_loss_at_its_parameters(race):
    table = race.table()
    assert table.columns == ("optimizer", "W0", "W1", "b", "i", "loss")
    X, y = race.experiment.data.X, race.experiment.data.y
    for name, row in zip(table.row_labels, table.rows):
        params = Parameters(W=row[:2].reshape(2, 1), b=row[2:3])
        assert row[4] == pytest.approx(log_loss(X, y, params), rel=1e-12), name
    starts = table.rows[table.rows[:, 3] == 0]
    assert len(starts) == len(NAMES) and (starts == starts[0]).all()  # one start, the article's
    np.testing.assert_array_equal(starts[0, :2], [-7.5, 7.5])


def test_gradient_descent_is_the_article_s(race):
    np.testing.assert_array_equal(race.histories["gradient descent"], race.experiment.history)


def test_the_outputs_show_every_trail(race):
    animation, figure, surface = race.animation(), race.figure(), race.surface()
    assert isinstance(animation, Animation) and isinstance(figure, Figure) and isinstance(surface, Surface)
    for descent in (animation.views[0], surface.view):
        assert [t.label for t in descent.trails] == NAMES
        assert len({t.color for t in descent.trails}) == len(NAMES)
    contour, curves = figure.panels
    assert isinstance(contour, Contour) and isinstance(curves, Curves)
    assert [t.label for t in contour.trails] == [line.label for line in curves.lines] == NAMES
    assert curves.yscale == "log" and animation.views[0].loss_scale == "log"


def test_a_seventh_optimizer_is_one_entry(monkeypatch, race):
    seventh = Optimizer("Adam, slower", "adam", lr=0.1, color="#999999")
    monkeypatch.setattr(beyond, "OPTIMIZERS", (*OPTIMIZERS, seventh))
    race = beyond.OptimizerRace(race.experiment)
    assert [t.label for t in race.animation().views[0].trails][-1] == "Adam, slower"
    assert "Adam, slower" in race.parameters["optimizers"]
    assert "7 optimizers" in beyond.captions("compressed")["figure"]


def test_rendered_data_and_manifest(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["optimizers-contour-normalized", "--out", str(out), "--grid-size", "20"])
    assert result.exit_code == 0, result.output
    with open(out / "data" / "optimizers-contour-normalized.csv", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["optimizer", "W0", "W1", "b", "i", "loss"]
    assert [r[0] for r in rows[1:]][::101] == NAMES and len(rows) == 1 + 101 * len(NAMES)
    record = next(o for o in json.loads((out / "manifest.json").read_text())["outputs"]
                  if o["name"] == "optimizers-contour-normalized")
    assert record["parameters"]["optimizers"] == {o.name: o.record() for o in OPTIMIZERS}
    assert record["parameters"]["second_feature_scale"] == 1.0
    assert record["parameters"]["optimizers"]["Adam"] == {"algorithm": "adam", "lr": 0.3, "betas": [0.9, 0.999],
                                                          "eps": 1e-8}


def test_an_optimizer_record_is_what_its_algorithm_uses():
    momentum = next(o for o in OPTIMIZERS if o.name == "momentum")
    assert momentum.record() == {"algorithm": "sgd", "lr": 0.06, "momentum": 0.9, "nesterov": False}
    assert replace(momentum, momentum=0.0).record()["momentum"] == 0.0


def test_the_race_is_captioned_ranking_every_optimizer_by_its_loss(race):
    from render.video import caption_problem

    captions = race.animation().captions
    assert caption_problem(captions, len(race.experiment.history)) is None
    for caption in captions:
        ranked = re.search(r"lowest first: (.*?)\. Going back up", caption.text).group(1)
        named = [re.fullmatch(r"(.+) \S+", part).group(1) for part in ranked.split(", ")]
        at = {name: rows[caption.last, 4] for name, rows in race.histories.items()}
        assert named == sorted(at, key=at.get), caption.text  # every optimizer, lowest loss first
        for name, rows in race.histories.items():
            rises = int((np.diff(rows[caption.first: caption.last + 1, 4]) > 0).sum())
            assert (f"{name} {rises} times" in caption.text or f"{name} once" in caption.text) == (rises > 0)
