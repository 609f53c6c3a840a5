"""The descent videos: what a frame shows, how time maps to iterations, what the files hold."""

import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from render.cli import main
from render.encode import Mp4, VideoShape, probe
from render.errors import RenderError
from render.files import BOOKKEEPING_DIR, STAGING_DIR
from render.pipeline import render_output
from render.settings import RenderSettings, RunSession, VideoSettings
from render.spec import Animation, Descent, Output, Trail
from render.theme import theme_context
from render.video import (
    DescentFrames,
    encode_frames,
    frame_time,
    path_until,
    video_shape,
    video_timeline,
    write_video,
)
from scenes import SceneContext, article_outputs
from scenes.normalization import NormalizationExperiment
from tests.conftest import processes_running

SMALL = VideoShape(width=320, height=180, fps=10.0, frames=101)
VIDEOS = ["descent-compressed", "descent-normalized", "descent-comparison"]


@pytest.fixture(scope="module")
def views():
    context = SceneContext(seed=0, grid_size=24)
    return (NormalizationExperiment(context, "compressed", 10.0).descent_view(),
            NormalizationExperiment(context, "normalized", 1.0).descent_view())


def history(trail: Trail) -> np.ndarray:
    """A trail as the scene recorded it: one row ``W0, W1, i, loss`` per iteration (the bias left out)."""
    return np.column_stack([trail.x, trail.y, trail.iteration, trail.loss])


def rgb(frame, shape: VideoShape) -> np.ndarray:
    return np.asarray(frame, np.uint8).reshape(shape.height, shape.width, -1)[..., :3].astype(int)


def all_frames(animation: Animation, shape: VideoShape) -> list[np.ndarray]:
    with theme_context("dark"):
        return [rgb(frame, shape).copy() for frame in DescentFrames(animation, shape).frames()]


def still(animation: Animation, shape: VideoShape, index: int) -> np.ndarray:
    """Frame ``index`` drawn the ordinary way: a fresh figure, drawn whole, no blitting."""
    with theme_context("dark"):
        return rgb(DescentFrames(animation, shape, animated=False).still(index=index), shape)


def compression_error(video_frame: np.ndarray, reference: np.ndarray) -> float:
    """Largest difference between 4x4-pixel averages: blind to 4:2:0 chroma and codec noise,
    not to a line or a point that is somewhere else."""
    def pooled(a):
        h, w = a.shape[0] // 4 * 4, a.shape[1] // 4 * 4
        return a[:h, :w].reshape(h // 4, 4, w // 4, 4, 3).mean(axis=(1, 3))
    return float(np.abs(pooled(video_frame) - pooled(reference)).max())


def decoded(path: Path) -> list[np.ndarray]:
    reader = imageio_ffmpeg.read_frames(str(path))
    width, height = next(reader)["size"]
    return [np.frombuffer(f, np.uint8).reshape(height, width, 3).astype(int) for f in reader]


# -- settings ----------------------------------------------------------------------
def test_default_is_the_articles_pace_at_10_fps_after_a_slow_start_between_holds():
    # 101 frames of the article's pace, 20 more of the slow start, 10 + 25 of the held first and last frames
    assert video_shape(VideoSettings(), rows=101) == VideoShape(1280, 720, 10.0, 158)


@pytest.mark.parametrize("quality, size, fps", [
    ("low", (854, 480), 15.0), ("medium", (1280, 720), 30.0), ("high", (1920, 1080), 60.0),
    ("4k", (3840, 2160), 60.0),
])
def test_quality_presets_keep_the_articles_duration(quality, size, fps):
    shape = video_shape(VideoSettings(quality=quality), rows=101)
    assert (shape.width, shape.height, shape.fps) == (*size, fps)
    assert shape.width % 2 == 0 and shape.height % 2 == 0
    # The start shown 1 s, 12.4 s of motion (10 iterations a second, the first ones slower), the end shown 2.5 s:
    # the motion's first and last frames are the holds' own
    assert shape.frames / shape.fps == pytest.approx(15.9 - 1 / fps, abs=1 / fps)


def test_fps_overrides_the_preset_and_duration_sets_the_frame_count():
    assert video_shape(VideoSettings(quality="high", fps=24), rows=101) == VideoShape(1920, 1080, 24.0, 381)
    assert video_shape(VideoSettings(fps=30, duration=4), rows=101).frames == 120
    assert video_shape(VideoSettings(duration=2.04), rows=101).frames == 20  # 20.4 rounds to 20


@pytest.mark.parametrize("options, message", [
    (dict(fps=0), "the frame rate must be between 1 and 240 frames per second, got 0"),
    (dict(fps=-5), "the frame rate must be between 1 and 240 frames per second, got -5"),
    (dict(quality="8k"), "unknown quality '8k'; choose from low, medium, high, 4k"),
    (dict(formats=("mp4", "mov")), "unknown video format 'mov'; choose from mp4, webm, gif, poster"),
    (dict(formats=()), "unknown video format (none given); choose from mp4, webm, gif, poster"),
    (dict(duration=0.05), "a duration of 0.05 s is shorter than one frame at 10 fps (0.1 s)"),
    (dict(fps=60, duration=0.01), "a duration of 0.01 s is shorter than one frame at 60 fps (0.0167 s)"),
])
def test_bad_settings_are_refused_when_made(options, message):
    with pytest.raises(RenderError) as error:
        VideoSettings(**options)
    assert str(error.value) == message


@pytest.mark.parametrize("args, message", [
    (["--duration", "0.05"], "error: a duration of 0.05 s is shorter than one frame at 10 fps (0.1 s)"),
    (["--fps", "0"], "error: Invalid value for '--fps': 0.0 is not in the range 1<=x<=240 (see 'render all --help')"),
    (["--quality", "8k"], "error: Invalid value for '--quality': '8k' is not one of 'low', 'medium', 'high', '4k' "
                          "(see 'render all --help')"),
    (["--formats", "mp4,mov"], "error: Invalid value for '--formats': unknown video format 'mov'; "
                               "choose from mp4, webm, gif, poster (see 'render all --help')"),
])
def test_bad_video_options_exit_2_before_rendering(tmp_path, args, message):
    result = CliRunner().invoke(main, ["descent-compressed", "--out", str(tmp_path / "out"), *args],
                                env={"RENDER_DATA": None})
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == message
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_the_videos_are_declared_in_article_order():
    outputs = article_outputs(SceneContext())
    names = [o.name for o in outputs]
    videos = [o.name for o in outputs if o.kind == "video"]
    # The cat/dog neuron's landscape, beyond the article's cat/dog part, right after it; then the article's.
    assert videos[0] == "catdog-landscape-descent" and videos[1:4] == VIDEOS
    assert names.index("descent-compressed") == names.index("contour-compressed") + 1
    assert names.index("descent-normalized") == names.index("contour-normalized") + 1
    assert names.index("descent-comparison") < names.index("optimizers-compressed")


# -- time ----------------------------------------------------------------------------
@given(rows=st.integers(2, 300), frames=st.integers(2, 2000))
def test_time_runs_evenly_from_start_to_end(rows, frames):
    times = [frame_time(k, frames, rows) for k in range(frames)]
    assert times[0] == 0 and times[-1] == rows - 1
    assert all(b > a for a, b in zip(times, times[1:]))


@given(rows=st.integers(2, 300), multiple=st.integers(1, 8))
def test_frames_on_whole_iterations_are_exactly_those_iterations(rows, multiple):
    frames = (rows - 1) * multiple + 1  # every multiple-th frame falls on an iteration
    for k in range(0, frames, multiple):
        assert frame_time(k, frames, rows) == k // multiple


def test_interpolated_path_passes_through_the_recorded_points(views):
    (trail,) = views[0].trails
    points = np.column_stack([trail.x, trail.y])
    for k in range(len(points)):
        np.testing.assert_array_equal(path_until(points, float(k)), points[: k + 1])
    between = path_until(points, 4.25)
    np.testing.assert_array_equal(between[:5], points[:5])
    np.testing.assert_allclose(between[-1], 0.75 * points[4] + 0.25 * points[5])
    assert len(between) == 6


def test_frames_show_the_history_so_far(views):
    with theme_context("dark"):
        frames = DescentFrames(Animation(views[:1]), SMALL)
        h = history(views[0].trails[0])
        for k in (0, 1, 37, 100):
            path, point, end, curve, counter = frames.update(k)
            assert counter.get_text() == f"iteration {k} / 100 · log loss {h[k, 3]:.3g}"
            assert len(end.get_xdata()) == (1 if k == 100 else 0)  # the end is marked on the last frame
            np.testing.assert_array_equal(np.column_stack(path.get_data()), h[: k + 1, :2])
            np.testing.assert_array_equal(np.column_stack(point.get_data()), h[k : k + 1, :2])
            np.testing.assert_array_equal(np.column_stack(curve.get_data()), h[: k + 1, 2:4])
        contour_ax, loss_ax, colorbar_ax = frames.figure.axes
        contour = contour_ax.collections[0]
        # The descent's own levels, a round factor apart: the valley floor is several bands, not one.
        assert contour.cmap.name == "magma" and list(contour.levels) == list(views[0].levels)
        assert (np.diff(np.log10(contour.levels)) < 0.45).all() and len(contour.levels) >= 8
        assert colorbar_ax.get_ylabel() == "log loss"
        assert loss_ax.get_xlim() == (0, 100) and loss_ax.get_ylim()[1] > h[:, 3].max()


def test_comparison_moves_both_descents_on_one_clock(views):
    with theme_context("dark"):
        frames = DescentFrames(Animation(views), VideoShape(320, 180, 10.0, 201))
        changed = frames.update(100)  # half way: iteration 50 of both
        assert len(changed) == 10
        for (path, point, end, curve, counter), view in zip((changed[:5], changed[5:]), views):
            (trail,) = view.trails
            np.testing.assert_array_equal(np.column_stack(point.get_data()), [[trail.x[50], trail.y[50]]])
        assert [fig.get_suptitle() for fig in frames.figure.subfigs] == [v.title for v in views]



def test_several_trails_on_one_landscape_each_draw_their_path_point_and_curve(views):
    """Two trails of different lengths and colours on one landscape, the loss on a log scale: at a middle time
    each shows its own steps so far (the shorter one stopped at its end), a legend names both, and the counter
    gives the iteration without a loss (each trail has its own curve)."""
    from matplotlib.colors import to_rgba

    (trail,) = views[0].trails
    steps = 41
    first = replace(trail, label="compressed", color="red", loss_color=None)
    # Mirrored across W1 = 0: on the same (W1-symmetric) grid, away from the first.
    second = Trail(trail.x[:steps], -trail.y[:steps], trail.iteration[:steps], trail.loss[:steps] / 2,
                   label="mirrored", color="cyan")
    descent = Descent(views[0].landscape, (first, second), title="two trails", loss_scale="log")
    assert np.abs(second.y).max() < views[0].landscape.y.max()  # nothing is moved onto the grid's edge
    with theme_context("dark"):
        frames = DescentFrames(Animation((descent,)), SMALL, animated=False)
        frames.still(t=50.0)
        (drawn,) = frames.descents
        contour_ax, loss_ax, _ = frames.figure.axes
        for artists, trail, shown in zip(drawn.trails, (first, second), (51, steps)):
            weights = np.column_stack([trail.x, trail.y])
            np.testing.assert_array_equal(np.column_stack(artists.path.get_data()), weights[:shown])
            np.testing.assert_array_equal(np.column_stack(artists.point.get_data()), weights[shown - 1:shown])
            np.testing.assert_array_equal(np.column_stack(artists.curve.get_data()),
                                          np.column_stack([trail.iteration, trail.loss])[:shown])
            assert to_rgba(artists.path.get_color()) == to_rgba(artists.point.get_color()) == to_rgba(trail.color)
            assert to_rgba(artists.curve.get_color()) == to_rgba(trail.color)
        assert drawn.counter.get_text() == "iteration 50 / 100"

        # Between iterations each trail glides on its own step; the ended one stays at its end.
        frames.still(t=30.5)
        np.testing.assert_allclose(np.column_stack(drawn.trails[0].point.get_data())[0],
                                   [(first.x[30] + first.x[31]) / 2, (first.y[30] + first.y[31]) / 2])
        np.testing.assert_allclose(np.column_stack(drawn.trails[1].point.get_data())[0],
                                   [(second.x[30] + second.x[31]) / 2, (second.y[30] + second.y[31]) / 2])
        assert drawn.counter.get_text() == "iteration 30 / 100"

        # A legend (on the panel, on the figure or on the subfigure of its panels) names both trails, each in its
        # colour.
        figures = (frames.figure, *frames.figure.subfigs)
        legends = [legend for legend in (contour_ax.get_legend(), *(one for f in figures for one in f.legends))
                   if legend is not None]
        assert len(legends) == 1
        assert [text.get_text() for text in legends[0].get_texts()] == ["compressed", "mirrored"]
        assert [to_rgba(handle.get_color()) for handle in legends[0].legend_handles] == [
            to_rgba("red"), to_rgba("cyan")]
        assert loss_ax.get_yscale() == "log"
        low, high = loss_ax.get_ylim()
        assert 0 < low < second.loss.min() and high > first.loss.max()
        assert loss_ax.get_xlim() == (0, 100)


# -- pictures --------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["single", "comparison"])
def test_blitted_frames_equal_frames_drawn_whole(views, which):
    animation = Animation(views[:1] if which == "single" else views)
    frames = all_frames(animation, SMALL)
    for k in (0, 1, 50, 100):
        assert np.array_equal(frames[k], still(animation, SMALL, k)), f"frame {k}"
    assert not np.array_equal(frames[50], frames[51])  # something moves


def test_decoded_frame_k_is_iteration_k_drawn_directly(tmp_path, views):
    animation = Animation(views[:1])
    with theme_context("dark"):
        frames = DescentFrames(animation, SMALL)
        encode_frames(frames.frames, [Mp4(tmp_path / "v.mp4", SMALL)], SMALL.frames, progress=False)
    video = decoded(tmp_path / "v.mp4")
    assert len(video) == 101
    for k in (0, 30, 100):
        error = compression_error(video[k], still(animation, SMALL, k))
        # The counter's small text and, on the last frame, the red point inside the white end ring are
        # where 4:2:0 chroma errs most at 320x180.
        assert error < 32, f"frame {k}: error {error:.1f}"
    # ...and the comparison notices a frame one iteration off.
    assert compression_error(video[30], still(animation, SMALL, 31)) > 48


def test_more_frames_than_iterations_glide_through_the_recorded_points(tmp_path, views):
    animation = Animation(views[:1])
    shape = VideoShape(320, 180, 30.0, 301)  # three frames per iteration
    with theme_context("dark"):
        frames = DescentFrames(animation, shape)
        fine = type("FineMp4", (Mp4,), {"crf": 18})  # timing is checked, not compression: less codec noise
        encode_frames(frames.frames, [fine(tmp_path / "v.mp4", shape)], shape.frames, progress=False)
        _, point, *_ = frames.update(31)  # a third of the way from iteration 10 to 11
    h = history(views[0].trails[0])
    np.testing.assert_allclose(np.column_stack(point.get_data())[0], h[10, :2] + (h[11, :2] - h[10, :2]) / 3)
    video = decoded(tmp_path / "v.mp4")
    assert len(video) == 301
    # frame 30 is iteration 10: the same picture as the one-frame-per-iteration video's frame 10
    assert compression_error(video[30], still(animation, SMALL, 10)) < 16
    assert compression_error(video[31], still(animation, SMALL, 10)) > 16  # and frame 31 has moved on


# -- the writer ----------------------------------------------------------------------
def test_write_video_through_the_pipeline(tmp_path, views):
    output = Output("descent-normalized", "video", "caption", lambda: Animation(views[1:]))
    settings = RenderSettings(out_dir=tmp_path, theme="light",
                              video=VideoSettings(formats=("mp4", "webm", "gif", "poster"), fps=5, duration=1.2))
    with RunSession() as session:
        outcome = render_output(output, settings, session)
    assert outcome.status == "rendered", outcome.message
    assert [p.name for p in outcome.paths] == [
        "descent-normalized-light.mp4", "descent-normalized-light.webm",
        "descent-normalized-light.gif", "descent-normalized-light.webp",
        "descent-normalized-light-phone.mp4", "descent-normalized-light-phone.webm",
        "descent-normalized-light-phone.gif", "descent-normalized-light-phone.webp"]
    for path in outcome.paths[:3]:
        found = probe(path)
        assert (found.size, found.frames) == ((1280, 720), 6)
    for path in outcome.paths[4:7]:  # the phone's: as many pixels per CSS pixel, 390 wide, taller than wide
        found = probe(path)
        assert found.size[0] == 2 * round(1280 * 390 / 700 / 2) and found.size[1] > found.size[0]
        assert found.frames == 6
    poster = decoded(tmp_path / "descent-normalized-light.webp")[0]
    assert poster[5, 5].tolist() == [255, 255, 255]  # the light theme
    assert not list(tmp_path.rglob(".*partial*"))


def test_each_file_is_read_back_once_and_the_record_holds_what_that_found(tmp_path, views, monkeypatch):
    """One decode per video file (none for the poster), and the manifest's numbers are that decode's."""
    import render.encode
    from render.manifest import load_record

    decodes = []
    real_probe = render.encode.probe

    def counted(path, *args, **kwargs):
        decodes.append(Path(path).suffix)
        return real_probe(path, *args, **kwargs)

    monkeypatch.setattr(render.encode, "probe", counted)
    output = Output("descent-normalized", "video", "caption", lambda: Animation(views[1:]))
    settings = RenderSettings(out_dir=tmp_path, video=VideoSettings(formats=("mp4", "webm", "poster"), duration=1.2))
    with RunSession() as session:
        outcome = render_output(output, settings, session, key="k")
    assert outcome.status == "rendered", outcome.message
    assert sorted(decodes) == [".mp4", ".mp4", ".webm", ".webm"]  # the column's and the phone's
    files = {f["path"]: f for f in load_record(tmp_path, "descent-normalized").files}
    for name in ("descent-normalized.mp4", "descent-normalized.webm"):
        found = real_probe(tmp_path / name)
        assert (files[name]["width"], files[name]["height"]) == found.size == (1280, 720)
        assert files[name]["frames"] == found.frames == 12
        assert files[name]["duration"] == round(found.seconds, 3)
    assert (files["descent-normalized.webp"]["width"], files["descent-normalized.webp"]["height"]) == (1280, 720)


def test_interrupted_video_leaves_no_file(tmp_path, views, monkeypatch):
    real_update = DescentFrames.update

    def interrupted(self, index):
        if index == 3:
            raise KeyboardInterrupt
        return real_update(self, index)

    monkeypatch.setattr(DescentFrames, "update", interrupted)
    settings = RenderSettings(out_dir=tmp_path, video=VideoSettings(formats=("mp4", "gif", "poster"), duration=1))
    with RunSession() as session, pytest.raises(KeyboardInterrupt):
        write_video("descent-compressed", Animation(views[:1]), settings, session)
    assert list(tmp_path.iterdir()) == []


def test_write_video_refuses_content_that_is_not_an_animation(tmp_path):
    with pytest.raises(RenderError, match="descent-compressed: a video is made from an Animation"):
        write_video("descent-compressed", Animation(()), RenderSettings(out_dir=tmp_path), RunSession())


# -- end to end ------------------------------------------------------------------------
def render_exe() -> str:
    exe = Path(sys.executable).with_name("render")
    if not exe.exists():
        pytest.skip("the project is not installed (pip install -e .)")
    return str(exe)


@pytest.mark.slow
def test_make_videos_writes_every_format_of_every_video(tmp_path):
    result = subprocess.run([render_exe(), "videos", "--out", str(tmp_path), "--formats", "mp4,webm,gif,poster"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    shape, _ = video_timeline(VideoSettings(), 101)  # 100 iterations at the default pace, the holds included
    for name in VIDEOS:
        for extension, codec in (("mp4", "h264"), ("webm", "vp9"), ("gif", "gif")):
            found = probe(tmp_path / f"{name}.{extension}")
            assert (found.codec, found.size, found.frames) == (codec, (1280, 720), shape.frames), f"{name}.{extension}"
            assert found.seconds == pytest.approx(shape.frames / shape.fps, abs=0.06)
        assert probe(tmp_path / f"{name}.webp").size == (1280, 720)
    assert not list(tmp_path.rglob(".*partial*"))


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find stray processes")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_killed_mid_encode_leaves_no_file_and_no_ffmpeg(tmp_path, signum):
    process = subprocess.Popen([render_exe(), "descent-compressed", "--out", str(tmp_path), "--quality", "high",
                                "--formats", "mp4,webm"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not [p for p in tmp_path.rglob(".*partial*") if p.stat().st_size > 0]:  # ffmpeg has begun writing
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    process.send_signal(signum)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert not processes_running(str(tmp_path), "ffmpeg")
    assert [p.name for p in tmp_path.iterdir() if p.name != BOOKKEEPING_DIR] == []
    assert list((tmp_path / STAGING_DIR).iterdir()) == []  # its own staging directory is removed


def test_the_same_render_gives_byte_identical_videos_in_every_format(tmp_path):
    from click.testing import CliRunner

    from render.cli import main

    def render(out):
        result = CliRunner().invoke(main, ["descent-normalized", "--out", str(out), "--quality", "low",
                                           "--duration", "1", "--formats", "mp4,webm,gif,poster"])
        assert result.exit_code == 0, result.output
        return {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in {".mp4", ".webm", ".gif", ".webp"}}

    first, second = render(tmp_path / "a"), render(tmp_path / "b")
    assert sorted(first) == ["descent-normalized-phone.gif", "descent-normalized-phone.mp4",
                             "descent-normalized-phone.webm", "descent-normalized-phone.webp",
                             "descent-normalized.gif", "descent-normalized.mp4", "descent-normalized.webm",
                             "descent-normalized.webp"]
    assert first == second


def test_a_poster_alone_is_the_last_frame_of_the_full_render(tmp_path, views):
    """A theme's twin renders only the poster: one frame drawn, the same bytes as the full render's poster."""
    from render.settings import RenderSettings, RunSession, VideoSettings
    from render.video import write_video

    animation = Animation(views[1:])
    for out, formats in ((tmp_path / "full", ("mp4", "poster")), (tmp_path / "alone", ("poster",))):
        settings = RenderSettings(out_dir=out, video=VideoSettings(formats=formats, duration=1.0))
        with RunSession() as session:
            write_video("d", animation, settings, session)
    assert (tmp_path / "alone" / "d.webp").read_bytes() == (tmp_path / "full" / "d.webp").read_bytes()
