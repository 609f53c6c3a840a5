"""The 3D loss surfaces: the page holds the data it claims, byte for byte; the PNG shows it."""

from __future__ import annotations

import base64
import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import plotly.io as pio
import pytest
from click.testing import CliRunner
from PIL import Image
from plotly.colors import get_colorscale, sample_colorscale
from plotly.offline import get_plotlyjs

import render.chrome
from render.chrome import find_chrome
from render.cli import main
from render.files import PARTIAL_MARK
from render.layouts import COLUMN, PHONE
from render.settings import RenderSettings, RunSession, SurfaceSettings
from render.spec import Descent, Landscape, Surface, Table, Trail
from render.surface import (
    IMAGE_HEIGHT, IMAGE_SCALE, IMAGE_WIDTH, LIFT, SURFACE_COLORS, SWITCH_MENU, SurfaceExportError, camera_eye,
    path_on_surface, still_size, surface_figure, surface_height,
)
from render.surface import write_surface as surface_writer
from render.theme import SERIES, resolve
from scenes import SceneContext
from scenes.normalization import NormalizationExperiment


def write_surface(*args) -> list[Path]:
    """The writer's files, by path (their facts are tested with the manifest)."""
    return [written.path for written in surface_writer(*args)]

HAS_CHROME = find_chrome().path is not None
needs_chrome = pytest.mark.skipif(not HAS_CHROME, reason=f"no Chrome: {find_chrome().problem}")


def experiment(variant: str = "compressed", grid_size: int = 30) -> NormalizationExperiment:
    return NormalizationExperiment(SceneContext(grid_size=grid_size), variant, 10.0 if variant == "compressed" else 1.0)


def surface_of(variant: str = "compressed", grid_size: int = 30) -> Surface:
    return experiment(variant, grid_size).loss_surface_3d()


def settings(out: Path, **surface) -> RenderSettings:
    surface.setdefault("image_formats", ())
    return RenderSettings(out_dir=out, surface=SurfaceSettings(**surface))


def write(out: Path, name: str = "surface-compressed", content: Surface | None = None, **surface) -> list[Path]:
    with RunSession() as session:
        return write_surface(name, content or surface_of(), settings(out, **surface), session)


def _typed(value):
    """Undo plotly's typed-array JSON encoding ({"dtype", "bdata", "shape"}) into numpy arrays."""
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            shape = value.get("shape")
            return array.reshape([int(n) for n in shape.split(",")]) if shape else array
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return value


def parse_page(html: str) -> tuple[list[dict], dict, list[dict]]:
    """The data, layout and frames a page hands to Plotly.newPlot / Plotly.addFrames."""
    decoder = json.JSONDecoder()
    start = html.index("Plotly.newPlot(")
    data, end = decoder.raw_decode(html, html.index("[", start))
    layout, end = decoder.raw_decode(html, html.index("{", end))
    frames, _ = decoder.raw_decode(html, html.index("[", html.index("Plotly.addFrames(", end)))
    return _typed(data), _typed(layout), _typed(frames)


def as_array(value) -> np.ndarray:
    return np.asarray(value, dtype=float)


# -- geometry -------------------------------------------------------------------------------------

def test_the_surface_height_is_the_loss_on_the_nodes_and_nan_off_the_grid():
    landscape = experiment().descent_view().landscape
    W11, W22 = np.meshgrid(landscape.x, landscape.y)  # the article's meshgrids: loss[j, i] at (x[i], y[j])
    rows, cols = [0, 7, 29], [3, 18, 29]
    heights = surface_height(landscape, W11[rows, cols], W22[rows, cols])
    np.testing.assert_allclose(heights, landscape.loss[rows, cols], rtol=1e-12)
    assert np.isnan(surface_height(landscape, np.array([20.5, 0.0]), np.array([0.0, -16.0]))).all()


def test_the_path_lies_just_above_the_surface_over_a_grid_that_covers_it():
    view = experiment().descent_view()
    (trail,), landscape = view.trails, view.landscape
    x, y, z = path_on_surface(trail, landscape)
    assert not np.isnan(z).any()  # the compressed descent reaches W0 ≈ 16.5: the grid runs to 20
    lift = LIFT * (landscape.loss.max() - landscape.loss.min())
    np.testing.assert_allclose(z - surface_height(landscape, x, y), lift, rtol=1e-9)


def test_the_path_breaks_where_it_leaves_a_forced_grid():
    view = NormalizationExperiment(SceneContext(grid_size=30, grid_limit=15.0), "compressed", 10.0).descent_view()
    (trail,) = view.trails
    x, y, z = path_on_surface(trail, view.landscape)
    inside = ~np.isnan(z)
    off = (np.abs(trail.x) > 15) | (np.abs(trail.y) > 15)
    assert off.any() and not inside.all()
    assert np.isnan(x[~inside]).all() and np.isnan(y[~inside]).all()


def test_the_camera_looks_down_the_descent_from_plotlys_default_distance():
    view = experiment("normalized").descent_view()
    eye = camera_eye(view)
    (trail,) = view.trails
    direction = np.array([trail.x[-1] - trail.x[0], trail.y[-1] - trail.y[0]])
    cross = eye["x"] * direction[1] - eye["y"] * direction[0]
    assert abs(cross) < 1e-3 * np.hypot(*direction)
    assert np.dot([eye["x"], eye["y"]], direction) > 0
    assert np.hypot(eye["x"], eye["y"]) == pytest.approx(np.hypot(1.25, 1.25), abs=1e-3)
    assert eye["z"] == 1.25



def two_trails() -> Descent:
    """The compressed descent and, on its landscape, a shorter one mirrored across W1 = 0 (the grid is symmetric
    in W1, so it stays on it): two trails of different lengths, each with its name and colour."""
    view = experiment().descent_view()
    (trail,) = view.trails
    steps = 51
    mirrored = Trail(trail.x[:steps], -trail.y[:steps], trail.iteration[:steps], trail.loss[:steps],
                     label="mirrored", color="blue")
    return Descent(view.landscape, (replace(trail, label="compressed", color="red"), mirrored), title="two trails")


def test_each_of_several_trails_is_one_legend_entry_and_the_slider_moves_a_marker_on_each():
    descent = two_trails()
    first, second = descent.trails
    figure = surface_figure(descent)
    data = figure.data
    labels = [trail.label for trail in descent.trails]

    # One legend entry per trail, its line in its colour; every trace of a trail is in its legend group, so
    # clicking the entry toggles the whole trail.
    in_legend = [t for t in data if t.type == "scatter3d" and t.showlegend is not False]
    assert [(t.name, t.legendgroup) for t in in_legend if t.legendgroup] == [(label, label) for label in labels]
    for trail in descent.trails:
        group = [t for t in data if t.legendgroup == trail.label]
        assert len(group) >= 4  # the line, the steps, the end, the slider's marker
        line = next(t for t in group if t.mode == "lines")
        assert line.line.color == trail.color
        np.testing.assert_array_equal(line.x, path_on_surface(trail, descent.landscape)[0])
        steps = next(t for t in group if t.mode == "markers" and len(t.x) == len(trail.x))
        np.testing.assert_array_equal(steps.x, trail.x)
        np.testing.assert_array_equal(steps.y, trail.y)
        np.testing.assert_array_equal(steps.customdata, np.column_stack([trail.iteration, trail.loss]))
        assert steps.marker.color == trail.color
    assert sum(t.name == "start, iteration 0" for t in data) == 1

    # The slider: one frame per iteration of the longest trail, each moving one marker per trail; the shorter
    # trail's marker stays on its end.
    markers = [k for k, t in enumerate(data) if t.name == "iteration (slider)"]
    assert [data[k].legendgroup for k in markers] == labels
    assert [frame.name for frame in figure.frames] == [str(i) for i in range(101)]
    for k, frame in enumerate(figure.frames):
        assert list(frame.traces) == markers
        assert len(frame.data) == 2
        for moved, trail in zip(frame.data, descent.trails):
            at = min(k, len(trail.x) - 1)
            assert (moved.x[0], moved.y[0]) == (trail.x[at], trail.y[at])
            assert list(moved.customdata[0]) == [trail.iteration[at], trail.loss[at]]
    assert figure.frames[100].data[1].x[0] == second.x[50] and figure.frames[100].data[0].x[0] == first.x[100]
    assert [step.label for step in figure.layout.sliders[0].steps] == [str(i) for i in range(101)]

def two_losses() -> Surface:
    """The compressed descent on its loss and on another loss over the same grid (twice it, plus one), each named
    apart and with the trail's loss its own there: a train loss and a test loss."""
    view = experiment().descent_view()
    (trail,), landscape = view.trails, view.landscape
    other = Landscape(landscape.x, landscape.y, 2 * landscape.loss + 1, replace(landscape.names, loss="other loss"))
    return Surface(replace(view, title="first loss"),
                   others=(Descent(other, (replace(trail, loss=2 * trail.loss + 1),), title="second loss"),),
                   tables={"": Table(("iteration", "loss"), np.column_stack([trail.iteration, trail.loss]))})


def test_other_losses_are_one_button_each_and_shown_one_at_a_time_on_one_scale():
    content = two_losses()
    (other,) = content.others
    figure = surface_figure(content.view, others=content.others)
    data = figure.data
    surfaces = [t for t in data if t.type == "surface"]
    assert [t.name for t in surfaces] == ["log loss", "other loss"]
    assert [t.visible for t in surfaces] == [None, False]  # the first shown, the other a button away
    # One colour and one height are one loss on either: a shared colour range and loss axis.
    low, high = float(content.view.landscape.loss.min()), float(other.landscape.loss.max())
    assert {(t.cmin, t.cmax) for t in surfaces} == {(low, high)}
    z_low, z_high = figure.layout.scene.zaxis.range
    assert z_low == low and z_high > high
    assert [t.colorbar.title.text for t in surfaces] == ["log loss", "other loss"]

    switch, play = figure.layout.updatemenus
    assert switch.name == SWITCH_MENU and [b.label for b in switch.buttons] == ["first loss", "second loss"]
    assert [b.label for b in play.buttons] == ["▶", "❚❚"]
    shown_first, shown_second = (b.args[0]["visible"] for b in switch.buttons)
    assert shown_first == [t.visible is not False for t in data]  # the first button shows what the page opens on
    assert [a != b for a, b in zip(shown_first, shown_second)] == [True] * len(data)  # the other, and only it
    # The second loss's trail lies on its own surface and says its own loss.
    second = [t for t, shown in zip(data, shown_second) if shown]
    (trail,) = other.trails
    steps = next(t for t in second if t.type == "scatter3d" and t.mode == "markers" and len(t.x) == len(trail.x))
    lift = LIFT * (other.landscape.loss.max() - other.landscape.loss.min())
    np.testing.assert_allclose(steps.z, surface_height(other.landscape, trail.x, trail.y) + lift, rtol=1e-12)
    np.testing.assert_array_equal(steps.customdata, np.column_stack([trail.iteration, trail.loss]))
    assert "other loss %{customdata[1]:.4f}" in steps.hovertemplate
    # The slider moves a marker on each surface: whichever is shown follows it.
    markers = [k for k, t in enumerate(data) if t.name == "iteration (slider)"]
    assert [shown_second[k] for k in markers] == [False, True]
    for k in (0, 37, 100):
        moved = figure.frames[k].data
        assert list(figure.frames[k].traces) == markers
        assert moved[1].z[0] == pytest.approx(steps.z[k]) and moved[0].x[0] == moved[1].x[0] == trail.x[k]
    # The still: the first loss alone.
    still = surface_figure(content.view, interactive=False, others=content.others)
    assert [t.name for t in still.data if t.type == "surface"] == ["log loss"] and not still.layout.updatemenus


def test_another_loss_over_another_grid_is_refused():
    view = experiment().descent_view()
    landscape = view.landscape
    smaller = Landscape(landscape.x[:-1], landscape.y, landscape.loss[:, :-1], landscape.names)
    with pytest.raises(ValueError, match="not over the grid"):
        surface_figure(view, others=(Descent(smaller, view.trails, title="cut"),))


def test_a_page_of_several_losses_writes_its_data_and_says_so(tmp_path):
    content = two_losses()
    paths = write(tmp_path, content=content)
    csv_path = tmp_path / "data" / "surface-compressed.csv"
    assert csv_path in paths
    rows = np.loadtxt(csv_path, delimiter=",", skiprows=1)
    np.testing.assert_array_equal(rows[:, 1], content.view.trails[0].loss)
    page = (tmp_path / "surface-compressed.html").read_text(encoding="utf-8")
    assert "<title>The loss surfaces, first loss and second loss</title>" in page
    assert "var SWITCH = true;" in page
    _, layout, _ = parse_page(page)
    assert [menu.get("name") for menu in layout["updatemenus"]] == [SWITCH_MENU, None]
    write(tmp_path / "one", content=surface_of())
    assert "var SWITCH = false;" in (tmp_path / "one" / "surface-compressed.html").read_text(encoding="utf-8")


# -- the page -------------------------------------------------------------------------------------

def test_the_page_holds_the_surface_the_path_and_one_frame_per_iteration(tmp_path):
    content = surface_of()
    view = content.view
    (trail,), landscape = view.trails, view.landscape
    write(tmp_path, content=content)
    data, layout, frames = parse_page((tmp_path / "surface-compressed.html").read_text(encoding="utf-8"))

    surface = data[0]
    assert surface["type"] == "surface" and surface["opacity"] == 1
    np.testing.assert_array_equal(as_array(surface["z"]), landscape.loss)
    np.testing.assert_array_equal(as_array(surface["x"]), landscape.x)
    np.testing.assert_array_equal(as_array(surface["y"]), landscape.y)

    by_name = {trace.get("name"): trace for trace in data}
    line = by_name["descent path"]
    # The first series' shade in the default (dark) theme: gradient descent's colour in every output.
    assert line["mode"] == "lines" and line["line"]["color"] == SERIES["dark"][0]
    x, y, z = path_on_surface(trail, landscape)
    np.testing.assert_array_equal(as_array(line["x"]), x)  # NaN gaps included
    np.testing.assert_array_equal(as_array(line["z"]), z)
    points = next(t for t in data if t.get("mode") == "markers" and len(as_array(t["x"])) == len(trail.x))
    np.testing.assert_array_equal(as_array(points["x"]), trail.x)
    np.testing.assert_array_equal(as_array(points["y"]), trail.y)
    np.testing.assert_array_equal(as_array(points["customdata"]), np.column_stack([trail.iteration, trail.loss]))
    assert as_array(by_name["start, iteration 0"]["x"]).tolist() == [trail.x[0]]
    assert "end, iteration 100" in by_name

    assert [frame["name"] for frame in frames] == [str(i) for i in range(101)]
    marker = [t.get("name") for t in data].index("iteration (slider)")
    assert {tuple(frame["traces"]) for frame in frames} == {(marker,)}
    np.testing.assert_array_equal([as_array(f["data"][0]["x"])[0] for f in frames], trail.x)
    np.testing.assert_array_equal([as_array(f["data"][0]["y"])[0] for f in frames], trail.y)
    slider = layout["sliders"][0]
    assert [step["args"][0] for step in slider["steps"]] == [[str(i)] for i in range(101)]

    assert layout["scene"]["camera"]["projection"]["type"] == surface_of().camera.projection
    assert layout["margin"] == {"l": 0, "r": 0, "b": 0, "t": 0}
    assert layout["template"]["layout"]["paper_bgcolor"] == pio.templates["plotly_dark"].layout.paper_bgcolor


def test_pages_are_byte_identical_across_runs(tmp_path):
    write(tmp_path / "one")
    write(tmp_path / "two", content=surface_of())  # a fresh experiment, trained again
    first = (tmp_path / "one" / "surface-compressed.html").read_bytes()
    assert first == (tmp_path / "two" / "surface-compressed.html").read_bytes()
    assert b'id="surface-compressed"' in first


def test_one_plotly_js_beside_the_pages_written_once(tmp_path):
    with RunSession() as session:
        for variant in ("compressed", "normalized"):
            paths = write_surface(f"surface-{variant}", surface_of(variant), settings(tmp_path), session)
            assert tmp_path / "plotly.min.js" in paths
    library = tmp_path / "plotly.min.js"
    assert library.read_text(encoding="utf-8") == get_plotlyjs()  # the installed plotly's own
    stamp = library.stat().st_mtime_ns, library.stat().st_ino
    for variant in ("compressed", "normalized"):
        page = (tmp_path / f"surface-{variant}.html").read_text(encoding="utf-8")
        assert '<script charset="utf-8" src="plotly.min.js"></script>' in page
        assert len(page) < 10**6  # the 4 MB library is not inlined
    write(tmp_path)  # a second run: the same library is left alone
    assert (library.stat().st_mtime_ns, library.stat().st_ino) == stamp
    assert not list(tmp_path.glob(f"*{PARTIAL_MARK}*"))


def test_a_stale_plotly_js_is_replaced(tmp_path):
    (tmp_path / "plotly.min.js").write_text("/* an older plotly.js */", encoding="utf-8")
    write(tmp_path)
    assert (tmp_path / "plotly.min.js").stat().st_size > 10**6


@pytest.mark.parametrize("mode, expected, library_written", [
    ("cdn", 'src="https://cdn.plot.ly/plotly-', False),
    ("inline", "Plotly.newPlot", False),
])
def test_other_plotlyjs_choices(tmp_path, mode, expected, library_written):
    paths = write(tmp_path, plotlyjs=mode)
    page = (tmp_path / "surface-compressed.html").read_text(encoding="utf-8")
    assert expected in page and 'src="plotly.min.js"' not in page
    assert (tmp_path / "plotly.min.js").exists() == library_written
    assert paths == [tmp_path / "surface-compressed.html"]
    if mode == "inline":
        assert len(page) > 3 * 10**6


def test_a_fragment_is_a_div_to_paste_into_a_page(tmp_path):
    write(tmp_path, fragment=True)
    fragment = (tmp_path / "surface-compressed.html").read_text(encoding="utf-8")
    assert fragment.startswith("<div") and "<html" not in fragment and "<body" not in fragment
    assert 'id="surface-compressed"' in fragment and "height:600px" in fragment
    parse_page(fragment)


def test_the_page_title_is_escaped(tmp_path):
    view = experiment().descent_view()
    awkward = Descent(view.landscape, view.trails, title='a <b> & "c"')
    write(tmp_path, content=Surface(awkward))
    page = (tmp_path / "surface-compressed.html").read_text(encoding="utf-8")
    assert "<title>The loss surface, a &lt;b&gt; &amp; &#34;c&#34;</title>" in page


def test_the_light_theme_writes_a_light_twin(tmp_path):
    with RunSession() as session:
        paths = write_surface("surface-compressed", surface_of(), RenderSettings(
            out_dir=tmp_path, theme="light", surface=SurfaceSettings(image_formats=())), session)
    assert tmp_path / "surface-compressed-light.html" in paths
    _, layout, _ = parse_page((tmp_path / "surface-compressed-light.html").read_text(encoding="utf-8"))
    assert layout["template"]["layout"]["paper_bgcolor"] == pio.templates["plotly_white"].layout.paper_bgcolor


# -- without a Chrome -----------------------------------------------------------------------------

def run_cli(*args, env):
    """In this process (--jobs 1): worker processes started by an earlier test would keep that test's environment."""
    return CliRunner().invoke(main, [*args, "--jobs", "1"], env={"RENDER_DATA": None, **env}, catch_exceptions=False)


def test_a_missing_chrome_fails_the_png_in_one_line_and_keeps_everything_else(tmp_path):
    out = tmp_path / "out"
    result = run_cli("surface-compressed", "contour-compressed", "--out", str(out), "--grid-size", "20",
                     env={"BROWSER_PATH": "/nonexistent"})
    assert result.exit_code == 1
    errors = [line.partition("] ")[2] for line in result.output.splitlines() if "] error:" in line]
    assert errors == [
        "error: surface-compressed: surface-compressed.html, plotly.min.js written, but no surface-compressed.png: "
        "no Chrome for static images: BROWSER_PATH=/nonexistent does not exist; "
        "point BROWSER_PATH at a Chrome/Chromium executable, or unset it to use an installed one"
    ]
    assert (out / "surface-compressed.html").is_file() and (out / "plotly.min.js").is_file()
    assert (out / "contour-compressed.png").is_file()
    assert not (out / "surface-compressed.png").exists()
    assert not list(out.glob(f"*{PARTIAL_MARK}*"))


def test_no_chrome_anywhere_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setattr(render.chrome, "KNOWN_LOCATIONS", ())
    monkeypatch.setattr(render.chrome, "_downloaded_chrome", lambda: None)
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_cli("surface-normalized", "--out", str(tmp_path / "out"), "--grid-size", "20",
                     env={"BROWSER_PATH": None, "PATH": str(empty)})
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith("1 failed in ")
    assert result.output.splitlines()[-2] == "[1/1] " + (
        "error: surface-normalized: surface-normalized.html, plotly.min.js written, but no surface-normalized.png: "
        "no Chrome for static images: no Chrome or Chromium found (BROWSER_PATH unset; none of "
        "chromium-headless-shell, chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH "
        "or in the usual install locations, and no plotly_get_chrome download); install one (`make chrome`, "
        "`apt-get install chromium-headless-shell` or `plotly_get_chrome -y`) or set BROWSER_PATH to a "
        "Chrome/Chromium executable"
    )
    assert (tmp_path / "out" / "surface-normalized.html").is_file()


def test_an_unknown_image_format_is_a_usage_error(tmp_path):
    result = run_cli("surfaces", "--out", str(tmp_path), "--image-formats", "png,tiff", env={})
    assert result.exit_code == 2
    assert "Invalid value for '--image-formats': unknown image format 'tiff'; choose from png, svg, webp" in result.output


# -- static images (need a Chrome; CI installs chromium-headless-shell) ---------------------------

def surface_pixels(image: np.ndarray, tolerance: float = 40.0) -> np.ndarray:
    """Pixels within ``tolerance`` of the surface's colour scale (magma, as the contours'); its darkest end, near
    the dark theme's background, left out."""
    scale = get_colorscale(SURFACE_COLORS)
    samples = sample_colorscale([list(stop) for stop in scale], np.linspace(0.15, 1, 64))
    colors = np.array([[float(v) for v in s.strip("rgb()").split(",")] for s in samples])
    scene = image[:, : int(image.shape[1] * 0.88)].astype(float)  # leave out the colour bar
    distance = np.sqrt(((scene[:, :, None, :] - colors[None, None]) ** 2).sum(-1)).min(-1)
    return distance < tolerance


def path_pixels(image: np.ndarray, trail: Trail, theme: str = "dark") -> np.ndarray:
    """Pixels of the trail's colour as the theme draws it (within a shading's reach): none of magma's."""
    color = np.array([int(resolve(trail.color, theme).lstrip("#")[k:k + 2], 16) for k in (0, 2, 4)])
    return np.linalg.norm(image.astype(int) - color, axis=-1) < 40


def load(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


@pytest.mark.slow
@needs_chrome
def test_the_pngs_show_the_surface_and_the_path_on_it(tmp_path):
    with RunSession() as session:
        for variant in ("compressed", "normalized"):
            paths = write_surface(f"surface-{variant}", surface_of(variant, 100),
                                  settings(tmp_path, image_formats=("png",)), session)
            assert {tmp_path / f"surface-{variant}.png", tmp_path / f"surface-{variant}-phone.png"} <= set(paths)
        exporter = session.shared("chrome", render.chrome.ImageExporter)
        # plotly/Kaleido#475: a Surface at opacity 1 vanishing behind a Scatter3d in static exports.
        # Draw the surface alone: with the path (which hides some of it) most of it must still show.
        compressed = surface_of("compressed", 100)
        alone = surface_figure(compressed.view, interactive=False, camera=compressed.camera)
        alone.data = alone.data[:1]
        surface_alone = load(exporter.export(alone.to_dict(), "png", IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE, 60))
    for variant in ("compressed", "normalized"):
        image = np.asarray(Image.open(tmp_path / f"surface-{variant}.png").convert("RGB"))
        assert image.shape == (round(IMAGE_HEIGHT * IMAGE_SCALE), round(IMAGE_WIDTH * IMAGE_SCALE), 3)
        assert image.std() > 20  # not blank
        assert surface_pixels(image).mean() > 0.05, f"{variant}: the surface's colours are missing"
        trail = surface_of(variant, 100).view.trails[0]
        assert path_pixels(image, trail).sum() > 300, f"{variant}: the descent path is not visible"
        phone = np.asarray(Image.open(tmp_path / f"surface-{variant}-phone.png").convert("RGB"))
        assert phone.shape[1] == 780 and phone.shape[0] > phone.shape[1]  # 390 CSS px at 2x, taller than wide
        assert surface_pixels(phone).mean() > 0.05 and path_pixels(phone, trail).sum() > 100, variant
    with_path = np.asarray(Image.open(tmp_path / "surface-compressed.png").convert("RGB"))
    alone_pixels = surface_pixels(surface_alone)
    hidden = (alone_pixels & ~surface_pixels(with_path)).sum() / alone_pixels.sum()
    assert hidden < 0.35, f"{hidden:.0%} of the surface disappears when the path is drawn (plotly/Kaleido#475)"


@pytest.mark.slow
@needs_chrome
def test_svg_and_webp_on_request(tmp_path):
    paths = write(tmp_path, image_formats=("svg", "webp"))
    assert [p.name for p in paths] == [
        "surface-compressed.html", "plotly.min.js", "surface-compressed.svg", "surface-compressed.webp",
        "surface-compressed-phone.webp"]  # vector graphics to download in the column's layout alone
    svg = (tmp_path / "surface-compressed.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg
    webp = Image.open(tmp_path / "surface-compressed.webp")
    assert webp.format == "WEBP" and webp.size == (round(IMAGE_WIDTH * IMAGE_SCALE), round(IMAGE_HEIGHT * IMAGE_SCALE))


@pytest.mark.slow
@needs_chrome
def test_an_export_over_its_timeout_fails_that_image_and_the_next_one_works(tmp_path):
    with RunSession() as session:
        with pytest.raises(SurfaceExportError) as failure:
            write_surface("surface-compressed", surface_of(),
                          settings(tmp_path, image_formats=("png",), export_timeout=0.001), session)
        assert str(failure.value) == (
            "surface-compressed.html, plotly.min.js written, but no surface-compressed.png: the PNG export took "
            "longer than 0.001 s and was stopped (raise --export-timeout, or check the browser with `render doctor`)"
        )
        assert (tmp_path / "surface-compressed.html").is_file()
        assert not (tmp_path / "surface-compressed.png").exists()
        # The browser that timed out was replaced: the next surface of the run gets its PNG.
        paths = write_surface("surface-normalized", surface_of("normalized"),
                              settings(tmp_path, image_formats=("png",)), session)
    assert (tmp_path / "surface-normalized.png") in paths
    assert not list(tmp_path.glob(f"*{PARTIAL_MARK}*"))


@pytest.mark.slow
@needs_chrome
def test_make_surfaces_through_the_cli(tmp_path):
    result = run_cli("surfaces", "--out", str(tmp_path), env={})
    assert result.exit_code == 0, result.output
    for variant in ("compressed", "normalized"):
        assert (tmp_path / f"surface-{variant}.html").is_file()
        assert Image.open(tmp_path / f"surface-{variant}.png").format == "PNG"


# Every text and control of a 3D page that is not the scene, as a box in CSS px of its frame: the legend, the colour
# bar, its title and tick labels, the mode bar, the play and pause buttons, the slider (its grip on its rail) and
# the step it shows.  (The slider's 101 tick labels are drawn transparent: none is shown.)
PAGE_PARTS = """() => {
    const parts = [], box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const add = (what, selector) => document.querySelectorAll(selector).forEach(
        (e, k) => parts.push([`${what} ${k} ${e.tagName === 'text' ? e.textContent : ''}`.trim(), box(e)]));
    add('legend', '.legend .bg'); add('colour bar', '.colorbar .cbfills'); add('colour bar title', '.cbtitle text');
    add('colour bar tick label', '.colorbar .cbaxis text'); add('mode bar', '.modebar');
    add('button', '.updatemenu-button'); add('slider', '.slider-rail-rect, .slider-grip-rect');
    add('current step', '.slider-group > text.slider-label');
    return parts; }"""


def page_parts(page) -> dict[str, tuple[float, float, float, float]]:
    """:data:`PAGE_PARTS` by name, the slider's grip and rail as one box."""
    parts: dict[str, tuple[float, float, float, float]] = {}
    for name, box in page.evaluate(PAGE_PARTS):
        name = "slider" if name.startswith("slider") else name
        if name in parts:
            old = parts[name]
            box = (min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3]))
        parts[name] = tuple(box)
    return parts


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> tuple[Path, dict[str, Descent]]:
    """The 3D pages of a surface with one descent, of one with six (a legend of seven entries) and of one with two
    losses (a switch over the legend), and their views."""
    from scenes import article_outputs

    out = tmp_path_factory.mktemp("pages")
    outputs = {o.name: o for o in article_outputs(SceneContext(grid_size=30))}
    views = {}
    outputs["surface-two-losses"] = replace(outputs["surface-compressed"], build=two_losses)
    with RunSession() as session:
        for name in ("surface-compressed", "optimizers-surface-compressed", "surface-two-losses"):
            content = outputs[name].build()
            write_surface(name, content, settings(out), session)
            views[name] = content.view
    return out, views


@pytest.mark.slow
@needs_chrome
@pytest.mark.parametrize("name", ["surface-compressed", "optimizers-surface-compressed", "surface-two-losses"])
@pytest.mark.parametrize("width, layout", [(390, PHONE), (700, COLUMN), (1280, COLUMN)], ids=["390", "700", "1280"])
def test_a_3d_page_lays_out_its_legend_colour_bar_and_controls_apart_in_the_images_box(pages, name, width, layout):
    """The page in a frame of the box its image had (the phone's or the column's aspect ratio) at a phone's, a
    column's and a desktop's width: every part inside the frame, no two overlapping."""
    from playwright.sync_api import sync_playwright

    from tests.site_checks import serve
    from tests.test_gallery_browser import CHROME_ARGS

    folder, views = pages
    still_width, still_height, _ = still_size(views[name], layout)
    height = round(width * still_height / still_width)
    errors: list[str] = []
    with serve(folder) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(find_chrome().require()), args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{url}{name}.html", wait_until="load")
        page.wait_for_function(f"() => document.getElementById({name!r}).dataset.fitted === '{width}x{height}'",
                               timeout=60_000)
        parts = page_parts(page)
        page.screenshot(path=str(folder / f"{name}-{width}x{height}.png"))
        browser.close()
    assert errors == []
    for part in ("legend 0", "colour bar 0", "colour bar title 0", "colour bar tick label 0", "mode bar 0",
                 "button 0", "button 1", "slider", "current step 0"):
        assert any(shown.startswith(part) for shown in parts), f"{name} at {width} px: no {part} in {sorted(parts)}"
    outside = {part: box for part, box in parts.items()
               if box[0] < -0.5 or box[1] < -0.5 or box[2] > width + 0.5 or box[3] > height + 0.5}
    assert outside == {}, f"{name} in {width}x{height}: outside the frame"
    overlapping = [(a, b) for k, (a, first) in enumerate(parts.items()) for b, second in list(parts.items())[k + 1:]
                   if min(first[2], second[2]) > max(first[0], second[0]) + 0.5
                   and min(first[3], second[3]) > max(first[1], second[1]) + 0.5]
    assert overlapping == [], f"{name} in {width}x{height}: {[(a, parts[a], b, parts[b]) for a, b in overlapping]}"


@pytest.mark.slow
@needs_chrome
@pytest.mark.parametrize("width", [390, 1280])
def test_a_page_s_buttons_switch_the_loss_shown_and_the_slider_moves_on_it(pages, width):
    """In Chromium: the second loss's button shows its surface, trail and colour bar alone; the slider then moves
    the marker along the trail on it; the first's button shows the first again."""
    from playwright.sync_api import sync_playwright

    from tests.site_checks import serve
    from tests.test_gallery_browser import CHROME_ARGS

    folder, _ = pages
    name, height = "surface-two-losses", 800
    shown = f"() => document.getElementById({name!r}).data.map(t => t.visible !== false)"
    titles = "() => [...document.querySelectorAll('.cbtitle text')].map(e => e.textContent)"
    errors: list[str] = []
    with serve(folder) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(find_chrome().require()), args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{url}{name}.html", wait_until="load")
        page.wait_for_function(f"() => document.getElementById({name!r}).dataset.fitted === '{width}x{height}'",
                               timeout=60_000)
        first = page.evaluate(shown)
        assert page.evaluate(titles) == ["log loss"]
        page.get_by_text("second loss").click()
        page.wait_for_function(f"() => ({shown})()[0] === false", timeout=10_000)
        second = page.evaluate(shown)
        assert page.evaluate(titles) == ["other loss"]
        page.evaluate(f"""() => {{ const plot = document.getElementById({name!r});
            return Plotly.animate(plot, ["37"], {{mode: "immediate", frame: {{duration: 0, redraw: true}},
                                                   transition: {{duration: 0}}}}); }}""")
        # The arrays as plotly.js decoded them (the page's data holds them base64-encoded).
        marker = page.evaluate(f"""() => document.getElementById({name!r})._fullData
            .filter(t => t.name === "iteration (slider)" && t.visible === true).map(t => [t.x[0], t.z[0]])""")
        page.get_by_text("first loss").click()
        page.wait_for_function(f"() => ({shown})()[0] === true", timeout=10_000)
        again = page.evaluate(shown)
        browser.close()
    assert errors == []
    assert [a != b for a, b in zip(first, second)] == [True] * len(first) and again == first
    (other,) = two_losses().others
    (trail,) = other.trails
    lift = LIFT * (other.landscape.loss.max() - other.landscape.loss.min())
    height_there = surface_height(other.landscape, trail.x[37:38], trail.y[37:38])[0] + lift
    assert marker == [pytest.approx([trail.x[37], height_there])]
