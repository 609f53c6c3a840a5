"""The descent videos' captions: words computed from the history, timed from the frame schedule, written as WebVTT."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from render.encode import CAPTIONS_EXTENSION, VideoShape
from render.errors import RenderError
from render.manifest import is_fresh, load_record, output_suffixes
from render.pipeline import render_output
from render.settings import RenderSettings, RunSession, VideoSettings
from render.spec import Animation, Caption, Descent, Landscape
from render.video import Cue, caption_cues, caption_problem, first_frame_showing, frame_time, webvtt, write_video
from scenes import SceneContext, article_outputs
from scenes.describe import _rises, comparison_captions, descent_captions, descent_phases, describe_descent
from scenes.training import as_trail

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = VideoShape(1280, 720, 10.0, 101)  # the default video: one frame per iteration at 10 fps
VIDEOS = ["descent-compressed", "descent-normalized", "descent-comparison"]


# -- synthetic descents ----------------------------------------------------------------
def history(w0, w1, loss) -> np.ndarray:
    """Rows ``W0, W1, b, i, loss``."""
    n = len(loss)
    return np.column_stack([w0, w1, np.zeros(n), np.arange(n), loss]).astype(float)


def straight(n: int = 41) -> np.ndarray:
    """A loss that falls fast, then levels off; weights gliding to a stop."""
    t = np.arange(n)
    return history(-4 + 4 * (1 - 0.8 ** t), 4 - 6 * (1 - 0.8 ** t), 0.2 + 10 * 0.7 ** t)


def zigzag(n: int = 41) -> np.ndarray:
    """W1 swinging across a valley (its floor at W1 = 0) in a cycle of three steps while W0 walks along it:
    the loss back up at each cycle's jump, lowest at the step before."""
    t = np.arange(n)
    w1 = 3 * np.cos(2 * np.pi * t / 3) * 0.98 ** t
    return history(-4 + 0.2 * t, w1, 1 + w1 ** 2)


# -- when each caption shows -------------------------------------------------------------
@given(rows=st.integers(2, 300), frames=st.integers(2, 2000), data=st.data())
def test_a_captions_first_frame_is_the_first_to_show_its_iteration(rows, frames, data):
    k = data.draw(st.integers(0, rows - 1))
    index = first_frame_showing(k, frames, rows)
    assert frame_time(index, frames, rows) >= k
    assert index == 0 or frame_time(index - 1, frames, rows) < k


def test_a_cue_runs_from_its_first_iteration_until_the_next_cue_and_the_last_until_the_end():
    captions = (Caption(0, 20, "a"), Caption(20, 55, "b"), Caption(56, 100, "c"))
    assert caption_cues(captions, ARTICLE, rows=101) == [Cue(0, 2000, "a"), Cue(2000, 5600, "b"), Cue(5600, 10100, "c")]
    # 15 fps, 152 frames (low quality): iteration 20 is first shown by frame ceil(20 * 151 / 100) = 31
    low = VideoShape(854, 480, 15.0, 152)
    assert [(c.start, c.end) for c in caption_cues(captions, low, rows=101)] == [
        (0, 2067), (2067, 5667), (5667, 10133)]
    # twice the frame rate: the same iterations at the same times, in a video one frame of 20 fps shorter
    assert [(c.start, c.end) for c in caption_cues(captions, VideoShape(1280, 720, 20.0, 201), 101)] == [
        (0, 2000), (2000, 5600), (5600, 10050)]


def test_a_one_frame_video_shows_the_end_and_only_the_last_caption():
    captions = (Caption(0, 20, "a"), Caption(20, 100, "b"))
    assert caption_cues(captions, VideoShape(64, 48, 10.0, 1), rows=101) == [Cue(0, 100, "b")]


@pytest.mark.parametrize("captions, problem", [
    ((Caption(0, 50, "a"), Caption(52, 100, "b")), "does not pick up"),
    ((Caption(0, 50, "a"), Caption(40, 100, "b")), "does not pick up"),
    ((Caption(1, 100, "a"),), "cover iterations 1-100, not 0-100"),
    ((Caption(0, 90, "a"),), "cover iterations 0-90, not 0-100"),
    ((Caption(0, 101, "a"),), "not a range of the 101 iterations"),
    ((Caption(0, 100, "  "),), "is empty"),
    ((Caption(0, 100, "a <b>bold</b> claim"),), "not plain text"),
    ((Caption(0, 100, "a --> b"),), "not plain text"),
    ((Caption(0, 100, "two\nlines"),), "not plain text"),
])
def test_captions_that_cannot_be_timed_or_written_are_refused(captions, problem):
    assert problem in caption_problem(captions, rows=101)


def test_contiguous_or_shared_ends_are_both_fine():
    assert caption_problem((Caption(0, 50, "a"), Caption(50, 100, "b")), 101) is None
    assert caption_problem((Caption(0, 50, "a"), Caption(51, 100, "b")), 101) is None


def test_webvtt_is_the_header_then_blank_line_separated_cues_with_ampersands_escaped():
    text = webvtt([Cue(0, 2500, "Loss & weights: W0 > 1."), Cue(2500, 3_723_004, "The end.")])
    assert text == ("WEBVTT\n\n"
                    "00:00:00.000 --> 00:00:02.500\nLoss &amp; weights: W0 > 1.\n\n"
                    "00:00:02.500 --> 01:02:03.004\nThe end.\n")


# -- what the captions say -------------------------------------------------------------
def test_phases_split_a_straight_run_evenly_and_move_a_zigzags_ends_to_its_troughs():
    assert descent_phases([straight()[:, 4]], 4) == [(0, 10), (10, 20), (20, 30), (30, 40)]
    loss = zigzag()[:, 4]
    phases = descent_phases([loss], 4)
    assert phases[0][0] == 0 and phases[-1][1] == 40
    for (_, end), (start, _) in zip(phases, phases[1:]):
        assert end == start and loss[end - 1] >= loss[end] < loss[end + 1], f"iteration {end} is not a trough"
    assert descent_phases([loss[:3]], 4) == [(0, 1), (1, 2)]  # no more phases than steps


@pytest.mark.parametrize("make", [straight, zigzag])
def test_captions_cover_the_run_and_count_every_rise_once(make):
    h = make()
    captions = descent_captions(h, 4)
    assert len(captions) == 4 and caption_problem(captions, len(h)) is None
    counted = sum(int(m) for c in captions for m in re.findall(r"going back up (\d+) times", c.text))
    assert counted == _rises(h[:, 4])  # the alt text's count, split between the phases
    for caption in captions:
        assert caption.text.startswith(f"Iterations {caption.first}–{caption.last}: the loss ")
        loss = h[caption.first: caption.last + 1, 4]
        assert f"{loss[0]:.3g}" in caption.text or f"{loss.max():.3g}" in caption.text


def test_a_straight_run_falls_fast_then_levels_off_as_the_weights_stop():
    first, _, third, last = descent_captions(straight(), 4)
    assert first.text == ("Iterations 0–10: the loss falls fast, from 10.2 to 0.482, "
                          "as the weights move straight from (-4.0, 4.0) to (-0.4, -1.4).")
    assert third.text == ("Iterations 20–30: the loss levels off, from 0.208 to 0.2, "
                          "as the weights barely move from (0.0, -1.9) to (0.0, -2.0).")  # not -0.0
    assert "the loss stays at 0.2 as the weights barely move" in last.text


def test_a_zigzag_says_which_weight_swings_and_how_often_the_loss_goes_back_up():
    h = zigzag()
    first, second, *_ = descent_captions(h, 4)
    assert "W1 swings across the valley and W0 moves from -4.0 to" in first.text
    assert "W1 keeps swinging across the valley" in second.text or "W1's swings across the valley shrink" in second.text
    assert "going back up" in first.text and "straight" not in first.text


def test_a_comparison_caption_speaks_of_both_descents_in_each_cue():
    captions = comparison_captions({"compressed": zigzag(), "normalized": straight()}, 4)
    phases = descent_phases([zigzag()[:, 4], straight()[:, 4]], 4)
    assert [(c.first, c.last) for c in captions] == phases
    for caption in captions:
        assert re.fullmatch(rf"Iterations {caption.first}–{caption.last}\. Compressed: the loss .*going back up .*; "
                            r"normalized: the loss .*as the weights [a-z ]+\.", caption.text), caption.text
        assert "(" not in caption.text  # no coordinates: two descents in one cue are enough to read


def test_the_articles_captions_are_plain_text_in_the_alt_texts_words():
    outputs = {o.name: o for o in article_outputs(SceneContext(grid_size=24)) if o.name in VIDEOS}
    for name, output in outputs.items():
        content = output.build()
        rows = max(len(trail.iteration) for v in content.views for trail in v.trails)
        assert 4 <= len(content.captions) <= 6, name
        assert caption_problem(content.captions, rows) is None, name
        if name != "descent-comparison":
            (trail,) = content.views[0].trails
            # The recorded rows (the bias, which no sentence here reads, left at 0).
            h = np.column_stack([trail.x, trail.y, np.zeros_like(trail.x), trail.iteration, trail.loss])
            assert describe_descent(h, content.extent.names) in content.description
            zigzags = _rises(h[:, 4]) > 0
            assert all(("going back up" in c.text) == zigzags for c in content.captions), name
            assert f"{h[0, 4]:.3g}" in content.captions[0].text  # the loss it starts from, as the alt says


# -- written beside the video ------------------------------------------------------------
VTT_CUE = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)")


def parse_vtt(text: str) -> list[tuple[int, int, str]]:
    """The cues of a WebVTT file as this toolkit writes it, checked strictly: ``WEBVTT``, a blank line, then
    blocks of a timing line and one line of text, a blank line between them; times in order, each cue longer
    than nothing and ending where the next begins; plain text with ``&`` escaped."""
    assert text.endswith("\n") and not text.endswith("\n\n")
    header, *blocks = text[:-1].split("\n\n")
    assert header == "WEBVTT" and blocks
    cues = []
    for block in blocks:
        timing, line = block.split("\n")
        match = VTT_CUE.fullmatch(timing)
        assert match, timing
        numbers = [int(n) for n in match.groups()]
        assert all(n < 60 for n in numbers[1:3] + numbers[5:7])  # minutes and seconds
        start, end = (((h * 60 + m) * 60 + s) * 1000 + ms for h, m, s, ms in (numbers[:4], numbers[4:]))
        assert line.strip() and "<" not in line and "-->" not in line
        assert re.fullmatch(r"([^&]|&amp;)*", line), f"an unescaped & in {line!r}"
        cues.append((start, end, line.replace("&amp;", "&")))
    for (start, end, _), following in zip(cues, [*cues[1:], None]):
        assert end > start
        assert following is None or following[0] == end
    assert cues[0][0] == 0
    return cues


def webvtt_parser_errors(path: Path) -> tuple[list, list]:
    """The W3C validator's parser (npm ``webvtt-parser``) on ``path``: its errors, and the cues it read."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the WebVTT file is checked by the W3C parser under node")
    if not (ROOT / "node_modules" / "webvtt-parser").is_dir():
        pytest.skip("the npm package webvtt-parser is not installed (npm install --no-save webvtt-parser)")
    script = ("'use strict';"
              "const {WebVTTParser} = require('webvtt-parser');"
              "const tree = new WebVTTParser().parse(require('fs').readFileSync(process.argv[1], 'utf8'));"
              "console.log(JSON.stringify({errors: tree.errors,"
              " cues: tree.cues.map(c => [c.startTime, c.endTime, c.text])}));")
    done = subprocess.run(["node", "-e", script, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    return found["errors"], found["cues"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """descent-compressed through the pipeline, short and small, with its record."""
    out = tmp_path_factory.mktemp("out")
    (output,) = [o for o in article_outputs(SceneContext(grid_size=24)) if o.name == "descent-compressed"]
    settings = RenderSettings(out_dir=out, video=VideoSettings(formats=("mp4", "webm", "poster"), quality="low",
                                                               duration=2.0))
    with RunSession() as session:
        outcome = render_output(output, settings, session, key="k")
    assert outcome.status == "rendered", outcome.message
    return out, output, outcome


def test_the_captions_are_written_beside_the_video_and_listed_in_its_record(rendered):
    out, output, outcome = rendered
    assert [p.name for p in outcome.paths] == [
        "descent-compressed.mp4", "descent-compressed.webm", "descent-compressed.webp",
        "descent-compressed-phone.mp4", "descent-compressed-phone.webm", "descent-compressed-phone.webp",
        "descent-compressed.vtt"]  # the phone's layout on the same clock: one descriptions track for both
    record = load_record(out, "descent-compressed")
    assert record is not None and is_fresh(record, "k", out)
    (entry,) = [f for f in record.files if f["path"] == "descent-compressed.vtt"]
    assert entry["format"] == CAPTIONS_EXTENSION and f".{CAPTIONS_EXTENSION}" in output_suffixes()
    content = output.build()
    cues = parse_vtt((out / "descent-compressed.vtt").read_text(encoding="utf-8"))
    assert [text for *_, text in cues] == [c.text for c in content.captions]
    assert cues[-1][1] == 2000  # 30 frames at 15 fps: the last cue ends with the video


def test_the_captions_parse_as_webvtt_with_the_w3c_parser(rendered):
    out, _, _ = rendered
    errors, cues = webvtt_parser_errors(out / "descent-compressed.vtt")
    assert errors == []
    expected = parse_vtt((out / "descent-compressed.vtt").read_text(encoding="utf-8"))
    assert [(round(start * 1000), round(end * 1000), text) for start, end, text in cues] == expected


def test_the_w3c_parser_check_fails_on_a_bad_file(tmp_path):
    bad = tmp_path / "bad.vtt"
    bad.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:01.000\na <b>c\n", encoding="utf-8")
    errors, _ = webvtt_parser_errors(bad)
    assert errors  # the check above would catch a broken file


def view(h: np.ndarray) -> Descent:
    axis = np.linspace(-5, 5, 8)
    W11, W22 = np.meshgrid(axis, axis)
    return Descent(Landscape(axis, axis, W11 ** 2 + W22 ** 2), (as_trail(h),))


def test_a_poster_alone_has_no_captions_and_a_bad_caption_fails_before_any_frame(tmp_path):
    h = straight(11)
    animation = Animation((view(h),), captions=descent_captions(h, 2))
    with RunSession() as session:
        written = write_video("d", animation, RenderSettings(out_dir=tmp_path / "poster",
                                                             video=VideoSettings(formats=("poster",))), session)
        assert [w.path.name for w in written] == ["d.webp", "d-phone.webp"]
        bad = Animation((view(h),), captions=(Caption(0, 10, "x <y"),))
        with pytest.raises(RenderError, match="d: caption 0-10 is not plain text"):
            write_video("d", bad, RenderSettings(out_dir=tmp_path / "bad", video=VideoSettings(formats=("mp4",))),
                        session)
    assert not (tmp_path / "bad").exists()


def test_an_animation_without_captions_writes_no_vtt(tmp_path):
    h = straight(11)
    with RunSession() as session:
        written = write_video("d", Animation((view(h),)), RenderSettings(
            out_dir=tmp_path, video=VideoSettings(formats=("mp4",), duration=0.5)), session)
    assert [w.path.name for w in written] == ["d.mp4", "d-phone.mp4"]
