"""Captions and alt texts are data on every site: no template language a host runs over the page reads them.

Jekyll runs Liquid over every page with front matter, and Eleventy over its
Markdown and HTML pages by default, so the targets those hosts take (``html``,
``markdown``, ``jekyll``) declare Liquid and write a ``{`` of our words as an
entity.  Each target's snippet is built here by the generators its help names,
with words full of template syntax in every caption and alt text, and the
built page must show them as written: Eleventy 3 (pinned in
package.json), Jekyll and Hugo (each skipped where it is not installed),
MkDocs, and MyST in Sphinx with its Jinja substitutions on.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from render.publish import BUNDLE_MARK
from render.snippets import TARGETS
from tests.test_generators import HUGO, JEKYLL, NAMES, hugo_site
from tests.test_publish import out, publish  # noqa: F401  (the fixture: a figure, a video, a surface)
from tests.site_checks import node_package

# Tags and expressions of every template language a host of ours could run (Liquid, Jinja, Go templates, Hugo's
# and Quarto's shortcodes), some left open, some closing nothing.
WORDS = ("{{ 7*7 }} is {{ page.title }}, {% raw %} {%- if true -%}x{%- endif -%} {# note #} {{< meta title >}} "
         "{{% w %}} {{{ three }}} }} %} >}} {")
CAPTION, ALT = f"Caption {WORDS}", f"Alt {WORDS}"


@pytest.fixture
def templated(out):  # noqa: F811
    """The output directory with :data:`WORDS` in every caption and alt text."""
    manifest = json.loads((out / "manifest.json").read_text())
    for output in manifest["outputs"]:
        output["caption"], output["alt"] = CAPTION, ALT
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def snippets(out_dir, target: str) -> list[str]:
    """Every output's snippet for ``target``, published from ``out_dir``."""
    result = publish(out_dir, "--target", target)
    assert result.exit_code == 0, result.output
    return [(out_dir / "publish" / target / name / TARGETS[target].snippet).read_text() for name in NAMES]


class Shown(HTMLParser):
    """What a reader of one built ``<figure>`` gets as words: its caption (not the 3D view's link after it, nor a
    generator's permalink) and the alt text of its image, video or 3D view."""

    def __init__(self, figure: str) -> None:
        super().__init__()
        self.caption, self.alts, self._open = "", [], []
        self.feed(figure)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("img", "video", "iframe"):
            self.alts += [attrs[key] for key in ("alt", "aria-label", "title") if key in attrs]
        self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data):
        if "figcaption" in self._open and "a" not in self._open:
            self.caption += data


def assert_words_shown(page: str) -> None:
    """Every figure of the built ``page`` shows the caption and alt text as they were written."""
    figures = re.findall(r"<figure.*?</figure>", page, flags=re.S)
    assert len(figures) == len(NAMES), page
    for figure in figures:
        shown = Shown(figure)
        assert " ".join(shown.caption.split()) == CAPTION, figure
        assert shown.alts and set(shown.alts) == {ALT}, figure


# The targets whose hosts run Liquid over the page: Jekyll's, Eleventy's (markdown names it), and any page's (html).
LIQUID_HOSTED = ("html", "markdown", "jekyll")
LIQUID_TAG = re.compile(r"\{[{%]")


@pytest.mark.parametrize("target", LIQUID_HOSTED)
def test_the_words_open_no_liquid_tag(templated, target):
    """Whatever a caption holds, the snippet's only Liquid is ours (Jekyll's paths through ``relative_url``)."""
    for text in snippets(templated, target):
        assert not LIQUID_TAG.search(re.sub(r"\{\{ '[^']*' \| relative_url \}\}", "", text)), text


def test_the_words_open_no_quarto_shortcode(templated):
    """Quarto runs a shortcode wherever ``{{<`` stands: HTML's ``&lt;`` and Markdown's ``\\{`` take that from
    the words (no Quarto here to build with)."""
    for text in snippets(templated, "quarto"):
        assert "{{<" not in text, text


def eleventy_build(site, timeout: int = 120) -> None:
    """Eleventy 3 (package.json's) over ``site``/src into ``site``/_site, with its defaults: Liquid runs over
    Markdown and HTML pages before they are read."""
    eleventy = node_package("@11ty/eleventy") / "cmd.cjs"
    result = subprocess.run(["node", str(eleventy), "--input=src", "--output=_site", "--quiet"], cwd=site,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("target, page", [("markdown", "post.md"), ("html", "page.html")])
def test_eleventy_shows_the_words(templated, tmp_path, target, page):
    """The ``markdown`` target's help names Eleventy; the ``html`` target's page may be one of Eleventy's too."""
    site = tmp_path / "eleventy"
    (site / "src").mkdir(parents=True)
    between = "\n<p>Between.</p>\n" if page.endswith(".html") else "\nBetween.\n\n"
    (site / "src" / page).write_text("---\ntitle: Neuron\n---\n\n" + between.join(snippets(templated, target)))
    eleventy_build(site)
    assert_words_shown((site / "_site" / page.split(".")[0] / "index.html").read_text())


@pytest.mark.skipif(JEKYLL is None, reason="no jekyll on PATH (Debian: apt-get install jekyll)")
def test_jekyll_shows_the_words(templated, tmp_path):
    """Jekyll runs Liquid over a post with front matter, then kramdown over what Liquid wrote."""
    site = tmp_path / "jekyll"
    (site / "_posts").mkdir(parents=True)
    (site / "_layouts").mkdir()
    (site / "_layouts" / "post.html").write_text("<!doctype html><html><body><main>{{ content }}</main></body></html>")
    (site / "_config.yml").write_text("title: t\n")
    (site / "_posts" / "2026-01-01-neuron.md").write_text(
        "---\nlayout: post\ntitle: Neuron\n---\n\nBefore.\n\n" + "\nBetween.\n\n".join(snippets(templated, "jekyll")))
    subprocess.run([JEKYLL, "build", "--quiet", "--source", str(site), "--destination", str(site / "_site")],
                   check=True, capture_output=True, timeout=300)
    assert_words_shown((site / "_site" / "2026" / "01" / "01" / "neuron.html").read_text())


@pytest.mark.skipif(HUGO is None, reason="no hugo on PATH (Debian: apt-get install hugo)")
def test_hugo_shows_the_words(templated, tmp_path):
    """Hugo runs no template over a page's Markdown; the words are shortcode arguments, which it must not end."""
    snippets(templated, "hugo")
    assert_words_shown((hugo_site(tmp_path, templated) / "index.html").read_text())


def test_mkdocs_shows_the_words(templated, tmp_path):
    """MkDocs runs no template over its pages: the words go unescaped, and must read right all the same."""
    docs = tmp_path / "mkdocs" / "docs"
    docs.mkdir(parents=True)
    (docs.parent / "mkdocs.yml").write_text("site_name: t\nnav:\n  - post.md\n")
    (docs / "post.md").write_text("# Neuron\n\nBefore.\n\n" + "\nBetween.\n\n".join(snippets(templated, "mkdocs")))
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file",
                    str(docs.parent / "mkdocs.yml")], check=True, capture_output=True, timeout=120)
    assert_words_shown((docs.parent / "site" / "post" / "index.html").read_text())


def test_myst_with_jinja_substitutions_shows_the_words(templated, tmp_path):
    """MyST's substitution extension renders ``{{ … }}`` in Markdown text with Jinja: the caption's braces are
    escaped Markdown there, and a raw HTML block is never substituted."""
    sphinx = pytest.importorskip("sphinx.cmd.build")
    texts = snippets(templated, "myst")
    source = tmp_path / "sphinx"
    source.mkdir()
    (source / "conf.py").write_text('project = "t"\nextensions = ["myst_parser"]\nsmartquotes = False\n'
                                    'myst_enable_extensions = ["substitution"]\nmyst_substitutions = {"page": "P"}\n')
    for name in NAMES:
        for file in (templated / "publish" / "myst" / name).iterdir():
            if file.name not in ("snippet.md", BUNDLE_MARK):
                shutil.copy(file, source)
    (source / "index.md").write_text("# Neuron\n\nBefore.\n\n" + "\nBetween.\n\n".join(texts))
    assert sphinx.build_main(["-b", "html", "-W", "-q", str(source), str(tmp_path / "html")]) == 0
    assert_words_shown((tmp_path / "html" / "index.html").read_text())
