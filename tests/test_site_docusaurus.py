"""The published snippets as a blog's reader sees them: a real Docusaurus 3 site, opened in headless Chromium.

Renders :data:`~tests.site_checks.NAMES` (low video quality, with the light
twins), bundles them with ``render publish --target docusaurus`` and builds
the site a blogger has: the classic preset with its blog (at the site's root,
no docs), ``onBrokenLinks: 'throw'``, the bundles' files copied into static/,
the snippets pasted into a blog post written in MDX (.mdx) and into one in
Markdown (.md), which Docusaurus 3 reads as MDX too.  Nothing is fetched from
the network: no search, no web fonts (the classic theme uses the system's).
Docusaurus and React are the repository's (package.json), reached through a
node_modules link in the site; webpack's persistent cache is off, so the build
is a first build and writes nothing into the repository, and it does not
minify (the same page, in half the time).

The build must pass; the built site is served on 127.0.0.1 and the post
checked as every site test checks one (:func:`~tests.site_checks.check_post`)
at a phone's and a desktop's width.  The site's theme has a switch of its
own (``data-theme`` on <html>), set here by Docusaurus' own query parameter:
the light check is made with a dark system and a light site, and the light
twins must show, the site's scheme winning over the system's both ways.
React renders the players, on the server and on the reader's browser (a post
reached from the blog's list is rendered there): they must be muted either
way.  Our figures are checked with axe-core, and words full of what means
something to MDX (tags, braces, Markdown) compiled by MDX and rendered by
React must read as written.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.site_checks import (ROOT, SURFACE, VIDEO, VIEWPORTS, browser_page, bundle_files,
                               check_figures_pass_axe, check_post, check_snippet_paths, mdx_html, node_package,
                               post_text, publish_for_site, render_for_site, serve)
from tests.test_publish import AWKWARD_WORDS, DESCRIPTION, Words, awkward, out, publish  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

SNIPPET = "snippet.mdx"
PREFIX = "/"  # where the snippets' paths start: the site's root, where Docusaurus serves static/
POSTS = {"mdx": "2026-01-01-mdx.mdx", "md": "2026-01-02-md.md"}  # slug -> file in blog/
LIGHT_SITE = "?docusaurus-theme=light"  # Docusaurus' own query parameter for its scheme, as its switch sets it

# The classic preset's blog at the site's root (a site without docs or pages has nothing else there), its scheme
# dark unless the reader switches it (the system's not asked): the light check then shows the site's scheme, not
# the system's.  No feed, no reading time: nothing the test reads.
CONFIG = """// A blog and nothing else, as the test builds it.
export default {
  title: 'Snippets on Docusaurus',
  url: 'http://127.0.0.1',
  baseUrl: '/',
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  markdown: {hooks: {onBrokenMarkdownLinks: 'throw'}},
  presets: [['classic', {
    docs: false,
    pages: false,
    blog: {routeBasePath: '/', showReadingTime: false, feedOptions: {type: null},
           onInlineAuthors: 'ignore', onUntruncatedBlogPosts: 'ignore'},
  }]],
  themeConfig: {
    colorMode: {defaultMode: 'dark', respectPrefersColorScheme: false},
    navbar: {title: 'Snippets'},
  },
};
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    return render_for_site(tmp_path_factory, "docusaurus")


@pytest.fixture(scope="module")
def bundles(rendered) -> dict[str, Path]:
    return publish_for_site(rendered, "docusaurus")[0]


@pytest.fixture(scope="module")
def project(bundles) -> Path:
    """The Docusaurus site as a blogger writes it, the snippets pasted into both posts; built (the build's time in
    ``build_seconds`` beside it); the project's folder."""
    node_package("@docusaurus/core")
    node_package("@docusaurus/preset-classic")
    project = next(iter(bundles.values())).parent.parent / "docusaurus"
    (project / "blog").mkdir(parents=True)
    (project / "static").mkdir()
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    (project / "docusaurus.config.js").write_text(CONFIG, encoding="utf-8")
    (project / "package.json").write_text('{"name": "snippets-site", "private": true}\n')
    snippets = {name: (folder / SNIPPET).read_text(encoding="utf-8") for name, folder in bundles.items()}
    for slug, file in POSTS.items():
        (project / "blog" / file).write_text(
            f"---\ntitle: Why normalization matters ({slug})\nslug: {slug}\n---\n\n" + post_text(snippets),
            encoding="utf-8")
    for folder in bundles.values():
        for file in bundle_files(folder):
            shutil.copyfile(file, project / "static" / file.name)
    env = {**os.environ, "DOCUSAURUS_NO_PERSISTENT_CACHE": "true", "NO_UPDATE_NOTIFIER": "1",
           "BROWSERSLIST_IGNORE_OLD_DATA": "1"}
    start = time.monotonic()
    build = subprocess.run(["node", "node_modules/@docusaurus/core/bin/docusaurus.mjs", "build", "--no-minify"],
                           cwd=project,
                           env=env, capture_output=True, text=True, timeout=900)
    (project / "build_seconds").write_text(f"{time.monotonic() - start:.0f}\n")
    assert build.returncode == 0, f"docusaurus build failed:\n{build.stdout[-5000:]}\n{build.stderr[-5000:]}"
    for slug in POSTS:
        assert (project / "build" / slug / "index.html").is_file(), build.stdout
    return project


@pytest.fixture(scope="module")
def site(project) -> Path:
    return project / "build"


@pytest.fixture(scope="module")
def served_site(site):
    with serve(site) as url:
        yield url


def test_every_file_a_snippet_names_is_in_its_bundle_at_the_sites_root(bundles):
    check_snippet_paths(bundles, SNIPPET, PREFIX)
    assert f'<track kind="descriptions" src="/{VIDEO}.vtt"' in (bundles[VIDEO] / SNIPPET).read_text()


def test_the_site_builds_with_both_posts(project):
    """Docusaurus compiled each snippet as MDX in both posts, and broke no link (onBrokenLinks: 'throw')."""
    for slug in POSTS:
        page = (project / "build" / slug / "index.html").read_text(encoding="utf-8")
        assert page.count("<figure") == 3 and page.count("<details") == 3, slug
        # React wrote every attribute the players need into the page it rendered (muted above all: React 18 did
        # not, and a player would then start with its sound on), and the words as words.
        players = re.findall(r"<video\b[^>]*>", page)
        assert players and all(re.search(r'\bmuted=""', p) and re.search(r'\bplaysinline=""', p, re.I)
                               for p in players), players
    seconds = float((project / "build_seconds").read_text())
    assert seconds < 600, f"the Docusaurus build took {seconds:.0f} s"


@pytest.mark.parametrize("width, scheme, system", [(390, "dark", "dark"), (1280, "dark", "dark"),
                                                   (1280, "light", "dark")])
def test_the_post_shows_every_snippet_on_docusaurus(rendered, site, served_site, width, scheme, system):
    """The light check switches the site's scheme, not the system's: the snippets follow the site."""
    url = served_site + "mdx/" + (LIGHT_SITE if scheme == "light" else "")
    check_post(url, rendered, site.parent / f"post-{width}-{scheme}.png", width, scheme, PREFIX, system=system)


def test_the_markdown_post_shows_every_snippet_too(rendered, site, served_site):
    check_post(served_site + "md/", rendered, site.parent / "post-md-1280-dark.png", 1280, "dark", PREFIX)


@pytest.mark.parametrize("site_scheme, system", [("dark", "light"), ("light", "dark")])
def test_the_sites_scheme_wins_over_the_systems(served_site, site_scheme, system):
    """Whatever the reader's system says, the twins are the site's: Docusaurus' switch sets data-theme on <html>."""
    query = LIGHT_SITE if site_scheme == "light" else ""
    with browser_page(1280, system) as page:
        page.goto(served_site + "mdx/" + query, wait_until="load")
        assert page.evaluate("document.documentElement.dataset.theme") == site_scheme
        shown = page.eval_on_selector_all("figure img, figure video", """nodes => nodes
            .filter(n => n.checkVisibility()).map(n => n.currentSrc || getComputedStyle(n).backgroundImage)""")
        problems = list(page.problems)
    assert len(shown) == 3, shown
    assert all(("-light" in src) == (site_scheme == "light") for src in shown), shown
    assert problems == [], "\n".join(problems)


def test_the_players_are_muted_on_the_page_and_in_the_readers_browser(served_site):
    """Opened at its address, the post's players are the page's HTML, hydrated; reached from the blog's list,
    React makes them in the browser.  Muted both ways, looping, inline, loading nothing."""
    # Two browsers, one per way in: Docusaurus prefetches the chunks of the routes a page links to, and leaving
    # the page while they are on the way aborts them (net::ERR_ABORTED), which would be the test's doing.
    with browser_page(1280, "dark") as page:
        page.goto(served_site + "mdx/", wait_until="load")
        served = page.eval_on_selector_all("video", "vs => vs.map(v => [v.muted, v.defaultMuted, v.loop])")
        problems = list(page.problems)
    with browser_page(1280, "dark") as page:
        page.goto(served_site, wait_until="load")
        page.locator("a[href='/mdx']").first.click()
        page.wait_for_url(re.compile(r"/mdx/?$"))
        page.locator("figure video").first.wait_for(state="attached")
        made = page.eval_on_selector_all("video", """vs => vs.map(v => [v.muted, v.playsInline, v.preload,
                                                                       v.hasAttribute('playsinline')])""")
        problems += page.problems
    assert served and all(muted and default and loop for muted, default, loop in served), served
    assert made and all(muted and inline and preload == "none" and attribute
                        for muted, inline, preload, attribute in made), made
    assert problems == [], "\n".join(problems)


def test_the_3d_view_follows_the_sites_scheme(served_site):
    with browser_page(1280, "dark") as page:
        page.goto(served_site + "mdx/" + LIGHT_SITE, wait_until="load")
        assert page.locator("iframe").count() == 0
        page.locator("figure button:visible").click()
        frame = page.wait_for_selector("figure iframe", timeout=30_000)  # plotly's page shares the main thread
        attributes = frame.evaluate("f => [f.getAttribute('src'), f.title, f.allowFullscreen]")
        problems = list(page.problems)
    assert attributes[0] == f"{PREFIX}{SURFACE}-light.html" and attributes[1] and attributes[2], attributes
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_our_figures_on_the_post_pass_axe(served_site, width):
    check_figures_pass_axe(served_site + "mdx/", width, "Docusaurus")


def test_the_words_reach_the_page_as_written(rendered, site):
    """Each caption and transcript, from the manifest, in the built page as written: MDX read them as JavaScript
    strings, neither Markdown nor JSX."""
    manifest = json.loads((rendered / "manifest.json").read_text())
    page = (site / "mdx" / "index.html").read_text(encoding="utf-8")
    found = re.findall(r"<(figcaption|details)\b[^>]*>(.*?)</\1>", page, flags=re.S)
    shown = [html.unescape(re.sub(r"<[^>]+>", "", inner)) for _, inner in found]
    for output in manifest["outputs"]:
        if output["theme"] == "dark":
            assert any(text.startswith(output["caption"]) for text in shown), (output["caption"], shown)
            assert any(all(p in text for p in output["description"]) for text in shown), output["description"]


def test_awkward_words_stay_words_in_mdx(awkward):  # noqa: F811
    """Words holding whatever means something to MDX (JSX tags, braces, Markdown's emphasis, code and links, HTML
    comments) read as written once MDX has compiled them and React rendered them; in attributes (alt text, the
    players' labels) as in text (caption, transcript)."""
    assert publish(awkward, "--target", "docusaurus").exit_code == 0
    names = ("loss-compressed", "descent-compressed", "surface-compressed")
    texts = [(awkward / "publish" / "docusaurus" / name / SNIPPET).read_text() for name in names]
    for name, page in zip(names, mdx_html(texts)):
        words = Words(page)
        assert words.caption.strip() == f"Caption {AWKWARD_WORDS}", page
        assert set(words.alts) == {f"Alt {AWKWARD_WORDS}"}, page
        assert words.paragraphs == DESCRIPTION, page
        assert words.summary == ("Transcript" if "descent" in name else "Description")
