"""The gallery page and its snippets, from a manifest written by hand."""

import json
from html.parser import HTMLParser

from render.gallery import write_gallery
from tests.conftest import with_roles
from render.manifest import MANIFEST_VERSION


def record(name, kind, files, theme="dark", caption="A caption", alt="An alt text",
           description=("Every number & <detail>.",)):
    return {"name": name, "kind": kind, "theme": theme, "key": "k", "caption": caption, "alt": alt,
            "description": list(description), "parameters": {}, "versions": {}, "files": with_roles(files, kind), "version": MANIFEST_VERSION}


def png(path, width=1200, height=800):
    return {"path": path, "format": "png", "bytes": 1000, "sha256": "0", "width": width, "height": height}


MANIFEST = {
    "version": MANIFEST_VERSION,
    "outputs": [
        record("loss-compressed", "figure",
               [png("loss-compressed.png"), png("loss-compressed@1x.png", 600, 400),
                {"path": "data/loss-compressed.csv", "format": "csv", "bytes": 500, "sha256": "0"}],
               caption="Loss <falls> & rises", alt='The "loss" < 3'),
        record("loss-compressed", "figure",
               [png("loss-compressed-light.png"), png("loss-compressed-light@1x.png", 600, 400)], theme="light"),
        record("descent-compressed", "video", [
            {"path": "descent-compressed.mp4", "format": "mp4", "bytes": 2_500_000, "sha256": "0", "width": 1280,
             "height": 720, "frames": 101, "duration": 10.1, "fps": 10.0},
            {"path": "descent-compressed.webm", "format": "webm", "bytes": 1000, "sha256": "0", "width": 1280,
             "height": 720, "frames": 101, "duration": 10.1, "fps": 10.0},
            png("descent-compressed.png", 1280, 720)]),
        record("surface-compressed", "surface", [
            {"path": "surface-compressed.html", "format": "html", "bytes": 9000, "sha256": "0"},
            {"path": "plotly.min.js", "format": "js", "bytes": 4_000_000, "sha256": "0"},
            png("surface-compressed.png")]),
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
    source = next(a for t, a in tags if t == "source" and a.get("media"))
    assert source["media"] == "(prefers-color-scheme: light)"
    assert source["srcset"] == "loss-compressed-light@1x.png 1x, loss-compressed-light.png 2x"


def test_video_has_poster_both_sources_and_loads_only_metadata(tmp_path):
    page, tags = gallery(tmp_path)
    (video,) = [a for t, a in tags if t == "video"]
    assert video["poster"] == "descent-compressed.png"
    assert {"controls", "muted", "loop", "playsinline"} <= set(video) and "autoplay" not in video
    assert video["preload"] == "metadata"
    sources = [(a["src"], a["type"]) for t, a in tags if t == "source" and "type" in a]
    assert sources == [("descent-compressed.webm", "video/webm"), ("descent-compressed.mp4", "video/mp4")]
    assert "10.1 s" in page and "2.5 MB on disk" in page


def test_the_3d_view_waits_for_a_click_and_shared_plotlyjs_is_not_counted(tmp_path):
    page, tags = gallery(tmp_path)
    assert "<iframe" not in page.replace('<template><iframe src="surface-compressed.html"', "")
    assert '<template><iframe src="surface-compressed.html"' in page
    (button,) = [a for t, a in tags if t == "button" and "onclick" in a]
    assert "replaceWith" in button["onclick"]
    assert "surface · 10.0 KB on disk" in page


def test_every_targets_snippet_to_copy(tmp_path):
    page, tags = gallery(tmp_path)
    headings = [a for t, a in tags if t == "button" and a.get("class") == "copy"]
    assert len(headings) == 3 * 8
    # quarto: the Markdown escapes "<" as HTML does, and the page escapes that text again
    assert "![Loss &amp;lt;falls&amp;gt; &amp;amp; rises](loss-compressed.png){#fig-loss-compressed fig-alt=" in page
    assert "{{&lt; render-video webm=`descent-compressed.webm`" in page  # hugo
    assert "src=&#34;../loss-compressed@1x.png&#34;" in page  # mkdocs: one level up


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
