"""``render publish``: a bundle per output, holding its snippet and exactly the files the snippet names."""

import json
import re
import subprocess
from html.parser import HTMLParser

import imageio_ffmpeg
import markdown
import pytest
from click.testing import CliRunner

from render.cli import main
from render.manifest import MANIFEST_VERSION
from render.snippets import TARGETS

SUFFIXES = r"png|svg|mp4|webm|gif|vtt|html|js"
NAMED = re.compile(rf"[\w@.-]+\.(?:{SUFFIXES})\b")


def file_entry(path, **facts):
    return {"path": path, "format": path.rsplit(".", 1)[1], "bytes": 10, "sha256": "0", **facts}


def record(name, kind, files, theme="dark"):
    return {"name": name, "kind": kind, "theme": theme, "key": "k", "caption": f"What {name} shows & why",
            "alt": f"The {name}, described", "parameters": {}, "versions": {}, "files": files,
            "version": MANIFEST_VERSION}


def tiny_mp4(path, seconds=1):
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    f"testsrc=size=1280x720:rate=10:duration={seconds}", "-pix_fmt", "yuv420p", "-y", str(path)],
                   check=True)


@pytest.fixture
def out(tmp_path):
    """An output directory with a figure (and its light twin), a video with captions, and a surface."""
    out = tmp_path / "output"
    (out / "data").mkdir(parents=True)
    outputs = [
        record("loss-compressed", "figure", [file_entry("loss-compressed.png", width=1400, height=600),
                                             file_entry("loss-compressed@1x.png", width=700, height=300),
                                             file_entry("loss-compressed.svg"), file_entry("data/loss-compressed.csv")]),
        record("loss-compressed", "figure", [file_entry("loss-compressed-light.png", width=1400, height=600),
                                             file_entry("loss-compressed-light@1x.png", width=700, height=300)],
               theme="light"),
        record("descent-compressed", "video", [
            file_entry("descent-compressed.mp4", width=1280, height=720, frames=10, duration=1.0),
            file_entry("descent-compressed.webm", width=1280, height=720, frames=10, duration=1.0),
            file_entry("descent-compressed.png", width=1280, height=720),
            file_entry("descent-compressed.vtt")]),
        record("surface-compressed", "surface", [file_entry("surface-compressed.html"), file_entry("plotly.min.js"),
                                                 file_entry("surface-compressed.png", width=1200, height=900)]),
    ]
    for output in outputs:
        for file in output["files"]:
            text = f"content of {file['path']}"
            if file["path"].endswith(".html"):  # a whole page, as the surfaces' (sites tell pages from fragments)
                text = f"<!doctype html><html><body>{text}</body></html>"
            (out / file["path"]).write_text(text)
    tiny_mp4(out / "descent-compressed.mp4")
    (out / "manifest.json").write_text(json.dumps({"version": MANIFEST_VERSION, "outputs": outputs}))
    return out


def publish(out, *args):
    return CliRunner().invoke(main, ["publish", "--out", str(out), *args])


def bundle_files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


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
        shipped = {f for f in files if f.startswith("layouts/")}
        loaded_by_pages = {"plotly.min.js"} if name == "surface-compressed" else set()
        assert named == files - shipped - loaded_by_pages, snippet
        assert not any(f.endswith((".csv", ".json", ".lock")) for f in files)  # no data, records or locks
        for file in files - shipped:
            if not file.endswith(".gif"):
                assert (folder / file).read_bytes() == (out / file).read_bytes()
        if target == "hugo":
            assert shipped == {f"layouts/shortcodes/render-{k}.html" for k in ("figure", "video", "surface")}
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
    assert tags.first("source")["srcset"] == "loss-compressed-light@1x.png 1x, loss-compressed-light.png 2x"


def test_a_video_is_muted_loops_loads_metadata_and_has_captions(out):
    tags = Tags(html_snippet(out, "descent-compressed"))
    video = tags.first("video")
    assert {"controls", "muted", "loop", "playsinline"} <= set(video) and "autoplay" not in video
    assert video["preload"] == "metadata" and "width:100%" in video["style"] and "aspect-ratio:1280/720" in video["style"]
    track = tags.first("track")
    assert (track["kind"], track["src"], "default" in track) == ("captions", "descent-compressed.vtt", True)
    assert "autoplay" in Tags(html_snippet(out, "descent-compressed", "--autoplay")).first("video")


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
    assert '<a href="descent-compressed.mp4"><img src="descent-compressed.gif"' in snippet
    assert "<video" not in snippet and "<iframe" not in snippet


def test_publishing_again_replaces_the_bundle(out):
    publish(out, "--target", "html", "loss-compressed")
    folder = out / "publish" / "html" / "loss-compressed"
    (folder / "stale.png").write_text("from before")
    assert publish(out, "--target", "html", "loss-compressed").exit_code == 0
    assert not (folder / "stale.png").exists()
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
