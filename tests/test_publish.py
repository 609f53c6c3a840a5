"""``render publish``: a bundle per output, holding its snippet and exactly the files the snippet names."""

import errno
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import imageio_ffmpeg
import markdown
import pytest
from click.testing import CliRunner

from render.cli import main
from render.manifest import MANIFEST_VERSION
from render.publish import BUNDLE_MARK, SETUP_README
from render.snippets import TARGETS
from tests.conftest import vouched, with_roles

SUFFIXES = r"png|webp|svg|mp4|webm|gif|vtt|html|js"
NAMED = re.compile(rf"[\w@.-]+\.(?:{SUFFIXES})\b")


def file_entry(path, **facts):
    return {"path": path, "format": path.rsplit(".", 1)[1], "bytes": 10, "sha256": "0", **facts}


def record(name, kind, files, theme="dark"):
    return {"name": name, "kind": kind, "theme": theme, "key": "k", "caption": f"What {name} shows & why",
            "alt": f"The {name}, described", "description": [f"Every number of {name} & more.", "Then more."],
            "parameters": {}, "versions": {}, "files": with_roles(files, kind),
            "version": MANIFEST_VERSION}


def tiny_mp4(path, seconds=1, size="1280x720"):
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    f"testsrc=size={size}:rate=10:duration={seconds}", "-pix_fmt", "yuv420p", "-y", str(path)],
                   check=True)


def phone_entry(path, role, **facts):
    """A file of the phone's layout: its role says so (``phone-png``, ...), as the writers record it."""
    return file_entry(path, role=f"phone-{role}", **facts)


# The phone's files of each output, as a render records them beside the column's: a figure's and its light twin's
# taller images, a video's taller video and poster, a surface's taller still.
PHONE_FILES = {
    ("loss-compressed", "dark"): [phone_entry(f"loss-compressed-phone{variant}.{fmt}", fmt + role, width=w, height=h)
                                  for variant, role, w, h in (("", "", 780, 880), ("@1x", "1x", 390, 440))
                                  for fmt in ("png", "webp")],
    ("loss-compressed", "light"): [phone_entry(f"loss-compressed-light-phone{variant}.{fmt}", fmt + role, width=w,
                                               height=h)
                                   for variant, role, w, h in (("", "", 780, 880), ("@1x", "1x", 390, 440))
                                   for fmt in ("png", "webp")],
    ("descent-compressed", "dark"): [
        phone_entry("descent-compressed-phone.mp4", "mp4", width=714, height=1254, frames=10, duration=1.0),
        phone_entry("descent-compressed-phone.webm", "webm", width=714, height=1254, frames=10, duration=1.0),
        phone_entry("descent-compressed-phone.webp", "poster", width=714, height=1254)],
    ("surface-compressed", "dark"): [phone_entry("surface-compressed-phone.png", "png", width=780, height=1000),
                                     phone_entry("surface-compressed-phone.webp", "webp", width=780, height=1000),
                                     phone_entry("surface-compressed-phone@1x.webp", "webp1x", width=390, height=500)],
}


@pytest.fixture
def out(tmp_path):
    """An output directory with a figure (and its light twin), a video with captions, and a surface, each with its
    phone layout's files (:data:`PHONE_FILES`), as a render writes them."""
    out = tmp_path / "output"
    (out / "data").mkdir(parents=True)
    outputs = [
        record("loss-compressed", "figure", [file_entry("loss-compressed.png", width=1400, height=600),
                                             file_entry("loss-compressed.webp", width=1400, height=600),
                                             file_entry("loss-compressed@1x.png", width=700, height=300),
                                             file_entry("loss-compressed@1x.webp", width=700, height=300),
                                             file_entry("loss-compressed.svg"), file_entry("data/loss-compressed.csv")]),
        record("loss-compressed", "figure", [file_entry("loss-compressed-light.png", width=1400, height=600),
                                             file_entry("loss-compressed-light.webp", width=1400, height=600),
                                             file_entry("loss-compressed-light@1x.png", width=700, height=300),
                                             file_entry("loss-compressed-light@1x.webp", width=700, height=300)],
               theme="light"),
        record("descent-compressed", "video", [
            file_entry("descent-compressed.mp4", width=1280, height=720, frames=10, duration=1.0),
            file_entry("descent-compressed.webm", width=1280, height=720, frames=10, duration=1.0),
            file_entry("descent-compressed.webp", width=1280, height=720),
            file_entry("descent-compressed.vtt")]),
        record("surface-compressed", "surface", [file_entry("surface-compressed.html"), file_entry("plotly.min.js"),
                                                 file_entry("surface-compressed.png", width=1200, height=900),
                                                 file_entry("surface-compressed.webp", width=1200, height=900),
                                                 file_entry("surface-compressed@1x.webp", width=700, height=525)]),
    ]
    for output in outputs:
        output["files"] += PHONE_FILES.get((output["name"], output["theme"]), [])
        for file in output["files"]:
            text = f"content of {file['path']}"
            if file["path"].endswith(".html"):  # a whole page, as the surfaces' (sites tell pages from fragments)
                text = f"<!doctype html><html><body>{text}</body></html>"
            (out / file["path"]).write_text(text)
    tiny_mp4(out / "descent-compressed.mp4")
    tiny_mp4(out / "descent-compressed-phone.mp4", size="714x1254")
    outputs = vouched(out, outputs)
    (out / "manifest.json").write_text(json.dumps({"version": MANIFEST_VERSION, "outputs": outputs}))
    return out


def without_phone(out):
    """``out`` as a render before the phone's layout left it: no phone file in its manifest or on disk."""
    manifest = json.loads((out / "manifest.json").read_text())
    for output in manifest["outputs"]:
        for file in [f for f in output["files"] if f["role"].startswith("phone-")]:
            (out / file["path"]).unlink()
            output["files"].remove(file)
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


@pytest.fixture
def column_only(out):
    """:func:`out` rendered before the phone's layout (:func:`without_phone`)."""
    return without_phone(out)


def publish(out, *args):
    return CliRunner().invoke(main, ["publish", "--out", str(out), *args])


def bundle_files(folder):
    """What a bundle holds for the site: everything but its mark, which is for the next publish."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != BUNDLE_MARK)


@pytest.mark.parametrize("target", list(TARGETS))
def test_a_bundle_holds_its_snippet_and_exactly_the_files_it_names(out, target):
    result = publish(out, "--target", target)
    assert result.exit_code == 0, result.output
    assert "3 bundles for" in result.output
    for name in ("loss-compressed", "descent-compressed", "surface-compressed"):
        folder = out / "publish" / target / name
        snippet = (folder / TARGETS[target].snippet).read_text()
        named = set(NAMED.findall(snippet)) - {f"render-{kind}.html" for kind in ("figure", "video", "surface")}
        files = set(bundle_files(folder)) - {TARGETS[target].snippet}
        shipped = {f for f in files if f.startswith("layouts/") or f == SETUP_README}
        loaded_by_pages = {"plotly.min.js"} if name == "surface-compressed" else set()
        assert named == files - shipped - loaded_by_pages, snippet
        assert not any(f.endswith((".csv", ".json", ".lock")) for f in files)  # no data, records or locks
        for file in files - shipped:
            if not file.endswith(".gif"):
                assert (folder / file).read_bytes() == (out / file).read_bytes()
        if TARGETS[target].setup:  # the site's one line of configuration, beside the snippet
            assert shipped >= {SETUP_README} and TARGETS[target].setup in (folder / SETUP_README).read_text()
            assert f"once per site, in {TARGETS[target].setup_in}: {TARGETS[target].setup}" in result.output
            shipped -= {SETUP_README}
        if target == "hugo":
            shortcodes = ("figure", "video", "surface", "details", "paragraph")
            assert shipped == {f"layouts/shortcodes/render-{k}.html" for k in shortcodes}
            used = set(re.findall(r"\{\{< ([\w-]+)", snippet))
            assert {f"layouts/shortcodes/{u}.html" for u in used} <= shipped
        else:
            assert not shipped


class Tags(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def first(self, name):
        return next(a for t, a in self.tags if t == name)


def html_snippet(out, name, *args):
    assert publish(out, "--target", "html", *args).exit_code == 0
    return (out / "publish" / "html" / name / "snippet.html").read_text()


def test_a_figure_fits_any_column_with_its_caption_and_light_twin(out):
    tags = Tags(html_snippet(out, "loss-compressed"))
    names = [t for t, _ in tags.tags]
    assert names[:2] == ["figure", "picture"] and "figcaption" in names
    image = tags.first("img")
    assert (image["width"], image["height"]) == ("700", "300") and image["alt"] == "The loss-compressed, described"
    assert "max-width:100%" in image["style"] and "height:auto" in image["style"]
    light = [a for t, a in tags.tags if t == "source" and a.get("media") == "(prefers-color-scheme: light)"]
    assert [(a.get("type"), a["srcset"]) for a in light] == [
        ("image/webp", "loss-compressed-light@1x.webp 1x, loss-compressed-light.webp 2x"),
        (None, "loss-compressed-light@1x.png 1x, loss-compressed-light.png 2x")]  # for a browser without WebP
    # The column's WebP, last before the <img> (its PNG the fallback): a browser takes the first source it can.
    sources = [a for t, a in tags.tags if t == "source"]
    assert sources[-1] == {"type": "image/webp", "srcset": "loss-compressed@1x.webp 1x, loss-compressed.webp 2x"}
    assert image["srcset"] == "loss-compressed@1x.png 1x, loss-compressed.png 2x"


def test_a_3d_views_still_is_offered_as_webp_at_the_pixels_its_slot_shows(out):
    """The still drawn at 1200 px for a 700 px column, beside its 700 px WebP: a screen of one pixel per CSS px
    takes the smaller; each density says its own ratio.  The phone's at 390 and 780 px."""
    sources = [a for t, a in Tags(html_snippet(out, "surface-compressed")).tags if t == "source"]
    webp = {a.get("media", ""): a["srcset"] for a in sources if a.get("type") == "image/webp"}
    assert webp[""] == "surface-compressed@1x.webp 1x, surface-compressed.webp 1.71x"
    assert webp["(max-width: 600px)"] == "surface-compressed-phone@1x.webp 1x, surface-compressed-phone.webp 2x"


def test_a_video_is_muted_loops_loads_metadata_and_has_a_descriptions_track_not_shown_over_it(column_only):
    """The words written from the data describe the picture: no captions track covers the plot of a video that has
    no speech, and no track is on by default.  (With a phone's video, two players: tests/test_phone_layout.py.)"""
    tags = Tags(html_snippet(column_only, "descent-compressed"))
    video = tags.first("video")
    assert {"controls", "muted", "loop", "playsinline"} <= set(video) and "autoplay" not in video
    assert video["preload"] == "metadata" and "width:100%" in video["style"] and "aspect-ratio:1280/720" in video["style"]
    track = tags.first("track")
    assert (track["kind"], track["src"], "default" in track) == ("descriptions", "descent-compressed.vtt", False)
    assert "autoplay" in Tags(html_snippet(column_only, "descent-compressed", "--autoplay")).first("video")


def test_the_3d_view_is_an_image_until_clicked(out):
    text = html_snippet(out, "surface-compressed")
    assert text.count("<iframe") == 1 and "<template><iframe" in text
    button = Tags(text).first("button")
    assert "replaceWith" in button["onclick"]
    assert "Explore in 3D" in text and 'href="surface-compressed.html"' in text


@pytest.mark.parametrize("target", ["markdown", "mkdocs", "jekyll"])
def test_markdown_passes_the_html_through_whole(out, target):
    """Python-Markdown (MkDocs' parser) keeps the block as one piece of HTML: no blank line ends it early."""
    assert publish(out, "--target", target).exit_code == 0
    for name in ("loss-compressed", "descent-compressed", "surface-compressed"):
        snippet = (out / "publish" / target / name / "snippet.md").read_text()
        page = markdown.markdown(f"Text before.\n\n{snippet}\nText after.")
        assert page.count("<figure") == 1 and page.count("</figure>") == 1
        assert "<p><figure" not in page and "&lt;" not in page.replace("&lt;falls", "")


def test_paths_for_each_kind_of_site(out):
    for target, expected in (("markdown", 'src="loss-compressed@1x.png"'),
                             ("mkdocs", 'src="../loss-compressed@1x.png"'),
                             ("jekyll", """src="{{ '/assets/loss-compressed@1x.png' | relative_url }}\"""")):
        publish(out, "--target", target, "loss-compressed")
        assert expected in (out / "publish" / target / "loss-compressed" / "snippet.md").read_text()
    publish(out, "--target", "markdown", "--base-url", "https://example.org/media", "loss-compressed")
    snippet = (out / "publish" / "markdown" / "loss-compressed" / "snippet.md").read_text()
    assert 'src="https://example.org/media/loss-compressed@1x.png"' in snippet


def test_github_gets_a_gif_made_from_the_mp4(out):
    result = publish(out, "--target", "github", "descent-compressed")
    assert result.exit_code == 0, result.output
    folder = out / "publish" / "github" / "descent-compressed"
    assert (folder / "descent-compressed.gif").read_bytes()[:6] == b"GIF89a"
    snippet = (folder / "snippet.md").read_text()
    assert snippet.startswith('<!-- A README plays no video: this is its animated GIF, linking to the MP4. -->\n'
                              '<a href="descent-compressed.mp4"><picture>')
    assert '<img src="descent-compressed.gif"' in snippet
    assert "<video" not in snippet and "<iframe" not in snippet


def test_publishing_again_replaces_the_bundle(out):
    publish(out, "--target", "html", "loss-compressed")
    folder = out / "publish" / "html" / "loss-compressed"
    (folder / "stale.png").write_text("from before")  # a file an earlier publish made, as its mark lists
    mark = json.loads((folder / BUNDLE_MARK).read_text())
    (folder / BUNDLE_MARK).write_text(json.dumps({**mark, "files": [*mark["files"], "stale.png"]}))
    assert publish(out, "--target", "html", "loss-compressed").exit_code == 0
    assert not (folder / "stale.png").exists()
    assert json.loads((folder / BUNDLE_MARK).read_text()) == mark
    assert [p.name for p in folder.parent.iterdir()] == ["loss-compressed"]  # no hidden leftovers


@pytest.mark.parametrize("args, message, status", [
    (["--target", "pdf"], "Invalid value for '--target'", 2),
    (["--target", "html", "--base-url", "javascript:alert(1)"], "is not a URL or path of plain characters", 2),
    (["--target", "html", "--base-url", 'x" onerror="y'], "is not a URL or path of plain characters", 2),
    (["--target", "html", "contour-normalized"], "not rendered in", 1),
])
def test_mistakes_are_one_line(out, args, message, status):
    result = publish(out, *args)
    assert result.exit_code == status
    assert message in result.output and "Traceback" not in result.output


def test_nothing_rendered_says_what_to_do(tmp_path):
    result = publish(tmp_path, "--target", "html")
    assert result.exit_code == 1
    assert "render them first" in result.output


def test_bundles_never_go_into_the_bookkeeping(out):
    result = publish(out, "--target", "html", "--to", str(out / ".render" / "x"))
    assert result.exit_code == 1 and "choose another folder" in result.output


# Words with every character that means something to one target or another: HTML, Markdown, Pandoc, MyST (its
# options, roles, substitutions and comments), Liquid, Hugo's shortcodes, and line breaks that could end a block.
AWKWARD = ('A <b>bold</b> & "quoted" it\'s `tick` ``` [x](y) *em* _u_ $x$ @fig-x {.cls} }} >}} {{< z >}} '
           '{{% w %}} {% raw %} {# c #} 100% --> <!-- \\ back\n\nafter a blank line\n```\n% not a comment')
AWKWARD_WORDS = " ".join(AWKWARD.split())  # as every target shows them: on one line
DESCRIPTION = [f"Description {AWKWARD_WORDS}", f"Then {AWKWARD_WORDS}"]  # the awkward long description's paragraphs


@pytest.fixture
def awkward(out):
    """The output directory with :data:`AWKWARD` in every caption and alt text."""
    manifest = json.loads((out / "manifest.json").read_text())
    for output in manifest["outputs"]:
        output["caption"], output["alt"] = f"Caption {AWKWARD}", f"Alt {AWKWARD}"
        output["description"] = [f"Description {AWKWARD}", f"Then {AWKWARD}"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


class Words(HTMLParser):
    """The alt texts, the figure caption's text and the long description's paragraphs of an HTML snippet, as a
    browser reads them."""

    def __init__(self, text):
        super().__init__()
        self.alts, self.caption, self.paragraphs, self.summary, self._open = [], "", [], "", set()
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.alts += [attrs[key] for key in ("alt", "aria-label", "title") if key in attrs]
        self._open.add(tag)
        if tag == "p" and "details" in self._open:
            self.paragraphs.append("")

    def handle_endtag(self, tag):
        self._open.discard(tag)

    def handle_data(self, data):
        if self._open & {"figcaption", "em"} and "a" not in self._open:  # not the 3D view's link after it
            self.caption += data
        if {"details", "p"} <= self._open:
            self.paragraphs[-1] += data
        elif "summary" in self._open:
            self.summary += data


@pytest.mark.parametrize("target", ["html", "markdown", "mkdocs", "jekyll", "github"])
def test_awkward_words_stay_words_in_html(awkward, target):
    """Escaped for HTML, on one line (a blank line would end Markdown's raw HTML block, and GitHub's caption is a
    block of HTML too, with no Markdown in it), and for Jekyll with no Liquid tag in them."""
    assert publish(awkward, "--target", target).exit_code == 0
    for name in ("loss-compressed", "descent-compressed", "surface-compressed"):
        text = (awkward / "publish" / target / name / TARGETS[target].snippet).read_text()
        words = Words(text)
        assert words.caption.strip() == f"Caption {AWKWARD_WORDS}" and set(words.alts) == {f"Alt {AWKWARD_WORDS}"}, text
        assert words.paragraphs == DESCRIPTION and words.summary == ("Transcript" if "descent" in name else "Description")
        if target in ("markdown", "mkdocs", "jekyll"):
            page = markdown.markdown(f"Text before.\n\n{text}\nText after.")
            assert page.count("<figure") == 1 and Words(page).caption.strip() == words.caption.strip()
            assert Words(page).paragraphs == DESCRIPTION
        if target == "jekyll":
            assert not re.search(r"\{[{%]", re.sub(r"\{\{ '[^']*' \| relative_url \}\}", "", text))
        if target == "github":
            from markdown_it import MarkdownIt

            blocks = [t for t in MarkdownIt("commonmark").parse(text) if t.level == 0 and t.type.endswith("block")]
            assert blocks[-1].content.startswith("<p><em>Caption")


@pytest.mark.parametrize("phone", [True, False], ids=["phone layout", "column only"])
def test_awkward_words_stay_words_in_quarto(awkward, phone):
    """A figure rendered without a phone layout is a Quarto image: its label is one image's, whatever backquotes or
    brackets it holds, and reads as it was written; fig-alt too (Pandoc reads backslashes and entities in an
    attribute).  Captions in a figure div likewise, and the alt text of the raw HTML in it."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")  # Pandoc reads backslash escapes, code spans and entities alike
    if not phone:
        without_phone(awkward)
    assert publish(awkward, "--target", "quarto").exit_code == 0
    folder = awkward / "publish" / "quarto"
    in_divs = ("loss-compressed", "descent-compressed", "surface-compressed")
    if not phone:
        figure, details = (folder / "loss-compressed" / "snippet.md").read_text().split("\n\n```{=html}\n")
        assert Words(details).paragraphs == DESCRIPTION and details.endswith("</details>\n```\n")
        figure += "\n"
        image = md.parseInline(figure.strip())[0].children[0]
        assert image.type == "image" and image.attrs["src"] == "loss-compressed.png"
        assert "".join(child.content for child in image.children) == f"Caption {AWKWARD_WORDS}"
        alt = re.search(r'\)\{#fig-loss-compressed fig-alt="([^"]*)"\}\n$', figure)[1]  # its quotes are entities
        assert html.unescape(re.sub(r"\\(.)", r"\1", alt)) == f"Alt {AWKWARD_WORDS}"
        in_divs = in_divs[1:]
    for name in in_divs:
        text, details = (folder / name / "snippet.md").read_text().split("\n:::\n\n```{=html}\n")
        assert Words(details).paragraphs == DESCRIPTION
        raw, caption = text.split("```\n\n", 1)
        assert set(Words(raw).alts) == {f"Alt {AWKWARD_WORDS}"}
        assert html.unescape(md.render(caption)).startswith(f"<p>Caption {AWKWARD_WORDS}")


def test_awkward_words_stay_words_in_myst_under_sphinx(awkward, tmp_path):
    """The alt text is one quoted option (a " #" would start a comment and cut it), the caption escaped Markdown
    (no code, emphasis, math or substitution in it: Jupyter Book turns these extensions on), and Sphinx builds
    the page without a warning."""
    sphinx = pytest.importorskip("sphinx.cmd.build")
    assert publish(awkward, "--target", "myst").exit_code == 0
    source = tmp_path / "sphinx"
    source.mkdir()
    (source / "conf.py").write_text('project = "t"\nextensions = ["myst_parser"]\nsmartquotes = False\n'
                                    'myst_enable_extensions = ["dollarmath", "substitution"]\n')
    texts = []
    for name in ("loss-compressed", "descent-compressed", "surface-compressed"):
        bundle = awkward / "publish" / "myst" / name
        for file in bundle.iterdir():
            if file.name != "snippet.md":
                shutil.copy(file, source)
        texts.append((bundle / "snippet.md").read_text())
    (source / "index.md").write_text("# Post\n\n" + "\nBetween.\n\n".join(texts))
    assert sphinx.build_main(["-b", "html", "-W", "-q", str(source), str(tmp_path / "html")]) == 0
    page = (tmp_path / "html" / "index.html").read_text()
    assert page.count("<figure") == 3 and page.count("Between.") == 2
    figure = Words(page.split("<figure", 2)[1].replace('class="caption-text"', ""))
    assert f"Alt {AWKWARD_WORDS}" in figure.alts and f"Caption {AWKWARD_WORDS}" in html.unescape(page)
    assert html.unescape(page).count(f"<p style=\"margin:.5em 0\">Description {AWKWARD_WORDS}</p>") == 3


def test_awkward_words_stay_in_hugo_shortcode_values(awkward):
    """Every value is a raw string on the shortcode's one line: only a backquote could end it (it becomes ')."""
    assert publish(awkward, "--target", "hugo").exit_code == 0
    value = re.escape(" ".join(AWKWARD.replace("`", "'").split()))
    for name in ("loss-compressed", "descent-compressed", "surface-compressed"):
        text = (awkward / "publish" / "hugo" / name / "snippet.md").read_text()
        summary = "Transcript" if "descent" in name else "Description"
        assert re.fullmatch(rf"\{{\{{< render-\w+(?: \w+=(?:`[^`]*`|\"\w*\"))+ alt=`Alt {value}` "
                            rf"caption=`Caption {value}` >\}}\}}\n"
                            rf"\{{\{{< render-details summary=`{summary}` >\}}\}}\n"
                            rf"\{{\{{< render-paragraph text=`Description {value}` >\}}\}}\n"
                            rf"\{{\{{< render-paragraph text=`Then {value}` >\}}\}}\n"
                            rf"\{{\{{< /render-details >\}}\}}\n", text), text


@pytest.mark.parametrize("start", ["# heading", "- item", "+ item", "1. item", "2) item", "> quote", "::: div",
                                   "```fence", "| cell |", "=== underline"])
def test_a_caption_never_starts_a_markdown_block(start):
    from markdown_it import MarkdownIt
    from markupsafe import escape

    from render.snippets import markdown_text

    rendered = MarkdownIt("commonmark").render(escape(markdown_text(start)))  # escaped as the templates do
    assert rendered == f"<p>{html.escape(start, quote=False)}</p>\n"
    assert markdown_text("1.5 times, then 2. Done.") == "1.5 times, then 2. Done."  # only a line's start


def test_partly_rendered_outputs_name_no_missing_file(out):
    """A surface rendered without its image (--image-formats "") and a video without its poster (--formats mp4):
    no empty src or width, the 3D view's link alone where there is no image to click."""
    manifest = json.loads((out / "manifest.json").read_text())
    for output in manifest["outputs"]:
        if output["kind"] != "figure":
            output["files"] = [f for f in output["files"] if not f["path"].endswith(".png")]
    (out / "manifest.json").write_text(json.dumps(manifest))
    for target in ("github", "hugo"):
        assert publish(out, "--target", target, "descent-compressed", "surface-compressed").exit_code == 0
        for name in ("descent-compressed", "surface-compressed"):
            text = (out / "publish" / target / name / "snippet.md").read_text()
            assert not re.search(r'(?:src|width|height)=(?:""|``)', text), text
    github = (out / "publish" / "github" / "surface-compressed" / "snippet.md").read_text()
    assert '<a href="surface-compressed.html">Open the 3D view in its own page.</a>' in github


def test_a_typo_is_a_usage_mistake_and_a_name_not_rendered_says_how_to_render_it(out):
    result = publish(out, "--target", "html", "loss-compresed")
    assert result.exit_code == 2 and "unknown output 'loss-compresed'; did you mean loss-compressed?" in result.output
    result = publish(out, "--target", "html", "contour-normalized", "loss-normalized", "contour-normalized")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"'render contour-normalized loss-normalized --out {out}'" in result.output
    result = publish(out, "--target", "html", "loss-compressed", "loss-compressed")
    assert result.exit_code == 0 and result.output.endswith("1 bundle for html in " f"{out / 'publish' / 'html'}\n")


def test_a_missing_twin_file_says_to_render_the_twin(out):
    (out / "loss-compressed-light@1x.png").unlink()
    result = publish(out, "--target", "html", "loss-compressed")
    assert result.exit_code == 1
    assert f"'render loss-compressed --out {out} --theme light'" in result.output
    assert not (out / "publish" / "html" / "loss-compressed").exists()


def test_a_folder_that_is_no_bundle_is_never_replaced(out, tmp_path):
    mine = tmp_path / "site" / "loss-compressed"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("mine")
    result = publish(out, "--target", "html", "--to", str(tmp_path / "site"), "loss-compressed")
    assert result.exit_code == 1 and "is not a bundle folder" in result.output
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert [p.name for p in mine.parent.iterdir()] == ["loss-compressed"]  # nothing hidden left beside it


def test_what_a_killed_publish_left_is_removed_and_nothing_else(out, tmp_path):
    to = tmp_path / "bundles"
    left = [to / ".loss-compressed.ab_3x9k2", to / ".loss-compressed.old.zz1q8w0e"]
    kept = [to / ".git", to / ".loss-compressed.notes", to / ".other-name.ab_3x9k2"]
    for folder in left + kept:
        folder.mkdir(parents=True)
    assert publish(out, "--target", "html", "--to", str(to), "loss-compressed").exit_code == 0
    assert sorted(p.name for p in to.iterdir()) == sorted([p.name for p in kept] + ["loss-compressed"])


def test_publishes_into_one_folder_take_turns(out, tmp_path):
    """A publish waits while another holds the folder's lock: two never replace one bundle at once."""
    import fcntl
    import os
    import threading

    to = tmp_path / "bundles"
    to.mkdir()
    lock = os.open(to, os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)
    from render.publish import publish as publish_bundles

    thread = threading.Thread(target=publish_bundles, args=(out, "html", to, ("loss-compressed",)))
    thread.start()
    thread.join(0.5)
    assert thread.is_alive() and not (to / "loss-compressed").exists()
    os.close(lock)
    thread.join(10)
    assert (to / "loss-compressed" / "snippet.html").is_file()


@pytest.mark.parametrize("swap", [True, False], ids=["swapped", "two renames"])
def test_a_bundle_that_cannot_take_its_place_leaves_the_old_one(out, monkeypatch, swap):
    """Whether the system swaps the two folders in one step or publish falls back to two renames."""
    import os

    from render import publish as publishing
    from render.exchange import ExchangeUnsupported

    assert publish(out, "--target", "html", "loss-compressed").exit_code == 0
    folder = out / "publish" / "html" / "loss-compressed"
    before = bundle_files(folder)
    rename = os.rename

    def failing(source, destination):
        if Path(source).parent == folder.parent and Path(source).name.startswith(".loss-compressed."):
            raise OSError(errno.EIO, "Input/output error", str(source))  # the new bundle into its place
        rename(source, destination)

    def exchange(first, second):
        if swap:
            raise OSError(errno.EIO, "Input/output error", str(first))
        raise ExchangeUnsupported(errno.ENOSYS, "not here", str(first))

    monkeypatch.setattr(publishing.os, "rename", failing)
    monkeypatch.setattr(publishing, "exchange", exchange)
    result = publish(out, "--target", "html", "loss-compressed")
    assert result.exit_code == 1 and "Input/output error" in result.output
    assert bundle_files(folder) == before
    assert [p.name for p in folder.parent.iterdir()] == ["loss-compressed"]


def test_a_full_disk_names_the_bundle_not_the_rendered_file(out, monkeypatch):
    from render import publish as publishing

    def full(source, destination):
        raise OSError(errno.ENOSPC, "No space left on device", str(source), None, str(destination))

    monkeypatch.setattr(publishing.shutil, "copyfile", full)
    result = publish(out, "--target", "html", "loss-compressed")
    folder = out / "publish" / "html"
    assert result.exit_code == 1
    assert re.search(rf"No space left on device \({re.escape(str(folder / 'loss-compressed'))}/[\w@-]+\.(png|webp)\)",
                     result.output), result.output
    assert list(folder.iterdir()) == []


def test_a_dangling_or_looping_link_as_destination_says_so(out, tmp_path):
    (tmp_path / "link").symlink_to(tmp_path / "missing")
    result = publish(out, "--target", "html", "--to", str(tmp_path / "link"))
    assert result.exit_code == 1 and "symbolic link to a folder that does not exist" in result.output
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for to in (tmp_path / "loop", tmp_path / "loop" / "bundles"):
        result = publish(out, "--target", "html", "--to", str(to))
        assert result.exit_code == 1 and "a loop of symbolic links" in result.output, result.output


def test_a_folder_that_cannot_be_written_is_named_as_chosen(out, tmp_path, monkeypatch):
    """Not by the hidden name tried in it (as root, a read-only folder is writable: the refusal is simulated)."""
    from render import publish as publishing

    def refused(prefix, dir):
        raise PermissionError(errno.EACCES, "Permission denied", f"{dir}/{prefix}x1y2z3w4")

    monkeypatch.setattr(publishing.tempfile, "mkdtemp", refused)
    result = publish(out, "--target", "html", "--to", str(tmp_path / "ro"))
    assert result.exit_code == 1
    to = tmp_path / "ro"
    assert result.output == f"error: cannot write the bundles in {to}: Permission denied ({to})\n"


def test_a_video_whose_size_the_manifest_does_not_say_still_gets_its_gif(out):
    """A hand-edited manifest may drop a video's width and height: the GIF is then a column wide, no traceback."""
    manifest = json.loads((out / "manifest.json").read_text())
    for output in manifest["outputs"]:
        for file in output["files"]:
            if file["path"].endswith((".mp4", ".webm")):
                del file["width"], file["height"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    result = publish(out, "--target", "github", "descent-compressed")
    assert result.exit_code == 0, result.output
    snippet = (out / "publish" / "github" / "descent-compressed" / "snippet.md").read_text()
    assert '<img src="descent-compressed.gif"' in snippet and 'width="700"' in snippet


@pytest.mark.parametrize("target", ["html", "markdown", "mkdocs", "github"])
def test_a_light_site_gets_the_light_twins_alone(out, target):
    """--scheme light: a site that is always light shows the light twin to every reader, and its bundle holds no
    file of the dark one."""
    result = publish(out, "--target", target, "--scheme", "light", "loss-compressed")
    assert result.exit_code == 0, result.output
    folder = out / "publish" / target / "loss-compressed"
    snippet = (folder / TARGETS[target].snippet).read_text()
    named = set(NAMED.findall(snippet))
    assert named and all("-light" in name for name in named), named
    assert "prefers-color-scheme" not in snippet
    assert all("-light" in name for name in bundle_files(folder) if name != TARGETS[target].snippet)


def test_a_dark_site_gets_the_dark_files_alone(out):
    result = publish(out, "--target", "mkdocs", "--scheme", "dark", "loss-compressed")
    assert result.exit_code == 0, result.output
    snippet = (out / "publish" / "mkdocs" / "loss-compressed" / "snippet.md").read_text()
    assert "-light" not in snippet and "prefers-color-scheme" not in snippet and "data-md-color-scheme" not in snippet


def test_a_light_scheme_without_light_twins_is_refused_in_one_line_and_writes_nothing(out):
    result = publish(out, "--target", "html", "--scheme", "light")
    assert result.exit_code == 1
    assert result.output == (f"error: no light render of descent-compressed, surface-compressed in {out}: render "
                             f"them first ('render descent-compressed surface-compressed --out {out} --theme "
                             "light'), or publish --scheme auto\n")
    assert not (out / "publish").exists()


def test_auto_follows_the_sites_own_scheme_where_the_target_knows_it(out):
    """Material for MkDocs says its palette on <body>: the snippet's <style> follows it before the reader's
    system, and a host stripping <style> shows the dark picture alone."""
    assert publish(out, "--target", "mkdocs", "loss-compressed").exit_code == 0
    snippet = (out / "publish" / "mkdocs" / "loss-compressed" / "snippet.md").read_text()
    style = re.search(r"<style>(.*?)</style>", snippet).group(1)
    dark, light = "render-scheme-loss-compressed-dark", "render-scheme-loss-compressed-light"
    assert f"[data-md-color-scheme=default] .{light}{{display:block!important}}" in style
    assert f"[data-md-color-scheme=slate] .{dark}{{display:block!important}}" in style
    assert f"@media (prefers-color-scheme: light){{.{dark}{{display:none!important}}" in style
    assert f'<div class="{light}" style="display:none">' in snippet
    assert publish(out, "--target", "html", "loss-compressed").exit_code == 0  # no switch of its own: <picture>
    html = (out / "publish" / "html" / "loss-compressed" / "snippet.html").read_text()
    assert "<style>" not in html and '<source media="(prefers-color-scheme: light)"' in html
