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

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site_checks import (ROOT, VIDEO, VIEWPORTS, axe_violations, browser_page, bundle_files,
                               check_figures_pass_axe, check_post, check_snippet_paths, describe_violations,
                               node_package, post_text, publish_for_site, render_for_site, serve)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    return render_for_site(tmp_path_factory, "sites")


@pytest.fixture(scope="module")
def bundles(rendered) -> dict[str, Path]:
    return publish_for_site(rendered, "mkdocs")[0]


def mkdocs_site(bundles: dict[str, Path], name: str, theme: str) -> Path:
    """A MkDocs project ``name`` with the snippets pasted into docs/post.md, in ``theme`` (mkdocs.yml's lines),
    built strictly; the built site's folder."""
    project = next(iter(bundles.values())).parent.parent / name
    docs = project / "docs"
    docs.mkdir(parents=True)
    (project / "mkdocs.yml").write_text(f"site_name: Snippets on MkDocs\n{theme}nav:\n  - index.md\n  - post.md\n")
    (docs / "index.md").write_text("# Home\n\nThe article is [here](post.md).\n")
    snippets = {name: (folder / "snippet.md").read_text(encoding="utf-8") for name, folder in bundles.items()}
    (docs / "post.md").write_text("# Why normalization matters\n\n" + post_text(snippets), encoding="utf-8")
    for folder in bundles.values():
        for file in bundle_files(folder):
            shutil.copyfile(file, docs / file.name)
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project,
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stdout}\n{build.stderr}"
    assert (project / "site" / "post" / "index.html").is_file()
    return project / "site"


@pytest.fixture(scope="module")
def site(bundles) -> Path:
    # The default theme, without highlight.js, which it would fetch from a CDN (the post has no code, and a
    # test has no network).  Its color_mode stays light: with highlight.js off, `auto` throws (mkdocs 1.6).
    return mkdocs_site(bundles, "mkdocs", "theme:\n  name: mkdocs\n  highlightjs: false\n")


@pytest.fixture(scope="module")
def material_site(bundles) -> Path:
    """Material for MkDocs in its default palette, light whatever the reader's system says (no web fonts: a
    test has no network)."""
    return mkdocs_site(bundles, "material", "theme:\n  name: material\n  font: false\n  palette:\n"
                                            "    scheme: default\n")


@pytest.fixture(scope="module")
def served_site(site):
    with serve(site) as url:
        yield url


def test_the_post_follows_materials_colour_scheme_not_the_readers(material_site):
    """A reader whose system is dark, on a Material site in its light palette, sees the light twins (images, the
    3D view's image, the video's player); switched to the dark palette (``slate``), the dark ones."""
    shown = """() => [...document.querySelectorAll('figure img, figure video')].filter(e => e.checkVisibility())
        .map(e => e.currentSrc || e.querySelector('source').src)"""
    with serve(material_site) as url, browser_page(1280, "dark") as page:
        page.goto(url + "post/", wait_until="load")
        assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
        light = page.evaluate(shown)
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")  # what its toggle does
        for image in page.query_selector_all("figure img"):
            if image.evaluate("i => i.checkVisibility()"):
                image.scroll_into_view_if_needed()
        page.wait_for_function("() => [...document.images].every(i => i.complete || !i.checkVisibility())",
                               timeout=30_000)
        dark = page.evaluate(shown)
        problems = list(page.problems)
    assert len(light) == 3 and all("-light" in src for src in light), light
    assert len(dark) == 3 and not any("-light" in src for src in dark), dark
    assert problems == [], "\n".join(problems)


@pytest.fixture(scope="module")
def served_gallery(rendered):
    with serve(rendered) as url:
        yield url


def test_every_file_a_snippet_names_is_in_its_bundle_one_level_up(bundles):
    check_snippet_paths(bundles, "snippet.md", "../")
    video_snippet = (bundles[VIDEO] / "snippet.md").read_text(encoding="utf-8")
    assert f'<track kind="descriptions" src="../{VIDEO}.vtt"' in video_snippet


def test_every_captions_file_is_valid_webvtt(bundles):
    node_package("webvtt-parser")
    captions = sorted(file for folder in bundles.values() for file in folder.glob("*.vtt"))
    assert [file.name for file in captions] == [f"{VIDEO}-light.vtt", f"{VIDEO}.vtt"]  # each scheme's player its own
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
    check_post(served_site + "post/", rendered, site.parent / f"post-{width}-{scheme}.png", width, scheme, "../")


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_our_figures_on_the_post_pass_axe(site, served_site, width):
    check_figures_pass_axe(served_site + "post/", width, "MkDocs")


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
