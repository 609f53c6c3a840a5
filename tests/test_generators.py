"""Bundles pasted into real site generators, built by them: Hugo and Jekyll (MkDocs: tests/test_sites.py).

Hugo's bundle is a page bundle in a site with raw HTML off, as Hugo's
default; its shortcodes are Go templates, written apart from the Jinja
markup the other targets share, and this test holds them to it: the page
Hugo builds holds, for every output, exactly the ``<figure>`` of the
``html`` target.  Jekyll's bundle goes to ``assets/`` of a site with a
``baseurl``, and its paths must come out under it (each is skipped where
its generator is not installed).  MyST's goes to a Sphinx project (the test
extra installs Sphinx and myst-parser): every output, a figure with its phone
layout too, as raw HTML whose files go in ``html_extra_path`` under the page's
path, as the target's help says (a figure without one would go through the
figure directive, its image beside the page).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from render.publish import BUNDLE_MARK
from tests.test_publish import out, publish, without_phone  # noqa: F401  (the fixture: a figure, a video, a surface)

HUGO = shutil.which("hugo")
JEKYLL = shutil.which("jekyll")

NAMES = ("loss-compressed", "descent-compressed", "surface-compressed")
THEME_PAGE = '{{ define "main" }}<main>{{ .Content }}</main>{{ end }}'
BASE = "<!doctype html><html><body>{{ block \"main\" . }}{{ end }}</body></html>"


def hugo_site(tmp_path, out_dir):
    """A site with a bare theme, the bundles' shortcodes in layouts/, and one page bundle pasting every snippet."""
    site = tmp_path / "site"
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "layouts" / "_default" / "baseof.html").write_text(BASE)
    (site / "layouts" / "_default" / "single.html").write_text(THEME_PAGE)
    (site / "config.toml").write_text('baseURL = "http://example.org/"\ntitle = "t"\n')  # markup.goldmark: defaults
    post = site / "content" / "posts" / "neuron"
    post.mkdir(parents=True)
    texts = []
    for name in NAMES:
        bundle = out_dir / "publish" / "hugo" / name
        shutil.copytree(bundle / "layouts", site / "layouts", dirs_exist_ok=True)
        for file in bundle.iterdir():
            if file.is_file() and file.name not in ("snippet.md", BUNDLE_MARK):
                shutil.copy(file, post)
        texts.append((bundle / "snippet.md").read_text())
    (post / "index.md").write_text("---\ntitle: Neuron\n---\n\nBefore.\n\n" + "\nBetween.\n\n".join(texts))
    subprocess.run([HUGO, "--source", str(site), "--quiet"], check=True, capture_output=True, timeout=120)
    return site / "public" / "posts" / "neuron"


class Parsed(HTMLParser):
    """Markup as a browser reads it: tags, attribute values unescaped, text without layout whitespace."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.items: list[tuple] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.items.append(("<", tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.items.append((">", tag))

    def handle_data(self, data):
        if data.strip():
            self.items.append((" ".join(data.split()),))


def figures(html: str) -> list[list[tuple]]:
    """Each figure with the long description under it."""
    return [Parsed(f).items for f in re.findall(r"<figure.*?</figure>\s*(?:<details.*?</details>)?", html, flags=re.S)]


@pytest.mark.skipif(HUGO is None, reason="no hugo on PATH (make test installs it as root: apt-get install hugo)")
@pytest.mark.parametrize("phone", [True, False], ids=["phone layout", "column only"])
def test_hugo_writes_the_same_figures_as_the_html_target(tmp_path, out, phone):  # noqa: F811
    if not phone:
        without_phone(out)
    assert publish(out, "--target", "hugo").exit_code == 0
    assert publish(out, "--target", "html").exit_code == 0
    page = hugo_site(tmp_path, out)
    built = figures((page / "index.html").read_text())
    expected = [figures((out / "publish" / "html" / name / "snippet.html").read_text())[0] for name in NAMES]
    assert built == expected
    for name in NAMES:  # every file the page names was published beside it
        for file in (out / "publish" / "hugo" / name).iterdir():
            if file.is_file() and file.name not in ("snippet.md", BUNDLE_MARK):
                assert (page / file.name).is_file()


@pytest.mark.skipif(JEKYLL is None,
                    reason="no jekyll on PATH (make test installs it as root: apt-get install jekyll)")
def test_jekyll_finds_every_file_under_its_baseurl(tmp_path, out):  # noqa: F811
    assert publish(out, "--target", "jekyll").exit_code == 0
    assert publish(out, "--target", "html").exit_code == 0
    site = tmp_path / "jekyll"
    (site / "_posts").mkdir(parents=True)
    (site / "_layouts").mkdir()
    (site / "assets").mkdir()
    (site / "_config.yml").write_text('title: t\nbaseurl: "/blog"\n')
    (site / "_layouts" / "post.html").write_text("<!doctype html><html><body><main>{{ content }}</main></body></html>")
    texts = []
    for name in NAMES:
        bundle = out / "publish" / "jekyll" / name
        for file in bundle.iterdir():
            if file.name not in ("snippet.md", BUNDLE_MARK):
                shutil.copy(file, site / "assets")
        texts.append((bundle / "snippet.md").read_text())
    (site / "_posts" / "2026-01-01-neuron.md").write_text(
        "---\nlayout: post\ntitle: Neuron\n---\n\nBefore.\n\n" + "\nBetween.\n\n".join(texts))
    subprocess.run([JEKYLL, "build", "--quiet", "--source", str(site), "--destination", str(site / "_site")],
                   check=True, capture_output=True, timeout=300)
    page = (site / "_site" / "2026" / "01" / "01" / "neuron.html").read_text()
    expected = [figures((out / "publish" / "html" / name / "snippet.html").read_text())[0] for name in NAMES]
    # kramdown rewrites the HTML it passes through (an end tag for <source> and <img>, which browsers ignore):
    # the start tags, their attributes and the text must be the same, with the paths under the baseurl.
    def starts(figure, prefix=""):
        return [(item[1], [(k, (v or "").replace(prefix, "")) for k, v in item[2]]) if item[0] == "<" else item
                for item in figure if item[0] != ">"]

    assert [starts(f, "/blog/assets/") for f in figures(page)] == [starts(f) for f in expected]
    for url in re.findall(r'(?:src|href)="(/blog/[^"]+)"|url\((/blog/[^)]+)\)', page):  # url(): a poster
        url = "".join(url)
        assert (site / "_site" / url.removeprefix("/blog/")).is_file(), url


def test_myst_in_sphinx_builds_without_warnings_and_finds_every_file(tmp_path, out):  # noqa: F811
    sphinx = pytest.importorskip("sphinx.cmd.build")
    assert publish(out, "--target", "myst").exit_code == 0
    source = tmp_path / "sphinx"
    (source / "posts").mkdir(parents=True)
    (source / "_extra" / "posts").mkdir(parents=True)
    (source / "conf.py").write_text('project = "t"\nextensions = ["myst_parser"]\nhtml_extra_path = ["_extra"]\n')
    (source / "index.md").write_text("# Blog\n\n```{toctree}\nposts/neuron\n```\n")
    texts = []
    for name in NAMES:
        bundle = out / "publish" / "myst" / name
        text = (bundle / "snippet.md").read_text()
        beside = "```{figure}" in text  # Sphinx copies a figure's image; raw HTML's files go in html_extra_path
        for file in bundle.iterdir():
            if file.name not in ("snippet.md", BUNDLE_MARK):
                shutil.copy(file, source / ("posts" if beside else "_extra/posts"))
        texts.append(text)
    (source / "posts" / "neuron.md").write_text("# Neuron\n\nBefore.\n\n" + "\nBetween.\n\n".join(texts))
    site = tmp_path / "html"
    assert sphinx.build_main(["-b", "html", "-W", "-q", str(source), str(site)]) == 0
    page = (site / "posts" / "neuron.html").read_text()
    assert page.count("<figure") == 3 and "<template><iframe" in page and '<track kind="descriptions"' in page
    assert page.count("<details") == 3 and page.count("<summary") == 3
    ours = "".join(re.findall(r"<figure.*?</figure>", page, flags=re.S))
    urls = ["".join(url) for url in re.findall(r'(?:src|href|data-light-src)="([^"#:]+)"|url\(([^)#:]+)\)', ours)]
    assert len(urls) > 8
    for url in urls:
        assert (site / "posts" / url).resolve().is_file(), url
