"""The published snippets as a blog's reader sees them: a real MkDocs site, opened in headless Chromium.

Renders one figure, one video and one surface (low video quality, with the
light twins), bundles them with ``render publish --target mkdocs``, and builds
a MkDocs project the way a blogger would: the bundles' files copied beside
docs/post.md, the snippets pasted into it between a heading and some text.
``mkdocs build --strict`` must pass; the built site is served on 127.0.0.1
and /post/ opened on a phone-wide and a desktop-wide viewport, in both
colour schemes.  In the browser every image decodes and keeps its aspect
ratio (the phone's layout on the phone, the column's on the desktop), the
video's player of that layout alone shows, and once played its metadata and
its captions load, nothing is wider than the
viewport, nothing fails to load or logs an error, and the 3D view costs
nothing until its button is clicked, then draws its WebGL canvas inside the
column.  A full-page screenshot per viewport is saved beside the site.

The gallery page (OUT/index.html) and our figures on the post are checked
with axe-core against WCAG 2.1 A and AA, and every captions file of the
bundles is parsed as WebVTT.  Both are npm packages (package.json at the
repository's root), which `make test` installs into node_modules/.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.chrome import find_chrome
from render.cli import main
from render.layouts import PHONE
from render.publish import BUNDLE_MARK
from tests.test_gallery_browser import CHROME_ARGS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
NAMES = ("contour-compressed", "descent-compressed", "surface-compressed")
FIGURE, VIDEO, SURFACE = NAMES
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {390: 844, 1280: 800}
# The one of a figure's players (the column's, the phone's) that the window's width shows.
SHOWN_VIDEO = "[...document.querySelectorAll('video')].find(v => v.checkVisibility())"
# A path a snippet names: in src, srcset (each candidate), poster, href and the 3D view's light page.
SNIPPET_PATH = re.compile(r'\b(?:src|href|poster|data-light-src)="([^"]+)"|\bsrcset="([^"]+)"')


def node_package(name: str) -> Path:
    """The npm package's folder in node_modules/, or a failure saying how to install it (never a skip:
    a check that silently does not run looks the same as one that passes)."""
    folder = NODE_MODULES / name
    if not (folder / "package.json").is_file():
        pytest.fail(f"the npm package {name} is not installed in {NODE_MODULES}: run `make test` (it runs "
                    "`npm ci` from package.json and package-lock.json), or `npm ci` in the repository's root",
                    pytrace=False)
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH: install Node.js (Debian: apt-get install nodejs npm), then `make test`",
                    pytrace=False)
    return folder


@contextlib.contextmanager
def serve(directory: Path):
    """``directory`` over HTTP on 127.0.0.1 (a free port), as a static host serves it; yields its base URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # a line per request would bury pytest's report
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def browser_page(width: int, scheme: str):
    """A Chromium page of that viewport and colour scheme, with everything that went wrong in ``page.problems``:
    console errors, uncaught exceptions, failed requests and HTTP errors; every URL asked for in
    ``page.requested``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(find_chrome().require()), args=CHROME_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": VIEWPORTS.get(width, 900)},
                                    color_scheme=scheme)
            problems: list[str] = []
            requested: list[str] = []
            page.on("console", lambda m: problems.append(f"console error: {m.text} ({m.location.get('url')})")
                    if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
            page.on("request", lambda request: requested.append(request.url))
            # A video's download stopped by Chromium itself once preload="metadata" has what it asked for is
            # net::ERR_ABORTED, the browser's choice and no failure; any other failed request is one.
            page.on("requestfailed", lambda request: None
                    if request.resource_type == "media" and request.failure == "net::ERR_ABORTED"
                    else problems.append(f"request failed: {request.url} ({request.failure})"))
            page.on("response", lambda response: problems.append(f"HTTP {response.status}: {response.url}")
                    if response.status >= 400 else None)
            page.problems, page.requested = problems, requested
            yield page
        finally:
            browser.close()


def axe_violations(page, context: str | dict = "document") -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations in ``context`` (a JS expression, or an axe context object such as
    ``{"include": [["figure"]]}``), axe injected first into the page and each of its frames."""
    axe = node_package("axe-core") / "axe.min.js"
    for frame in page.frames:  # axe checks inside iframes only where it runs too
        if not frame.is_detached() and frame.evaluate("() => typeof axe === 'undefined'"):
            frame.add_script_tag(path=str(axe))
    context_js = context if isinstance(context, str) else json.dumps(context)
    return page.evaluate(
        f"""async () => {{
            const results = await axe.run({context_js}, {{runOnly: {{type: "tag", values: {json.dumps(WCAG)}}}}});
            return results.violations.map(v => ({{id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" >>> "))}}));
        }}"""
    )


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}; {len(v['targets'])} element(s), e.g. "
        + ", ".join(v["targets"][:3])
        for v in violations
    )


def snippet_paths(text: str) -> set[str]:
    paths = set()
    for plain, srcset in SNIPPET_PATH.findall(text):
        if plain:
            paths.add(plain)
        for candidate in srcset.split(",") if srcset else ():
            paths.add(candidate.split()[0])
    return paths


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sites") / "output"
    result = CliRunner().invoke(
        main, [*NAMES, "--twins", "--quality", "low", "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def bundles(rendered) -> dict[str, Path]:
    to = rendered.parent / "publish"
    result = CliRunner().invoke(
        main, ["publish", "--target", "mkdocs", "--out", str(rendered), "--to", str(to), *NAMES],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    folders = {name: to / name for name in NAMES}
    for name, folder in folders.items():
        assert (folder / "snippet.md").is_file(), f"{name}: no snippet.md in {folder}"
    return folders


@pytest.fixture(scope="module")
def site(bundles) -> Path:
    """A MkDocs project with the snippets pasted into docs/post.md, built strictly; the built site's folder."""
    project = next(iter(bundles.values())).parent.parent / "mkdocs"
    docs = project / "docs"
    docs.mkdir(parents=True)
    # The default theme, without highlight.js, which it would fetch from a CDN (the post has no code, and a
    # test has no network).  Its color_mode stays light: with highlight.js off, `auto` throws (mkdocs 1.6).
    (project / "mkdocs.yml").write_text(
        "site_name: Snippets on MkDocs\n"
        "theme:\n  name: mkdocs\n  highlightjs: false\n"
        "nav:\n  - index.md\n  - post.md\n"
    )
    (docs / "index.md").write_text("# Home\n\nThe article is [here](post.md).\n")
    snippets = {name: (folder / "snippet.md").read_text(encoding="utf-8") for name, folder in bundles.items()}
    (docs / "post.md").write_text(
        "# Why normalization matters\n\n"
        "A single neuron learns cats from dogs; its loss over two weights is drawn below.\n\n"
        f"{snippets[FIGURE]}\n\n"
        "## The descent\n\n"
        "Gradient descent on the raw features zig-zags across a narrow valley, as the video shows.\n\n"
        f"{snippets[VIDEO]}\n\n"
        "## In three dimensions\n\n"
        "The same loss as a surface: click the image to turn it around.\n\n"
        f"{snippets[SURFACE]}\n\n"
        "That is all, and the text goes on after the figures.\n",
        encoding="utf-8",
    )
    for folder in bundles.values():
        for file in folder.iterdir():
            if file.is_file() and file.name not in ("snippet.md", BUNDLE_MARK):
                shutil.copyfile(file, docs / file.name)
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project,
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stdout}\n{build.stderr}"
    assert (project / "site" / "post" / "index.html").is_file()
    return project / "site"


@pytest.fixture(scope="module")
def served_site(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def served_gallery(rendered):
    with serve(rendered) as url:
        yield url


def test_every_file_a_snippet_names_is_in_its_bundle_one_level_up(bundles):
    for name, folder in bundles.items():
        paths = snippet_paths((folder / "snippet.md").read_text(encoding="utf-8"))
        assert paths, f"{name}: the snippet names no file"
        for path in paths:
            assert path.startswith("../") and "/" not in path[3:], f"{name}: {path} is not one level up"
            assert (folder / path[3:]).is_file(), f"{name}: the snippet names {path}, not in the bundle {folder}"
    video_snippet = (bundles[VIDEO] / "snippet.md").read_text(encoding="utf-8")
    assert f'<track kind="descriptions" src="../{VIDEO}.vtt"' in video_snippet


def test_every_captions_file_is_valid_webvtt(bundles):
    node_package("webvtt-parser")
    captions = sorted(file for folder in bundles.values() for file in folder.glob("*.vtt"))
    assert [file.name for file in captions] == [f"{VIDEO}.vtt"]
    script = ('const fs = require("fs"); const {WebVTTParser} = require("webvtt-parser");'
              'const result = new WebVTTParser().parse(fs.readFileSync(process.argv[1], "utf8"), "metadata");'
              'console.log(JSON.stringify({cues: result.cues.length, errors: result.errors}));')
    for file in captions:
        run = subprocess.run(["node", "-e", script, str(file)], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        parsed = json.loads(run.stdout)
        assert parsed["errors"] == [], f"{file.name} is not valid WebVTT: {parsed['errors']}"
        assert parsed["cues"] > 0, f"{file.name} has no cue"


@pytest.mark.parametrize("width, scheme", [(390, "dark"), (1280, "dark"), (1280, "light")])
def test_the_post_shows_every_snippet_on_mkdocs(rendered, bundles, site, served_site, width, scheme):
    manifest = json.loads((rendered / "manifest.json").read_text())
    video = next(o for o in manifest["outputs"] if o["name"] == VIDEO and o["theme"] == "dark")
    light = "-light" if scheme == "light" else ""
    shot = site.parent / f"post-{width}-{scheme}.png"

    with browser_page(width, scheme) as page:
        page.goto(served_site + "post/", wait_until="load")
        assert page.locator("figure").count() == 3
        phone = page.evaluate("media => matchMedia(media).matches", PHONE.media)  # the phone's layout offered
        assert phone == (width == 390)
        layout = "-phone" if phone else ""
        mp4 = next(f for f in video["files"] if f["role"] == ("phone-mp4" if phone else "mp4"))

        # Every image decoded, shown at its own aspect ratio (and the light twin for a light reader).
        for image in page.query_selector_all("img"):
            image.scroll_into_view_if_needed()
        page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=30_000)
        # Shown: the content box, inside any padding and border a theme frames images with (MkDocs' does).
        images = page.eval_on_selector_all("img", """nodes => nodes.map(i => {
            const r = i.getBoundingClientRect(), s = getComputedStyle(i),
                  px = (...names) => names.reduce((sum, name) => sum + (parseFloat(s[name]) || 0), 0);
            return {src: i.currentSrc, natural: [i.naturalWidth, i.naturalHeight],
                    shown: [r.width - px('paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth'),
                            r.height - px('paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth')]};
            })""")
        figure_images = [i for i in images if any(f"/{name}" in i["src"] for name in NAMES)]
        assert len(figure_images) == 2, images
        for image in images:
            assert image["natural"][0] > 0, f"not decoded: {image}"
            (natural_w, natural_h), (shown_w, shown_h) = image["natural"], image["shown"]
            assert shown_w > 0 and shown_h > 0, f"not displayed: {image}"
            assert shown_w / shown_h == pytest.approx(natural_w / natural_h, rel=0.02), f"distorted: {image}"
        for image in figure_images:
            assert (f"{FIGURE}{light}{layout}" in image["src"]) or (f"{SURFACE}{light}{layout}" in image["src"]), image
            assert light or "-light" not in image["src"], image
            assert phone or "-phone" not in image["src"], image

        # The player of the window's layout alone is shown (the other hidden, its video never fetched), and loads
        # nothing until played; then its metadata, with the size and length the manifest says; its descriptions
        # track, off until a player asks for it (nothing covers the plot), loads when asked; its transcript opens
        # under it.
        players = page.eval_on_selector_all("video", "nodes => nodes.map(v => [v.className, v.checkVisibility()])")
        assert [visible for _, visible in players] == [not phone, phone], players
        assert not [url for url in page.requested if re.search(rf"/{VIDEO}(-phone)?\.(webm|mp4)$", url)]
        page.locator("video:visible").scroll_into_view_if_needed()
        state = page.evaluate(
            f"""() => new Promise((resolve) => {{
                const video = {SHOWN_VIDEO};
                const report = () => {{ video.pause(); resolve({{ready: video.readyState, duration: video.duration,
                    width: video.videoWidth, height: video.videoHeight, error: video.error && video.error.code,
                    src: video.currentSrc, poster: video.poster}}); }};
                video.addEventListener('loadedmetadata', report); video.addEventListener('error', report);
                video.play().catch(() => {{}});
            }})"""
        )
        assert state["error"] is None and state["ready"] >= 1, state
        assert (state["width"], state["height"]) == (mp4["width"], mp4["height"]), state
        assert state["duration"] > 0 and state["duration"] == pytest.approx(mp4["duration"], abs=0.15), state
        assert state["src"].endswith(f"/{VIDEO}{layout}.webm"), state  # the first source Chromium plays
        assert state["poster"].endswith(f"/{VIDEO}{layout}.png"), state
        assert page.evaluate(f"() => {SHOWN_VIDEO}.textTracks[0].mode") == "disabled"
        page.evaluate(f"() => {{ {SHOWN_VIDEO}.textTracks[0].mode = 'hidden'; }}")
        page.wait_for_function(
            f"""() => {{ const v = {SHOWN_VIDEO}, t = v.querySelector('track');
                       return t.readyState === 2 || t.readyState === 3; }}""", timeout=15_000)
        captions = page.evaluate(f"""() => {{ const v = {SHOWN_VIDEO}, t = v.querySelector('track');
            return {{tracks: v.textTracks.length, mode: v.textTracks[0].mode, ready: t.readyState,
                    cues: v.textTracks[0].cues ? v.textTracks[0].cues.length : 0, src: t.src}}; }}""")
        assert captions["tracks"] == 1 and captions["mode"] == "hidden", captions
        assert captions["ready"] == 2 and captions["cues"] > 0, captions  # 2 LOADED (3 would be ERROR)
        transcript = page.locator("video:visible").locator("xpath=ancestor::figure/following-sibling::details[1]")
        assert transcript.locator("summary").inner_text() == "Transcript"
        assert not transcript.locator("p").first.is_visible()
        transcript.locator("summary").click()
        assert transcript.locator("p").count() >= 2 and transcript.locator("p").first.is_visible()

        # Nothing wider than the viewport.
        layout = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth,
            figures: [...document.querySelectorAll('figure')].map(f => {
                const r = f.getBoundingClientRect(); return [r.left, r.right]; })})""")
        assert layout["scroll"] <= layout["inner"], f"the page scrolls sideways: {layout}"
        for left, right in layout["figures"]:
            assert left >= 0 and right <= layout["inner"] + 0.5, f"a figure overflows the viewport: {layout}"

        # The 3D view's button shows its label on the image, whatever margins a theme gives images.
        label = page.evaluate("""() => { const b = document.querySelector('figure button'),
            box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
            return {image: box(b.querySelector('img')), label: box(b.querySelector('span'))}; }""")
        (image_left, image_top, image_right, image_bottom), (label_left, label_top, label_right, label_bottom) = (
            label["image"], label["label"])
        label_on_image = (label_left >= image_left and label_right <= image_right and label_top >= image_top
                          and label_bottom <= image_bottom)

        # The 3D view costs nothing until asked for.
        page.evaluate("scrollTo(0, 0)")  # a fixed header would otherwise be drawn where the page was scrolled to
        page.screenshot(path=str(shot), full_page=True)
        lazy = [url for url in page.requested if url.endswith((f"/{SURFACE}.html", f"/{SURFACE}-light.html",
                                                               "/plotly.min.js"))]
        assert lazy == [], f"the 3D view's page or plotly.js loaded before any click: {lazy}"
        assert page.locator("iframe").count() == 0

        button = page.locator("figure button")
        button.scroll_into_view_if_needed()
        button.click()
        iframe = page.wait_for_selector("figure iframe", timeout=10_000)
        assert iframe.get_attribute("src") == f"../{SURFACE}{light}.html"
        frame = iframe.content_frame()
        frame.wait_for_selector(".js-plotly-plot .gl-container canvas", state="attached", timeout=30_000)
        drawn = frame.evaluate(
            """() => [...document.querySelectorAll('.gl-container canvas')].some(c => c.width > 0 && c.height > 0
                && (c.getContext('webgl') || c.getContext('experimental-webgl') || c.getContext('webgl2')) !== null)"""
        )
        assert drawn, "the 3D view drew no WebGL canvas"
        assert any(url.endswith("/plotly.min.js") for url in page.requested)
        fit = iframe.evaluate("""f => { const r = f.getBoundingClientRect(),
            c = f.closest('figure').parentElement.getBoundingClientRect();
            return {frame: [r.left, r.right, r.width, r.height], column: [c.left, c.right],
                    inner: innerWidth, scroll: document.documentElement.scrollWidth}; }""")
        (left, right, frame_w, frame_h), (column_left, column_right) = fit["frame"], fit["column"]
        assert frame_w > 0 and frame_h > 0, fit
        assert left >= column_left - 0.5 and right <= column_right + 0.5, f"the 3D view is wider than the column: {fit}"
        assert fit["scroll"] <= fit["inner"], f"the page scrolls sideways with the 3D view: {fit}"
        page.wait_for_timeout(500)  # a last frame of plotly, for the screenshot
        page.evaluate("scrollTo(0, 0)")
        page.screenshot(path=str(shot.with_name(f"{shot.stem}-3d.png")), full_page=True)
        problems = list(page.problems)
    assert problems == [], "\n".join(problems)
    assert label_on_image, f"the 'Explore in 3D' label is not on the surface's image: {label}"
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_our_figures_on_the_post_pass_axe(site, served_site, width):
    """Only the snippets' markup: MkDocs' own theme is not ours to fix."""
    with browser_page(width, "dark") as page:
        page.goto(served_site + "post/", wait_until="load")
        violations = axe_violations(page, {"include": [["figure"]]})
        page.locator("figure button").click()  # and with the 3D view in place of its button
        page.frame_locator("figure iframe").locator(".js-plotly-plot").wait_for(state="attached", timeout=30_000)
        after_click = axe_violations(page, {"include": [["figure"]]})
    assert violations == [], "axe-core, the snippets on MkDocs:\n" + describe_violations(violations)
    assert after_click == [], "axe-core, the 3D view on MkDocs:\n" + describe_violations(after_click)


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_gallery_passes_axe(served_gallery, width, scheme):
    with browser_page(width, scheme) as page:
        page.goto(served_gallery + "index.html", wait_until="load")
        violations = axe_violations(page)
        for button in page.query_selector_all("article figure button"):  # and each 3D view, once opened
            button.click()
        frames = page.locator("article figure iframe")
        assert frames.count() == 1
        frames.first.content_frame.locator(".js-plotly-plot .gl-container canvas").wait_for(state="attached",
                                                                                          timeout=30_000)
        opened = axe_violations(page)
        problems = list(page.problems)
    assert violations == [], f"axe-core, the gallery at {width}px, {scheme}:\n" + describe_violations(violations)
    assert opened == [], f"axe-core, the gallery's 3D view at {width}px, {scheme}:\n" + describe_violations(opened)
    assert problems == [], "\n".join(problems)
