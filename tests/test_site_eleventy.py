"""The published snippets as a blog's reader sees them: a real Eleventy 3 site, opened in headless Chromium.

Renders :data:`~tests.site_checks.NAMES` (low video quality, with the light
twins), bundles them with ``render publish --target eleventy`` and builds
the smallest site a blogger has: Eleventy's defaults (Liquid over Markdown
and HTML, markdown-it with HTML on, the project's root as its input), an
eleventy.config.js holding the one line the bundle prints and nothing else,
a Nunjucks layout for posts (a column, as the base blog's), the bundles'
files copied into public/ and the snippets pasted into posts/POST.md.

The line matters twice over: Eleventy 3 copies no file it is not told to,
and it takes every .html file of its input for a template, which it would
write at NAME/index.html (so the snippet's NAME.html would not be found, and
the 3D view would be run through Liquid and counted among the site's pages).
Copying public/ to the root and keeping it from the templates, every bundle
file must be served byte for byte as the bundle holds it, and Eleventy must
write the post alone.  The base blog (input content/, its own line copying
public/ to the root) serves them without ours: one build checks that too.

The served post is then checked as every site test checks one
(:func:`~tests.site_checks.check_post`), at a phone's and a desktop's width
and in both colour schemes, our figures with axe-core.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from render.publish import SETUP_README
from tests.site_checks import (VIEWPORTS, bundle_files, check_figures_pass_axe, check_post,
                               check_served_as_bundled, check_snippet_paths, node_package, post_text,
                               publish_for_site, render_for_site, serve)

pytestmark = pytest.mark.slow

PREFIX = "/"  # where the snippets' paths start: the site's root, where public/ is copied
POST = "posts/why-normalization-matters/"  # Eleventy's default permalink of posts/why-normalization-matters.md
SETUP_LINE = "once per site, in eleventy.config.js, in its function: "  # how publish prints the site's line
# A post's page as the base blog lays it out: a column, and the viewport a phone needs.
LAYOUT = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{{ title }}</title>
<style>body{font-family:system-ui,sans-serif;margin:0 auto;padding:0 1em;max-width:40em}</style>
</head>
<body>
<main>
<h1>{{ title }}</h1>
{{ content | safe }}
</main>
</body>
</html>
"""


def eleventy(project: Path, *args: str) -> float:
    """Eleventy's own CLI over ``project``; the seconds it took (a failed build fails the test)."""
    (project / "node_modules").symlink_to(node_package("@11ty/eleventy").parent.parent)
    start = time.monotonic()
    run = subprocess.run(["node", "node_modules/@11ty/eleventy/cmd.cjs", *args], cwd=project, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, f"eleventy failed:\n{run.stdout}\n{run.stderr}"
    return time.monotonic() - start


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    return render_for_site(tmp_path_factory, "eleventy")


@pytest.fixture(scope="module")
def published(rendered) -> tuple[dict[str, Path], str]:
    """The bundles by output name, and the line of configuration publish printed for the site."""
    folders, output = publish_for_site(rendered, "eleventy")
    printed = [line[len(SETUP_LINE):] for line in output.splitlines() if line.startswith(SETUP_LINE)]
    assert len(printed) == 1, f"publish printed no line of configuration for eleventy.config.js:\n{output}"
    for name, folder in folders.items():
        assert f"    {printed[0]}\n" in (folder / SETUP_README).read_text(encoding="utf-8"), name
    return folders, printed[0]


@pytest.fixture(scope="module")
def bundles(published) -> dict[str, Path]:
    return published[0]


@pytest.fixture(scope="module")
def site(published, rendered) -> Path:
    """An Eleventy project with the printed line as its whole configuration, built; the built site's folder."""
    bundles, setup = published
    project = rendered.parent / "site"
    (project / "_includes" / "layouts").mkdir(parents=True)
    (project / "posts").mkdir()
    (project / "public").mkdir()
    (project / "eleventy.config.js").write_text(
        f"export default function(eleventyConfig) {{\n\t{setup}\n}}\n", encoding="utf-8")
    (project / "_includes" / "layouts" / "post.njk").write_text(LAYOUT, encoding="utf-8")
    (project / "posts" / "posts.json").write_text('{"layout": "layouts/post.njk", "tags": "posts"}\n')
    (project / "index.md").write_text("---\ntitle: Home\nlayout: layouts/post.njk\n---\n\n"
                                      "The article is [here](/posts/why-normalization-matters/).\n")
    snippets = {name: (folder / "snippet.md").read_text(encoding="utf-8") for name, folder in bundles.items()}
    (project / "posts" / "why-normalization-matters.md").write_text(
        "---\ntitle: Why normalization matters\ndate: 2026-01-01\n---\n\n" + post_text(snippets), encoding="utf-8")
    for folder in bundles.values():
        for file in bundle_files(folder):
            shutil.copyfile(file, project / "public" / file.name)
    seconds = eleventy(project)
    print(f"eleventy built the site in {seconds:.1f} s")
    return project / "_site"


@pytest.fixture(scope="module")
def served_site(site):
    with serve(site) as url:
        yield url


def test_every_file_a_snippet_names_is_in_its_bundle_at_the_root(bundles):
    check_snippet_paths(bundles, "snippet.md", PREFIX)


def test_eleventy_writes_the_pages_alone_and_copies_every_bundle_file_as_it_is(bundles, site, served_site):
    """No bundle file became a template (NAME/index.html), nothing but public/ was copied (no node_modules), and
    every file, the 3D view's pages first, is served byte for byte."""
    written = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    shipped = {file.name: file for folder in bundles.values() for file in bundle_files(folder)}
    assert written == sorted(["index.html", f"{POST}index.html",
                              *(name for name in shipped if name.endswith(".html"))]), written
    assert sorted(path.name for path in site.iterdir() if path.is_file()) == sorted([*shipped, "index.html"])
    check_served_as_bundled(served_site, bundles)


def test_the_post_holds_every_snippet(bundles, site):
    """Liquid and markdown-it leave the snippets' HTML as pasted (its <style>, <template> and onclick)."""
    page = (site / POST / "index.html").read_text(encoding="utf-8")
    for name, folder in bundles.items():
        assert (folder / "snippet.md").read_text(encoding="utf-8").strip() in page, f"{name}: changed on the page"


@pytest.mark.parametrize("width, scheme", [(390, "dark"), (1280, "dark"), (1280, "light")])
def test_the_post_shows_every_snippet_on_eleventy(rendered, site, served_site, width, scheme):
    check_post(served_site + POST, rendered, site.parent / f"post-{width}-{scheme}.png", width, scheme, PREFIX)


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_our_figures_on_the_post_pass_axe(site, served_site, width):
    check_figures_pass_axe(served_site + POST, width, "Eleventy")


def test_the_base_blog_serves_the_files_without_our_line(bundles, rendered):
    """eleventy-base-blog's shape: input content/, and its own line copying public/ (outside the input) to the
    root.  The bundles' files in its public/ are served as they are, with no line of ours."""
    project = rendered.parent / "base-blog"
    (project / "content" / "blog").mkdir(parents=True)
    (project / "public").mkdir()
    (project / "eleventy.config.js").write_text(
        'export default function(eleventyConfig) {\n\televentyConfig.addPassthroughCopy({"./public/": "/"});\n}\n'
        'export const config = {dir: {input: "content", includes: "../_includes", data: "../_data"}};\n',
        encoding="utf-8")
    snippets = {name: (folder / "snippet.md").read_text(encoding="utf-8") for name, folder in bundles.items()}
    (project / "content" / "blog" / "post.md").write_text("---\ntitle: Post\n---\n\n" + post_text(snippets))
    shipped = {file.name: file for folder in bundles.values() for file in bundle_files(folder)}
    for file in shipped.values():
        shutil.copyfile(file, project / "public" / file.name)
    eleventy(project)
    built = project / "_site"
    assert sorted(path.relative_to(built).as_posix() for path in built.rglob("*.html")) == sorted(
        ["blog/post/index.html", *(name for name in shipped if name.endswith(".html"))])
    for name, file in shipped.items():
        assert (built / name).read_bytes() == file.read_bytes(), f"{name} is not copied as the bundle holds it"
