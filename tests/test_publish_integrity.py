"""A bundle ships only what was rendered together, never replaces a folder it did not make, and is never missing.

The output directory is the one :mod:`tests.test_publish` makes by hand (a
figure with its light twin, a video, a surface), every file vouched for by
its manifest entry.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from render.publish import BUNDLE_MARK
from tests.test_publish import bundle_files, out, publish  # noqa: F401 -- the fixture

FOLDER = Path("publish") / "markdown" / "loss-compressed"


def test_a_file_replaced_by_hand_is_refused_in_one_line(out):
    (out / "loss-compressed@1x.png").write_text("drawn by someone else")
    result = publish(out, "--target", "markdown", "loss-compressed")
    assert result.exit_code == 1
    assert result.output == (f"error: loss-compressed: {out / 'loss-compressed@1x.png'} is not the file its render "
                             "recorded (a render under way or interrupted, or an edit by hand): render it again "
                             f"('render loss-compressed --out {out}'), then publish\n")
    assert not (out / FOLDER).exists()


def test_files_of_a_newer_render_are_not_paired_with_the_manifests_words(out):
    """A render killed after it published an output's files but before it merged its record into the manifest:
    the light twin's image is new, the manifest's alt text and sizes are the old ones."""
    assert publish(out, "--target", "markdown", "loss-compressed").exit_code == 0
    before = {name: (out / FOLDER / name).read_bytes() for name in bundle_files(out / FOLDER)}
    (out / "loss-compressed-light.png").write_bytes(b"a newer render's pixels")
    result = publish(out, "--target", "markdown", "loss-compressed")
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "--theme light" in result.output and "loss-compressed-light.png" in result.output
    assert {name: (out / FOLDER / name).read_bytes() for name in bundle_files(out / FOLDER)} == before


def test_the_source_of_a_gif_made_for_a_readme_is_checked_too(out):
    with open(out / "descent-compressed.mp4", "ab") as video:
        video.write(b"\0")
    result = publish(out, "--target", "github", "descent-compressed")
    assert result.exit_code == 1 and "descent-compressed.mp4 is not the file its render recorded" in result.output
    assert not (out / "publish" / "github" / "descent-compressed").exists()


def test_a_bundle_lists_what_it_holds_in_its_mark(out):
    assert publish(out, "--target", "hugo", "loss-compressed").exit_code == 0
    folder = out / "publish" / "hugo" / "loss-compressed"
    mark = json.loads((folder / BUNDLE_MARK).read_text())
    assert mark["output"] == "loss-compressed" and mark["target"] == "hugo"
    assert mark["files"] == bundle_files(folder)


@pytest.mark.parametrize("snippet", ["snippet.md", "snippet.html"])
def test_a_users_folder_with_a_snippet_in_it_is_not_taken_for_a_bundle(out, tmp_path, snippet):
    site = tmp_path / "site"
    mine = site / "loss-compressed"
    mine.mkdir(parents=True)
    (mine / snippet).write_text("my own notes")
    (mine / "thesis.tex").write_text("months of work")
    result = publish(out, "--target", "markdown", "--to", str(site), "loss-compressed")
    assert result.exit_code == 1
    assert result.output == \
        f"error: {mine} exists and is not a bundle folder: move it away or choose another --to\n"
    assert (mine / "thesis.tex").read_text() == "months of work" and (mine / snippet).read_text() == "my own notes"
    assert [p.name for p in site.iterdir()] == ["loss-compressed"]  # nothing hidden left beside it


def test_a_file_added_to_a_bundle_is_not_thrown_away_with_it(out):
    assert publish(out, "--target", "markdown", "loss-compressed").exit_code == 0
    (out / FOLDER / "notes").mkdir()
    (out / FOLDER / "notes" / "draft.md").write_text("mine")
    result = publish(out, "--target", "markdown", "loss-compressed")
    assert result.exit_code == 1
    assert f"{out / FOLDER} holds notes, which publish did not put there: move it out" in result.output
    assert (out / FOLDER / "notes" / "draft.md").read_text() == "mine"


def test_a_bundle_of_an_earlier_version_without_a_mark_is_replaced(out):
    assert publish(out, "--target", "markdown", "loss-compressed").exit_code == 0
    (out / FOLDER / BUNDLE_MARK).unlink()
    assert publish(out, "--target", "markdown", "loss-compressed").exit_code == 0
    assert (out / FOLDER / BUNDLE_MARK).is_file()


# A publish that dies (kill -9: nothing of ours runs after) right after the first step that moves a bundle folder.
KILLED_MID_REPLACEMENT = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from click.testing import CliRunner
    import render.publish as publishing
    from render.cli import main

    out = Path(sys.argv[1])
    for module, name in ((publishing.os, "rename"), (publishing, "exchange")):
        real = getattr(module, name)

        def dying(first, second, real=real):
            real(first, second)
            if Path(first).name.startswith(".loss-compressed.") or Path(second).name == "loss-compressed":
                os._exit(9)
        setattr(module, name, dying)
    CliRunner().invoke(main, ["publish", "--out", str(out), "--target", "markdown", "loss-compressed"])
""")


def test_a_publish_killed_while_it_replaces_a_bundle_leaves_one_in_place(out):
    assert publish(out, "--target", "markdown", "loss-compressed").exit_code == 0
    before = bundle_files(out / FOLDER)
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_REPLACEMENT, str(out)], cwd=Path(__file__).parents[1],
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}, timeout=120)
    assert killed.returncode == 9
    assert bundle_files(out / FOLDER) == before  # a whole bundle, the new one (the same files here)
    assert publish(out, "--target", "markdown", "loss-compressed").exit_code == 0
    assert [p.name for p in (out / FOLDER).parent.iterdir()] == ["loss-compressed"]  # the hidden old one removed


@pytest.mark.parametrize("contents", [["snippet.md"], ["snippet.md", "drafts/"], ["snippet.md", "notes.md"]])
def test_an_unmarked_folder_is_replaced_only_if_it_holds_what_a_bundle_would(out, tmp_path, contents):
    """A folder of the user's holding only a snippet.md of their own, or an empty folder beside it, is theirs."""
    site = tmp_path / "site"
    mine = site / "loss-compressed"
    for name in contents:
        (mine / name).parent.mkdir(parents=True, exist_ok=True)
        (mine / name).mkdir() if name.endswith("/") else (mine / name).write_text("mine")
    result = publish(out, "--target", "markdown", "--to", str(site), "loss-compressed")
    assert result.exit_code == 1 and "is not a bundle folder" in result.output
    assert sorted(p.relative_to(mine).as_posix() + ("/" if p.is_dir() else "") for p in mine.rglob("*")) == \
        sorted(contents)


def test_an_empty_folder_added_to_a_bundle_is_not_thrown_away_with_it(out):
    assert publish(out, "--target", "hugo", "loss-compressed").exit_code == 0
    folder = out / "publish" / "hugo" / "loss-compressed"
    (folder / "drafts").mkdir()
    result = publish(out, "--target", "hugo", "loss-compressed")
    assert result.exit_code == 1 and "holds drafts, which publish did not put there" in result.output
    assert (folder / "drafts").is_dir()
