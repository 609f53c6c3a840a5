"""Race, the common case: the landscape covers the trails that settle, a divergent one is cut where it leaves,
levels follow the loss, and every word is the post's."""

from __future__ import annotations

import json

import numpy as np
import pytest

from render.optimizers import Optimizer
from render.pipeline import render_all
from render.post import Context
from render.race import Race, RaceRun
from render.settings import RenderSettings, SurfaceSettings, VideoSettings
from render.spec import Animation, Figure, Names, Surface

SLOPE_NAMES = Names(("slope", "intercept"), loss="MSE")
X = np.linspace(0.0, 3.0, 20)
Y = 2.0 * X + 1.0


def mse(slope, intercept):
    return ((slope[..., None] * X + intercept[..., None] - Y) ** 2).mean(axis=-1)


def race(**changes) -> Race:
    settings = dict(name="lr", title="linear regression", loss=mse, start=(-1.0, 4.0), steps=40,
                    optimizers=(Optimizer("small", "sgd", lr=0.01), Optimizer("right", "sgd", lr=0.2),
                                Optimizer("large", "sgd", lr=0.35)),
                    names=SLOPE_NAMES)
    return Race(**{**settings, **changes})


def test_three_outputs_named_after_the_race_and_their_kinds():
    outputs = race().outputs(Context(grid_size=20))
    assert [(o.name, o.kind) for o in outputs] == [("lr-contour", "figure"), ("lr-race", "video"),
                                                   ("lr-surface", "surface")]
    assert isinstance(outputs[0].build(), Figure) and isinstance(outputs[1].build(), Animation)
    assert isinstance(outputs[2].build(), Surface)


def test_central_differences_match_the_gradient_of_the_mse():
    run = RaceRun(race(), 20)
    loss, gradient = run.loss_and_gradient(np.array([0.5, -1.0]))
    residuals = 0.5 * X - 1.0 - Y
    assert loss == pytest.approx((residuals ** 2).mean())
    np.testing.assert_allclose(gradient, [2 * (residuals * X).mean(), 2 * residuals.mean()], rtol=1e-6)


def test_the_landscape_covers_settled_trails_and_a_divergent_one_is_cut_where_it_leaves():
    run = RaceRun(race(), 20)
    (x_low, x_high), (y_low, y_high) = run.extent.x, run.extent.y
    settled = [run.rows["small"], run.rows["right"]]
    for rows in settled:
        assert (x_low <= rows[:, 0]).all() and (rows[:, 0] <= x_high).all()
        assert (y_low <= rows[:, 1]).all() and (rows[:, 1] <= y_high).all()
    large = run.rows["large"]
    assert abs(large[-1, :2]).max() > 100 * max(x_high - x_low, y_high - y_low)  # it does diverge
    leaves = run.left["large"]
    assert leaves is not None and run.left["small"] is None and run.left["right"] is None
    shown = next(t for t in run.trails if t.label == "large")
    assert len(shown.x) == leaves + 1  # drawn up to its first point beyond the landscape, no further
    # The loss axis is not stretched by the divergence: its largest loss is the one where it leaves.
    assert max(t.loss.max() for t in run.trails) == pytest.approx(max(large[leaves, 3], run.rows["small"][0, 3]))


def test_a_quadratic_loss_gets_log_spaced_levels_and_a_log_loss_axis():
    run = RaceRun(race(), 30)
    levels = np.asarray(run.levels)
    assert levels.ndim == 1 and len(levels) > 10
    ratios = levels[2:] / levels[1:-1]
    np.testing.assert_allclose(ratios, ratios[0])  # evenly spaced on a log scale (the first holds the floor)
    assert run.descent.loss_scale == "log"
    assert race(levels=7).outputs(Context(grid_size=10))[0].build().panels[0].levels == 7


def test_alt_description_and_captions_use_the_posts_words_and_say_where_a_trail_leaves():
    run = RaceRun(race(), 20)
    figure, captions = run.figure(), run.animation().captions
    text = figure.alt + figure.description + " ".join(c.text for c in captions)
    for word in ("slope", "intercept", "MSE"):
        assert word in text
    for word in ("W0", "W1", "log loss", "weights"):
        assert word not in text
    leaves = run.left["large"]
    assert f"large leaves the landscape at iteration {leaves}" in figure.description
    assert figure.alt.endswith("1 leaves the landscape")
    assert sum(f"large at iteration {leaves}" in c.text for c in captions) == 1


def test_the_alt_is_short_and_leads_with_the_point_the_ranges_in_the_description():
    from render.words import ALT_LENGTH

    run = RaceRun(race(), 20)
    for content in (run.figure(), run.animation(), run.surface()):
        assert len(content.alt) <= ALT_LENGTH, content.alt
        assert content.alt.startswith("Of 3 descents from one start, right ends lowest (MSE"), content.alt
        assert "from -" not in content.alt and "ranging" not in content.alt
        assert "ranging from" in content.description and len(content.description) > len(content.alt)


def test_the_csv_header_is_the_posts(tmp_path):
    outputs = race().outputs(Context(grid_size=12))
    settings = RenderSettings(out_dir=tmp_path, video=VideoSettings(formats=("poster",)),
                              surface=SurfaceSettings(image_formats=()))
    outcomes = render_all(outputs, settings)
    assert [o.status for o in outcomes] == ["rendered"] * 3, [o.message for o in outcomes]
    assert (tmp_path / "data" / "lr-contour.csv").read_text().splitlines()[0] == \
        "optimizer,slope,intercept,iteration,MSE"
    page = (tmp_path / "lr-surface.html").read_text()
    assert '"slope"' in page and '"intercept"' in page and '"MSE"' in page
    assert '"W0"' not in page and "W0 %{" not in page and "log loss" not in page  # (base64 data may hold "W0")
    svg = (tmp_path / "lr-contour.svg").read_text()
    assert "slope" in svg and "MSE" in svg
    manifest_extent = json.loads((tmp_path / ".render" / "records" / "lr-contour.json").read_text())["extent"]
    assert set(manifest_extent) == {"slope", "intercept"}


@pytest.mark.parametrize("changes, message", [
    ({"optimizers": ()}, "race lr: give at least one optimizer"),
    ({"optimizers": (Optimizer("a", "sgd", lr=0.1), Optimizer("a", "adam", lr=0.1))},
     "race lr: two optimizers share a name; each is a legend entry"),
    ({"steps": 0}, "race lr: steps must be at least 1, got 0"),
    ({"captions": {"movie": "x"}}, "race lr: captions for movie; give them for contour, race, surface"),
])
def test_a_race_that_cannot_be_drawn_says_why(changes, message):
    with pytest.raises(ValueError) as error:
        race(**changes)
    assert str(error.value) == message


def test_a_loss_that_is_not_elementwise_is_refused_in_words():
    run = RaceRun(race(loss=lambda a, b: float(np.sum(a + b))), 10)
    with pytest.raises(ValueError, match=r"race lr: the loss of two \(5,\) arrays has shape \(\)"):
        run.landscape


def test_a_new_seed_renders_a_race_again(tmp_path):
    settings = RenderSettings(out_dir=tmp_path, video=VideoSettings(formats=("poster",)))
    contour = [race().outputs(Context(seed=seed, grid_size=12))[0] for seed in (0, 0, 1)]
    assert render_all(contour[:1], settings)[0].status == "rendered"
    assert render_all(contour[1:2], settings)[0].status == "unchanged"
    assert render_all(contour[2:], settings)[0].status == "rendered"


def test_the_3d_hover_says_the_losss_name(tmp_path):
    settings = RenderSettings(out_dir=tmp_path, surface=SurfaceSettings(image_formats=()))
    render_all([race().outputs(Context(grid_size=12))[2]], settings)
    page = (tmp_path / "lr-surface.html").read_text()
    assert "MSE %{customdata[1]:.4f}" in page and "MSE %{z:.4f}" in page and "loss %{" not in page
