"""What every site test checks of a post built from the bundles, in headless Chromium: the shared browser checks.

A site test (MkDocs, Docusaurus, Astro, Eleventy, Pelican, ...) renders
:data:`NAMES` with their light twins, publishes them for its target, builds
a real site with the snippets pasted into a post (:func:`post_text`), serves
it and calls :func:`check_post` at each viewport and colour scheme: every
image decoded at its own aspect ratio (the phone's layout on a phone, the
light twin for a light reader), the player of that layout alone, loading
nothing until played, then its metadata and its descriptions track, the
transcript under it, nothing wider than the viewport, the 3D view loading
nothing until clicked and then drawing WebGL inside the column, and no
failed request or console error anywhere.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import shutil
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.chrome import find_chrome
from render.cli import main
from render.layouts import PHONE
from render.publish import BUNDLE_MARK, SETUP_README
from render.snippets import TARGETS
from tests.test_gallery_browser import CHROME_ARGS

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
NAMES = ("contour-compressed", "descent-compressed", "surface-compressed")
FIGURE, VIDEO, SURFACE = NAMES
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {390: 844, 1280: 800}
# The one of a figure's players (the column's, the phone's) that the window's width shows.
SHOWN_VIDEO = "[...document.querySelectorAll('video')].find(v => v.checkVisibility())"
# A path a snippet names: in src, srcset (each candidate), href, the 3D view's pages (MDX writes React's srcSet, and
# the 3D view's page in data-src) and a player's background, its poster (the poster attribute is a transparent pixel
# written in the page: render.snippets.BLANK_POSTER).
SNIPPET_PATH = re.compile(r'\b(?:src|href|data-src|data-light-src)="([^"]+)"|\burl\(([^)]+)\)|\bsrcset="([^"]+)"',
                          re.I)
# The posters of the site test's video: each player's, the column's and the phone's, dark and light.
VIDEO_POSTER = re.compile(rf"/{VIDEO}(-light)?(-phone)?\.webp$")


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


# Each MDX text of a JSON list on stdin compiled as Docusaurus compiles a page (MDX 3, JSX into React elements) and
# rendered by React's server renderer: the HTML a reader's browser gets, as a JSON list on stdout.
MDX_TO_HTML = """
import {evaluate} from "@mdx-js/mdx";
import * as runtime from "react/jsx-runtime";
import {renderToStaticMarkup} from "react-dom/server";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const pages = [];
for (const text of JSON.parse(input)) {
  const {default: Content} = await evaluate(text, {...runtime});
  pages.push(renderToStaticMarkup(runtime.jsx(Content, {})));
}
console.log(JSON.stringify(pages));
"""


def mdx_html(texts: list[str]) -> list[str]:
    """The HTML React renders of each MDX text (a ``docusaurus`` snippet): MDX is JSX, which an HTML parser misreads
    (its words are JavaScript strings, its styles objects), so a test reads the page it becomes.  A text MDX
    cannot compile fails the test with MDX's message."""
    node_package("@mdx-js/mdx")
    run = subprocess.run(["node", "--input-type=module", "-e", MDX_TO_HTML], input=json.dumps(texts), cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"MDX does not compile:\n{run.stderr}"
    return json.loads(run.stdout)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # a line per request would bury pytest's report
        pass


@contextlib.contextmanager
def serve(directory: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler):
    """``directory`` over HTTP on 127.0.0.1 (a free port), as a static host serves it, by ``handler``; yields its
    base URL."""
    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):  # a download the browser dropped is not the test's
            pass

    server = Server(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
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
            # An image the browser stops fetching because a <picture> chose another source meanwhile (a full-page
            # screenshot resizes the page for a moment) is its choice too: an image that fails shows undecoded.
            page.on("requestfailed", lambda request: None
                    if request.resource_type in ("media", "image") and request.failure == "net::ERR_ABORTED"
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
    for plain, background, srcset in SNIPPET_PATH.findall(text):
        if plain or background:
            paths.add(plain or background)
        for candidate in srcset.split(",") if srcset else ():
            paths.add(candidate.split()[0])
    return paths



def render_for_site(tmp_path_factory, site: str) -> Path:
    """:data:`NAMES` rendered with their light twins (low video quality) into a fresh folder named after the site:
    the output directory a site test publishes from."""
    out = tmp_path_factory.mktemp(site) / "output"
    result = CliRunner().invoke(main, [*NAMES, "--twins", "--quality", "low", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def publish_for_site(rendered: Path, target: str) -> tuple[dict[str, Path], str]:
    """The bundles of :data:`NAMES` for ``target`` by output name, each holding its snippet, published beside
    ``rendered``; and what publish printed."""
    to = rendered.parent / "publish"
    result = CliRunner().invoke(main, ["publish", "--target", target, "--out", str(rendered), "--to", str(to),
                                       *NAMES], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    folders = {name: to / name for name in NAMES}
    for name, folder in folders.items():
        assert (folder / TARGETS[target].snippet).is_file(), f"{name}: no {TARGETS[target].snippet} in {folder}"
    return folders, result.output


def bundle_files(folder: Path) -> list[Path]:
    """What a blogger copies out of a bundle into the site: everything but its snippet, its README.txt (for the
    blogger) and publish's mark."""
    return [file for file in folder.iterdir()
            if file.is_file() and file.name not in (*{t.snippet for t in TARGETS.values()}, SETUP_README, BUNDLE_MARK)]


def check_snippet_paths(bundles: dict[str, Path], snippet: str, prefix: str) -> None:
    """Every path each bundle's ``snippet`` names is written ``prefix`` + a file's name, and that file is in the
    bundle (a bundle is flat: nothing under the prefix but the name)."""
    for name, folder in bundles.items():
        paths = snippet_paths((folder / snippet).read_text(encoding="utf-8"))
        assert paths, f"{name}: the snippet names no file"
        for path in paths:
            assert path.startswith(prefix) and "/" not in path[len(prefix):], f"{name}: {path} is not under {prefix}"
            assert (folder / path[len(prefix):]).is_file(), f"{name}: the snippet names {path}, not in {folder}"


def check_served_as_bundled(files_url: str, bundles: dict[str, Path]) -> None:
    """Every file a blogger copies out of the bundles is served under ``files_url`` byte for byte, the 3D view's
    pages above all (a generator that takes them for pages of its own would change or drop them)."""
    shipped = {file.name: file for folder in bundles.values() for file in bundle_files(folder)}
    assert {f"{SURFACE}.html", f"{SURFACE}-light.html"} <= set(shipped), sorted(shipped)
    for name, file in shipped.items():
        with urllib.request.urlopen(files_url + name, timeout=30) as response:
            assert response.read() == file.read_bytes(), f"{name} is not served as the bundle holds it"


def check_figures_pass_axe(post_url: str, width: int, site: str) -> None:
    """axe-core's WCAG 2.1 A/AA checks on our figures of the post alone (the site's own theme is not ours to fix),
    and again with the 3D view in place of its button."""
    with browser_page(width, "dark") as page:
        page.goto(post_url, wait_until="networkidle")
        violations = axe_violations(page, {"include": [["figure"]]})
        page.locator("figure button:visible").click()
        page.frame_locator("figure iframe").locator(".js-plotly-plot").wait_for(state="attached", timeout=30_000)
        after_click = axe_violations(page, {"include": [["figure"]]})
    assert violations == [], f"axe-core, the snippets on {site}:\n" + describe_violations(violations)
    assert after_click == [], f"axe-core, the 3D view on {site}:\n" + describe_violations(after_click)


def post_text(snippets: dict[str, str]) -> str:
    """A post as a blogger writes one: headings and prose, with the snippet of each of :data:`NAMES` pasted in."""
    return ("A single neuron learns cats from dogs; its loss over two weights is drawn below.\n\n"
            f"{snippets[FIGURE]}\n\n"
            "## The descent\n\n"
            "Gradient descent on the raw features zig-zags across a narrow valley, as the video shows.\n\n"
            f"{snippets[VIDEO]}\n\n"
            "## In three dimensions\n\n"
            "The same loss as a surface: click the image to turn it around.\n\n"
            f"{snippets[SURFACE]}\n\n"
            "That is all, and the text goes on after the figures.\n")


def check_post(post_url: str, rendered: Path, shot: Path, width: int, scheme: str, prefix: str,
               system: str | None = None) -> None:
    """The post at ``post_url`` in Chromium at ``width`` px in ``scheme``, as the module says; ``rendered`` is the
    output directory (its manifest gives the video's size and length), ``shot`` the full-page screenshot to save
    and ``prefix`` what the snippets write before a file's name (``../``, ``/``, ...).  ``system`` is the reader's
    system's colour scheme, where the site's own switch shows ``scheme`` whatever the system's (default: the same)."""
    manifest = json.loads((rendered / "manifest.json").read_text())
    light = "-light" if scheme == "light" else ""
    video = next(o for o in manifest["outputs"] if o["name"] == VIDEO and o["theme"] == scheme)

    with browser_page(width, system or scheme) as page:
        # "networkidle": a site that renders in the browser too (Docusaurus' React) has fetched its code and taken
        # over the page before the checks click anything.
        page.goto(post_url, wait_until="networkidle")
        assert page.locator("figure").count() == 3
        phone = page.evaluate("media => matchMedia(media).matches", PHONE.media)  # the phone's layout offered
        assert phone == (width == 390)
        layout = "-phone" if phone else ""
        mp4 = next(f for f in video["files"] if f["role"] == ("phone-mp4" if phone else "mp4"))

        # Every image shown decoded, at its own aspect ratio (and the light twin for a light reader); the other
        # scheme's, hidden, never fetched.
        for image in page.query_selector_all("img"):
            if image.evaluate("i => i.checkVisibility()"):
                image.scroll_into_view_if_needed()
        page.wait_for_function("() => [...document.images].every(i => i.complete || !i.checkVisibility())",
                               timeout=30_000)
        # Shown: the content box, inside any padding and border a theme frames images with (MkDocs' does).
        images = page.eval_on_selector_all("img", """nodes => nodes.filter(i => i.checkVisibility()).map(i => {
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
        players = page.eval_on_selector_all("video", "nodes => nodes.filter(v => v.checkVisibility())"
                                                     ".map(v => v.querySelector('source').src)")
        assert len(players) == 1 and players[0].endswith(f"/{VIDEO}{light}{layout}.webm"), players
        assert not [url for url in page.requested if re.search(rf"/{VIDEO}(-light)?(-phone)?\.(webm|mp4)$", url)]
        # Its poster, its background, is the one poster fetched (a hidden player's, never), drawn whole in the
        # player's box, which has the poster's aspect ratio from the start (nothing moves when it comes).
        posters = {url for url in page.requested if VIDEO_POSTER.search(url)}
        assert {url.rsplit("/", 1)[1] for url in posters} == {f"{VIDEO}{light}{layout}.webp"}, posters
        poster = page.evaluate(
            f"""() => new Promise((resolve) => {{
                const video = {SHOWN_VIDEO}, style = getComputedStyle(video), image = new Image(),
                      box = video.getBoundingClientRect();
                image.onload = () => resolve({{url: image.src, natural: [image.naturalWidth, image.naturalHeight],
                    shown: [box.width, box.height], attribute: [video.width, video.height],
                    size: style.backgroundSize, position: style.backgroundPosition,
                    repeat: style.backgroundRepeat, blank: video.poster}});
                image.onerror = () => resolve({{url: image.src, error: true}});
                image.src = style.backgroundImage.slice(5, -2);  // url("...")
            }})""")
        assert poster["url"] in posters and "error" not in poster, poster
        assert (poster["size"], poster["position"], poster["repeat"]) == ("contain", "50% 50%", "no-repeat"), poster
        assert poster["blank"].startswith("data:image/gif;base64,"), poster  # Chromium's own grey box not drawn
        (natural_w, natural_h), (shown_w, shown_h) = poster["natural"], poster["shown"]
        assert shown_w / shown_h == pytest.approx(natural_w / natural_h, rel=0.01), poster
        assert tuple(poster["attribute"]) == (natural_w, natural_h), poster
        page.locator("video:visible").scroll_into_view_if_needed()
        state = page.evaluate(
            f"""() => new Promise((resolve) => {{
                const video = {SHOWN_VIDEO};
                const report = () => {{ video.pause(); resolve({{ready: video.readyState, duration: video.duration,
                    width: video.videoWidth, height: video.videoHeight, error: video.error && video.error.code,
                    src: video.currentSrc, poster: getComputedStyle(video).backgroundImage}}); }};
                video.addEventListener('loadedmetadata', report); video.addEventListener('error', report);
                video.play().catch(() => {{}});
            }})"""
        )
        assert state["error"] is None and state["ready"] >= 1, state
        assert (state["width"], state["height"]) == (mp4["width"], mp4["height"]), state
        assert state["duration"] > 0 and state["duration"] == pytest.approx(mp4["duration"], abs=0.15), state
        assert state["src"].endswith(f"/{VIDEO}{light}{layout}.webm"), state  # the first source Chromium plays
        assert state["poster"].endswith(f'/{VIDEO}{light}{layout}.webp")'), state
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
        transcript.locator("p").first.wait_for(state="visible", timeout=5_000)
        assert transcript.locator("p").count() >= 2

        # Nothing wider than the viewport.
        layout = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth,
            figures: [...document.querySelectorAll('figure')].map(f => {
                const r = f.getBoundingClientRect(); return [r.left, r.right]; })})""")
        assert layout["scroll"] <= layout["inner"], f"the page scrolls sideways: {layout}"
        for left, right in layout["figures"]:
            assert left >= 0 and right <= layout["inner"] + 0.5, f"a figure overflows the viewport: {layout}"

        # The 3D view's button shows its label on the image, whatever margins a theme gives images.
        label = page.evaluate("""() => { const b = [...document.querySelectorAll('figure button')].find(
                b => b.checkVisibility()),
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

        button = page.locator("figure button:visible")
        button.scroll_into_view_if_needed()
        closed = button.evaluate("b => b.closest('figure').getBoundingClientRect().height")
        button.click()
        iframe = page.wait_for_selector("figure iframe", timeout=10_000)
        assert iframe.get_attribute("src") == f"{prefix}{SURFACE}{light}.html"
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
        # In the image's box: the figure keeps its height, and nothing under it moves.
        opened = iframe.evaluate("f => f.closest('figure').getBoundingClientRect().height")
        assert abs(opened - closed) <= 1, f"the figure is {closed:.1f} px tall, {opened:.1f} px with the 3D view"
        page.wait_for_timeout(500)  # a last frame of plotly, for the screenshot
        page.evaluate("scrollTo(0, 0)")
        page.screenshot(path=str(shot.with_name(f"{shot.stem}-3d.png")), full_page=True)
        problems = list(page.problems)
    assert problems == [], "\n".join(problems)
    assert label_on_image, f"the 'Explore in 3D' label is not on the surface's image: {label}"
    assert shot.stat().st_size > 10_000




# Lighthouse's mobile run, as PageSpeed Insights makes it: a mid-range phone's screen, its CPU 4x slower, Slow 4G
# simulated from the page's own load (throttling "simulate", the default), performance alone.
LIGHTHOUSE_FLAGS = ["--only-categories=performance", "--output=json", "--output-path=stdout", "--quiet",
                    "--no-enable-error-reporting", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]


def lighthouse(url: str, runs: int = 3) -> dict:
    """Lighthouse's mobile performance score (0-100) and Largest Contentful Paint (ms) of ``url``: the median of
    ``runs`` runs, with each run's and the last run's report (``report``) to say why.

    The median: Lighthouse simulates the phone from the page's own load on this machine, and a busy machine moves
    a run's numbers by several points.  Lighthouse is the npm package package-lock.json pins, run against the
    Chrome this project uses (chrome-launcher reads ``CHROME_PATH``); it fetches nothing but the page, which a
    test asserts from the report's requests."""
    import os
    import statistics

    node_package("lighthouse")
    env = {**os.environ, "CHROME_PATH": str(find_chrome().require())}
    results, report = [], {}
    for _ in range(runs):
        run = subprocess.run([str(NODE_MODULES / ".bin" / "lighthouse"), url, *LIGHTHOUSE_FLAGS], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, f"lighthouse failed on {url}:\n{run.stderr[-3000:]}"
        report = json.loads(run.stdout)
        assert not report.get("runtimeError"), report["runtimeError"]
        audits = report["audits"]
        results.append({"score": round(report["categories"]["performance"]["score"] * 100),
                        "lcp": audits["largest-contentful-paint"]["numericValue"],
                        "bytes": audits["total-byte-weight"]["numericValue"]})
    return {"score": statistics.median(r["score"] for r in results),
            "lcp": statistics.median(r["lcp"] for r in results), "runs": results, "report": report}


def lighthouse_requests(report: dict) -> list[str]:
    """Every URL the page asked for in a Lighthouse run (its report's network requests)."""
    return [item["url"] for item in report["audits"]["network-requests"]["details"]["items"]]


# What a static host compresses (GitHub Pages, Netlify, Cloudflare Pages and Read the Docs gzip text; images and
# videos are compressed already).
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "text/vtt")


@contextlib.contextmanager
def serve_as_a_host(directory: Path):
    """:func:`serve`, with text gzipped for a browser that accepts it, as every static host serves a site: a page's
    weight and speed measured without it would be the test server's, not the page's."""
    import gzip
    import io

    class Compressing(QuietHandler):
        def send_head(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir() and self.path.split("?")[0].endswith("/"):
                path = path / "index.html"  # a folder without its slash: the handler's own redirect
            kind = self.guess_type(str(path))
            if (not path.is_file() or not kind.startswith(COMPRESSED_TYPES)
                    or "gzip" not in self.headers.get("Accept-Encoding", "")):
                return super().send_head()
            body = gzip.compress(path.read_bytes())
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

    with serve(directory, Compressing) as url:
        yield url
