"""The Makefile passes OUT, VIDEO_FORMATS, JOBS and RENDER_FLAGS to render as data, never as shell code.

Each test runs the project's Makefile in a scratch directory (``make -f``) against a fake venv whose
``render`` only records its arguments: fast, and a value that does run code runs it there, not here.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = ROOT / "Makefile"
MAKE = shutil.which("make")
USER_VARIABLES = ("OUT", "VIDEO_FORMATS", "JOBS", "RENDER_FLAGS")

pytestmark = pytest.mark.skipif(MAKE is None, reason="needs make")

INJECTIONS = [
    'x"; touch PWNED; echo "',
    "x; touch PWNED",
    "x' ; touch PWNED ; '",
    "$(touch PWNED)",
    "`touch PWNED`",
    "$(shell touch PWNED)",
]


@pytest.fixture
def project(tmp_path):
    """A scratch directory with a fake, already-installed venv: `render` appends its argv to calls.jsonl."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    render = bin_dir / "render"
    render.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "with open(os.environ['FAKE_RENDER_LOG'], 'a') as log:\n"
        "    log.write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    python = bin_dir / "python"  # `make chrome` asks it for a Chrome: found
    python.write_text("#!/bin/sh\nexit 0\n")
    for script in (render, python):
        script.chmod(0o755)
    # pyproject.toml older than .installed, so the install rule has nothing to do.
    (tmp_path / "pyproject.toml").touch()
    (tmp_path / "venv" / ".installed").touch()
    os.utime(tmp_path / "pyproject.toml", (1_000_000_000, 1_000_000_000))
    return tmp_path


def make(directory, *args):
    """Run the Makefile in `directory`, with no OUT/JOBS/... from the caller's environment or a parent make."""
    env = {k: v for k, v in os.environ.items()
           if k not in USER_VARIABLES and k not in ("MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES", "MAKELEVEL")}
    env["FAKE_RENDER_LOG"] = str(directory / "calls.jsonl")
    return subprocess.run([MAKE, "-s", "-f", str(MAKEFILE), "VENV=venv", *args], cwd=directory, env=env,
                          capture_output=True, text=True, timeout=60)


def calls(directory):
    log = directory / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def assert_nothing_ran(directory):
    assert not list(directory.rglob("PWNED"))
    assert not (ROOT / "PWNED").exists()


@pytest.mark.parametrize("target", ["loss-compressed", "figures", "videos", "surface-compressed", "all"])
def test_an_out_with_a_space_is_one_argument_and_empty_options_add_none(project, target):
    """Make pasted $(OUT) into the command, where the blank split it in two."""
    result = make(project, target, "OUT=my figures", "VIDEO_FORMATS=", "JOBS=", "RENDER_FLAGS=")
    assert result.returncode == 0, result.stderr
    twins = ["--twins"] if target == "all" else []  # `make all` renders the light twins too
    assert calls(project) == [[target, *twins, "--out", "my figures"]]


def test_the_gallery_takes_out_the_same_way(project):
    """`make gallery` has its own command line, with --out only."""
    result = make(project, "gallery", "OUT=my figures")
    assert result.returncode == 0, result.stderr
    assert calls(project) == [["gallery", "--out", "my figures"]]


@pytest.mark.parametrize("target", INJECTIONS)
def test_publish_takes_its_target_as_typed_and_runs_nothing(project, target):
    result = make(project, "publish", f"TARGET={target}", "OUT=my figures")
    assert result.returncode == 0, result.stderr
    assert calls(project) == [["publish", "--target", target, "--out", "my figures"]]
    assert_nothing_ran(project)


@pytest.mark.parametrize("scheme", INJECTIONS)
def test_publish_takes_its_scheme_as_typed_and_runs_nothing(project, scheme):
    result = make(project, "publish", "TARGET=pelican", f"SCHEME={scheme}")
    assert result.returncode == 0, result.stderr
    assert calls(project) == [["publish", "--target", "pelican", "--scheme", scheme]]
    assert_nothing_ran(project)


def test_publish_without_a_target_leaves_the_choice_to_render(project):
    assert make(project, "publish").returncode == 0
    assert calls(project) == [["publish"]]  # and the folder too: the post's own


@pytest.mark.parametrize("target, words", [
    ("all", ["all", "--twins", "--post", "examples/learning rate"]),
    ("gallery", ["gallery", "--post", "examples/learning rate"]),
    ("list", ["list", "--post", "examples/learning rate"]),
    ("publish", ["publish", "--post", "examples/learning rate"]),
])
def test_post_chooses_the_post_as_typed(project, target, words):
    result = make(project, target, "POST=examples/learning rate")
    assert result.returncode == 0, result.stderr
    assert calls(project) == [words]


def test_the_makefile_has_a_target_per_output_of_the_article():
    """The Makefile's lists, kind by kind and in order, are what `render list` says the article renders."""
    from click.testing import CliRunner

    from render.cli import main

    listed = [line.split()[:2] for line in CliRunner().invoke(main, ["list"]).output.splitlines()]
    text = MAKEFILE.read_text().replace("\\\n", " ")
    declared = {}
    for variable in ("FIGURES", "VIDEOS", "SURFACES"):
        line = next(line for line in text.splitlines() if line.startswith(f"{variable} :="))
        declared[variable] = line.partition(":=")[2].split()
    for variable, kind in (("FIGURES", "figure"), ("VIDEOS", "video"), ("SURFACES", "surface")):
        assert declared[variable] == [name for name, k in listed if k == kind], variable


@pytest.mark.parametrize("out", INJECTIONS)
def test_a_crafted_out_runs_nothing_and_arrives_as_typed(project, out):
    """Whatever quoting make puts around $(OUT), a quote, `;`, backquote or `$(...)` in it ran or was lost."""
    result = make(project, "loss-compressed", f"OUT={out}")
    assert result.returncode == 0, result.stderr
    assert calls(project) == [["loss-compressed", "--out", out]]
    assert_nothing_ran(project)


@pytest.mark.parametrize("flags, words", [
    ("--theme light; touch PWNED", ["--theme", "light;", "touch", "PWNED"]),
    ("--theme $(touch PWNED)", ["--theme", "$(touch", "PWNED)"]),
    ("--theme `touch PWNED`", ["--theme", "`touch", "PWNED`"]),
    ("--theme $(shell touch PWNED)", ["--theme", "$(shell", "touch", "PWNED)"]),
    ("--theme *", ["--theme", "*"]),
])
def test_render_flags_are_split_into_words_never_run(project, flags, words):
    """RENDER_FLAGS is several options, so it is split at blanks; a word is still only text (no glob either)."""
    result = make(project, "figures", f"RENDER_FLAGS={flags}")
    assert result.returncode == 0, result.stderr
    assert calls(project) == [["figures", *words]]
    assert_nothing_ran(project)


def test_render_flags_become_several_arguments_while_out_stays_one(project):
    """The two are split differently: RENDER_FLAGS at its blanks, OUT not at all."""
    result = make(project, "figures", "OUT=my figures", "RENDER_FLAGS=--theme light  --seed 3")
    assert result.returncode == 0, result.stderr
    assert calls(project) == [["figures", "--out", "my figures", "--theme", "light", "--seed", "3"]]


def test_video_formats_and_jobs_are_passed_when_set_each_as_one_argument(project):
    """The command line reads 'mp4, webm' as one list; split in two, `webm` was taken for an output."""
    result = make(project, "descent-compressed", "VIDEO_FORMATS=mp4, webm", "JOBS=2")
    assert result.returncode == 0, result.stderr
    assert calls(project) == [["descent-compressed", "--formats", "mp4, webm", "--jobs", "2"]]


def fill(out):
    out.mkdir(parents=True, exist_ok=True)
    (out / ".gitkeep").touch()
    (out / "figure.png").write_text("png")
    (out / "videos").mkdir()
    (out / "videos" / "descent.mp4").write_text("mp4")


@pytest.mark.parametrize("out, absolute", [("my figures", False), ("my figures", True), ("-delete", False)])
def test_clean_empties_out_but_for_gitkeep_and_nothing_outside(project, out, absolute):
    """A blank in OUT split it; a name starting with `-` became find's expression, deleting from `.`."""
    fill(project / out)
    result = make(project, "clean", f"OUT={project / out if absolute else out}")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project / out).iterdir()) == [".gitkeep"]
    assert (project / "pyproject.toml").exists() and (project / "venv" / "bin" / "render").exists()


@pytest.mark.parametrize("out", INJECTIONS)
def test_clean_with_a_crafted_out_empties_that_directory_and_runs_nothing(project, out):
    """The same values as for render, in `clean`'s own command: only a directory's name."""
    fill(project / out)
    result = make(project, "clean", f"OUT={out}")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project / out).iterdir()) == [".gitkeep"]
    assert_nothing_ran(project)


def test_clean_with_an_empty_out_empties_output_and_nothing_else(project):
    """An empty OUT left find with no directory, so it emptied the current one: it means output/, every post's."""
    (project / "output" / "learning-rate").mkdir(parents=True)
    (project / "output" / ".gitkeep").touch()
    (project / "output" / "learning-rate" / "x.png").touch()
    result = make(project, "clean", "OUT=")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project / "output").iterdir()) == [".gitkeep"]
    assert (project / "pyproject.toml").exists() and (project / "venv" / "bin" / "render").exists()
