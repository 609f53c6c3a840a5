"""One colour per meaning: the theme's series, told apart under colour-vision deficiency, drawn the same everywhere.

Colour-vision deficiency is simulated with Machado, Oliveira & Fernandes (2009), "A physiologically-based model
for simulation of color vision deficiency", their matrices at severity 1.0 (dichromacy, the strongest case),
applied in linear RGB.  Differences are CIEDE2000 (Sharma, Wu & Dalal 2005) in CIELAB under D65.  No library
installed here does this, and both are a few lines of published formulas; :func:`delta_e_2000` is checked
against Sharma's own test pairs.

Thresholds:

* any two series at least ``DISTINCT`` = 10 CIEDE2000 apart, for normal vision and after simulating deuteranopia
  and protanopia, in each theme.  About 2.3 is a just-noticeable difference for large patches; thin lines need
  several times a patch's difference (Stone, Szafir & Setlur 2014, "An engineering model for color difference as
  a function of size"), and 10 is where two colours read as different at a glance rather than side by side.
* every series against its theme's background at least WCAG 2.1's 3:1 contrast for graphics (SC 1.4.11): a line
  that must be seen must be seen first.
* a role keeps its hue between the themes: CIELAB hue angles within ``SAME_HUE`` = 10 degrees (chromatic ones).
"""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb

from render.optimizers import PALETTE
from render.spec import SERIES_COUNT, series
from render.theme import BACKGROUNDS, SERIES, resolve, theme_context

DISTINCT = 10.0
CONTRAST = 3.0
SAME_HUE = 10.0

MACHADO = {  # severity 1.0, linear RGB
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])


def linear(colors: list[str]) -> np.ndarray:
    c = np.array([to_rgb(color) for color in colors])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def simulate(rgb_linear: np.ndarray, vision: str) -> np.ndarray:
    return rgb_linear if vision == "normal" else np.clip(rgb_linear @ MACHADO[vision].T, 0, 1)


def lab(rgb_linear: np.ndarray) -> np.ndarray:
    xyz = rgb_linear @ SRGB_TO_XYZ.T / SRGB_TO_XYZ.sum(axis=1)
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def delta_e_2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    L1, a1, b1 = np.moveaxis(np.asarray(lab1, float), -1, 0)
    L2, a2, b2 = np.moveaxis(np.asarray(lab2, float), -1, 0)
    mean_c = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(mean_c ** 7 / (mean_c ** 7 + 25 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    chromatic = c1 * c2 != 0
    dh = h2 - h1
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh)) * chromatic
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    mean_l, mean_c = (L1 + L2) / 2, (c1 + c2) / 2
    total = h1 + h2
    mean_h = np.where(~chromatic, total, np.where(np.abs(h1 - h2) <= 180, total / 2,
                                                   np.where(total < 360, total + 360, total - 360) / 2))
    t = (1 - 0.17 * np.cos(np.radians(mean_h - 30)) + 0.24 * np.cos(np.radians(2 * mean_h))
         + 0.32 * np.cos(np.radians(3 * mean_h + 6)) - 0.20 * np.cos(np.radians(4 * mean_h - 63)))
    rotation = -np.sin(np.radians(60 * np.exp(-(((mean_h - 275) / 25) ** 2)))) * 2 * np.sqrt(
        mean_c ** 7 / (mean_c ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / np.sqrt(20 + (mean_l - 50) ** 2)
    s_c, s_h = 1 + 0.045 * mean_c, 1 + 0.015 * mean_c * t
    dl, dc, dh = (L2 - L1) / s_l, (c2 - c1) / s_c, d_hue / s_h
    return np.sqrt(dl ** 2 + dc ** 2 + dh ** 2 + rotation * dc * dh)


def contrast(color: str, background: str) -> float:
    y = linear([color, background]) @ np.array([0.2126, 0.7152, 0.0722])
    return float((y.max() + 0.05) / (y.min() + 0.05))


@pytest.mark.parametrize(("first", "second", "expected"), [  # Sharma, Wu & Dalal's test data, pairs 1, 7, 17, 34
    ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
    ((50, 0, 0), (50, -1, 2), 2.3669),
    ((50, 2.5, 0), (56, -27, -3), 31.9030),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_delta_e_2000_is_sharma_s(first, second, expected):
    assert delta_e_2000(np.array(first), np.array(second)) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("theme", sorted(SERIES))
@pytest.mark.parametrize("vision", ["normal", "deuteranopia", "protanopia"])
def test_every_two_series_are_told_apart(theme, vision):
    colors = SERIES[theme]
    assert len(colors) == SERIES_COUNT
    labs = lab(simulate(linear(list(colors)), vision))
    close = [(round(float(delta_e_2000(labs[i], labs[j])), 1), colors[i], colors[j])
             for i, j in itertools.combinations(range(len(colors)), 2)]
    assert min(close)[0] >= DISTINCT, sorted(close)[:3]


@pytest.mark.parametrize("theme", sorted(SERIES))
def test_every_series_stands_out_from_its_background(theme):
    low = {color: round(contrast(color, BACKGROUNDS[theme]), 2) for color in SERIES[theme]}
    assert min(low.values()) >= CONTRAST, low


@pytest.mark.parametrize("vision", ["deuteranopia", "protanopia"])
@pytest.mark.parametrize("theme", sorted(SERIES))
def test_every_series_differs_from_its_background_without_red_or_green(theme, vision):
    labs = lab(simulate(linear([*SERIES[theme], BACKGROUNDS[theme]]), vision))
    assert min(float(delta_e_2000(color, labs[-1])) for color in labs[:-1]) >= DISTINCT


def test_a_role_keeps_its_hue_in_both_themes():
    dark, light = lab(linear(list(SERIES["dark"]))), lab(linear(list(SERIES["light"])))
    for one, two in zip(dark, light):
        if min(np.hypot(*one[1:]), np.hypot(*two[1:])) < 10:  # a neutral grey: no hue to keep
            continue
        turn = (np.degrees(np.arctan2(two[2], two[1]) - np.arctan2(one[2], one[1])) + 180) % 360 - 180
        assert abs(turn) <= SAME_HUE


@pytest.mark.parametrize("theme", sorted(SERIES))
def test_matplotlib_and_plotly_draw_a_role_in_one_shade(theme):
    with theme_context(theme):
        drawn = [to_hex(series(k)) for k in range(SERIES_COUNT)]
        foreground = to_hex(matplotlib.rcParams["text.color"])
    assert drawn == [resolve(series(k), theme).lower() for k in range(SERIES_COUNT)]
    assert foreground == resolve("foreground", theme)


def test_the_optimizers_take_the_series_in_order():
    from scenes.optimizers import OPTIMIZERS

    assert PALETTE == tuple(series(k) for k in range(SERIES_COUNT))
    assert [o.color for o in OPTIMIZERS] == [series(k) for k in range(len(OPTIMIZERS))]


# --- One meaning, one colour, across the article's outputs -------------------------------------------------------

@pytest.fixture(scope="module")
def article():
    """The normalization part's declared outputs (on a small grid) and its race, built once."""
    from scenes import SceneContext, beyond
    from scenes.comparison import comparison_outputs
    from scenes.normalization import NormalizationExperiment

    context = SceneContext(grid_size=12)
    compressed = NormalizationExperiment(context, "compressed", 10.0)
    normalized = NormalizationExperiment(context, "normalized", 1.0)
    outputs = {o.name: o for e in (compressed, normalized) for o in e.outputs()}
    outputs.update({o.name: o for o in comparison_outputs(compressed, normalized)})
    race = beyond.OptimizerRace(normalized)
    outputs.update({o.name: o for o in race.outputs()})
    return {name: output.build for name, output in outputs.items()}


def loss_colors(content) -> list[str | None]:
    """Each drawn loss's colour, in order: a figure's curves, or a video's loss panels."""
    from render.spec import Animation, Curves, Figure

    if isinstance(content, Figure):
        return [line.color for panel in content.panels if isinstance(panel, Curves) for line in panel.lines]
    assert isinstance(content, Animation)
    return [trail.loss_color for view in content.views for trail in view.trails]


def test_each_experiment_s_loss_is_one_colour_everywhere(article):
    seen: dict[str, set[str | None]] = {"compressed": set(), "normalized": set()}
    for name in ("loss-compressed", "loss-normalized", "descent-compressed", "descent-normalized"):
        seen[name.split("-")[1]].update(loss_colors(article[name]()))
    for name in ("loss-comparison", "descent-comparison"):  # the compressed experiment first, then the other
        first, second = loss_colors(article[name]())
        seen["compressed"].add(first)
        seen["normalized"].add(second)
    assert all(len(colors) == 1 and None not in colors for colors in seen.values()), seen
    assert seen["compressed"] != seen["normalized"]


def test_gradient_descent_s_path_is_one_colour_everywhere(article):
    race = article["optimizers-contour-normalized"]()
    contour = race.panels[0]
    (gradient_descent,) = [t.color for t in contour.trails if t.label == "gradient descent"]
    paths = {gradient_descent}
    for name in ("contour-compressed", "contour-normalized"):
        paths |= {t.color for panel in article[name]().panels for t in getattr(panel, "trails", ())}
    for name in ("descent-compressed", "descent-comparison", "surface-normalized"):
        content = article[name]()
        views = content.views if hasattr(content, "views") else (content.view,)
        paths |= {t.color for view in views for t in view.trails}
    assert paths == {series(0)}


def test_train_and_test_share_a_colour_and_differ_in_style(catdog_dir):
    from scenes import SceneContext
    from scenes.catdog import CatDogScene

    figure = CatDogScene(SceneContext(data_dir=catdog_dir)).learning_curves()
    for panel in figure.panels:
        train, test = panel.lines[:2]
        assert train.color == test.color and train.linestyle != test.linestyle
