"""The published snippets as a blog's reader sees them: a real Pelican site, opened in headless Chromium.

Renders :data:`~tests.site_checks.NAMES` (low video quality, with the light
twins), bundles them with ``render publish --target pelican`` and builds the
site a blogger starts from: ``pelican-quickstart``'s pelicanconf.py (its
default theme, notmyidea; feeds off; RELATIVE_URLS left commented out) plus
the one line the bundle prints and nothing else, the bundles' files copied
into content/images/ (the folder Pelican's default STATIC_PATHS copies), the
snippets pasted into an article with a title and a date.

Pelican must build with warnings fatal.  The line matters: Pelican's
HTMLReader takes every .html file under content/ for an article, so without
it the 3D view's pages are skipped as articles without a date and never
copied (one test builds the site without it and sees them missing).  With it
they must be served byte for byte as the bundle holds them, and the article
must hold each snippet exactly as pasted: Python-Markdown, Pelican's reader,
passes our raw HTML block through untouched.

The paths are root paths (``/images/NAME``), not Pelican's ``{static}``
links: Pelican rewrites those only in URL attributes (src, href, poster, ...),
never in srcset, where the 2x and light-twin pictures are named.

The served site is then checked as every site test checks a post
(:func:`~tests.site_checks.check_post`), at a phone's and a desktop's width
and in both colour schemes, our figures with axe-core.  notmyidea ships its
fonts itself; a test asserts the post asks nothing of any other host, so the
checks mean the same with or without a network.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from render.publish import SETUP_README
from tests.site_checks import (SURFACE, VIEWPORTS, browser_page, bundle_files, check_figures_pass_axe,
                               check_post, check_served_as_bundled, check_snippet_paths, post_text, publish_for_site,
                               render_for_site, serve)

pytestmark = pytest.mark.slow

PREFIX = "/images/"  # where the snippets' paths start: the site's root, Pelican's default STATIC_PATHS
POST = "why-normalization-matters.html"  # Pelican's default ARTICLE_URL, {slug}.html
SETUP_LINE = "once per site, in pelicanconf.py: "  # how publish prints the site's line

# pelicanconf.py as pelican-quickstart (4.12) writes it, its questions answered.
QUICKSTART_CONF = '''AUTHOR = "A. Blogger"
SITENAME = "Snippets on Pelican"
SITEURL = ""

PATH = "content"

TIMEZONE = "Europe/Paris"

DEFAULT_LANG = "en"

# Feed generation is usually not desired when developing
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Blogroll
LINKS = [
    ("Pelican", "https://getpelican.com/"),
    ("Python.org", "https://www.python.org/"),
    ("Jinja2", "https://palletsprojects.com/p/jinja/"),
    ("You can modify those links in your config file", "#"),
]

# Social widget
SOCIAL = [
    ("You can add links in your config file", "#"),
    ("Another social link", "#"),
]

DEFAULT_PAGINATION = 10

# Uncomment following line if you want document-relative URLs when developing
# RELATIVE_URLS = True
'''


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    return render_for_site(tmp_path_factory, "pelican")


@pytest.fixture(scope="module")
def published(rendered) -> tuple[dict[str, Path], str]:
    """The bundles by output name, and the line of configuration publish printed for the site."""
    folders, output = publish_for_site(rendered, "pelican")
    printed = [line[len(SETUP_LINE):] for line in output.splitlines() if line.startswith(SETUP_LINE)]
    assert len(printed) == 1, f"publish printed no line of configuration for pelicanconf.py:\n{output}"
    return folders, printed[0]


@pytest.fixture(scope="module")
def bundles(published) -> dict[str, Path]:
    return published[0]


def build(project: Path, bundles: dict[str, Path], setup: str, fatal: bool = True) -> subprocess.CompletedProcess:
    """A Pelican project in ``project``: the quickstart's configuration and ``setup``, the bundles' files in
    content/images/, the snippets in an article; built (with warnings fatal unless told), its run returned."""
    images = project / "content" / "images"
    images.mkdir(parents=True)
    (project / "pelicanconf.py").write_text(QUICKSTART_CONF + (f"\n{setup}\n" if setup else ""), encoding="utf-8")
    snippets = {name: (folder / "snippet.md").read_text(encoding="utf-8") for name, folder in bundles.items()}
    (project / "content" / "post.md").write_text(
        "Title: Why normalization matters\nDate: 2024-05-01 10:00\n\n" + post_text(snippets),
        encoding="utf-8")
    for folder in bundles.values():
        for file in bundle_files(folder):
            shutil.copyfile(file, images / file.name)
    return subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", "pelicanconf.py", "--log-handler",
         "plain", *(["--fatal", "warnings"] if fatal else [])],
        cwd=project, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def site(published) -> Path:
    """The site built with the line the bundle printed; the built site's folder."""
    bundles, setup = published
    project = next(iter(bundles.values())).parent.parent / "pelican"
    run = build(project, bundles, setup)
    log = run.stdout + run.stderr
    assert run.returncode == 0, f"pelican failed (warnings are fatal):\n{log}"
    assert "WARNING" not in log and "ERROR" not in log, log
    assert (project / "output" / POST).is_file(), log
    return project / "output"


@pytest.fixture(scope="module")
def served_site(site):
    with serve(site) as url:
        yield url


def test_each_bundle_says_the_line_publish_prints(published):
    bundles, setup = published
    assert setup == 'ARTICLE_EXCLUDES = ["images"]'
    for name, folder in bundles.items():
        readme = (folder / SETUP_README).read_text(encoding="utf-8")
        assert f"    {setup}\n" in readme and "pelicanconf.py" in readme, f"{name}: {readme}"


def test_every_file_a_snippet_names_is_in_its_bundle_under_images(bundles):
    check_snippet_paths(bundles, "snippet.md", PREFIX)


def test_without_the_line_pelican_drops_the_3d_views_pages(bundles, tmp_path):
    """Why the bundle carries the line: Pelican reads the pages as articles, fails them, and copies neither."""
    run = build(tmp_path / "pelican", bundles, setup="", fatal=False)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    skipped = [line for line in log.splitlines() if f"images/{SURFACE}.html" in line and "'date'" in line]
    assert skipped, f"pelican did not read {SURFACE}.html as an article:\n{log}"
    images = tmp_path / "pelican" / "output" / "images"
    assert (images / f"{SURFACE}.png").is_file()
    assert not (images / f"{SURFACE}.html").exists() and not (images / f"{SURFACE}-light.html").exists()


def test_the_article_holds_each_snippet_as_pasted(bundles, site):
    """Python-Markdown passes the raw HTML block through whole: the figure, picture and sources, both players
    and their <style>, the transcript's <details>, the 3D button's onclick and its <template>."""
    page = (site / POST).read_text(encoding="utf-8")
    for name, folder in bundles.items():
        assert (folder / "snippet.md").read_text(encoding="utf-8").strip() in page, f"{name}: changed by Pelican"


def test_every_bundled_file_is_served_as_the_bundle_holds_it(bundles, site, served_site):
    """The 3D view's pages above all: copied verbatim, not read as articles."""
    check_served_as_bundled(served_site + PREFIX.lstrip("/"), bundles)


def test_the_post_asks_nothing_of_any_other_host(site, served_site):
    """The theme's fonts and styles are the site's own: with no network the post is the same, and every check
    below fails only for what the post itself does."""
    with browser_page(1280, "dark") as page:
        page.goto(served_site + POST, wait_until="load")
        page.locator("figure button:visible").click()
        page.frame_locator("figure iframe").locator(".js-plotly-plot").wait_for(state="attached", timeout=30_000)
        requested = list(page.requested)
    elsewhere = [url for url in requested if not url.startswith(served_site)]
    assert elsewhere == [], f"the post fetches from other hosts: {elsewhere}"


@pytest.mark.parametrize("width, scheme", [(390, "dark"), (1280, "dark"), (1280, "light")])
def test_the_post_shows_every_snippet_on_pelican(rendered, site, served_site, width, scheme):
    check_post(served_site + POST, rendered, site.parent / f"post-{width}-{scheme}.png", width, scheme, PREFIX)


def test_the_category_page_shows_the_post_whole_one_level_down(rendered, site, served_site):
    """The theme shows the newest article in full on the home, category and author pages too: from
    category/misc.html, one level down, the root paths still reach the files (paths beside the post would not),
    and the theme's `#featured figure {float:right}` does not float ours (its inline style says float:none)."""
    check_post(served_site + "category/misc.html", rendered, site.parent / "category-1280-dark.png", 1280, "dark",
               PREFIX)


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_our_figures_on_the_post_pass_axe(site, served_site, width):
    check_figures_pass_axe(served_site + POST, width, "Pelican")