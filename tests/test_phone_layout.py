"""Every snippet offers the phone's layout of an output that has one, and a render without one keeps its snippets.

The output directory is the one :mod:`tests.test_publish` makes by hand: a
figure with its light twin, a video, a surface, each with its phone layout's
files as a render records them (``phone-png``, ``phone-mp4``, ...).  Every
target names those files and its bundle holds them; the pictures are offered
under the phone's media query, ``render.layouts.PHONE.media``, and a video is
two players that a ``<style>`` swaps by it.  A manifest written before the
phone's layout (:func:`tests.test_publish.without_phone`) yields the snippets
it did then, stored in ``column_only_snippets.json``.  After an intended
change of those snippets, look at the difference, then store them again:

    RENDER_STORE_SNIPPETS=1 .venv/bin/python -m pytest tests/test_phone_layout.py -k without_a_phone
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from render.layouts import PHONE
from render.snippets import BLANK_POSTER, HUGO_SHORTCODES, TARGETS, poster_background, video_class
from tests.test_publish import NAMED, Tags, bundle_files, column_only, out, publish  # noqa: F401  (fixtures)

STORED = Path(__file__).with_name("column_only_snippets.json")
NAMES = ("loss-compressed", "descent-compressed", "surface-compressed")
# The phone layout's files each output's snippet names, on every site but a README (which shows a video as a GIF).
PHONE_NAMES = {
    "loss-compressed": {f"loss-compressed{theme}-phone{variant}.{fmt}" for theme in ("", "-light")
                        for variant in ("", "@1x") for fmt in ("png", "webp")},
    "descent-compressed": {"descent-compressed-phone.mp4", "descent-compressed-phone.webm",
                           "descent-compressed-phone.webp"},
    "surface-compressed": {"surface-compressed-phone.png", "surface-compressed-phone.webp",
                           "surface-compressed-phone@1x.webp"},
}
README_VIDEO = {"descent-compressed-phone.gif"}  # made from the phone's MP4 when it is published


def snippet_of(out_dir: Path, target: str, name: str, to: str = "publish") -> str:
    return (out_dir / to / target / name / TARGETS[target].snippet).read_text()


@pytest.mark.parametrize("target", list(TARGETS))
def test_every_target_names_the_phone_files_and_its_bundle_holds_them(out, target):
    assert publish(out, "--target", target).exit_code == 0
    for name in NAMES:
        expected = README_VIDEO if (target, name) == ("github", "descent-compressed") else PHONE_NAMES[name]
        text = snippet_of(out, target, name)
        assert expected <= set(NAMED.findall(text)), text
        assert expected <= set(bundle_files(out / "publish" / target / name))
        media = f"phonemedia=`{PHONE.media}`" if target == "hugo" else f'media="{PHONE.media}"'
        assert media in text or f"@media {PHONE.media}{{" in text, text


def test_a_picture_offers_the_phone_layout_first_at_its_own_aspect_ratio(out):
    """The browser takes the first <source> that matches: the phone's, in the reader's colour scheme, before the
    column's light twin; its width and height are the phone picture's, taller than the column's."""
    assert publish(out, "--target", "html").exit_code == 0
    tags = Tags(snippet_of(out, "html", "loss-compressed"))
    sources = [(a.get("media"), a.get("type"), a["srcset"], a.get("width"), a.get("height"))
               for t, a in tags.tags if t == "source"]
    light_phone, light = f"{PHONE.media} and (prefers-color-scheme: light)", "(prefers-color-scheme: light)"
    webp = "image/webp"  # each one's WebP before its PNG, for a browser without WebP
    assert sources == [
        (light_phone, webp, "loss-compressed-light-phone@1x.webp 1x, loss-compressed-light-phone.webp 2x", "390", "440"),
        (light_phone, None, "loss-compressed-light-phone@1x.png 1x, loss-compressed-light-phone.png 2x", "390", "440"),
        (PHONE.media, webp, "loss-compressed-phone@1x.webp 1x, loss-compressed-phone.webp 2x", "390", "440"),
        (PHONE.media, None, "loss-compressed-phone@1x.png 1x, loss-compressed-phone.png 2x", "390", "440"),
        (light, webp, "loss-compressed-light@1x.webp 1x, loss-compressed-light.webp 2x", None, None),
        (light, None, "loss-compressed-light@1x.png 1x, loss-compressed-light.png 2x", None, None),
        (None, webp, "loss-compressed@1x.webp 1x, loss-compressed.webp 2x", None, None)]
    assert (tags.first("img")["width"], tags.first("img")["height"]) == ("700", "300")  # the column's, elsewhere
    surface = Tags(snippet_of(out, "html", "surface-compressed"))
    names = [t for t, _ in surface.tags]
    assert names.index("button") < names.index("source") < names.index("img")  # the still inside its button
    assert surface.first("source") == {"media": PHONE.media, "type": "image/webp", "width": "390", "height": "500",
                                       "srcset": "surface-compressed-phone@1x.webp 1x, surface-compressed-phone.webp 2x"}


def test_a_video_is_two_players_a_style_swaps_by_the_viewport(out):
    """The column's player shows, the phone's is hidden in its own style (so a host that strips <style> shows the
    column's alone); under the phone's media query the <style> swaps them.  Each has its poster (as its background)
    and sources, the descriptions track and a download link; neither loads anything before it is played."""
    assert publish(out, "--target", "html").exit_code == 0
    text = snippet_of(out, "html", "descent-compressed")
    tags = Tags(text)
    column, phone = [a for t, a in tags.tags if t == "video"]
    name = video_class("descent-compressed")
    assert (column["class"], phone["class"]) == (name, f"{name}-phone")
    assert re.search(r"<style>(.*?)</style>", text)[1] == (
        f"@media {PHONE.media}{{.{name}{{display:none!important}}.{name}-phone{{display:block!important}}}}")
    assert text.index("<style>") < text.index("<video")
    assert column["style"].startswith("display:block;") and phone["style"].startswith("display:none;")
    # Each one's poster is its background (a hidden player fetches none), over a transparent poster of the page's.
    assert [re.findall(r";background:url\(([^)]+)\) center/contain no-repeat$", p["style"]) for p in (column, phone)
            ] == [["descent-compressed.webp"], ["descent-compressed-phone.webp"]]
    assert column["poster"] == phone["poster"] == BLANK_POSTER
    assert (phone["width"], phone["height"]) == ("714", "1254") and "aspect-ratio:714/1254" in phone["style"]
    for player in (column, phone):
        assert player["preload"] == "none" and {"controls", "muted", "loop", "playsinline"} <= set(player)
        assert player["aria-label"] == "The descent-compressed, described" and "autoplay" not in player
    players = text.split("<video")[1:]
    assert [re.findall(r'<source src="([^"]+)"', p) for p in players] == [
        ["descent-compressed.webm", "descent-compressed.mp4"],
        ["descent-compressed-phone.webm", "descent-compressed-phone.mp4"]]
    assert [p.count('<track kind="descriptions" src="descent-compressed.vtt"') for p in players] == [1, 1]
    assert [re.findall(r'<a href="([^"]+)">Download the video.</a>', p) for p in players] == [
        ["descent-compressed.mp4"], ["descent-compressed-phone.mp4"]]
    assert "\n\n" not in text  # a blank line would end Markdown's raw HTML block
    assert publish(out, "--target", "html", "--autoplay", "--to", str(out / "autoplay" / "html")).exit_code == 0
    autoplaying = Tags(snippet_of(out, "html", "descent-compressed", to="autoplay"))
    assert all("autoplay" in a for t, a in autoplaying.tags if t == "video")


def test_hugo_gives_its_shortcodes_the_phone_files_size_and_media_query(out):
    assert publish(out, "--target", "hugo").exit_code == 0
    figure, video, surface = (snippet_of(out, "hugo", name).splitlines()[0] for name in NAMES)
    media = f"phonemedia=`{PHONE.media}`"
    assert (" phone=`loss-compressed-phone@1x.png` phone2x=`loss-compressed-phone.png` "
            "lightphone=`loss-compressed-light-phone@1x.png` lightphone2x=`loss-compressed-light-phone.png` "
            f'phonewidth="390" phoneheight="440" {media} ') in figure
    assert (" phonewebm=`descent-compressed-phone.webm` phonemp4=`descent-compressed-phone.mp4` "
            f'phoneposter=`descent-compressed-phone.webp` phonewidth="714" phoneheight="1254" {media} '
            f"class=`{video_class('descent-compressed')}` ") in video
    assert f' phone=`surface-compressed-phone.png` phonewidth="390" phoneheight="500" {media} ' in surface
    assert " phonewebp=`loss-compressed-phone@1x.webp 1x, loss-compressed-phone.webp 2x` " in figure
    assert " lightphonewebp=`loss-compressed-light-phone@1x.webp 1x, loss-compressed-light-phone.webp 2x` " in figure
    assert " webp=`surface-compressed@1x.webp 1x, surface-compressed.webp 1.71x` " in surface
    assert " phonewebp=`surface-compressed-phone@1x.webp 1x, surface-compressed-phone.webp 2x` " in surface


def test_hugos_players_write_the_transparent_poster_the_other_snippets_write():
    """Go's templates refuse a data: URL given as an argument, so Hugo's video shortcode writes it itself: the same
    (each player's poster is its background there too, and Chromium would draw a grey box of its own over it)."""
    shortcode = (HUGO_SHORTCODES / "render-video.html").read_text()
    assert shortcode.count(f'poster="{BLANK_POSTER}"') == 2
    assert shortcode.count(";background:url({{ . }}) center/contain no-repeat") == 2
    assert str(poster_background("{{ . }}")) == "background:url({{ . }}) center/contain no-repeat"


def test_a_readme_shows_the_phones_gif_on_a_phone(out):
    """GitHub keeps <picture> and <source media> (not <video> or <style>): the phone's GIF, made from the phone's
    MP4 at most a phone wide, where the viewport is a phone's; the column's elsewhere, and both link to the MP4."""
    assert publish(out, "--target", "github").exit_code == 0
    folder = out / "publish" / "github" / "descent-compressed"
    text = (folder / "snippet.md").read_text()
    assert text.split("\n", 1)[1].startswith(f'<a href="descent-compressed.mp4"><picture><source media="{PHONE.media}" '
                           'srcset="descent-compressed-phone.gif" width="390" height="684"><img '
                           'src="descent-compressed.gif"')
    gif = (folder / "descent-compressed-phone.gif").read_bytes()
    assert gif[:6] == b"GIF89a" and int.from_bytes(gif[6:8], "little") == 390
    # In a link, the sources share the <picture>'s line: a line starting "<source" would end the link's paragraph.
    from markdown_it import MarkdownIt

    for name in ("descent-compressed", "surface-compressed"):
        text = (out / "publish" / "github" / name / "snippet.md").read_text()
        tokens = MarkdownIt("commonmark").parse(text)
        assert tokens[0].type == "html_block" and tokens[0].content.startswith("<!-- A README"), name  # its note
        first = tokens[1:4]
        assert [t.type for t in first] == ["paragraph_open", "inline", "paragraph_close"], name
        assert "<picture><source" in first[1].content and first[1].content.endswith("</picture></a>"), name


@pytest.mark.parametrize("target", ["quarto", "myst"])
def test_quarto_and_myst_show_a_figure_with_a_phone_layout_as_raw_html(out, target):
    """A Markdown image or a figure directive cannot offer <source media>: a <picture> in raw HTML, in a figure
    div with the caption as its last paragraph (Quarto) or in the figure every raw snippet writes (MyST)."""
    assert publish(out, "--target", target).exit_code == 0
    text = snippet_of(out, target, "loss-compressed")
    assert "](" not in text and "{figure}" not in text and f'<source media="{PHONE.media}"' in text
    if target == "quarto":
        assert text.startswith("::: {#fig-loss-compressed}\n```{=html}\n<picture>\n")
        assert "```\n\nWhat loss-compressed shows &amp; why\n:::\n" in text
    else:
        assert text.startswith("% Sphinx copies no file that raw HTML names: put this bundle's files in a folder "
                               "listed in html_extra_path")
        assert "```{raw} html\n<figure" in text


def test_every_players_class_is_a_plain_class_name_and_two_names_never_share_one():
    names = ["descent-compressed", "a.b", "a@b", "a_2eb", "a_b", "2x", "ünïcode"]
    classes = [video_class(name) for name in names]
    assert classes[0] == "render-video-descent-compressed"
    assert len(set(classes)) == len(names)
    assert all(re.fullmatch(r"render-video-[A-Za-z0-9_-]+", name) for name in classes), classes


def every_snippet(out_dir: Path) -> dict[str, str]:
    """Every target's snippet of every output, and a few targets' of the video with --autoplay, by "TARGET NAME"."""
    texts = {}
    for target in TARGETS:
        assert publish(out_dir, "--target", target).exit_code == 0
        for name in NAMES:
            texts[f"{target} {name}"] = snippet_of(out_dir, target, name)
    for target in ("html", "markdown", "hugo", "quarto"):
        to = out_dir / "autoplay"
        assert publish(out_dir, "--target", target, "--autoplay", "--to", str(to / target), NAMES[1]).exit_code == 0
        texts[f"{target} {NAMES[1]} --autoplay"] = snippet_of(out_dir, target, NAMES[1], to="autoplay")
    return texts


def test_a_render_without_a_phone_layout_keeps_the_snippets_it_had(column_only):
    """Byte for byte, on every target: no <source media>, one player that loads its metadata, a Quarto image and
    a MyST figure directive, the README's GIF alone."""
    texts = every_snippet(column_only)
    if os.environ.get("RENDER_STORE_SNIPPETS"):
        STORED.write_text(json.dumps(texts, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    stored = json.loads(STORED.read_text(encoding="utf-8"))
    assert texts.keys() == stored.keys()
    for key, text in texts.items():
        assert text == stored[key], key
    assert not any("phone" in text or PHONE.media in text for text in texts.values())
