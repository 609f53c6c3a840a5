"""Rebuilds: nothing changed renders nothing; a real change is always picked up."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.cli import main
from render.files import BOOKKEEPING_DIR, LEGACY_BOOKKEEPING, PUBLISH_LOCK, RECORDS_DIR, remove_leftovers
from render.keys import declaring_module, scene_digest, scene_sources
from render.manifest import MANIFEST_VERSION
from render.spec import Output
from scenes import SceneContext, article_outputs

BLOBS = ["blobs-compressed", "loss-compressed", "blobs-normalized"]


def render(out: Path, *args: str, data: Path | None = None) -> dict[str, str]:
    """Run the CLI; return each output's status word (rendered / up to date / skipped)."""
    command = [*args, "--out", str(out), "--grid-size", "20"]
    if data is not None:
        command += ["--data", str(data)]
    result = CliRunner().invoke(main, command, env={"RENDER_DATA": None}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    statuses = {}
    for line in result.output.splitlines():
        line = line.partition("] ")[2]  # after the "[k/n] " of how far along the run is
        for status in ("rendered", "up to date", "skipped"):
            if line.startswith(status + " "):
                statuses[line[len(status) + 1:].split()[0].rstrip(":")] = status
    return statuses


def test_second_run_renders_nothing_and_touches_nothing(tmp_path):
    assert set(render(tmp_path, *BLOBS).values()) == {"rendered"}
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.png")}
    assert render(tmp_path, *BLOBS) == {name: "up to date" for name in BLOBS}
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.png")} == before


def test_a_parameter_change_rerenders_only_what_depends_on_it(tmp_path):
    render(tmp_path, *BLOBS, "--seed", "1")
    # The seed sets the starting bias of the descent, not the blobs.
    assert render(tmp_path, *BLOBS, "--seed", "2") == {
        "blobs-compressed": "up to date", "loss-compressed": "rendered", "blobs-normalized": "up to date",
    }


def test_theme_twins_have_their_own_records(tmp_path):
    render(tmp_path, "blobs-compressed")
    assert render(tmp_path, "blobs-compressed", "--theme", "light") == {"blobs-compressed": "rendered"}
    assert render(tmp_path, "blobs-compressed") == {"blobs-compressed": "up to date"}


def test_deleted_or_edited_outputs_are_rerendered(tmp_path):
    render(tmp_path, *BLOBS)
    (tmp_path / "blobs-compressed@1x.png").unlink()
    png = tmp_path / "loss-compressed.png"
    data = bytearray(png.read_bytes())
    data[-20] ^= 0xFF  # same size, different bytes
    png.write_bytes(bytes(data))
    assert render(tmp_path, *BLOBS) == {
        "blobs-compressed": "rendered", "loss-compressed": "rendered", "blobs-normalized": "up to date",
    }


def test_force_renders_anyway(tmp_path):
    render(tmp_path, *BLOBS)
    assert set(render(tmp_path, *BLOBS, "--force").values()) == {"rendered"}


@pytest.mark.parametrize("damage", ["corrupt", "old-version", "wrong-shape"])
def test_a_bad_record_is_not_trusted(tmp_path, damage):
    render(tmp_path, "blobs-compressed")
    record = tmp_path / RECORDS_DIR / "blobs-compressed.json"
    if damage == "corrupt":
        record.write_text("{ not json")
    elif damage == "old-version":
        record.write_text(json.dumps({**json.loads(record.read_text()), "version": MANIFEST_VERSION - 1}))
    else:
        record.write_text(json.dumps({"version": MANIFEST_VERSION, "files": "nope"}))
    assert render(tmp_path, "blobs-compressed") == {"blobs-compressed": "rendered"}
    assert json.loads(record.read_text())["version"] == MANIFEST_VERSION


def test_a_corrupt_manifest_is_rebuilt(tmp_path):
    render(tmp_path, *BLOBS)
    (tmp_path / "manifest.json").write_text("garbage")
    render(tmp_path, *BLOBS)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [o["name"] for o in manifest["outputs"]] == ["blobs-compressed", "loss-compressed", "blobs-normalized"]


def test_the_output_directory_holds_what_is_published_and_one_hidden_folder(tmp_path):
    """Copying the output directory but ``.render`` publishes it: no other bookkeeping sits beside the files."""
    render(tmp_path, "blobs-compressed")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    rendered = {f["path"].split("/")[0] for output in manifest["outputs"] for f in output["files"]}
    assert "data" in rendered and "blobs-compressed.png" in rendered
    assert {p.name for p in tmp_path.iterdir()} == rendered | {"manifest.json", "index.html", "snippets", BOOKKEEPING_DIR}
    assert (tmp_path / RECORDS_DIR / "blobs-compressed.json").is_file()
    assert (tmp_path / PUBLISH_LOCK).is_file()


def test_the_bookkeeping_of_the_earlier_layout_is_removed_not_migrated(tmp_path):
    """An output directory with ``.records/``, ``.staging/`` and ``.publish.lock`` at its top loses those
    three, and nothing else; their outputs render once more, their records unread."""
    render(tmp_path, "blobs-compressed")
    (tmp_path / RECORDS_DIR).rename(tmp_path / ".records")  # a record that still vouches for its files
    (tmp_path / ".staging" / "loss-compressed.k1ll3d").mkdir(parents=True)
    (tmp_path / ".staging" / "loss-compressed.k1ll3d" / "loss-compressed.png").write_bytes(b"half")
    (tmp_path / ".publish.lock").touch()
    kept = [tmp_path / ".gitkeep", tmp_path / ".records.bak" / "x.json", tmp_path / "records" / "x.json"]
    for path in kept:
        path.parent.mkdir(exist_ok=True)
        path.write_text("not ours")
    assert render(tmp_path, "blobs-compressed") == {"blobs-compressed": "rendered"}
    assert [name for name in LEGACY_BOOKKEEPING if os.path.lexists(tmp_path / name)] == []
    assert [path.read_text() for path in kept] == ["not ours"] * 3
    assert render(tmp_path, "blobs-compressed") == {"blobs-compressed": "up to date"}


def test_a_legacy_name_that_is_a_symbolic_link_is_removed_and_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "records").mkdir(parents=True)
    (elsewhere / "records" / "keep.json").write_text("{}")
    (elsewhere / "lock").touch()
    out = tmp_path / "out"
    out.mkdir()
    (out / ".records").symlink_to(elsewhere / "records", target_is_directory=True)
    (out / ".publish.lock").symlink_to(elsewhere / "lock")
    assert sorted(p.name for p in remove_leftovers(out)) == [".publish.lock", ".records"]
    assert list(out.iterdir()) == []
    assert (elsewhere / "records" / "keep.json").read_text() == "{}" and (elsewhere / "lock").is_file()


def test_changed_input_data_rerenders_the_outputs_that_read_it(tmp_path, catdog_dir):
    from tests.conftest import write_catdog

    names = ["catdog-samples", "blobs-normalized"]
    render(tmp_path, *names, data=catdog_dir)
    assert render(tmp_path, *names, data=catdog_dir) == dict.fromkeys(names, "up to date")
    write_catdog(catdog_dir, seed=99)
    assert render(tmp_path, *names, data=catdog_dir) == {"catdog-samples": "rendered", "blobs-normalized": "up to date"}


def test_a_source_change_reaches_only_the_scenes_that_import_it(tmp_path, monkeypatch):
    package = tmp_path / "fakescenes"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "shared.py").write_text("RATE = 0.1\n")
    (package / "first.py").write_text("from fakescenes.shared import RATE\n\ndef build():\n    return RATE\n")
    (package / "second.py").write_text("from .shared import RATE\n\ndef build():\n    return 2 * RATE\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    first = importlib.import_module("fakescenes.first")
    second = importlib.import_module("fakescenes.second")
    outputs = [Output("one", "figure", "", first.build), Output("two", "figure", "", functools.partial(second.build))]

    def digests():
        return [scene_digest(output) for output in outputs]

    before = digests()
    (package / "first.py").write_text("from fakescenes.shared import RATE\n\ndef build():\n    return -RATE\n")
    after_first = digests()
    assert after_first[0] != before[0] and after_first[1] == before[1]
    (package / "shared.py").write_text("RATE = 0.2\n")
    after_shared = digests()
    assert after_shared[0] != after_first[0] and after_shared[1] != after_first[1]
    # A scene that starts using another scene's code depends on it from then on.
    (package / "second.py").write_text("from fakescenes import first\n\ndef build():\n    return first.build()\n")
    uses_first = digests()[1]
    (package / "first.py").write_text("from fakescenes.shared import RATE\n\ndef build():\n    return 3 * RATE\n")
    assert digests()[1] != uses_first


def test_every_form_of_import_is_read_from_the_compiled_code(tmp_path):
    from render.keys import _imported_names

    path = tmp_path / "mod.py"
    path.write_text(
        "from __future__ import annotations\n"
        "import os.path, json as j\n"
        "from typing import TYPE_CHECKING\n"
        "from . import sibling\n"
        "from ..up import thing as other\n"
        "if TYPE_CHECKING:\n    from pkg.types import Hint\n"
        "class Holder:\n    def method(self):\n        import pkg.lazy\n"
        "from .deep import *\n"
        "def outer():\n    def inner():\n        from .inner import value\n"
    )
    assert _imported_names(path, "pkg.sub.mod", is_package=False) == {
        "__future__", "__future__.annotations", "os.path", "json", "typing", "typing.TYPE_CHECKING",
        "pkg.sub", "pkg.sub.sibling", "pkg.up", "pkg.up.thing", "pkg.types", "pkg.types.Hint", "pkg.lazy",
        "pkg.sub.deep", "pkg.sub.deep.*", "pkg.sub.inner", "pkg.sub.inner.value",
    }


def test_the_articles_scenes_depend_on_what_they_import():
    outputs = {o.name: o for o in article_outputs(SceneContext())}

    def sources(name):
        return {p.name for p in scene_sources(declaring_module(outputs[name]))}

    assert {"normalization.py", "comparison.py", "neuron.py"} <= sources("descent-comparison")
    assert "catdog.py" not in sources("blobs-compressed") and "comparison.py" not in sources("blobs-compressed")
    assert "normalization.py" not in sources("catdog-learning-curves")
    assert {"training.py", "neuron.py", "data.py"} <= sources("catdog-learning-curves")


@pytest.mark.slow
def test_parallel_runs_produce_the_same_files_as_a_serial_run(tmp_path):
    """What ``make -j4`` does: several render processes at once into one directory, then the gallery."""
    render_exe = Path(sys.executable).parent / "render"
    groups = [["blobs-compressed", "loss-compressed"], ["contour-compressed"], ["blobs-normalized", "loss-normalized"]]

    def run_parallel(out):
        processes = [
            subprocess.Popen([render_exe, *group, "--out", str(out), "--grid-size", "20"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for group in groups
        ]
        outputs = [p.communicate(timeout=300) for p in processes]
        assert all(p.returncode == 0 for p in processes), outputs
        subprocess.run([render_exe, "gallery", "--out", str(out)], check=True, capture_output=True)
        return "".join(o[0] for o in outputs)

    def snapshot(out):
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        return files

    serial = tmp_path / "serial"
    subprocess.run([render_exe, *sum(groups, []), "--out", str(serial), "--grid-size", "20"], check=True,
                   capture_output=True)
    parallel = tmp_path / "parallel"
    run_parallel(parallel)
    assert snapshot(parallel) == snapshot(serial)
    second = run_parallel(parallel)
    assert "] rendered" not in second and second.count("] up to date") == 5
    assert not [p for p in parallel.rglob("*") if ".partial" in p.name]


def test_the_export_timeout_is_not_part_of_a_surfaces_key():
    from render.kinds import KINDS
    from render.settings import RenderSettings, SurfaceSettings

    patient = RenderSettings(surface=SurfaceSettings(export_timeout=600.0))
    surface = KINDS["surface"].settings
    assert surface(patient) == surface(RenderSettings())
    assert surface(RenderSettings(surface=SurfaceSettings(plotlyjs="cdn"))) != surface(RenderSettings())


def test_a_failed_rerender_keeps_the_previous_files_and_their_record(tmp_path, monkeypatch):
    """Nothing of a failed render is published, so the previous render's files are still whole and their
    record still vouches for them (the gallery keeps showing them); the next run tries again."""
    from render.figure import MplFigure

    render(tmp_path, "loss-compressed", "blobs-compressed")
    before = {p: p.read_bytes() for p in tmp_path.rglob("loss-compressed*")}

    def disk_full(figure, path, **kwargs):
        raise OSError(28, "No space left on device", str(path))

    with monkeypatch.context() as patch:
        patch.setattr(MplFigure, "savefig", disk_full)
        result = CliRunner().invoke(main, ["loss-compressed", "--out", str(tmp_path), "--grid-size", "20",
                                           "--seed", "5"], env={"RENDER_DATA": None})
    assert result.exit_code == 1
    assert "error: loss-compressed: No space left on device (" in result.output
    assert {p: p.read_bytes() for p in tmp_path.rglob("loss-compressed*")} == before
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [o["name"] for o in manifest["outputs"]] == ["blobs-compressed", "loss-compressed"]
    assert render(tmp_path, "loss-compressed", "--seed", "5") == {"loss-compressed": "rendered"}
