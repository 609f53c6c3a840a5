"""What the README promises about the programs a render runs: a program named by ``IMAGEIO_FFMPEG_EXE`` or
``BROWSER_PATH`` that is not ffmpeg or a Chrome is refused in one line naming the variable, before any
work; and checking what a program is leaves nothing of it running, not even what it started in a session
of its own."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

import render.encode
import render.video
from render.chrome import ChromeError, chrome_identity, chrome_version
from render.cli import main
from render.encode import EncodeError, Mp4, VideoShape, ffmpeg_identity, ffmpeg_version
from render.video import encode_frames
from tests.conftest import processes_running

needs_setsid = pytest.mark.skipif(shutil.which("setsid") is None or not Path("/proc/self/environ").exists(),
                                  reason="needs setsid and /proc")


def script(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def survivors():
    """The ids of processes still running whose command line holds these words; any found is killed
    afterwards, so that a failing test leaves nothing behind either."""
    asked: list[tuple[str, ...]] = []

    def find(*words: str) -> list[int]:
        asked.append(words)
        return processes_running(*words)

    yield find
    for words in asked:
        for pid in processes_running(*words):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def within(seconds: float, call: Callable[[], object]) -> list[BaseException | None]:
    """``[what call raised]`` (``[None]`` if nothing), or ``[]`` if it has not returned in ``seconds``:
    a check that hangs must fail the test, not hang the tests."""
    raised: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            raised.append(None)
        except BaseException as error:  # noqa: BLE001 -- handed to the test
            raised.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return raised


# -- a program that is not ffmpeg ------------------------------------------------------------------
@pytest.mark.parametrize("body, printed", [
    ("exit 0", "nothing"),  # what /bin/true does with any arguments
    ("echo 'Usage: true [ignored command line arguments]'", "'Usage: true [ignored command line arguments]'"),
])
def test_an_ffmpeg_variable_naming_another_program_is_refused_in_one_line(tmp_path, monkeypatch, body, printed):
    """It was taken as ffmpeg's identity ("unusable: ...") and run to encode, failing with "(no message)"."""
    impostor = script(tmp_path / "true", body)
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(impostor))
    with pytest.raises(EncodeError) as error:
        ffmpeg_identity()
    assert str(error.value) == (f"IMAGEIO_FFMPEG_EXE={impostor} is not ffmpeg (its -version printed {printed}); "
                                "point it at an ffmpeg or unset it")


def test_an_ffmpeg_variable_naming_a_program_that_fails_says_so(tmp_path, monkeypatch):
    broken = script(tmp_path / "ffmpeg", "echo 'error while loading shared libraries: libavcodec.so' >&2; exit 127")
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(broken))
    with pytest.raises(EncodeError) as error:
        ffmpeg_identity()
    assert str(error.value) == (f"IMAGEIO_FFMPEG_EXE={broken} does not run (error while loading shared libraries: "
                                "libavcodec.so); point it at an ffmpeg or unset it")


def test_a_render_with_a_program_that_is_not_ffmpeg_draws_no_frame_and_writes_no_file(tmp_path, monkeypatch):
    runs = tmp_path / "runs"
    impostor = script(tmp_path / "true", f"echo ran >> {runs}; exit 0")
    drawn = []
    blit_frames = render.video.blit_frames
    monkeypatch.setattr(render.video, "blit_frames", lambda *args: drawn.append(args) or blit_frames(*args))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["descent-normalized", "descent-compressed", "--out", str(out), "--grid-size", "12", "--duration", "0.5",
               "--formats", "mp4", "--jobs", "1"],
        env={"RENDER_DATA": None, "IMAGEIO_FFMPEG_EXE": str(impostor)}, catch_exceptions=False)
    assert result.exit_code == 1
    refusal = "is not ffmpeg (its -version printed nothing); point it at an ffmpeg or unset it"
    errors = [line for line in result.output.splitlines() if "error:" in line]
    assert errors == [f"[{k}/2] error: {name}: IMAGEIO_FFMPEG_EXE={impostor} {refusal}"
                      for k, name in ((1, "descent-compressed"), (2, "descent-normalized"))]
    assert drawn == []
    assert not [path for path in out.rglob("*") if "descent" in path.name]
    assert runs.read_text() == "ran\n"  # asked once a run, not once a video (a hanging one costs its deadline once)


# -- a program that is not a Chrome ----------------------------------------------------------------
def test_a_browser_variable_naming_another_program_fails_the_image_in_one_line_naming_it(tmp_path):
    """The line named only the path (``/bin/true does not say it is a Chrome``), not where it came from."""
    impostor = script(tmp_path / "true", "echo 'Written by Jim Meyering.'")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["surface-normalized", "--out", str(out), "--grid-size", "12", "--jobs", "1"],
                                env={"RENDER_DATA": None, "BROWSER_PATH": str(impostor)}, catch_exceptions=False)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error:" in line]
    assert errors == [
        "[1/1] error: surface-normalized: surface-normalized.html, plotly.min.js written, but no surface-normalized.png: "
        f"BROWSER_PATH={impostor} is not a Chrome (its --version printed 'Written by Jim Meyering.'); "
        "point BROWSER_PATH at a Chrome/Chromium executable, or unset it to use an installed one"
    ]
    assert not (out / "surface-normalized.png").exists()


# -- what a version check starts, it stops ----------------------------------------------------------
@needs_setsid
def test_a_chrome_version_check_stops_what_it_started_in_a_session_of_its_own(tmp_path, monkeypatch, survivors):
    """``setsid`` puts the process out of the check's process group, which is all that was killed."""
    chrome = script(tmp_path / "chrome", "setsid sleep 4245.25 </dev/null >/dev/null 2>&1 &\necho 'Chromium 1.2.3.4'")
    monkeypatch.setenv("BROWSER_PATH", str(chrome))
    assert chrome_identity() == f"{chrome} Chromium 1.2.3.4"
    assert survivors("sleep 4245.25") == []


@needs_setsid
def test_a_version_check_whose_pipes_a_session_of_its_own_holds_answers_and_stops_it(tmp_path, survivors):
    chrome = script(tmp_path / "chrome", "setsid sleep 4245.5 &\necho 'Chromium 1.2.3.4'")
    # The session's sleep holds the pipes open: the check hung for ever, closing a pipe a thread was reading.
    answers = []
    ended = within(30, lambda: answers.append(chrome_version(chrome, timeout=10.0)))
    assert survivors("sleep 4245.5") == []
    assert ended == [None], "the check was still running after 30 s, or failed"
    assert answers == ["Chromium 1.2.3.4"]  # the program's answer stands, what it left running is stopped


def test_a_version_check_that_does_not_end_is_stopped_at_its_deadline(tmp_path, survivors):
    chrome = script(tmp_path / "chrome", "setsid sleep 4246.5 &\nsleep 4247.5")
    ended = within(30, lambda: chrome_version(chrome, timeout=1.0))
    assert survivors("sleep 4246.5") == [] and survivors("sleep 4247.5") == []
    assert ended and isinstance(ended[0], ChromeError)
    assert str(ended[0]) == f"{chrome} --version did not finish within 1 s and was stopped"


@needs_setsid
def test_an_ffmpeg_version_check_stops_what_it_started_after_a_double_fork(tmp_path, survivors):
    """A daemon's double fork: the grandchild is adopted by init, and in a session of its own."""
    ffmpeg = script(tmp_path / "ffmpeg", "(setsid sh -c 'sleep 4245.75' </dev/null >/dev/null 2>&1 &) \n"
                                         "echo 'ffmpeg version 9.9-fake Copyright (c) nobody'")
    assert ffmpeg_version(str(ffmpeg)) == "ffmpeg version 9.9-fake"
    assert survivors("sleep 4245.75") == []


# -- and so does an encoding ------------------------------------------------------------------------
SHAPE = VideoShape(16, 16, 10.0, 3)


def encode_blank(path: Path) -> None:
    encode_frames(lambda: iter([bytes(SHAPE.frame_bytes)] * SHAPE.frames), [Mp4(path, SHAPE)], SHAPE.frames)


@needs_setsid
def test_an_encoding_stops_what_ffmpeg_started_in_a_session_of_its_own(tmp_path, monkeypatch, survivors):
    fake = script(tmp_path / "ffmpeg", "setsid sleep 4246.25 </dev/null >/dev/null 2>&1 &\ncat >/dev/null; exit 3")
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake))
    with pytest.raises(EncodeError, match="^ffmpeg exited with status 3 while writing v.mp4"):
        encode_blank(tmp_path / "v.mp4")
    assert survivors("sleep 4246.25") == []


@needs_setsid
def test_an_encoding_whose_pipes_outlive_ffmpeg_in_another_session_ends_at_its_deadline(tmp_path, monkeypatch,
                                                                                       survivors):
    """The process holds ffmpeg's output open: reading it to its end waited for ever."""
    fake = script(tmp_path / "ffmpeg", "setsid sleep 4246.5 &\ncat >/dev/null; exit 3")
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake))
    monkeypatch.setattr(render.encode, "DEADLINE_FLOOR", 2.0)
    ended = within(60, lambda: encode_blank(tmp_path / "v.mp4"))
    assert survivors("sleep 4246.5") == []
    assert ended, "the encoding was still running after 60 s"
    assert isinstance(ended[0], EncodeError)
    assert str(ended[0]).startswith("ffmpeg did not finish v.mp4 within 2 s and was stopped")
    assert [path.name for path in tmp_path.iterdir()] == ["ffmpeg"]


def test_a_readme_gif_is_not_made_by_a_program_that_is_not_ffmpeg(tmp_path, monkeypatch):
    from render.readme_gif import readme_gif

    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(script(tmp_path / "true", "exit 0")))
    with pytest.raises(EncodeError, match=r"^IMAGEIO_FFMPEG_EXE=\S+ is not ffmpeg \(its -version printed nothing\)"):
        readme_gif(tmp_path / "clip.mp4", tmp_path / "clip.gif", 700, 1.0)
    assert not (tmp_path / "clip.gif").exists()
