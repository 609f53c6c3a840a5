"""Seeking in Chromium: a reader's player can jump to any second of a video, keyframes 5 s apart.

The file is handed to the player whole (a blob: URL), so that what a seek costs is decoding from the keyframe
before the time asked, not the network; the static server of the other browser tests answers no Range
request, and a player there cannot seek at all.  Each second and the frame just before each second (the worst
case: a keyframe's gap decoded) is asked for twice; the times ``currentTime`` -> ``seeked`` are printed, not
asserted (the machine's load decides them), and ``make bench`` reports them beside the bytes.
"""

import statistics

import pytest

from render.encode import Mp4, VideoShape, WebM
from render.spec import Animation
from render.theme import theme_context
from render.video import DescentFrames, encode_frames
from scenes import SceneContext
from scenes.normalization import NormalizationExperiment
from tests.site_checks import serve
from tests.test_gallery_browser import CHROME_ARGS

pytestmark = pytest.mark.slow
SHAPE = VideoShape(1280, 720, 10.0, frames=120)
SEEKS = """async ([src, times]) => {
  const v = document.createElement('video'); v.muted = true; v.preload = 'auto'; v.width = 640;
  v.src = URL.createObjectURL(await (await fetch(src)).blob());
  document.body.appendChild(v);
  await new Promise((ok, fail) => { v.oncanplaythrough = ok; v.onerror = () => fail(v.error && v.error.message); });
  const seek = t => new Promise(ok => { v.onseeked = ok; v.currentTime = t; });
  const out = [];
  for (const t of times) {
    await seek((t + v.duration / 2) % v.duration);  // from elsewhere, so that each seek decodes from a keyframe
    const began = performance.now();
    await seek(t);
    out.push([t, performance.now() - began, v.currentTime]);
  }
  return out;
}"""


def seek_times(paths, times) -> dict[str, list]:
    """Per file, ``[time asked, milliseconds to seeked, currentTime after]`` for each time, in Chromium."""
    from playwright.sync_api import sync_playwright

    from render.chrome import find_chrome

    with serve(paths[0].parent) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(find_chrome().require()), args=CHROME_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            return {path.name: page.evaluate(SEEKS, [url + path.name, times]) for path in paths}
        finally:
            browser.close()


def test_a_player_seeks_to_every_second_and_just_before(tmp_path):
    animation = Animation((NormalizationExperiment(SceneContext(seed=0, grid_size=24), "compressed",
                                                   10.0).descent_view(),))
    with theme_context("dark"):
        frames = DescentFrames(animation, SHAPE)
        paths = encode_frames(frames.frames, [Mp4(tmp_path / "v.mp4", SHAPE), WebM(tmp_path / "v.webm", SHAPE)],
                              SHAPE.frames, progress=False)
    seconds = int(SHAPE.frames / SHAPE.fps)
    times = [float(s) for s in range(seconds)] + [round(s - 0.1, 1) for s in range(1, seconds + 1)]
    for name, rows in seek_times(paths, times * 2).items():
        assert [round(after, 3) for _, _, after in rows] == [round(t, 3) for t in times * 2], name
        spent = [ms for _, ms, _ in rows]
        print(f"{name}: seek median {statistics.median(spent):.0f} ms, worst {max(spent):.0f} ms")
