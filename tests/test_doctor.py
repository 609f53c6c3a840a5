"""``render doctor``: the lines a user reads before a long render, and the exit status they can script on."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from render.chrome import find_chrome
from render.cli import main
from render.doctor import encoders_listed

HAS_CHROME = find_chrome().path is not None
needs_chrome = pytest.mark.skipif(not HAS_CHROME, reason=f"no Chrome: {find_chrome().problem}")


def doctor(*args: str, env: dict | None = None):
    result = CliRunner().invoke(main, ["doctor", *args], env={"RENDER_DATA": None, **(env or {})},
                                catch_exceptions=False)
    return result, {line.split()[0]: line for line in result.output.splitlines() if line.split()}


def fake_ffmpeg(directory: Path, encoders: list[str]) -> Path:
    """A script answering ``-version`` and ``-encoders`` like ffmpeg, with only ``encoders``."""
    listing = "\\n".join(f" V....D {name:<20} fake encoder" for name in encoders)
    path = directory / "ffmpeg"
    path.write_text(
        "#!/bin/sh\n"
        'case "$*" in\n'
        '  *-version*) echo "ffmpeg version 0.0-fake Copyright (c) nobody" ;;\n'
        f'  *-encoders*) printf "Encoders:\\n V..... = Video\\n ------\\n{listing}\\n" ;;\n'
        "esac\n",
        encoding="utf-8",
    )
    path.chmod(0o755)
    return path


def test_encoders_are_read_from_ffmpegs_listing():
    listing = """Encoders:
 V..... = Video
 A..... = Audio
 ------
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC (codec h264)
 V....D libvpx-vp9           libvpx VP9 (codec vp9)
 V....D gif                  GIF (Graphics Interchange Format)
 A....D aac                  AAC (Advanced Audio Coding)
"""
    assert encoders_listed(listing) == {"libx264", "libvpx-vp9", "gif", "aac"}


@needs_chrome
def test_everything_there_exits_0(catdog_dir):
    result, lines = doctor("--data", str(catdog_dir))
    assert result.exit_code == 0, result.output
    assert lines["ffmpeg"].startswith("ffmpeg     ok    ") and "ffmpeg version" in lines["ffmpeg"]
    assert lines["encoders"] == "encoders   ok    libx264 (mp4), libvpx-vp9 (webm), gif (gif)"
    search = find_chrome()
    assert lines["chrome"].startswith(f"chrome     ok    {search.path} (") and f"from {search.found_by}" in lines["chrome"]
    assert lines["dataset"] == (
        f"dataset    ok    {catdog_dir}: 24 train and 8 test images of 8x8, keys as expected")
    assert lines["libraries"].startswith("libraries  ok    numpy ") and "kaleido " in lines["libraries"]
    assert result.output.splitlines()[-1] == "ready: `make all` has everything it needs"


def test_without_chrome_doctor_says_why_and_exits_1(catdog_dir):
    result, lines = doctor("--data", str(catdog_dir), env={"BROWSER_PATH": "/nonexistent"})
    assert result.exit_code == 1
    assert lines["chrome"] == (
        "chrome     FAIL  BROWSER_PATH=/nonexistent does not exist: the surface PNGs cannot be drawn; "
        "point BROWSER_PATH at a Chrome/Chromium executable, or unset it to use an installed one"
    )
    assert result.output.splitlines()[-1] == "not ready: `make all` needs chrome (see above)"


@needs_chrome
def test_a_missing_dataset_is_a_warning_not_a_failure(tmp_path):
    result, lines = doctor("--data", str(tmp_path / "none"))
    assert result.exit_code == 0
    assert lines["dataset"] == (
        f"dataset    warn  {tmp_path / 'none'} does not exist: the cat/dog outputs will be skipped; "
        "pass --data DIR or set RENDER_DATA to the directory holding trainset.hdf5 and testset.hdf5"
    )
    assert result.output.splitlines()[-1] == "ready: `make all` has everything it needs (warnings: dataset)"


def test_dataset_files_missing_or_wrong_are_named(tmp_path, catdog_dir):
    (catdog_dir / "testset.hdf5").unlink()
    _, lines = doctor("--data", str(catdog_dir))
    assert lines["dataset"].startswith(f"dataset    warn  testset.hdf5 missing in {catdog_dir}: ")
    (catdog_dir / "testset.hdf5").write_bytes(b"not hdf5")
    _, lines = doctor("--data", str(catdog_dir))
    assert lines["dataset"].startswith(f"dataset    warn  {catdog_dir / 'testset.hdf5'} is not a readable HDF5 file")
    assert lines["dataset"].endswith("(the cat/dog outputs will fail)")


def test_an_ffmpeg_without_libx264_or_vp9_fails_and_one_without_gif_warns(tmp_path, catdog_dir):
    ffmpeg = fake_ffmpeg(tmp_path, ["gif", "libvpx-vp9"])
    result, lines = doctor("--data", str(catdog_dir), env={"IMAGEIO_FFMPEG_EXE": str(ffmpeg)})
    assert result.exit_code == 1
    assert lines["ffmpeg"] == f"ffmpeg     ok    {ffmpeg} (ffmpeg version 0.0-fake)"
    assert lines["encoders"] == (
        "encoders   FAIL  missing libx264 (for mp4); use an ffmpeg that has them (IMAGEIO_FFMPEG_EXE=/path/to/ffmpeg)")
    assert "encoders" in result.output.splitlines()[-1]

    fake_ffmpeg(tmp_path, ["libx264", "gif"])
    result, lines = doctor("--data", str(catdog_dir), env={"IMAGEIO_FFMPEG_EXE": str(ffmpeg)})
    assert result.exit_code == 1
    assert lines["encoders"].startswith("encoders   FAIL  missing libvpx-vp9 (for webm)")

    fake_ffmpeg(tmp_path, ["libx264", "libvpx-vp9"])
    result, lines = doctor("--data", str(catdog_dir), env={"IMAGEIO_FFMPEG_EXE": str(ffmpeg)})
    assert lines["encoders"] == "encoders   warn  libx264 (mp4), libvpx-vp9 (webm); missing gif (for --formats gif)"
    assert result.exit_code == (0 if HAS_CHROME else 1)


def test_an_ffmpeg_that_does_not_run(tmp_path, catdog_dir):
    broken = tmp_path / "ffmpeg"
    broken.write_text("#!/bin/sh\necho 'cannot execute' >&2\nexit 126\n", encoding="utf-8")
    broken.chmod(0o755)
    result, lines = doctor("--data", str(catdog_dir), env={"IMAGEIO_FFMPEG_EXE": str(broken)})
    assert result.exit_code == 1
    assert lines["ffmpeg"] == (f"ffmpeg     FAIL  IMAGEIO_FFMPEG_EXE={broken} does not run (cannot execute); point it "
                               "at an ffmpeg or unset it")
