"""The gallery as a reader sees it: served over HTTP, opened in headless Chromium.

Renders every output (small cat/dog data, low video quality), serves the
output directory on 127.0.0.1, and checks in the browser that every image
decoded, every video's metadata loaded with the size and duration the
manifest promises, every surface page drew its WebGL canvas, and nothing was
logged as an error; that a phone-wide window shows every output's phone
layout, and a desktop-wide one the column's.  A screenshot of the page is saved
beside the outputs.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.chrome import find_chrome
from render.cli import main
from render.layouts import PHONE

pytestmark = pytest.mark.slow

CHROME_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--autoplay-policy=no-user-gesture-required",
]


# The player an output's figure shows (of the column's and the phone's, the other is hidden), played as a reader
# would: neither loads anything before (preload="none").  Its metadata, once loaded, and its class.
PLAY_SHOWN_PLAYER = """name => new Promise((resolve) => {
    const video = [...document.querySelectorAll(`#${name} video`)].find(v => v.checkVisibility());
    const report = () => { video.pause(); resolve({duration: video.duration, width: video.videoWidth,
        height: video.videoHeight, error: video.error && video.error.code, src: video.currentSrc,
        className: video.className}); };
    if (video.readyState >= 1) report();
    else { video.addEventListener('loadedmetadata', report); video.addEventListener('error', report);
           video.play().catch(() => {}); }
})"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    from tests.conftest import write_catdog

    root = tmp_path_factory.mktemp("gallery")
    data = write_catdog(root / "datasets")
    out = root / "output"
    result = CliRunner().invoke(  # as `make all` does, with the light twins
        main, ["all", "--twins", "--out", str(out), "--data", str(data), "--quality", "low",
               "--formats", "mp4,webm,poster"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def served(rendered):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(rendered))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_gallery_loads_every_output_in_chromium(rendered, served):
    from playwright.sync_api import sync_playwright

    chrome = find_chrome().require()
    manifest = json.loads((rendered / "manifest.json").read_text())
    expected_names = [o["name"] for o in manifest["outputs"] if o["theme"] == "dark"]
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chrome), args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(served + "index.html", wait_until="load")

        names = page.eval_on_selector_all("article", "nodes => nodes.map(n => n.id)")
        assert names == expected_names

        for image in page.query_selector_all("article img"):
            image.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => [...document.querySelectorAll('article img')].every(i => i.complete)", timeout=30_000
        )
        images = page.eval_on_selector_all(
            "article img", "nodes => nodes.map(i => ({src: i.currentSrc, width: i.naturalWidth}))"
        )
        assert images and all(image["width"] > 0 for image in images), images

        videos = {o["name"]: o for o in manifest["outputs"] if o["kind"] == "video" and o["theme"] == "dark"}
        assert videos
        for name, record in videos.items():
            mp4 = next(f for f in record["files"] if f["role"] == "mp4")  # the column's: a desktop's window
            state = page.evaluate(PLAY_SHOWN_PLAYER, name)
            assert state["error"] is None, state
            assert (state["width"], state["height"]) == (mp4["width"], mp4["height"])
            assert state["duration"] == pytest.approx(mp4["duration"], abs=0.15)

        surfaces = [o["name"] for o in manifest["outputs"] if o["kind"] == "surface" and o["theme"] == "dark"]
        assert surfaces
        assert not [url for url in requested if url.endswith((".html", "plotly.min.js")) and "index" not in url]
        for name in surfaces:  # the 3D view loads when asked for, with one click
            button = page.query_selector(f"#{name} figure button")
            button.scroll_into_view_if_needed()
            button.click()
            frame_element = page.wait_for_selector(f"#{name} figure iframe", timeout=10_000)
            frame = frame_element.content_frame()
            frame.wait_for_selector(".js-plotly-plot .gl-container canvas", state="attached", timeout=60_000)
            drawn = frame.evaluate(
                """() => [...document.querySelectorAll('.gl-container canvas')].some(c => {
                    const gl = c.getContext('webgl') || c.getContext('experimental-webgl');
                    return c.width > 0 && c.height > 0 && gl !== null;
                })"""
            )
            assert drawn, f"{name}: no WebGL canvas drawn"

        page.screenshot(path=str(rendered / "gallery-screenshot.png"), full_page=True)
        browser.close()
    assert errors == []
    assert (rendered / "gallery-screenshot.png").stat().st_size > 10_000


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_a_surface_page_fits_a_phone_and_a_desktop(rendered, served, width, height):
    """The whole scene and its controls inside the frame: narrower than the scene likes, it is drawn smaller."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(find_chrome().require()), args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(served + "surface-compressed.html", wait_until="load")
        page.wait_for_function("() => document.querySelector('.gl-container canvas') !== null", timeout=60_000)
        ratio = page.evaluate("() => document.getElementById('surface-compressed').layout.scene.aspectratio")
        inside = page.evaluate("""() => [...document.querySelectorAll('.updatemenu-button, .slider-rail-rect')]
            .map(e => e.getBoundingClientRect())
            .every(r => r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight)""")
        page.screenshot(path=str(rendered / f"surface-compressed-{width}x{height}.png"))
        browser.close()
    assert errors == []
    assert inside
    if width < height:
        assert ratio["x"] < 1 and ratio["x"] == ratio["y"] == ratio["z"]
    else:
        assert ratio is None or ratio["x"] == 1


def test_a_reader_in_light_mode_sees_the_light_twins(rendered, served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(find_chrome().require()), args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900}, color_scheme="light")
        page.goto(served + "index.html", wait_until="load")
        for image in page.query_selector_all("article img"):
            image.scroll_into_view_if_needed()
        page.wait_for_function("() => [...document.querySelectorAll('article img')].every(i => i.complete)")
        images = page.eval_on_selector_all("article picture img", "nodes => nodes.map(n => n.currentSrc)")
        frames = page.eval_on_selector_all(  # waiting in their <template> for a click
            "article template", "nodes => nodes.map(n => n.content.querySelector('iframe').dataset.lightSrc)")
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        browser.close()
    assert images and all("-light" in src for src in images), images
    assert frames and all(src.endswith("-light.html") for src in frames), frames  # what the click loads here
    assert background == "rgb(255, 255, 255)"


# What a reader's browser fetches with the page, until it has loaded: bytes of every response, headers included.
FIRST_SCREEN_BYTES = 600_000


@pytest.mark.parametrize("width, height, scale", [(390, 844, 3), (1280, 800, 1)])
def test_opening_the_gallery_downloads_its_first_screen_and_little_more(rendered, served, width, height, scale):
    """The page and what its first screen shows within 600 KB on a phone (at three device pixels to a CSS pixel,
    where the 2x images are taken) and on a desktop: images below it, the players' posters, the videos, the 3D
    views and Plotly wait.  No hidden player (the other layout's, the other scheme's) ever fetches its poster;
    a player's poster comes as the reader scrolls to it."""
    from playwright.sync_api import sync_playwright

    received: dict[str, int] = {}

    def count(request):
        sizes = request.sizes()
        received[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(find_chrome().require()), args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale,
                                is_mobile=width < 600, has_touch=width < 600, color_scheme="dark")
        page.on("requestfinished", count)
        page.goto(served + "index.html", wait_until="load")
        first_screen = dict(received)
        page.wait_for_timeout(1000)
        players = page.eval_on_selector_all("article video", """nodes => nodes.map(v => ({visible: v.checkVisibility(),
            first: v.closest('article') === document.querySelector('article'), poster: v.dataset.poster,
            sources: [...v.querySelectorAll('source')].map(s => s.src)}))""")
        last = page.locator("article video:visible").last  # scrolled to: its poster comes
        last.scroll_into_view_if_needed()
        page.wait_for_function("v => getComputedStyle(v).backgroundImage.endsWith(`/${v.dataset.poster}\")`)",
                               arg=last.element_handle())
        poster = last.evaluate("v => getComputedStyle(v).backgroundImage.slice(5, -2)")  # url("...")
        page.wait_for_timeout(500)
        browser.close()
    total = sum(first_screen.values())
    assert total <= FIRST_SCREEN_BYTES, (total, sorted(first_screen.items(), key=lambda item: -item[1])[:5])
    hidden = [player for player in players if not player["visible"]]
    assert hidden and all(player["poster"] for player in players if not player["first"])
    assert not {served + player["poster"] for player in hidden} & set(received)
    assert not {source for player in players for source in player["sources"]} & set(received)
    assert poster in received
    assert not any(url.endswith(("plotly.min.js", ".html")) and not url.endswith("index.html") for url in received)


def test_lighthouse_finds_the_gallery_fast_on_a_phone(rendered):
    """Lighthouse 12.2.3's mobile run (see test_lighthouse.py) on the gallery served as a static host serves it,
    text gzipped: performance at least 95 and the Largest Contentful Paint within 2.5 s, medians of three runs (a
    busy machine moves one run by several points), and nothing fetched from elsewhere."""
    from tests.site_checks import lighthouse, lighthouse_requests, serve_as_a_host

    with serve_as_a_host(rendered) as url:
        scored = lighthouse(url + "index.html")
    runs = ", ".join(f"{run['score']} ({run['lcp'] / 1000:.1f} s)" for run in scored["runs"])
    assert scored["score"] >= 95 and scored["lcp"] <= 2500, f"Lighthouse, the gallery: {runs}"
    assert all(request.startswith((url, "data:")) for request in lighthouse_requests(scored["report"]))


def phone_and_column_files(manifest: dict, kind: str) -> dict[str, tuple[dict, dict]]:
    """Each dark output of ``kind`` with a phone layout: its image (or video) of the phone's and of the column's, the
    one Chromium takes at one device pixel to a CSS pixel (the WebP before the PNG, the 1x before the 2x)."""
    roles = ("webp1x", "webp", "png1x", "png") if kind != "video" else ("mp4",)
    found = {}
    for record in manifest["outputs"]:
        files = {f["role"]: f for f in record["files"]}
        if record["kind"] == kind and record["theme"] == "dark" and any(f"phone-{r}" in files for r in roles):
            role = next(r for r in roles if f"phone-{r}" in files)
            found[record["name"]] = files[f"phone-{role}"], files[role]
    return found


@pytest.mark.parametrize("width, phone", [(390, True), (1280, False)])
def test_a_phone_sees_the_phone_layout_and_a_desktop_the_columns(rendered, served, width, phone):
    """At a phone's width every figure and 3D still is the phone's picture, at its own aspect ratio, and every
    video the phone's player (the column's hidden, its video never fetched); at a desktop's, the column's.  No
    page scrolls sideways."""
    from playwright.sync_api import sync_playwright

    manifest = json.loads((rendered / "manifest.json").read_text())
    pictures = {**phone_and_column_files(manifest, "figure"), **phone_and_column_files(manifest, "surface")}
    videos = phone_and_column_files(manifest, "video")
    assert pictures and videos
    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(find_chrome().require()), args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme="dark")
        page.on("request", lambda request: requested.append(request.url.rsplit("/", 1)[1]))
        page.goto(served + "index.html", wait_until="load")
        assert page.evaluate("media => matchMedia(media).matches", PHONE.media) == phone
        for image in page.query_selector_all("article figure img"):
            image.scroll_into_view_if_needed()
        page.wait_for_function("() => [...document.querySelectorAll('article figure img')].every(i => i.complete)",
                               timeout=30_000)
        shown = {name: page.eval_on_selector(f"#{name} figure img", """i => { const r = i.getBoundingClientRect();
            return {src: i.currentSrc.split('/').pop(), ratio: r.width / r.height}; }""") for name in pictures}
        players = {name: page.eval_on_selector_all(f"#{name} video", """nodes => nodes.map(v => {
            const r = v.getBoundingClientRect();
            return {visible: v.checkVisibility(), ratio: r.width / r.height}; })""") for name in videos}
        played = {name: page.evaluate(PLAY_SHOWN_PLAYER, name) for name in videos}
        scroll = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        page.screenshot(path=str(rendered / f"gallery-{width}.png"), full_page=True)
        browser.close()
    for name, (phone_file, column_file) in pictures.items():
        wanted, other = (phone_file, column_file) if phone else (column_file, phone_file)
        assert shown[name]["src"] == wanted["path"], (name, shown[name])
        assert shown[name]["ratio"] == pytest.approx(wanted["width"] / wanted["height"], rel=0.02), (name, shown[name])
        assert other["path"] not in requested, name
    for name, (phone_file, column_file) in videos.items():
        wanted, other = (phone_file, column_file) if phone else (column_file, phone_file)
        (visible,) = [index for index, player in enumerate(players[name]) if player["visible"]]
        assert visible == (1 if phone else 0), (name, players[name])
        assert players[name][visible]["ratio"] == pytest.approx(wanted["width"] / wanted["height"], rel=0.02)
        assert played[name]["error"] is None and played[name]["className"].endswith("-phone") == phone, played[name]
        assert (played[name]["width"], played[name]["height"]) == (wanted["width"], wanted["height"]), played[name]
        unwanted = {other["path"], other["path"].replace(".mp4", ".webm")}  # the hidden player's video, not its poster
        assert not unwanted & set(requested), (name, requested)
    assert scroll[0] <= scroll[1], f"the gallery scrolls sideways at {width}px: {scroll}"
