"""The gallery page and its snippets, from a manifest written by hand."""

import json
from html.parser import HTMLParser

from render.gallery import SNIPPETS_DIR, write_gallery
from tests.conftest import with_roles
from render.manifest import MANIFEST_VERSION
from render.snippets import BLANK_POSTER, TARGETS


def record(name, kind, files, theme="dark", caption="A caption", alt="An alt text",
           description=("Every number & <detail>.",)):
    return {"name": name, "kind": kind, "theme": theme, "key": "k", "caption": caption, "alt": alt,
            "description": list(description), "parameters": {}, "versions": {}, "files": with_roles(files, kind), "version": MANIFEST_VERSION}


def png(path, width=1200, height=800, role=None):
    entry = {"path": path, "format": path.rsplit(".", 1)[1], "bytes": 1000, "sha256": "0", "width": width,
             "height": height}
    return {**entry, "role": role} if role else entry


def video(path, width=1280, height=720, role=None, n_bytes=1000):
    entry = {"path": path, "format": path.rsplit(".", 1)[1], "bytes": n_bytes,
             "sha256": "0", "width": width, "height": height, "frames": 101, "duration": 10.1, "fps": 10.0}
    return {**entry, "role": role} if role else entry


MANIFEST = {
    "version": MANIFEST_VERSION,
    "outputs": [
        record("loss-compressed", "figure",
               [png("loss-compressed.png"), png("loss-compressed@1x.png", 600, 400),
                {"path": "data/loss-compressed.csv", "format": "csv", "bytes": 500, "sha256": "0"},
                png("loss-compressed-phone.png", 780, 900, "phone-png"),
                png("loss-compressed-phone@1x.png", 390, 450, "phone-png1x")],
               caption="Loss <falls> & rises", alt='The "loss" < 3'),
        record("loss-compressed", "figure",
               [png("loss-compressed-light.png"), png("loss-compressed-light@1x.png", 600, 400),
                png("loss-compressed-light-phone.png", 780, 900, "phone-png"),
                png("loss-compressed-light-phone@1x.png", 390, 450, "phone-png1x")], theme="light"),
        record("descent-compressed", "video", [
            video("descent-compressed.mp4", n_bytes=2_500_000), video("descent-compressed.webm"),
            png("descent-compressed.webp", 1280, 720),
            video("descent-compressed-phone.mp4", 714, 1254, "phone-mp4"),
            video("descent-compressed-phone.webm", 714, 1254, "phone-webm"),
            png("descent-compressed-phone.webp", 714, 1254, "phone-poster")]),
        record("surface-compressed", "surface", [
            {"path": "surface-compressed.html", "format": "html", "bytes": 9000, "sha256": "0"},
            {"path": "plotly.min.js", "format": "js", "bytes": 4_000_000, "sha256": "0"},
            png("surface-compressed.png"), png("surface-compressed-phone.png", 780, 1000, "phone-png")]),
    ],
}


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def gallery(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST))
    page = write_gallery(tmp_path, "Title & <more>").read_text()
    collector = Collector()
    collector.feed(page)
    return page, collector.tags


def shown(tags):
    """The tags the page shows (not the snippets to copy, which are text in <pre>)."""
    return [(t, a) for t, a in tags if t in ("img", "source", "video", "iframe", "track", "button")]


def test_outputs_in_manifest_order_with_escaped_text(tmp_path):
    page, tags = gallery(tmp_path)
    assert [a["id"] for t, a in tags if t == "article"] == ["loss-compressed", "descent-compressed", "surface-compressed"]
    assert "<title>Title &amp; &lt;more&gt;</title>" in page
    assert "Loss &lt;falls&gt; &amp; rises" in page
    image = next(a for t, a in tags if t == "img")
    assert image["alt"] == 'The "loss" < 3'


def test_a_good_web_page_main_landmark_description_first_image_eager(tmp_path):
    page, tags = gallery(tmp_path)
    assert [t for t, _ in tags].count("main") == 1
    (description,) = [a for t, a in tags if t == "meta" and a.get("name") == "description"]
    assert len(description["content"]) > 50
    images = [a for t, a in tags if t == "img"]
    assert images[0]["loading"] == "eager" and all(a["loading"] == "lazy" for a in images[1:])


def test_figure_offers_1x_2x_and_the_light_twin_and_fits_the_column(tmp_path):
    _, tags = gallery(tmp_path)
    image = next(a for t, a in tags if t == "img")
    assert image["srcset"] == "loss-compressed@1x.png 1x, loss-compressed.png 2x"
    assert (image["width"], image["height"]) == ("600", "400")
    assert "max-width:100%" in image["style"] and "height:auto" in image["style"]
    sources = [(a["media"], a["srcset"], a.get("width"), a.get("height")) for t, a in tags if t == "source"
               and "srcset" in a and "loss-compressed" in a["srcset"]]
    assert sources == [
        ("(max-width: 600px) and (prefers-color-scheme: light)",
         "loss-compressed-light-phone@1x.png 1x, loss-compressed-light-phone.png 2x", "390", "450"),
        ("(max-width: 600px)", "loss-compressed-phone@1x.png 1x, loss-compressed-phone.png 2x", "390", "450"),
        ("(prefers-color-scheme: light)", "loss-compressed-light@1x.png 1x, loss-compressed-light.png 2x", None, None)]


def test_video_has_a_player_for_the_column_and_one_for_the_phone_each_with_its_poster_and_sources(tmp_path):
    """Neither loads anything until played: the phone's, hidden on a wide screen, fetches nothing there.  Below the
    first output, their posters wait in data-poster for the page's script."""
    page, tags = gallery(tmp_path)
    column, phone = [a for t, a in tags if t == "video"]
    assert (column["data-poster"], phone["data-poster"]) == ("descent-compressed.webp", "descent-compressed-phone.webp")
    assert column["poster"] == phone["poster"] == BLANK_POSTER  # fetches nothing: the poster is the background
    assert "url(" not in column["style"] and "url(" not in phone["style"]
    assert column["style"].endswith(";background:center/contain no-repeat")
    assert "new IntersectionObserver(" in page and 'querySelectorAll("video[data-poster]")' in page
    for player in (column, phone):
        assert {"controls", "muted", "loop", "playsinline"} <= set(player) and "autoplay" not in player
        assert player["preload"] == "none"
    assert "display:block" in column["style"] and "display:none" in phone["style"]
    sources = [(a["src"], a["type"]) for t, a in tags if t == "source" and "type" in a]
    assert sources == [("descent-compressed.webm", "video/webm"), ("descent-compressed.mp4", "video/mp4"),
                       ("descent-compressed-phone.webm", "video/webm"), ("descent-compressed-phone.mp4", "video/mp4")]
    assert ("<style>@media (max-width: 600px){.render-video-descent-compressed{display:none!important}"
            ".render-video-descent-compressed-phone{display:block!important}}</style>") in page
    assert "10.1 s" in page and "2.5 MB on disk" in page  # every file of both layouts


def test_the_first_outputs_player_shows_its_poster_with_the_page_and_a_lone_player_below_loads_nothing(tmp_path):
    """The first output is what a reader sees first: its player keeps its poster (its background).  A player alone (no phone layout)
    asks for its metadata in a post; below the first output, the gallery's loads nothing until played."""
    column = record("descent-compressed", "video", [video("descent-compressed.mp4"), video("descent-compressed.webm"),
                                                    png("descent-compressed.webp", 1280, 720)])
    lone = record("descent-normalized", "video", [video("descent-normalized.mp4"),
                                                  png("descent-normalized.webp", 1280, 720)])
    (tmp_path / "manifest.json").write_text(json.dumps({"version": MANIFEST_VERSION, "outputs": [column, lone]}))
    collector = Collector()
    collector.feed(write_gallery(tmp_path, "t").read_text())
    first, second = [a for t, a in collector.tags if t == "video"]
    assert first["style"].endswith(";background:url(descent-compressed.webp) center/contain no-repeat")
    assert first["preload"] == "metadata" and "data-poster" not in first
    assert second["data-poster"] == "descent-normalized.webp" and "url(" not in second["style"]
    assert second["preload"] == "none"
    snippet = (tmp_path / SNIPPETS_DIR / "descent-normalized.html").read_text()
    assert "background:url(descent-normalized.webp)" in snippet and "data-poster" not in snippet  # as published


def test_the_3d_view_waits_for_a_click_and_shared_plotlyjs_is_not_counted(tmp_path):
    page, tags = gallery(tmp_path)
    assert "<iframe" not in page.replace('<template><iframe src="surface-compressed.html"', "")
    assert '<template><iframe src="surface-compressed.html"' in page
    (button,) = [a for t, a in tags if t == "button" and "onclick" in a]
    assert "replaceWith" in button["onclick"]
    assert "surface · 11.0 KB on disk" in page  # its still for the phone included


def test_each_outputs_snippets_to_copy_on_a_small_page_of_its_own(tmp_path):
    """The outputs' page links each output to its snippets/NAME.html, which holds every target's text of that output
    alone (all targets' of all outputs are many times the page's own weight) and links back."""
    index, index_tags = gallery(tmp_path)
    assert not [a for t, a in index_tags if t == "button" and a.get("class") == "copy"] and "<pre>" not in index
    names = ["loss-compressed", "descent-compressed", "surface-compressed"]
    links = [a["href"] for t, a in index_tags if t == "a" and a.get("href", "").startswith(SNIPPETS_DIR + "/")]
    assert links == [f"{SNIPPETS_DIR}/{name}.html" for name in names]
    assert sorted(p.name for p in (tmp_path / SNIPPETS_DIR).iterdir()) == sorted(f"{name}.html" for name in names)
    pages = {name: (tmp_path / SNIPPETS_DIR / f"{name}.html").read_text() for name in names}
    for name, page in pages.items():
        collector = Collector()
        collector.feed(page)
        buttons = [a for t, a in collector.tags if t == "button" and a.get("class") == "copy"]
        assert len(buttons) == len(TARGETS) and all(name in a["aria-label"] for a in buttons)
        assert [a["href"] for t, a in collector.tags if t == "a"] == [f"../index.html#{name}"]
        assert not {other for other in names if other != name and f"{other}." in page}  # its own files alone
    # quarto: the caption in the figure's div, its Markdown escaping "<" as HTML does, and the page escaping that
    # text again
    assert "::: {#fig-loss-compressed}\n```{=html}\n&lt;picture&gt;" in pages["loss-compressed"]
    assert "```\n\nLoss &amp;lt;falls&amp;gt; &amp;amp; rises\n:::" in pages["loss-compressed"]
    assert "{{&lt; render-video webm=`descent-compressed.webm`" in pages["descent-compressed"]  # hugo
    assert "src=&#34;../loss-compressed@1x.png&#34;" in pages["loss-compressed"]  # mkdocs: one level up


def test_snippet_pages_of_outputs_no_longer_rendered_and_the_former_single_page_go(tmp_path):
    """A link to them would show what is no longer rendered; a page the gallery did not write stays."""
    gallery(tmp_path)
    (tmp_path / "snippets.html").write_text("<!-- made from 0123 -->\nevery output's snippets")
    (tmp_path / SNIPPETS_DIR / "mine.html").write_text("<p>written by hand</p>")
    fewer = {**MANIFEST, "outputs": MANIFEST["outputs"][:3]}  # surface-compressed no longer rendered
    (tmp_path / "manifest.json").write_text(json.dumps(fewer))
    write_gallery(tmp_path, "Title")
    assert sorted(p.name for p in (tmp_path / SNIPPETS_DIR).iterdir()) == [
        "descent-compressed.html", "loss-compressed.html", "mine.html"]
    assert not (tmp_path / "snippets.html").exists()


def test_an_unchanged_gallery_is_not_rewritten_and_a_missing_snippet_page_is(tmp_path):
    gallery(tmp_path)
    index = tmp_path / "index.html"
    before = index.stat().st_mtime_ns
    write_gallery(tmp_path, "Title & <more>")
    assert index.stat().st_mtime_ns == before
    (tmp_path / SNIPPETS_DIR / "descent-compressed.html").unlink()
    write_gallery(tmp_path, "Title & <more>")
    assert (tmp_path / SNIPPETS_DIR / "descent-compressed.html").is_file()


def test_no_manifest_no_gallery(tmp_path):
    (tmp_path / "manifest.json").write_text("{broken")
    assert write_gallery(tmp_path, "t") is None


def test_an_output_rendered_only_in_the_light_theme_is_shown(tmp_path):
    light_only = {"version": MANIFEST_VERSION, "outputs": [MANIFEST["outputs"][1]]}
    (tmp_path / "manifest.json").write_text(json.dumps(light_only))
    collector = Collector()
    collector.feed(write_gallery(tmp_path, "t").read_text())
    assert [a["id"] for t, a in collector.tags if t == "article"] == ["loss-compressed"]
    image = next(a for t, a in collector.tags if t == "img")
    assert image["src"] == "loss-compressed-light@1x.png"
