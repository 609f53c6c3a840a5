"""Numbers in records and manifests are plausible, and each file has its role's suffix: anything else is damage.

A page does arithmetic with them (an aspect ratio, a duration, a size), so a
hand-edited 10**400 or ``Infinity`` that passed as "a number" crashed every
render, gallery and publish until someone deleted the record.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from render.gallery import write_gallery
from render.manifest import MANIFEST_NAME, MANIFEST_VERSION, load_record, read_manifest, record_path, write_manifest
from render.publish import publish
from render.settings import Written
from tests.conftest import vouched
from tests.test_gallery import png, record

VIDEO = {"path": "clip.mp4", "role": "mp4", "format": "mp4", "bytes": 10, "sha256": "0", "width": 640,
         "height": 360, "frames": 20, "duration": 2.0, "fps": 10.0}


def write(out: Path, relative: str, text: str) -> None:
    (out / relative).parent.mkdir(parents=True, exist_ok=True)
    (out / relative).write_text(text)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An output directory holding a figure ``fig`` and a video ``clip``, with their records."""
    out = tmp_path / "out"
    for path in ("fig.png", "clip.mp4", "clip.png", "index.html"):
        write(out, path, "x")
    fig, clip = vouched(out, [record("fig", "figure", [png("fig.png")]),
                              record("clip", "video", [dict(VIDEO), png("clip.png", 640, 360)])])
    write(out, ".render/records/fig.json", json.dumps(fig))
    write(out, ".render/records/clip.json", json.dumps(clip))
    return out


def edited(data: dict, files: list[dict], path: str, changes: dict[str, object]) -> str:
    """``data`` as JSON text with the entry of ``path`` among ``files`` (a list inside ``data``) changed as text,
    so values Python cannot write (10**400 as a float, Infinity) are what a reader meets."""
    entry = next(f for f in files if f["path"] == path)
    entry.update({key: "@@" + key for key in changes})
    text = json.dumps(data)
    for key, value in changes.items():
        text = text.replace(f'"@@{key}"', str(value))
    return text


def hand_edit(out: Path, stem: str, path: str, changes: dict[str, object]) -> None:
    data = json.loads(record_path(out, stem).read_text())
    record_path(out, stem).write_text(edited(data, data["files"], path, changes))


DAMAGE = [
    ("fig", "fig.png", {"height": 10**400}),
    ("fig", "fig.png", {"width": 0}),
    ("fig", "fig.png", {"height": "1e400"}),
    ("clip", "clip.mp4", {"duration": "1e300"}),
    ("clip", "clip.mp4", {"duration": "Infinity"}),
    ("clip", "clip.mp4", {"duration": "NaN"}),
    ("clip", "clip.mp4", {"frames": -1}),
    ("clip", "clip.mp4", {"fps": 0}),
    ("clip", "clip.mp4", {"bytes": 10**30}),
    ("fig", "fig.png", {"path": '"index.html"', "format": '"html"'}),  # a png that is a page: <img src="">
    ("clip", "clip.png", {"path": '"clip.mp4"', "format": '"mp4"'}),  # a poster that is a video
]


@pytest.mark.parametrize(("stem", "path", "changes"), DAMAGE)
def test_an_implausible_number_or_a_role_with_the_wrong_suffix_damages_the_record(out, stem, path, changes):
    assert load_record(out, stem) is not None
    hand_edit(out, stem, path, changes)
    assert load_record(out, stem) is None
    write_manifest(out, ["fig", "clip"])
    assert [o["name"] for o in json.loads((out / MANIFEST_NAME).read_text())["outputs"]] == \
        [name for name in ("fig", "clip") if name != stem]


@pytest.mark.parametrize(("stem", "path", "changes"), DAMAGE)
def test_a_manifest_edited_so_reaches_neither_the_gallery_nor_a_bundle(out, stem, path, changes):
    write_manifest(out, ["fig", "clip"])
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    damaged = next(o for o in manifest["outputs"] if o["name"] == stem)
    (out / MANIFEST_NAME).write_text(edited(manifest, damaged["files"], path, changes))
    kept = [name for name in ("fig", "clip") if name != stem]
    assert [o["name"] for o in read_manifest(out)["outputs"]] == kept
    page = write_gallery(out, "t").read_text()  # no OverflowError, no <img src="">
    assert f'id="{stem}"' not in page and 'src=""' not in page
    bundles = publish(out, "html", out.parent / "bundles")
    assert [bundle.name for bundle in bundles] == kept


def test_a_plausible_record_is_kept(out):
    hand_edit(out, "clip", "clip.mp4", {"duration": 3600, "frames": 36000, "width": 3840, "height": 2160})
    assert load_record(out, "clip") is not None
    assert json.loads(record_path(out, "clip").read_text())["version"] == MANIFEST_VERSION


def test_a_writer_cannot_claim_a_file_for_a_role_of_another_suffix(tmp_path):
    with pytest.raises(ValueError, match="a poster file is a .webp"):
        Written(tmp_path / "clip.mp4", "poster")
    assert Written(tmp_path / "clip.webp", "poster").role == "poster"
