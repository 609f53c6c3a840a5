"""The faults a real machine and a hostile user throw: each one output's failure, a one-line error,
or a refusal before any work, never a traceback that ends the run or a render that never ends."""

import json
import math
import os
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest
from click.testing import CliRunner

import render.encode
from render.chrome import ChromeError, chrome_version
from render.cli import main
from render.encode import EncodeError, Mp4, VideoShape, probe
from render.errors import RenderError
from render.files import BOOKKEEPING_DIR, RECORDS_DIR
from render.gallery import SNIPPETS_DIR
from render.settings import SurfaceSettings, VideoSettings
from render.video import encode_frames
from scenes.data import DatasetError, load_catdog
from tests.conftest import processes_running, write_catdog


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env or {"RENDER_DATA": None}, catch_exceptions=False)


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "error:" in line]


# -- 1. one output's surprise is that output's failure --------------------------------
@pytest.mark.parametrize("odd, status", [("single training sample", 0), ("negative int16 pixels", 1)])
def test_an_odd_dataset_is_drawn_or_refused_in_one_line_and_the_others_are_published(tmp_path, odd, status):
    """Both once ended the run with a traceback before anything was written, the manifest included."""
    data = write_catdog(tmp_path / "data")
    with h5py.File(data / "trainset.hdf5", "r+") as store:
        images, labels = store["X_train"][()], store["Y_train"][()]
        del store["X_train"], store["Y_train"]
        if odd == "single training sample":
            store["X_train"], store["Y_train"] = images[:1], labels[:1]
        else:
            store["X_train"], store["Y_train"] = -images.astype(np.int16) - 1, labels
    out = tmp_path / "out"
    result = run("catdog-samples", "blobs-normalized", "--out", str(out), "--data", str(data), "--jobs", "1")
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output and "unexpected" not in result.output
    assert (out / "blobs-normalized.png").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert "blobs-normalized" in [entry["name"] for entry in manifest["outputs"]]


def test_an_unexpected_error_in_one_output_is_its_failure_and_the_others_are_published(tmp_path, monkeypatch):
    import scenes.normalization

    def broken(self):
        raise ValueError("minvalue must be less than or equal to maxvalue")

    monkeypatch.setattr(scenes.normalization.NormalizationExperiment, "blobs_figure", broken)
    out = tmp_path / "out"
    result = run("blobs-normalized", "loss-normalized", "--out", str(out), "--jobs", "1")
    assert result.exit_code == 1
    assert error_lines(result.output) == ["[1/2] error: blobs-normalized: unexpected ValueError: minvalue must be "
                                          "less than or equal to maxvalue (--verbose shows where)"]
    assert "Traceback" not in result.output
    assert (out / "loss-normalized.png").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert [entry["name"] for entry in manifest["outputs"]] == ["loss-normalized"]


def test_verbose_prints_the_traceback_of_an_unexpected_error(tmp_path, monkeypatch):
    import scenes.normalization

    def broken(self):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(scenes.normalization.NormalizationExperiment, "blobs_figure", broken)
    quiet = run("blobs-normalized", "loss-normalized", "--out", str(tmp_path), "--jobs", "1")
    assert quiet.exit_code == 1
    assert error_lines(quiet.output) == [
        "[1/2] error: blobs-normalized: unexpected ZeroDivisionError: division by zero (--verbose shows where)"
    ]
    assert (tmp_path / "loss-normalized.png").is_file()
    loud = run("blobs-normalized", "--out", str(tmp_path), "--jobs", "1", "--verbose")
    assert "Traceback (most recent call last)" in loud.output and "in broken" in loud.output


# -- 3. data that is not finite is refused ----------------------------------------------
@pytest.mark.parametrize("key, bad", [("X_train", np.nan), ("X_train", np.inf), ("Y_train", -np.inf)])
def test_the_loader_refuses_values_that_are_not_finite(tmp_path, key, bad):
    data = write_catdog(tmp_path)
    with h5py.File(data / "trainset.hdf5", "r+") as store:
        values = store[key][()].astype(float)
        values.flat[:3] = bad
        del store[key]
        store[key] = values
    with pytest.raises(DatasetError) as error:
        load_catdog(data)
    assert str(error.value) == (f"{data / 'trainset.hdf5'}: {key} holds 3 values that are not finite "
                                "(NaN or infinity): use the article's trainset.hdf5")


def test_doctor_is_not_ready_to_trust_nan_pixels(tmp_path):
    data = write_catdog(tmp_path)
    with h5py.File(data / "testset.hdf5", "r+") as store:
        values = store["X_test"][()].astype(float)
        values[0, 0, 0] = np.nan
        del store["X_test"]
        store["X_test"] = values
    result = run("doctor", "--data", str(data))
    line = next(line for line in result.output.splitlines() if line.startswith("dataset"))
    assert "warn" in line and "X_test holds 1 value that is not finite" in line


# -- 4. every numeric option is checked when parsed ---------------------------------------
@pytest.mark.parametrize("args, message", [
    (["--export-timeout", "nan"], "Invalid value for '--export-timeout': 'nan' is not a finite number"),
    (["--export-timeout", "inf"], "Invalid value for '--export-timeout': 'inf' is not a finite number"),
    (["--export-timeout", "1e300"], "Invalid value for '--export-timeout': 1e+300 is not in the range 0<x<=3600"),
    (["--fps", "1e-300"], "Invalid value for '--fps': 1e-300 is not in the range 1<=x<=240"),
    (["--fps", "1e300"], "Invalid value for '--fps': 1e+300 is not in the range 1<=x<=240"),
    (["--fps", "nan"], "Invalid value for '--fps': 'nan' is not a finite number"),
    (["--duration", "1e300"], "Invalid value for '--duration': 1e+300 is not in the range 0<x<=600"),
    (["--duration", "-inf"], "Invalid value for '--duration': '-inf' is not a finite number"),
    (["--grid-size", "5000"], "Invalid value for '--grid-size': 5000 is not in the range 2<=x<=1000"),
    (["--jobs", "99999999999"], "Invalid value for '--jobs' / '-j': 99999999999 is not in the range 1<=x<=256"),
])
def test_numeric_options_out_of_bounds_exit_2_in_one_line(tmp_path, args, message):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["descent-normalized", "--out", str(out), *args], env={"RENDER_DATA": None})
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [f"error: {message} (see 'render all --help')"]
    assert not out.exists()


def test_frames_beyond_the_limit_are_refused_before_rendering(tmp_path):
    result = run("descent-normalized", "--out", str(tmp_path / "out"), "--fps", "240", "--duration", "600")
    assert result.exit_code == 2
    assert result.output.strip() == ("error: 600 s at 240 fps is 144000 frames, more than 36000: "
                                     "lower --fps or --duration")


# -- 8. bounded memory for huge requests ----------------------------------------------------
def test_a_surface_grid_no_browser_can_draw_is_refused_before_the_work(tmp_path):
    result = run("surface-normalized", "contour-normalized", "--out", str(tmp_path / "out"), "--grid-size", "800")
    assert result.exit_code == 2
    assert result.output.strip() == ("error: --grid-size 800 makes 3D surfaces of 640000 points, more than a "
                                     "browser can draw; the surfaces take at most --grid-size 500")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("options", [dict(fps=math.nan), dict(fps=1e300), dict(duration=math.inf)])
def test_video_settings_refuse_what_the_parser_refuses(options):
    with pytest.raises(RenderError):
        VideoSettings(**options)


@pytest.mark.parametrize("timeout", [math.nan, math.inf, 1e300, 0.0])
def test_surface_settings_refuse_timeouts_that_never_end(timeout):
    with pytest.raises(RenderError):
        SurfaceSettings(export_timeout=timeout)


# -- 2. every external process is bounded -----------------------------------------------------
def script(path, body: str):
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


SHAPE = VideoShape(64, 48, 10.0, 12)
FRAME = bytes(SHAPE.frame_bytes)


@pytest.fixture
def short_deadlines(monkeypatch):
    """ffmpeg runs may take 2 s here, whatever their work."""
    monkeypatch.setattr(render.encode, "DEADLINE_FLOOR", 2.0)
    monkeypatch.setattr(render.encode, "SECONDS_PER_MEGAPIXEL_FRAME", 0.0)


def test_an_ffmpeg_that_sleeps_is_stopped_at_its_deadline_with_its_children(tmp_path, monkeypatch, short_deadlines):
    fake = script(tmp_path / "ffmpeg", "sleep 4242.25")
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake))
    started = time.monotonic()
    with pytest.raises(EncodeError) as error:
        encode_frames(lambda: iter([FRAME] * SHAPE.frames), [Mp4(tmp_path / "v.mp4", SHAPE)], SHAPE.frames)
    assert time.monotonic() - started < 60
    assert str(error.value).startswith("ffmpeg did not finish v.mp4 within 2 s and was stopped")
    assert processes_running("sleep 4242.25") == []
    assert [p.name for p in tmp_path.iterdir()] == ["ffmpeg"]


def test_an_ffmpeg_that_writes_before_it_reads_cannot_block_on_its_pipe(tmp_path, monkeypatch):
    # 8 MiB on stdout before reading a frame: more than any pipe holds, unless someone reads it.
    fake = script(tmp_path / "ffmpeg", "head -c 8388608 /dev/zero; cat > /dev/null; exit 3")
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake))
    monkeypatch.setattr(render.encode, "DEADLINE_FLOOR", 60.0)
    with pytest.raises(EncodeError) as error:
        encode_frames(lambda: iter([FRAME] * SHAPE.frames), [Mp4(tmp_path / "v.mp4", SHAPE)], SHAPE.frames)
    assert str(error.value) == "ffmpeg exited with status 3 while writing v.mp4: (no message)"


def test_a_read_back_that_hangs_is_stopped(tmp_path, monkeypatch):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"not read")
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(script(tmp_path / "ffmpeg", "sleep 4242.5")))
    with pytest.raises(EncodeError) as error:
        probe(video, deadline=1.0)
    assert str(error.value) == "cannot read back v.mp4: reading back v.mp4 did not finish within 1 s and was stopped"
    assert processes_running("sleep 4242.5") == []


def test_a_chrome_version_that_hangs_leaves_no_child_behind(tmp_path):
    chrome = script(tmp_path / "chrome", "sleep 4242.75; echo Chromium 1")
    with pytest.raises(ChromeError) as error:
        chrome_version(chrome, timeout=1.0)
    assert str(error.value) == f"{chrome} --version did not finish within 1 s and was stopped"
    assert processes_running("sleep 4242.75") == []


def test_tools_that_print_bytes_that_are_not_utf8_give_one_line(tmp_path, catdog_dir):
    chrome = script(tmp_path / "chrome", r"printf 'Chromium \377\376 1.2.3.4\n'")
    assert chrome_version(chrome) == "Chromium \ufffd\ufffd 1.2.3.4"
    ffmpeg = script(tmp_path / "ffmpeg", r"printf 'bad \377 news\n' >&2; exit 1")
    result = CliRunner().invoke(main, ["doctor", "--data", str(catdog_dir)],
                                env={"IMAGEIO_FFMPEG_EXE": str(ffmpeg), "BROWSER_PATH": str(chrome)})
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    line = next(line for line in result.output.splitlines() if line.startswith("ffmpeg"))
    assert line == (f"ffmpeg     FAIL  IMAGEIO_FFMPEG_EXE={ffmpeg} does not run (bad \ufffd news); point it at an "
                    "ffmpeg or unset it")


# -- 6. the rebuild key covers the ffmpeg that writes the videos ----------------------------------
def test_another_ffmpeg_re_renders_the_videos(tmp_path, monkeypatch):
    import imageio_ffmpeg

    real = imageio_ffmpeg.get_ffmpeg_exe()
    args = ["descent-normalized", "--out", str(tmp_path / "out"), "--grid-size", "12", "--duration", "0.5",
            "--formats", "mp4", "--jobs", "1"]
    monkeypatch.delenv("IMAGEIO_FFMPEG_EXE", raising=False)
    assert "rendered descent-normalized" in run(*args).output
    assert "up to date descent-normalized" in run(*args).output
    wrapper = script(tmp_path / "other-ffmpeg", f'exec "{real}" "$@"')
    env = {"RENDER_DATA": None, "IMAGEIO_FFMPEG_EXE": str(wrapper)}
    assert "rendered descent-normalized" in run(*args, env=env).output
    assert "up to date descent-normalized" in run(*args, env=env).output


# -- 11. the flaky read-back -----------------------------------------------------------------------
@pytest.mark.slow
def test_the_read_back_waits_for_an_ffmpeg_slow_to_start(tmp_path, monkeypatch):
    """Under load, test_gif_palette_and_poster_in_one_pass_with_the_mp4 once failed with "cannot read back
    v.gif".  The read-back then used imageio-ffmpeg's read_frames, which gives ffmpeg at most 10 s of
    wall-clock time to print the file's header, whatever the file, and then fails with "Could not load meta
    information / === stderr ===".  It is now one ffmpeg decode whose deadline grows with the work."""
    import imageio_ffmpeg

    real = imageio_ffmpeg.get_ffmpeg_exe()
    shape = VideoShape(64, 48, 10.0, 12)
    encode_frames(lambda: iter([bytes(shape.frame_bytes)] * shape.frames), [Mp4(tmp_path / "v.mp4", shape)],
                  shape.frames)
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(script(tmp_path / "slow-ffmpeg", f'sleep 11; exec "{real}" "$@"')))
    found = probe(tmp_path / "v.mp4")
    assert (found.codec, found.size, found.frames) == ("h264", (64, 48), 12)


def test_a_failed_read_back_names_the_file_and_why_in_one_line(tmp_path):
    broken = tmp_path / ".v.x1y2.partial.mp4"
    broken.write_bytes(b"\x00" * 64)
    with pytest.raises(EncodeError) as error:
        probe(broken, name="v.mp4")
    message = str(error.value)
    assert message.startswith("cannot read back v.mp4: ffmpeg exited with status ")
    assert "partial" not in message and "===" not in message and "\n" not in message


# -- 5. nothing stale, nothing half-published, nothing hidden left behind ----------------------------
def files_of(out, name: str) -> set[str]:
    """Every file on disk that belongs to output ``name`` (dark theme), relative to ``out``: not the gallery's
    page of its snippets (``snippets/NAME.html``), which the gallery writes and rewrites, not the output."""
    return {p.relative_to(out).as_posix() for p in out.rglob(f"{name}*")
            if p.is_file() and BOOKKEEPING_DIR not in p.parts and p.parent != out / SNIPPETS_DIR}


def recorded(out, name: str) -> set[str]:
    return {f["path"] for f in json.loads((out / RECORDS_DIR / f"{name}.json").read_text())["files"]}


def test_after_a_render_the_files_on_disk_are_exactly_those_its_record_lists(tmp_path):
    out = tmp_path / "out"
    video = ["descent-normalized", "--out", str(out), "--grid-size", "12", "--duration", "0.5", "--jobs", "1"]
    assert run(*video, "--formats", "mp4,webm,gif,poster").exit_code == 0
    assert files_of(out, "descent-normalized") == recorded(out, "descent-normalized") == {
        "descent-normalized.mp4", "descent-normalized.webm", "descent-normalized.gif", "descent-normalized.webp",
        "descent-normalized-phone.mp4", "descent-normalized-phone.webm", "descent-normalized-phone.gif",
        "descent-normalized-phone.webp", "descent-normalized.vtt"}
    assert run(*video, "--formats", "mp4", "--seed", "1").exit_code == 0
    assert files_of(out, "descent-normalized") == recorded(out, "descent-normalized") == {
        "descent-normalized.mp4", "descent-normalized-phone.mp4", "descent-normalized.vtt"}


def test_a_surface_page_rendered_without_images_removes_the_old_image_but_not_shared_files(tmp_path, monkeypatch):
    """plotly.min.js is listed by both surfaces: it stays while another record lists it."""
    out = tmp_path / "out"
    surfaces = ["surface-normalized", "surface-compressed", "--out", str(out), "--grid-size", "12", "--jobs", "1",
                "--image-formats", ""]
    assert run(*surfaces).exit_code == 0
    (out / "surface-normalized.png").write_bytes(b"an image of an earlier render")  # listed by the old record
    record = json.loads((out / RECORDS_DIR / "surface-normalized.json").read_text())
    record["files"].append({"path": "surface-normalized.png", "role": "png", "format": "png", "bytes": 29,
                            "sha256": "0" * 64})
    (out / RECORDS_DIR / "surface-normalized.json").write_text(json.dumps(record))
    assert run("surface-normalized", *surfaces[2:], "--plotlyjs", "cdn").exit_code == 0
    assert files_of(out, "surface-normalized") == recorded(out, "surface-normalized") == {"surface-normalized.html"}
    assert (out / "plotly.min.js").is_file()  # surface-compressed's page still loads it


def test_when_one_format_fails_no_file_of_that_render_is_published(tmp_path, monkeypatch):
    out = tmp_path / "out"
    video = ["descent-normalized", "--out", str(out), "--grid-size", "12", "--duration", "0.5", "--jobs", "1",
             "--formats", "mp4,webm,poster"]
    assert run(*video).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("descent-normalized*")}
    monkeypatch.setattr(render.encode.WebM, "output_args", lambda self: ["-c:v", "no-such-encoder", "-f", "webm"])
    failed = run(*video, "--seed", "3", "--force")
    assert failed.exit_code == 1
    assert "error: descent-normalized: ffmpeg " in failed.output
    assert {p: p.read_bytes() for p in out.rglob("descent-normalized*")} == before  # the poster too
    assert [p for p in out.rglob("*") if ".partial" in p.name] == []


def test_the_next_run_removes_what_a_killed_one_left_and_nothing_a_live_one_writes(tmp_path):
    import fcntl

    from render.files import STAGING_DIR, Staging

    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    (out / RECORDS_DIR).mkdir(parents=True)
    killed = out / STAGING_DIR / "descent-compressed.k1ll3d"
    killed.mkdir(parents=True)
    (killed / ".descent-compressed.x7.partial.mp4").write_bytes(b"half a video")
    left = [out / ".descent-compressed.a1b2.partial.mp4", out / "data" / ".loss-compressed.c3.partial.csv",
            out / RECORDS_DIR / ".loss-compressed.d4.partial.json"]
    for path in left:
        path.write_bytes(b"half")
    with Staging(out, "descent-normalized") as live:
        (live.directory / "descent-normalized.mp4").write_bytes(b"being written")
        assert run("gallery", "--out", str(out)).exit_code == 0
        assert [p.name for p in (out / STAGING_DIR).iterdir() if p.is_dir()] == [live.directory.name]
        assert (live.directory / "descent-normalized.mp4").read_bytes() == b"being written"
        descriptor = os.open(live.directory, os.O_RDONLY)
        with pytest.raises(BlockingIOError):
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # still its writer's
        os.close(descriptor)
    assert not killed.exists()
    assert [path for path in left if path.exists()] == []
    assert not live.directory.exists()


# -- 10. quiet interrupts -------------------------------------------------------------------------
def render_command() -> str:
    import shutil
    import sys

    found = shutil.which("render", path=os.path.dirname(sys.executable))
    assert found, "the project is not installed (pip install -e .)"
    return found


def maps_of(pid: int) -> str:
    try:
        return open(f"/proc/{pid}/maps").read()
    except OSError:
        return ""


def children_of(pid: int) -> list[int]:
    children = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as listing:
            children += [int(child) for child in listing.read().split()]
    return children


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to see what the command is doing")
@pytest.mark.parametrize("moment", ["importing NumPy", "starting workers"])
def test_ctrl_c_at_any_moment_prints_one_line_and_exits_130(tmp_path, moment):
    out = tmp_path / "out"
    jobs = "1" if moment == "importing NumPy" else "2"
    process = subprocess.Popen(
        [render_command(), "videos", "--out", str(out), "--jobs", jobs, "--grid-size", "16", "--duration", "20"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if moment == "importing NumPy" and "_multiarray_umath" in maps_of(process.pid):
            break
        if moment == "starting workers" and children_of(process.pid):
            break
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C at a terminal: the whole foreground group
    _, stderr = process.communicate(timeout=120)
    assert (process.returncode, stderr.decode()) == (130, "interrupted\n")
    time.sleep(1)
    assert processes_running(str(out)) == []
    assert [p.name for p in out.glob("*") if p.suffix in (".mp4", ".webm", ".webp")] == []


# -- what a sweep of hostile cases found beyond the issue's ----------------------------------------
@pytest.mark.parametrize("damage", [
    {"theme": "x"}, {"kind": "<b>video</b>"}, {"files": [{"path": "blobs-compressed.png", "role": "png", "format": "png",
                                                        "bytes": 1, "sha256": "0", "width": "wide"}]},
])
def test_a_hand_edited_record_is_ignored_not_a_crash(tmp_path, damage):
    out = tmp_path / "out"
    assert run("blobs-compressed", "--out", str(out), "--jobs", "1").exit_code == 0
    path = out / RECORDS_DIR / "blobs-compressed.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **damage}))
    other = run("loss-compressed", "--out", str(out), "--jobs", "1")
    assert other.exit_code == 0, other.output
    assert run("gallery", "--out", str(out)).exit_code == 0
    assert "blobs-compressed" not in json.dumps(json.loads((out / "manifest.json").read_text())["outputs"])


def test_a_program_that_prints_without_end_is_stopped_at_its_deadline_with_bounded_memory():
    from render.processes import OUTPUT_LIMIT, ProgramTimeout, run_bounded

    started = time.monotonic()
    with pytest.raises(ProgramTimeout):
        run_bounded(["yes"], 2.0, "yes")
    assert time.monotonic() - started < 10
    done = run_bounded(["sh", "-c", "head -c 10000000 /dev/zero; exit 4"], 30.0, "head")
    assert (done.returncode, len(done.stdout)) == (4, OUTPUT_LIMIT)


def test_an_ffmpeg_that_floods_its_report_fills_neither_memory_nor_disk(tmp_path, monkeypatch, short_deadlines):
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(script(tmp_path / "ffmpeg", "yes 'a very long complaint' >&2")))
    with pytest.raises(EncodeError) as error:
        encode_frames(lambda: iter([FRAME] * SHAPE.frames), [Mp4(tmp_path / "v.mp4", SHAPE)], SHAPE.frames)
    assert len(str(error.value)) < 400
    assert [p.name for p in tmp_path.iterdir()] == ["ffmpeg"]


def test_programs_that_are_not_what_they_claim_are_refused_in_one_line(tmp_path, catdog_dir):
    garbage = script(tmp_path / "garbage", r"printf '\377\376\001junk\n'; printf '\377 more\n' >&2")
    with pytest.raises(ChromeError, match="does not say it is a Chrome"):
        chrome_version(garbage)
    result = CliRunner().invoke(main, ["doctor", "--data", str(catdog_dir)],
                                env={"IMAGEIO_FFMPEG_EXE": str(garbage), "BROWSER_PATH": str(garbage)})
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "FAIL" in lines["ffmpeg"] and f"IMAGEIO_FFMPEG_EXE={garbage} is not ffmpeg" in lines["ffmpeg"]
    assert "FAIL" in lines["chrome"] and "does not say it is a Chrome" in lines["chrome"]


def test_a_chrome_whose_child_outlives_it_leaves_nothing_running(tmp_path):
    """The child holds the pipes open: the answer stands, the child is stopped."""
    chrome = script(tmp_path / "chrome", "sleep 4243.25 & echo 'Chromium 1.2.3.4'")
    assert chrome_version(chrome, timeout=5.0) == "Chromium 1.2.3.4"
    assert processes_running("sleep 4243.25") == []


@pytest.mark.slow
def test_a_browser_that_fails_to_start_gets_one_line(tmp_path):
    chrome = script(tmp_path / "chrome", 'if [ "$1" = --version ]; then echo "Chromium 1.2.3.4"; else exit 1; fi')
    process = subprocess.run([render_command(), "surface-normalized", "--out", str(tmp_path / "out"), "--grid-size",
                              "12", "--jobs", "1"], capture_output=True, text=True, timeout=300,
                             env={**os.environ, "BROWSER_PATH": str(chrome)})
    assert process.returncode == 1
    assert len(process.stderr.strip().splitlines()) == 1, process.stderr
    assert process.stderr.startswith("[1/1] error: surface-normalized: surface-normalized.html, plotly.min.js "
                                     "written, but no surface-normalized.png: ")


@pytest.mark.parametrize("args, message", [
    (["--out", ""], "Invalid value for '--out': is empty; name a directory ('.' for the current one)"),
    (["--out", "/dev/null"], "Invalid value for '--out': /dev/null exists and is not a directory"),
])
def test_an_output_directory_that_cannot_be_one_is_refused(tmp_path, args, message):
    result = run("blobs-compressed", *args)
    assert result.exit_code == 2
    assert result.output.splitlines() == [f"error: {message} (see 'render all --help')"]


def test_errors_name_the_file_the_user_knows_not_a_staged_one(tmp_path):
    out = tmp_path / "out"
    (out / "blobs-compressed.png").mkdir(parents=True)
    result = run("blobs-compressed", "--out", str(out), "--jobs", "1")
    assert error_lines(result.output) == [f"[1/1] error: blobs-compressed: Is a directory ({out / 'blobs-compressed.png'})"]


def test_a_few_images_still_make_a_samples_figure_and_negative_pixels_are_refused(tmp_path):
    data = write_catdog(tmp_path / "one", n_train=1)
    assert run("catdog-samples", "--out", str(tmp_path / "out"), "--data", str(data), "--jobs", "1").exit_code == 0
    negative = write_catdog(tmp_path / "negative")
    with h5py.File(negative / "trainset.hdf5", "r+") as store:
        images = -store["X_train"][()].astype(np.int16)
        del store["X_train"]
        store["X_train"] = images
    with pytest.raises(DatasetError, match="negative pixel values; the images are grey levels from 0"):
        load_catdog(negative)
