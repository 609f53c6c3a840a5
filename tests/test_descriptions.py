"""Descriptions and captions apart: a short alt text that leads with the point, the long description under the
output on request (a video's transcript), and the words written from the data as a descriptions track, never as
captions over the plot."""

import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from render.gallery import write_gallery
from render.manifest import checked_record, load_record
from render.pipeline import render_output
from render.settings import RenderSettings, RunSession
from render.snippets import TARGETS
from render.spec import Curves, Figure, Line, Output
from render.words import ALT_LENGTH, long_description
from scenes import SceneContext, article_outputs
from tests.site_checks import mdx_html
from tests.test_gallery import MANIFEST
from tests.test_publish import out, publish  # noqa: F401  (the fixture: a figure, a video, a surface)

# Captions on by default are read while the video plays: a line of a few words, two lines at most in a column.
CAPTION_WORDS = 12


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    """Every output of the article, built from the tiny cat/dog set on a coarse grid: name -> content."""
    from tests.conftest import write_catdog

    data = write_catdog(tmp_path_factory.mktemp("article") / "datasets")
    return {o.name: o.build() for o in article_outputs(SceneContext(data_dir=data, grid_size=24))}


def test_every_alt_text_of_the_article_is_short_and_leads_with_words_not_axis_ranges(article):
    for name, content in article.items():
        assert 20 <= len(content.alt) <= ALT_LENGTH, (name, len(content.alt), content.alt)
        assert not re.match(r"(Video|Two panels|Interactive|Loss over|MSE over)\b", content.alt), (name, content.alt)


def test_the_numbers_the_alt_leaves_out_are_in_the_description(article):
    for name in ("catdog-weights", "boundary-compressed", "boundary-normalized", "contour-compressed",
                 "optimizers-compressed"):
        content = article[name]
        assert len(content.description) > 2 * len(content.alt), name
    assert "correlate" in article["catdog-weights"].description and "255 white" in article["catdog-weights"].description


def test_where_each_loss_is_lowest_on_a_plane_is_said_from_its_grid():
    from scenes.describe import describe_lowest

    alphas, betas = np.array([-1.0, 0.0, 2.5]), np.array([-2.0, 0.5])
    train = np.array([[3.0, 2.0, 0.25], [4.0, 1.0, 0.5]])  # train[j, i] at (alphas[i], betas[j])
    test = np.array([[3.0, 2.0, 2.2], [4.0, 1.5, 2.5]])
    assert describe_lowest(alphas, betas, {"train": train, "test": test}) == (
        "On the grid, the train loss is lowest (0.25) at (2.5, -2) and the test loss is lowest (1.5) at (0, 0.5); "
        "the trained parameters are at (0, 0).")


def test_the_3d_view_of_two_losses_describes_both(article):
    content = article["catdog-landscape-surface"]
    assert "test loss at a button's press" in content.description
    assert "train loss is lowest" in content.description and "test loss is lowest" in content.description


def test_a_videos_transcript_is_its_description_then_what_each_phase_shows(article):
    content = article["descent-compressed"]
    paragraphs = long_description(content)
    assert paragraphs[0] == content.description and paragraphs[1:] == [c.text for c in content.captions]


def test_short_alts_say_what_the_data_says(article):
    """The zig-zag is named where the loss goes back up, and the normalized descent, which never goes back up but
    turns through about 110°, curves smoothly rather than heading straight."""
    assert "zig-zags" in article["contour-compressed"].alt and "curves smoothly" in article["contour-normalized"].alt
    assert "straight" not in article["contour-normalized"].alt
    assert "ten" not in article["blobs-normalized"].alt and "similar ranges" in article["blobs-normalized"].alt
    assert re.search(r"feature 1 spanning \d+ times the range of feature 0", article["blobs-compressed"].alt)


def test_a_render_records_the_long_description_and_a_record_without_one_is_rendered_again(tmp_path):
    figure = Figure(panels=(Curves((Line(np.arange(3.0), np.arange(3.0)),)),), size=(3, 2), alt="A line going up",
                    description="From 0 to 2  over\n3 points.")
    output = Output("line", "figure", "A line", build=lambda: figure)
    with RunSession() as session:
        outcome = render_output(output, RenderSettings(out_dir=tmp_path), session, key="k")
    assert outcome.status == "rendered", outcome.message
    record = load_record(tmp_path, "line")
    assert (record.alt, record.description) == ("A line going up", ["From 0 to 2 over 3 points."])
    data = json.loads((tmp_path / ".render" / "records" / "line.json").read_text())
    del data["description"]  # as a record written before there was one
    assert checked_record(data, tmp_path) is None
    assert checked_record({**data, "description": "not a list"}, tmp_path) is None


class Page(HTMLParser):
    """The tracks, and the long descriptions' summaries and paragraphs, of some HTML."""

    def __init__(self, text):
        super().__init__()
        self.tracks, self.summaries, self.paragraphs, self._open = [], [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "track":
            self.tracks.append(dict(attrs))
        elif tag == "p" and "details" in self._open:
            self.paragraphs.append("")
        if tag not in ("track", "source", "img", "br"):
            self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data):
        if self._open[-1:] == ["summary"]:
            self.summaries.append(data.strip())
        elif self._open[-1:] == ["p"] and "details" in self._open:
            self.paragraphs[-1] += data


def captions_too_long(track: dict, folder) -> list[str]:
    """The cues of a captions track shown by default that hold more words than a reader reads while they show."""
    if track.get("kind", "subtitles") not in ("captions", "subtitles") or "default" not in track:
        return []
    cues = (folder / track["src"]).read_text().split("\n\n")[1:]
    return [cue for cue in cues if len(" ".join(cue.splitlines()[1:]).split()) > CAPTION_WORDS]


def test_the_words_from_the_data_are_a_descriptions_track_and_no_caption_covers_the_plot(out):  # noqa: F811
    for target in ("html", "markdown", "mkdocs", "jekyll", "quarto", "myst"):
        assert publish(out, "--target", target).exit_code == 0
        folder = out / "publish" / target / "descent-compressed"
        tracks = Page((folder / TARGETS[target].snippet).read_text()).tracks  # a track in each player
        assert tracks and all(track["kind"] == "descriptions" and "default" not in track for track in tracks), target
        assert all(captions_too_long(track, folder) == [] for track in tracks)
    assert publish(out, "--target", "hugo").exit_code == 0
    snippet = (out / "publish" / "hugo" / "descent-compressed" / "snippet.md").read_text()
    assert "descriptions=`descent-compressed.vtt`" in snippet
    shortcode = (out / "publish" / "hugo" / "descent-compressed" / "layouts" / "shortcodes" / "render-video.html")
    assert '<track kind="descriptions"' in shortcode.read_text() and "default" not in shortcode.read_text()


@pytest.mark.parametrize("target", [t for t in TARGETS if t != "hugo"])
def test_every_html_target_shows_the_long_description_collapsed_under_the_output(out, target):  # noqa: F811
    assert publish(out, "--target", target).exit_code == 0
    summaries = {"loss-compressed": "Description", "descent-compressed": "Transcript",
                 "surface-compressed": "Description"}
    texts = [(out / "publish" / target / name / TARGETS[target].snippet).read_text() for name in summaries]
    if target == "docusaurus":  # MDX, whose words are JavaScript strings: the HTML a reader gets of it
        texts = mdx_html(texts)
    for (name, summary), text in zip(summaries.items(), texts):
        page = Page(text)
        assert page.summaries == [summary], (target, name, text)
        assert page.paragraphs == [f"Every number of {name} & more.", "Then more."], (target, name)
        assert "<details open" not in text  # closed until asked for, and under the output, the snippet's end
        assert text.rstrip().removesuffix("```").rstrip().endswith("</details>"), (target, name)


def test_hugo_shows_the_long_description_through_its_shortcodes(out):  # noqa: F811
    assert publish(out, "--target", "hugo").exit_code == 0
    text = (out / "publish" / "hugo" / "descent-compressed" / "snippet.md").read_text()
    assert text.endswith("{{< render-details summary=`Transcript` >}}\n"
                         "{{< render-paragraph text=`Every number of descent-compressed & more.` >}}\n"
                         "{{< render-paragraph text=`Then more.` >}}\n{{< /render-details >}}\n")


def test_the_gallery_shows_each_long_description_with_its_output(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST))
    page = write_gallery(tmp_path, "Title").read_text()
    shown = Page(page)  # the snippets to copy are on a page of their own
    assert shown.summaries.count("Description") == 2 and shown.summaries.count("Transcript") == 1
    assert shown.paragraphs == ["Every number & <detail>."] * 3
    assert "Every number &amp; &lt;detail&gt;." in page
