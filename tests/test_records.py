"""Records and the manifest are data: a crafted one cannot put a URL or a path outside the output on a page."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from render.gallery import write_gallery
from render.manifest import MANIFEST_NAME, OutputRecord, describe_file, is_output_path, load_record, read_manifest
from render.manifest import record_path, save_record, sha256_of, write_manifest
from render.pipeline import check_output
from render.settings import RenderSettings
from render.spec import Output
from tests.test_gallery import Collector, png, record

FIGURE_FILES = ["fig.png", "fig@1x.png", "fig.svg", "data/fig.csv"]
GOOD_PATHS = [*FIGURE_FILES, "fig-light@1x.png", "data/fig-light-history.csv", "surface.html", "plotly.min.js",
              "surface.webp", "descent.mp4", "descent.webm", "descent.gif"]
# Each exists on disk (see make_bad_file), so only the check keeps it out, not a missing file.
BAD_PATHS = ["javascript:alert(1)", "../outside.png", "/etc/passwd", "data/../../x.png", "a\\b.png", "x.exe",
             "http://evil/x.png", "link.png", "linked/x.png"]


def entry(path: str, fmt: str = "png") -> dict:
    return {"path": path, "role": "data" if fmt == "csv" else fmt, "format": fmt, "bytes": 1, "sha256": "0"}


def make_bad_file(out: Path, path: str) -> None:
    """Make ``path`` (as a record would name it) a file that exists: a symlink out of ``out`` for the last two."""
    outside = out.parent / "secret"
    outside.mkdir(exist_ok=True)
    (outside / "x.png").write_bytes(b"secret")
    if path == "link.png":
        (out / path).symlink_to(outside / "x.png")
    elif path == "linked/x.png":
        (out / "linked").symlink_to(outside, target_is_directory=True)
    elif not (out / path).exists():  # /etc/passwd is there already
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(b"x")
    assert (out / path).is_file()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An output directory with one genuine figure, ``fig``, and its record."""
    out = tmp_path / "out"
    for path in FIGURE_FILES:
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(b"x")
    files = [png("fig.png"), png("fig@1x.png", 600, 400), entry("fig.svg", "svg"), entry("data/fig.csv", "csv")]
    write_record(out, "fig", record("fig", "figure", files))
    return out


def write_record(out: Path, stem: str, data: dict) -> None:
    path = record_path(out, stem)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def page_of(out: Path) -> str:
    return write_gallery(out, "t").read_text()


def assert_only_fig(out: Path) -> None:
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert [o["name"] for o in manifest["outputs"]] == ["fig"]
    assert [f["path"] for f in manifest["outputs"][0]["files"]] == FIGURE_FILES
    assert 'src="fig@1x.png" srcset="fig@1x.png 1x, fig.png 2x"' in page_of(out)


@pytest.mark.parametrize("path", GOOD_PATHS)
def test_what_the_writers_write_is_an_output_path(out, path):
    assert is_output_path(path, out)


@pytest.mark.parametrize("path", [*BAD_PATHS, "", ".", "..", "data/", "./fig.png", ".render/records/fig.json",
                                  "data:image/png;base64,AAAA.png", "%2e%2e/x.png", "fig.png\n", "fig\x00.png",
                                  "fig.png 1x, /x.png", "fig.PNG", "fig"])
def test_anything_else_is_not(out, path):
    if path in BAD_PATHS:
        make_bad_file(out, path)
    assert not is_output_path(path, out)


@pytest.mark.parametrize("path", BAD_PATHS)
def test_a_crafted_record_is_damaged_and_reaches_no_page(out, path):
    make_bad_file(out, path)
    write_record(out, "evil", record("evil", "figure", [entry(path)]))
    assert load_record(out, "evil") is None
    assert load_record(out, "fig").files[-1]["path"] == "data/fig.csv"
    write_manifest(out, ["fig", "evil"])
    assert path not in (out / MANIFEST_NAME).read_text().replace("\\\\", "\\")
    assert path not in page_of(out)
    assert_only_fig(out)


@pytest.mark.parametrize("path", BAD_PATHS)
def test_one_bad_file_among_good_ones_damages_the_record(out, path):
    make_bad_file(out, path)
    good = json.loads(record_path(out, "fig").read_text())
    write_record(out, "fig-light", {**good, "theme": "light", "files": [*good["files"], entry(path)]})
    assert load_record(out, "fig-light") is None
    write_manifest(out, ["fig"])
    assert [o["theme"] for o in json.loads((out / MANIFEST_NAME).read_text())["outputs"]] == ["dark"]


def test_a_crafted_manifest_puts_no_bad_path_or_name_on_the_page(out):
    for path in BAD_PATHS:
        make_bad_file(out, path)
    fig = json.loads(record_path(out, "fig").read_text())
    hostile = {**fig, "name": "hostile", "caption": "<script>alert(1)</script>",
               "alt": '"><img src=x onerror=alert(1)>'}
    outputs = [fig, hostile, {**fig, "name": "../../etc/evil"}, {**fig, "name": "javascript:alert(2)"},
               *(record(f"evil{i}", "figure", [entry(path)]) for i, path in enumerate(BAD_PATHS))]
    (out / MANIFEST_NAME).write_text(json.dumps({"version": fig["version"], "outputs": outputs}))
    assert [o["name"] for o in read_manifest(out)["outputs"]] == ["fig", "hostile"]
    page = page_of(out)
    collector = Collector()
    collector.feed(page)
    assert [a["id"] for t, a in collector.tags if t == "article"] == ["fig", "hostile"]
    for path in BAD_PATHS:
        assert path not in page
    assert "../../etc/evil" not in page and "javascript:" not in page
    # Text from a record is escaped: it shows as text, it adds no element.
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not [a for t, a in collector.tags if t == "img" and a.get("src") == "x"]


def test_a_record_vouching_for_a_file_outside_is_rendered_again(tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside.png"
    out.mkdir()
    (out / "fig.png").write_bytes(b"ours")
    outside.write_bytes(b"not ours")
    files = [describe_file(out / "fig.png", out, "png")]
    genuine = OutputRecord(name="fig", kind="figure", theme="dark", key="k", caption="", alt="", description=[],
                           parameters={}, versions={}, files=files)
    output, settings = Output("fig", "figure", "", build=lambda: None), RenderSettings(out_dir=out)
    save_record(out, "fig", genuine)
    assert check_output(output, settings, "k").status == "unchanged"
    stray = {"path": "../outside.png", "role": "png", "format": "png", "bytes": 8, "sha256": sha256_of(outside)}
    save_record(out, "fig", dataclasses.replace(genuine, files=[*files, stray]))
    assert check_output(output, settings, "k") is None  # render it
