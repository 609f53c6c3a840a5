"""The command line as a user meets it: exit codes and the exact lines they read."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import render.figure
from render.cli import main

FIGURES = [
    "catdog-samples", "catdog-learning-curves", "catdog-weights", "catdog-landscape", "catdog-landscape-random",
    "blobs-compressed", "loss-compressed",
    "contour-compressed", "blobs-normalized", "loss-normalized", "contour-normalized", "loss-comparison",
    "optimizers-contour-compressed", "optimizers-contour-normalized",
]


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env or {"RENDER_DATA": None}, catch_exceptions=False)


def test_list_is_in_article_order():
    result = run("list")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert [n for n in names if n in FIGURES] == FIGURES
    assert names.index("contour-compressed") < names.index("blobs-normalized")


@pytest.mark.parametrize("typed, line", [
    ("contour-compresed", "error: unknown output 'contour-compresed'; did you mean contour-compressed? (see 'render list')"),
    ("contour-squashed", "error: unknown output 'contour-squashed'; did you mean contour-compressed or "
                         "contour-normalized? (see 'render list')"),
    ("vidoes", "error: unknown output 'vidoes'; did you mean videos? (see 'render list')"),
    ("descent", "error: unknown output 'descent'; did you mean descent-compressed or descent-normalized or "
                "descent-comparison? (see 'render list')"),
    ("zebra", "error: unknown output 'zebra' (see 'render list')"),
])
def test_a_typo_gets_one_line_with_the_closest_names(tmp_path, typed, line):
    result = run("blobs-compressed", typed, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output.splitlines() == [line]
    assert not (tmp_path / "out").exists()


def test_a_mistyped_command_is_suggested_too():
    result = run("lsit")
    assert result.exit_code == 2
    assert result.output == "error: unknown output 'lsit'; did you mean list? (see 'render list')\n"


def test_figures_without_data_render_and_say_what_was_skipped(tmp_path):
    result = run("figures", "--out", str(tmp_path / "out"), "--data", str(tmp_path / "none"), "--grid-size", "20")
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.output.splitlines() if "] skipped" in line]
    catdog = ("catdog-samples", "catdog-learning-curves", "catdog-weights", "catdog-landscape",
              "catdog-landscape-random")
    assert skipped == [
        f"[{k}/14] skipped {name}: needs trainset.hdf5 and testset.hdf5 in {tmp_path / 'none'}: "
        "pass --data DIR or set RENDER_DATA to the directory holding trainset.hdf5 and testset.hdf5"
        for k, name in enumerate(catdog, start=1)
    ]
    assert [line.partition("]")[0] + "]" for line in result.output.splitlines()[5:-1]] == [
        f"[{k}/14]" for k in range(6, 15)]
    assert result.output.splitlines()[-1].startswith("9 rendered, 5 skipped in ")
    for name in FIGURES[5:]:
        assert (tmp_path / "out" / f"{name}.png").is_file()
        assert (tmp_path / "out" / f"{name}.svg").is_file()
        assert (tmp_path / "out" / "data" / f"{name}.csv").is_file()


def test_naming_a_catdog_output_without_data_is_an_error(tmp_path):
    result = run("catdog-samples", "--out", str(tmp_path), "--data", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: catdog-samples needs trainset.hdf5 and testset.hdf5 in {tmp_path / 'none'}: "
        "pass --data DIR or set RENDER_DATA to the directory holding trainset.hdf5 and testset.hdf5"
    )
    assert list(tmp_path.iterdir()) == []


def test_data_from_the_environment(tmp_path, catdog_dir):
    result = run("catdog-samples", "--out", str(tmp_path), env={"RENDER_DATA": str(catdog_dir)})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "catdog-samples.png").is_file()


def test_corrupt_data_fails_that_output_in_one_line(tmp_path, catdog_dir):
    (catdog_dir / "trainset.hdf5").write_bytes(b"garbage")
    result = run("catdog-samples", "blobs-normalized", "--out", str(tmp_path), "--data", str(catdog_dir))
    assert result.exit_code == 1
    errors = [line.partition("] ")[2] for line in result.output.splitlines() if "] error:" in line]
    assert len(errors) == 1 and errors[0].startswith(f"error: catdog-samples: {catdog_dir / 'trainset.hdf5'} is not")
    assert "Traceback" not in result.output
    assert (tmp_path / "blobs-normalized.png").is_file()
    assert not (tmp_path / "catdog-samples.png").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--seed", "-1"], "Invalid value for '--seed': -1 is not in the range x>=0"),
        (["--theme", "sepia"], "Invalid value for '--theme': 'sepia' is not one of 'dark', 'light'"),
        (["--grid-size", "1"], "Invalid value for '--grid-size': 1 is not in the range 2<=x<=1000"),
        (["--fps", "0"], "Invalid value for '--fps': 0.0 is not in the range 1<=x<=240"),
    ],
)
def test_bad_option_values(tmp_path, args, message):
    """One line, no usage block to scroll past, and where to look."""
    result = run("blobs-compressed", "--out", str(tmp_path), *args)
    assert result.exit_code == 2
    assert result.output.splitlines() == [f"error: {message} (see 'render all --help')"]


def test_out_must_be_a_directory(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    result = run("blobs-compressed", "--out", str(target))
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"error: Invalid value for '--out': Directory '{target}' is a file (see 'render all --help')"
    ]


def test_interrupted_render_leaves_no_file(tmp_path, monkeypatch):
    def interrupted(figure, path, **kwargs):
        Path(path).write_bytes(b"half a PNG")
        raise KeyboardInterrupt

    monkeypatch.setattr(render.figure.MplFigure, "savefig", interrupted)
    result = CliRunner().invoke(main, ["blobs-compressed", "--out", str(tmp_path)])
    assert result.exit_code == 130 and result.output == "interrupted\n"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.slow
def test_console_script_renders_everything_end_to_end(tmp_path, catdog_dir):
    render_exe = shutil.which("render", path=os.path.dirname(sys.executable))
    assert render_exe, "the project is not installed (pip install -e .)"
    result = subprocess.run(
        [render_exe, "figures", "--out", str(tmp_path), "--data", str(catdog_dir), "--seed", "3"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    for name in FIGURES:
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    assert not list(tmp_path.rglob(".*partial*"))


def test_twins_render_the_other_theme_in_the_same_run_videos_too(tmp_path):
    """A video plays in the theme it was drawn in: a page of the other scheme needs a whole video of its own."""
    result = run("blobs-compressed", "descent-normalized", "--twins", "--out", str(tmp_path), "--jobs", "1",
                 "--grid-size", "12", "--duration", "0.5", "--formats", "mp4")
    assert result.exit_code == 0, result.output
    lines = [line.split(" in ")[0] for line in result.output.splitlines()[:4]]
    assert lines == ["[1/4] rendered blobs-compressed", "[2/4] rendered descent-normalized",
                     "[3/4] rendered blobs-compressed (light)", "[4/4] rendered descent-normalized (light)"]
    assert (tmp_path / "blobs-compressed-light.png").is_file() and (tmp_path / "descent-normalized.mp4").is_file()
    assert (tmp_path / "descent-normalized-light.mp4").is_file()
    assert (tmp_path / "descent-normalized-light-phone.mp4").is_file()
    again = run("blobs-compressed", "descent-normalized", "--twins", "--out", str(tmp_path), "--jobs", "1",
                "--grid-size", "12", "--duration", "0.5", "--formats", "mp4")
    assert again.output.splitlines()[-1].startswith("4 up to date in ")
