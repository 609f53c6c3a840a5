"""Pacing: a video holds its start and its end in its own frames, shows its first swings slowly, and never
flashes (no large area of the frame turning lighter and darker more than three times a second)."""

import numpy as np
import pytest
from click.testing import CliRunner

from render.cli import main
from render.encode import probe
from render.settings import VideoSettings
from render.video import HOLD_FIRST, HOLD_LAST, caption_cues, video_timeline
from render.spec import Caption
from tests.test_video import compression_error, decoded

# WCAG 2.3.1 counts a flash as a pair of opposing changes of 10% of relative luminance; a change of half that
# is counted here, so that a brighter display or a lighter theme does not take a video over the threshold.
LUMINANCE_CHANGE = 0.05
REGIONS = 4  # a quarter of the frame's width and height: at 700 px wide, less than WCAG's flash area
MOST_REVERSALS = 3  # in any one second


def luminance(frame: np.ndarray) -> np.ndarray:
    channels = frame / 255.0
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return linear @ (0.2126, 0.7152, 0.0722)


def most_reversals_in_a_second(frames: list[np.ndarray], fps: float) -> int:
    """The most times one region of the frame turns back (lighter after darker, or darker after lighter, by at
    least LUMINANCE_CHANGE of its mean luminance) within any one second."""
    height, width = frames[0].shape[:2]
    h, w = height // REGIONS, width // REGIONS
    means = np.array([luminance(f[:h * REGIONS, :w * REGIONS].astype(float))
                      .reshape(REGIONS, h, REGIONS, w).mean(axis=(1, 3)) for f in frames])
    changes = np.diff(means, axis=0)
    window = round(fps)
    most = 0
    for i in range(REGIONS):
        for j in range(REGIONS):
            steps = [(k, np.sign(c)) for k, c in enumerate(changes[:, i, j]) if abs(c) >= LUMINANCE_CHANGE]
            turns = [k for (_, before), (k, after) in zip(steps, steps[1:]) if before != after]
            most = max([most, *(sum(1 for t in turns if start <= t < start + window) for start in turns)])
    return most


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The compressed descent's decision boundary at the default size and frame rate."""
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["boundary-compressed", "--out", str(out), "--formats", "mp4",
                                       "--grid-size", "20"])
    assert result.exit_code == 0, result.output
    return out / "boundary-compressed.mp4"


def test_the_video_is_its_motion_and_its_holds():
    shape, timeline = video_timeline(VideoSettings(), rows=101)
    times = [timeline.time(k, 101) for k in range(shape.frames)]
    # The start shows for HOLD_FIRST seconds and the end for HOLD_LAST, to the frame (the motion's own first and
    # last frames included).
    assert (times.count(0.0), times.count(100.0)) == (round(10 * HOLD_FIRST), round(10 * HOLD_LAST))
    assert shape.frames == timeline.first + timeline.moving + timeline.last
    assert timeline.moving > 101  # the slow start adds frames to one per iteration
    assert [timeline.time(k, 101) for k in (0, timeline.first)] == [0.0, 0.0] and timeline.time(timeline.first + 1, 101) > 0
    assert timeline.time(shape.frames - timeline.last - 1, 101) == 100.0
    # Given a duration, the holds are part of it, and never more than half.
    shape, timeline = video_timeline(VideoSettings(duration=2.0), rows=101)
    assert shape.frames == 20 and timeline.first + timeline.last <= 10 and timeline.first >= 1


def test_the_first_steps_are_slower_than_the_last():
    shape, timeline = video_timeline(VideoSettings(), rows=101)
    start = timeline.first
    end = timeline.first + timeline.moving - 1
    assert timeline.time(start + 10, 101) < 10 / 2  # ten frames into the motion: not yet five iterations
    assert timeline.time(end, 101) - timeline.time(end - 10, 101) == pytest.approx(10, abs=1e-6)


def test_the_captions_follow_the_held_start():
    shape, timeline = video_timeline(VideoSettings(), rows=101)
    cues = caption_cues((Caption(0, 50, "a"), Caption(50, 100, "b")), shape, 101, timeline)
    assert cues[0].start == 0 and cues[-1].end == round(shape.frames * 1000 / shape.fps)
    first_showing_50 = timeline.first_showing(50, 101)
    assert timeline.time(first_showing_50, 101) >= 50 > timeline.time(first_showing_50 - 1, 101)
    assert cues[1].start == round(first_showing_50 * 100)


def test_the_file_holds_its_first_frame_a_second_and_its_last_two(rendered):
    frames = decoded(rendered)
    found = probe(rendered)
    assert found.frames == len(frames) and found.seconds == pytest.approx(len(frames) / 10, abs=0.06)
    fps = 10

    def same(a, b):
        return compression_error(a, b) <= 40  # the codec's noise (up to 13 seen), not a moved line (over 200)

    assert all(same(frames[0], f) for f in frames[:fps])
    assert all(same(frames[-1], f) for f in frames[-2 * fps:])
    assert not same(frames[fps], frames[2 * fps])


def test_no_region_of_the_frame_flashes_more_than_three_times_a_second(rendered):
    assert most_reversals_in_a_second(decoded(rendered), 10) <= MOST_REVERSALS
