"""What a blogger pastes into a post to show one output, for each kind of site: the publish targets.

A snippet is written by the target's template (``templates/snippets/``)
from a :class:`~render.catalog.RenderedOutput`.  Every path it names goes
through a :class:`Links`, which writes it the way that site will find the
file and remembers it: the files a bundle must hold are exactly the ones its
snippet names, never a list kept apart that could drift from it.

The HTML the targets share (``snippets/markup.j2``) needs no stylesheet of the
host site: media keep their aspect ratio and scale down to the column with
inline styles, a video starts muted and loads only its metadata (nothing
before it is played, where a phone's player is beside it), and the 3D
view is an image until the reader asks for it (the page and Plotly's
JavaScript load on that click, not with the post).  Where an output has a
phone's layout (:mod:`render.layouts`), its pictures are offered under the
phone's media query, ``PHONE.media``, which reaches every template as the global
``phone_media``: written once, in ``layouts``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from render.catalog import COLUMN_PX, RenderedOutput
from render.errors import RenderError
from render.layouts import COLUMN, PHONE, Layout

TEMPLATES = Path(__file__).parent / "templates"
HUGO_SHORTCODES = TEMPLATES / "hugo"  # shipped in each Hugo bundle under layouts/shortcodes/


# A template language a site generator runs over a post's text before it reads the Markdown or HTML: a caption
# holding one of its tags would be run (or stop the build).  Jekyll runs Liquid over every page with front matter;
# Eleventy, over Markdown and HTML pages by default.
LIQUID = "Liquid"
# No other host of ours runs one over a whole page: Hugo runs Go templates in layouts and shortcodes, never over a
# page's Markdown (our words are shortcode arguments, raw strings that only a backquote ends); Quarto's shortcodes
# and MyST's substitutions are Markdown syntax, which ``markdown_text`` escapes ("\{"), and HTML's ``&lt;``
# already takes the "<" of a Quarto or Hugo shortcode's "{{<".  Plain MkDocs and GitHub run none.


@dataclass(frozen=True)
class Target:
    """A kind of site: ``help`` says what a blogger does with the bundle, ``snippet`` is the file to paste."""

    name: str
    help: str
    snippet: str = "snippet.md"
    # How a path is written: beside the page, one level up (a page served as a directory), or through
    # Jekyll's ``relative_url`` (files under the site's assets folder).
    paths: str = "beside"
    default_base: str = ""
    template: str = ""  # the template under templates/snippets/, if not the target's name
    # The template languages the target's hosts run over the page the snippet is pasted into (see shown_words).
    templates: tuple[str, ...] = ()
    # The configuration the site needs once for the bundles' files to reach its readers (a line of its config
    # file), where it needs any: written into each bundle's README.txt and printed by publish.
    setup: str = ""
    setup_in: str = ""  # the configuration file that line goes into
    # How the site says its own colour scheme, where it has a switch of its own: the CSS selectors of a page in
    # its light scheme and in its dark one (an attribute its theme sets, its value unquoted: a <style> decodes no
    # escaped quote), which an ``auto`` snippet follows before the reader's system.
    site_schemes: tuple[str, str] | tuple[()] = ()

    @property
    def usage(self) -> str:
        """What a blogger does with the bundle, as ``--help`` and the gallery say it: ``help``, and where the site's
        line of configuration is, if it needs one."""
        return f"{self.help[:-1]}; README.txt (not to copy) holds the line for {self.setup_in}." if self.setup \
            else self.help

    def readme(self) -> str:
        """The text of a bundle's README.txt: where its files go, and the site's one line of configuration."""
        return (f"{self.help}\n\nOnce per site, in {self.setup_in} (what the site needs to publish these files "
                f"as they are):\n\n    {self.setup}\n")

    @property
    def template_name(self) -> str:
        return f"snippets/{self.template or self.name}.j2"


TARGETS = {target.name: target for target in (
    # Any page includes a Jekyll or Eleventy one, which Liquid runs over.
    Target("html", "Any page: paste snippet.html and copy the files beside the page (inline styles: no CSS needed).",
           snippet="snippet.html", templates=(LIQUID,)),
    Target("markdown", "Any other Markdown site: paste snippet.md into the post, copy the files beside it.",
           templates=(LIQUID,)),
    # Material for MkDocs sets its palette's scheme on <body>: "default" (light) or "slate" (dark).
    Target("mkdocs", "MkDocs: paste snippet.md into docs/POST.md, copy the files beside it (paths go up one "
                     "level: POST.md is served at POST/).", paths="above", template="markdown",
           site_schemes=("[data-md-color-scheme=default]", "[data-md-color-scheme=slate]")),
    Target("jekyll", "Jekyll: paste snippet.md into a post, copy the files into assets/ (paths go through "
                     "relative_url, so baseurl holds).", paths="jekyll", default_base="/assets/", template="markdown",
           templates=(LIQUID,)),
    Target("quarto", "Quarto: paste snippet.md into POST.qmd, copy the files beside it and list them under "
                     "resources: in its front matter."),
    Target("myst", "MyST in Sphinx: paste snippet.md into the page and put its files in html_extra_path, under "
                   "the page's path (a figure rendered without a phone layout: beside the page)."),
    Target("hugo", "Hugo page bundle: paste snippet.md into index.md, copy the files beside it and layouts/ into "
                   "the site's root."),
    Target("github", "A README: paste snippet.md, copy the files beside it (a video as a GIF linking to the MP4, "
                     "a 3D view as its image)."),
    # MDX (Docusaurus reads .md as MDX too): JSX, where HTML's void elements are closed and attributes are React's.
    Target("docusaurus", "Docusaurus 3: paste snippet.mdx into a blog post or doc (.mdx or .md), copy the files "
                         "into static/ (paths start at the site's root: --base-url for a baseUrl).",
           snippet="snippet.mdx", default_base="/",
           site_schemes=("[data-theme=light]", "[data-theme=dark]")),
    Target("astro", "Astro: paste snippet.md into a Markdown post (src/content/blog/POST.md), copy the files into "
                    "public/ (paths start at the site's root: --base-url for a base).",
           default_base="/", template="markdown"),
    # Eleventy 3 copies no file it is not told to, and takes every .html file of its input for a template (the 3D
    # view's page would become NAME/index.html): public/ is copied whole and kept from its templates (the base
    # blog copies public/ to the root already).  No glob over the project: passthrough globs search node_modules.
    Target("eleventy", "Eleventy: paste snippet.md into a post (posts/POST.md), copy the files into public/ "
                       "(paths start at the site's root: --base-url for a pathPrefix, unless HtmlBasePlugin adds "
                       "it).",
           default_base="/", template="markdown", templates=(LIQUID,),
           setup='eleventyConfig.addPassthroughCopy({"public": "/"}).ignores.add("public/**");',
           setup_in="eleventy.config.js, in its function"),
    # Root paths, not Pelican's {static} links: it rewrites one URL attribute per tag, and never a srcset.
    Target("pelican", "Pelican: paste snippet.md into the article, copy the files into content/images/ (paths "
                      "start at /images/: --base-url SITEURL/images/ for a site below its domain's root).",
           default_base="/images/", template="markdown",
           setup='ARTICLE_EXCLUDES = ["images"]', setup_in="pelicanconf.py"),
)}

# A base URL is pasted into attributes and Liquid strings: an http(s) URL or a path, with no quote,
# space, angle bracket or backslash, so that nothing in it can end the string it sits in.
BASE_URL = re.compile(r"(?:https?://[\w.:@-]+)?/?[\w.~@%+-]*(?:/[\w.~@%+-]*)*")


def check_base_url(base_url: str) -> str:
    """The base URL with one trailing ``/``, or a :class:`RenderError` saying what is wrong with it."""
    if not BASE_URL.fullmatch(base_url) or not base_url:
        raise RenderError(f"base URL {base_url!r} is not a URL or path of plain characters "
                          "(letters, digits, . _ ~ - % + / and an http:// or https:// start)")
    return base_url.rstrip("/") + "/"


@dataclass
class Links:
    """Writes a bundle's paths as its target's site finds them, and remembers every file named."""

    target: Target
    base_url: str | None = None  # checked by check_base_url; None: the target's own placement
    used: list[str] = field(default_factory=list)  # paths in the output directory, in order of first use

    def __call__(self, file: dict | None) -> str:
        if not file:
            return ""
        path = file["path"]
        if path not in self.used:
            self.used.append(path)
        name = Path(path).name  # a bundle keeps its files flat, beside the snippet
        base = self.base_url if self.base_url is not None else self.target.default_base
        if self.target.paths == "jekyll" and not base.startswith(("http://", "https://")):
            from markupsafe import Markup  # Liquid's quotes must reach the page as they are

            return Markup("{{ '%s%s' | relative_url }}") % (Markup(base), Markup(name))
        if base:
            return base + name
        return "../" + name if self.target.paths == "above" else name


# What means something inside a line in CommonMark, Pandoc (Quarto) or MyST: code, emphasis, links, math, citations
# and cross-references (@), sub- and superscript, roles and substitutions ({{ }}).  < > & " ' are HTML-escaped after.
MARKDOWN_PUNCTUATION = re.compile(r"[\\`*_\[\]{}$@^~|]")
# What else means something at the start of a line: a heading, a list ("-", "+", "1." or "a)"), a fenced div (":::"),
# a MyST comment ("%"), ...
LINE_START = re.compile(r"^(\w+(?=[.)](?:\s|$)))?([!#%()+,\-./:;=?])")


def markdown_text(text: str) -> str:
    """Text for a Markdown paragraph or image label, shown as it is: on one line (a line break could end the block),
    with a backslash before whatever Markdown would take for syntax (a backquote could swallow the label's end)."""
    text = MARKDOWN_PUNCTUATION.sub(r"\\\g<0>", " ".join(text.split()))
    return LINE_START.sub(r"\g<1>\\\g<2>", text, count=1)


def pandoc_attribute(text: str) -> str:
    """Text for a quoted attribute value in Pandoc's ``{key="value"}`` (Quarto's fig-alt): on one line, with its
    backslashes doubled (Pandoc reads ``\\"`` and ``\\\\`` there).  Its quotes are HTML-escaped after: Pandoc
    decodes entities there."""
    return " ".join(text.split()).replace("\\", "\\\\")


def option_value(text: str) -> str:
    """A MyST directive option's value as a YAML single-quoted string: plain text, where an unquoted `` #`` would
    start a comment and cut the value.  Not HTML-escaped: Sphinx escapes what it writes into the page."""
    from markupsafe import Markup

    return Markup("'" + " ".join(text.split()).replace("'", "''") + "'")


def shortcode_value(text: str) -> str:
    """A Hugo shortcode argument as a raw string: Go's backquotes, which nothing in it may close.

    Not HTML-escaped here: the shortcode's Go template escapes what it writes into the page."""
    from markupsafe import Markup

    return Markup("`" + " ".join(str(text).replace("`", "'").split()) + "`")


def density(image: dict, shown: dict) -> str:
    """``image``'s density in a ``srcset`` beside ``shown``, the file at the pixels it is shown at (``1x``): their
    widths' ratio (``2x`` for a figure, ``1.71x`` for a 3D view's 1200 px still beside its 700 px one); ``2x``
    where a hand-edited record leaves a width out."""
    if not (image.get("width") and shown.get("width")):
        return "2x"
    return f"{image['width'] / shown['width']:.3g}x"


def video_class(name: str) -> str:
    """The class of output ``name``'s two players, by which their ``<style>`` shows one at a time: unique on a page
    of many outputs."""
    return "render-video-" + class_safe(name)


def scheme_class(name: str) -> str:
    """The class of output ``name``'s media in each colour scheme (``-dark``, ``-light`` after it), by which their
    ``<style>`` shows the one of the site's or the reader's scheme."""
    return "render-scheme-" + class_safe(name)


def class_safe(name: str) -> str:
    """``name`` as a class: any character a class selector would have to escape (``.``, ``@``, ...) is written
    ``_`` and its code, ``_`` too, so that two names never share a class."""
    return re.sub(r"[^A-Za-z0-9-]", lambda match: f"_{ord(match[0]):x}", name)


def without_blank_lines(html: str) -> str:
    """A raw HTML block ends at a blank line in Markdown: the HTML parts of a Markdown snippet have none.
    (Only our own templates' markup comes through here, already escaped.)"""
    from markupsafe import Markup

    return Markup("\n".join(line for line in str(html).splitlines() if line.strip()))


# The inline styles the HTML snippets write (snippets/markup.j2 as style="...", docusaurus.j2 as React's objects):
# they need no stylesheet of the host site.  A figure and its image say float:none, which a theme's rule for figures
# (Pelican's notmyidea floats the newest article's) would otherwise change.
INLINE_STYLES = {
    "figure": "margin:1.5em 0;max-width:100%;float:none",
    "image": "display:block;max-width:100%;height:auto;float:none",
    "bare": "margin:0;padding:0;border:0",  # an image that is a button's: no margin or frame of the site's
    "caption": "margin-top:.5em;font-size:.9em",
    "caption_link": "color:inherit;text-decoration:underline",
    # The long description: its negative top margin takes 1em off the figure's bottom one (margins collapse).
    "details": "margin:-1em 0 1.5em;max-width:100%;font-size:.9em",
    "summary": "cursor:pointer",
    "paragraph": "margin:.5em 0",
    "surface_box": "max-width:100%",
    "label": "position:absolute;left:50%;bottom:12px;transform:translateX(-50%);padding:8px 16px;border-radius:20px;"
             "background:rgba(0,0,0,.8);color:#fff;font:600 16px/1.2 system-ui,sans-serif;white-space:nowrap",
}


# A player's poster.  A browser fetches every <video poster> with the page, a player hidden by its <style> (the
# other layout's, the other scheme's) too: the three hidden posters of a video with a phone's layout and a light
# twin held a phone's Largest Contentful Paint at 2.6-2.7 s in Lighthouse, 2.0 s without them.  So a player's
# picture is its background image, which Chromium (and every browser) fetches only for a player that is displayed,
# drawn where the poster would be (centred, its whole picture in the player's box, of the same aspect ratio), and
# counted as the Largest Contentful Paint as the poster was.  Its poster attribute is a transparent pixel in the
# page, fetching nothing: without one, Chromium paints a grey box of its own over the background until the player
# plays.  A playing video's frames cover the box.
BLANK_POSTER = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def poster_background(url: str) -> str:
    """A player's poster at ``url`` as the inline CSS that draws it (see ``BLANK_POSTER``).  The url is written
    unquoted: a bundle's paths are plain names under a checked base URL (no space, quote or parenthesis), and a
    Jekyll path's Liquid, kept as it is (markupsafe), is replaced by such a path before a browser reads it."""
    from markupsafe import Markup

    return Markup("background:url({}) center/contain no-repeat").format(url)


@functools.cache
def environment():
    """The Jinja environment of every template: the snippets, and the gallery page that shows them."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters.update(markdown_text=markdown_text, pandoc_attribute=pandoc_attribute, option_value=option_value,
                       shortcode_value=shortcode_value, without_blank_lines=without_blank_lines,
                       video_class=video_class, scheme_class=scheme_class, density=density,
                       poster_background=poster_background)
    from render.mdx import FILTERS as MDX_FILTERS  # the docusaurus template's: CSS and words as MDX reads them
    env.filters.update(MDX_FILTERS)
    # Hugo's shortcode delimiters, which Jinja would otherwise take for its own or escape; the media query under
    # which a page offers the phone's layout; the inline styles.
    env.globals.update(shortcode_open=Markup("{{<"), shortcode_close=Markup(">}}"), phone_media=PHONE.media,
                       styles=INLINE_STYLES, blank_poster=BLANK_POSTER)
    return env


def snippet(output: RenderedOutput, target: Target, links: Links, eager: bool = False,
            autoplay: bool = False) -> str:
    """The text to paste for ``output`` on ``target``'s site; ``links`` learns every file it names.

    ``eager`` loads an image with the page (the first on a page: it is what a reader sees first);
    ``autoplay`` starts a video by itself (muted, as browsers require).  ``output`` is shown in the colour
    schemes it has files for (see :meth:`RenderedOutput.in_scheme`): both, each where the site's or the reader's scheme asks.
    """
    template = environment().get_template(target.template_name)
    output = replace(output, caption=shown_words(output.caption, target), alt=shown_words(output.alt, target),
                     description=tuple(shown_words(paragraph, target) for paragraph in output.description))
    text = template.render(output=output, link=links, eager=eager, autoplay=autoplay,
                           site_schemes=target.site_schemes)
    return text.strip() + "\n"


SCHEMES = ("auto", "light", "dark")  # what publish --scheme takes; auto: the site's scheme, else the reader's


def shown_words(text: str, target: Target) -> str:
    """A caption, alt text or paragraph of a long description as every snippet holds it: on one line, since a line break could end the block it is
    in (a blank line ends Markdown's raw HTML, a line of backquotes a fence).

    Where the target's hosts run a template language over the page, every ``{`` is written ``&#123;``: the words
    then hold no tag of any language whose tags open with a brace (Liquid, Nunjucks, Jinja, Go templates), and
    read the same once the browser decodes the entity.  Only targets whose words all go into HTML declare one
    (an entity would show as itself in Markdown text or a Hugo shortcode's argument)."""
    text = " ".join(text.split())
    if not target.templates:
        return text
    from markupsafe import Markup, escape

    return escape(text).replace("{", Markup("&#123;"))


def for_target(output: RenderedOutput, target: Target) -> RenderedOutput:
    """``output`` as ``target`` shows it: a README cannot play a video, so one that has no GIF gets one (and its
    phone layout one of its own), made from its MP4 when it is published (its file entry says ``made_from``)."""
    if target.name != "github" or output.kind != "video":
        return output
    files = dict(output.files)
    for layout, width in ((COLUMN, COLUMN_PX), (PHONE, PHONE.css_px)):
        gif = readme_gif_entry(files, layout, width)
        if gif is not None:
            files[layout.role("gif")] = gif
    return replace(output, files=files)


def readme_gif_entry(files: dict, layout: Layout, width: int) -> dict | None:
    """The file entry of the GIF a README shows for a video's ``layout``, ``width`` CSS px wide at most, made from
    its MP4 (else WebM) and named after it (a light twin's GIF is ``NAME-light.gif``); ``None`` where it has one
    already or no video to make it from."""
    if layout.role("gif") in files:
        return None
    source = files.get(layout.role("mp4")) or files.get(layout.role("webm"))
    if source is None:
        return None
    stem = Path(source["path"]).stem
    size = source.get("width"), source.get("height")
    width = min(width, size[0] or width)  # a column wide where a hand-edited manifest does not say
    gif = {"path": f"{stem}.gif", "role": layout.role("gif"), "format": "gif", "width": width,
           "made_from": source["path"], "duration": source.get("duration", 0)}
    if all(size):
        gif["height"] = round(size[1] * width / size[0] / 2) * 2
    return gif


def hugo_shortcodes() -> list[Path]:
    """The shortcodes a Hugo bundle ships, for ``layouts/shortcodes/``."""
    return sorted(HUGO_SHORTCODES.glob("*.html"))
