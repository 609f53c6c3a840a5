"""The README snippet as GitHub reads it: through cmark-gfm, GitHub's own Markdown, every ``<picture>`` stays whole.

A ``<picture>`` whose ``<source>`` falls out of it loses what that source offers (the light twin, the phone's
layout) without any error: the check is on the HTML cmark-gfm makes of the published snippet, with GitHub's
extensions, for a figure, a video (its GIF, linked to its MP4) and a 3D view (its image, linked to its page),
with and without a phone's layout.  ``make test`` installs cmark-gfm (Debian's package) where it can.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from tests.test_publish import column_only, out, publish  # noqa: F401  (fixtures)

CMARK_GFM = shutil.which("cmark-gfm")
needs_cmark_gfm = pytest.mark.skipif(CMARK_GFM is None, reason="cmark-gfm is not installed (make test installs "
                                                               "Debian's cmark-gfm when run as root)")
# What GitHub turns on for a README: its extensions, and raw HTML kept (its sanitizer, not cmark-gfm, filters it).
GITHUB_OPTIONS = ["--unsafe", "-e", "table", "-e", "strikethrough", "-e", "autolink", "-e", "tagfilter",
                  "-e", "tasklist"]
NAMES = ("loss-compressed", "descent-compressed", "surface-compressed")


def github_html(markdown: str) -> str:
    return subprocess.run([CMARK_GFM, *GITHUB_OPTIONS], input=markdown, capture_output=True, text=True,
                          check=True).stdout


class Pictures(HTMLParser):
    """Each ``<picture>``'s sources and images; what fell out of one: a ``<source>`` outside any, or a paragraph
    that Markdown ended while a picture was open (the rest of it then stands in blocks of its own)."""

    def __init__(self) -> None:
        super().__init__()
        self.pictures: list[dict[str, list[dict]]] = []
        self.open = 0
        self.stray: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "picture":
            self.open += 1
            self.pictures.append({"source": [], "img": []})
        elif tag in ("source", "img"):
            if self.open:
                self.pictures[-1][tag].append(dict(attrs))
            elif tag == "source":
                self.stray.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "picture":
            self.open -= 1
        elif tag == "p" and self.open:
            self.stray.append("</p> inside <picture>")


def parsed(html: str) -> Pictures:
    pictures = Pictures()
    pictures.feed(html)
    return pictures


def snippets(folder) -> dict[str, str]:
    result = publish(folder, "--target", "github", *NAMES)
    assert result.exit_code == 0, result.output
    return {name: (folder / "publish" / "github" / name / "snippet.md").read_text(encoding="utf-8") for name in NAMES}


@needs_cmark_gfm
def test_every_picture_stays_whole_in_githubs_markdown(out):  # noqa: F811
    for name, markdown in snippets(out).items():
        found = parsed(github_html(markdown))
        assert found.stray == [], f"{name}: a <source> fell out of its <picture>"
        assert len(found.pictures) == 1 and len(found.pictures[0]["img"]) == 1, name
        media = [source.get("media") for source in found.pictures[0]["source"]]
        assert len(media) == markdown.count("<source"), name  # every source the snippet wrote, inside it
        assert any(m and "max-width" in m for m in media), f"{name}: the phone's layout is not offered"
    figure = parsed(github_html(snippets(out)["loss-compressed"])).pictures[0]
    assert "(prefers-color-scheme: light)" in [s.get("media") for s in figure["source"]]  # the light twin too


@needs_cmark_gfm
def test_a_render_without_a_phone_layout_keeps_its_pictures_whole_too(column_only):  # noqa: F811
    for name, markdown in snippets(column_only).items():
        found = parsed(github_html(markdown))
        assert found.stray == [], name
        assert all(len(picture["img"]) == 1 for picture in found.pictures), name


@needs_cmark_gfm
def test_the_snippet_says_what_a_readme_cannot_show(out):  # noqa: F811
    texts = snippets(out)
    assert "<!-- A README plays no video" in github_html(texts["descent-compressed"])
    assert "<!-- A README shows no 3D view" in github_html(texts["surface-compressed"])
    assert "<!--" not in texts["loss-compressed"]  # a figure is all there


@needs_cmark_gfm
def test_the_check_sees_a_source_that_falls_out():
    """The check itself: Markdown that ends the paragraph of a link's <picture> before its sources (a blank line
    here; in CommonMark 0.30 and later, a line that starts with <source) is found out."""
    broken = parsed('<p><a href="x"><picture></p>\n<source srcset="y.png">\n<p><img src="x.png"></picture></a></p>')
    assert broken.stray == ["</p> inside <picture>"]
    assert parsed(github_html('<a href="x"><picture>\n\n<source srcset="y.png">\n<img src="x.png">\n</picture></a>\n')).stray
