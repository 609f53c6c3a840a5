"""The WebP beside every picture a page shows: a figure's the PNG's own pixels, a 3D view's still at the pixels its
slot shows too, each recorded under its role with its size, the same bytes on every render."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from render.figure import export_figure
from render.files import OutputLayout
from render.images import LOSSY, webp_size
from render.layouts import COLUMN, PHONE
from render.settings import ROLES, Written
from render.surface import still_webps
from scenes import SceneContext
from scenes.normalization import NormalizationExperiment


@pytest.fixture(scope="module")
def figure_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("figure")
    figure = NormalizationExperiment(SceneContext(seed=0, grid_size=20), "compressed", 10.0).loss_figure()
    return out, export_figure("loss-compressed", figure, OutputLayout(out), "dark")


def test_every_png_of_a_figure_has_its_lossless_webp_beside_it(figure_files):
    out, written = figure_files
    by_role = {file.role: file for file in written}
    for layout in (COLUMN, PHONE):
        for png_role, webp_role in (("png", "webp"), ("png1x", "webp1x")):
            png, webp = by_role[layout.role(png_role)], by_role[layout.role(webp_role)]
            assert webp.path == png.path.with_suffix(".webp") and webp.path.suffix == ROLES[webp_role].suffix
            with Image.open(png.path) as drawn, Image.open(webp.path) as offered:
                assert offered.format == "WEBP"
                assert np.array_equal(np.asarray(drawn.convert("RGBA")), np.asarray(offered.convert("RGBA")))
                assert (webp.facts["width"], webp.facts["height"]) == drawn.size
            assert webp.path.stat().st_size < 0.7 * png.path.stat().st_size  # the reason to offer it


def test_a_figures_webp_is_the_same_bytes_on_every_render(figure_files, tmp_path):
    out, written = figure_files
    figure = NormalizationExperiment(SceneContext(seed=0, grid_size=20), "compressed", 10.0).loss_figure()
    again = export_figure("loss-compressed", figure, OutputLayout(tmp_path), "dark")
    for first, second in zip(written, again):
        if first.path.suffix == ".webp":
            assert first.path.read_bytes() == second.path.read_bytes(), first.path.name


def test_a_stills_webp_and_its_webp_at_the_pixels_its_slot_shows(tmp_path):
    """The column's still is 1200 px for a 700 px slot; the phone's 780 px for 390: each gets its WebP and one at
    the layout's width, lossy (a browser's shaded surface), close to the PNG."""
    rng = np.random.default_rng(0)
    files = []
    for layout, size in ((COLUMN, (1200, 900)), (PHONE, (780, 1040))):
        gradient = np.linspace(0, 255, size[0] * size[1] * 3).reshape(size[1], size[0], 3)
        pixels = np.clip(gradient + rng.normal(0, 2, gradient.shape), 0, 255).astype(np.uint8)
        path = tmp_path / f"surface{layout.variant}.png"
        Image.fromarray(pixels).save(path)
        files.append(Written(path, layout.role("png")))
    written = {file.path.name: file for file in still_webps(list(files))}
    assert sorted(written) == ["surface-phone.png", "surface-phone.webp", "surface-phone@1x.webp", "surface.png",
                               "surface.webp", "surface@1x.webp"]
    assert [written[name].role for name in ("surface.webp", "surface@1x.webp", "surface-phone@1x.webp")] == [
        "webp", "webp1x", "phone-webp1x"]
    assert webp_size(tmp_path / "surface.webp") == (1200, 900)
    assert webp_size(tmp_path / "surface@1x.webp") == (COLUMN.css_px, 525)
    assert webp_size(tmp_path / "surface-phone@1x.webp") == (PHONE.css_px, 520)
    assert dict(written["surface@1x.webp"].facts) == {"width": COLUMN.css_px, "height": 525}
    with Image.open(tmp_path / "surface.png") as drawn, Image.open(tmp_path / "surface.webp") as offered:
        error = np.asarray(drawn, float) - np.asarray(offered.convert("RGB"), float)
    assert LOSSY["quality"] >= 90 and np.sqrt((error ** 2).mean()) < 3
