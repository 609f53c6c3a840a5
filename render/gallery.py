"""``index.html`` of a post's output folder: every output in the post's order, ready to look at and to embed.

The gallery is generated from ``manifest.json`` alone, so it shows exactly
what was rendered.  ``read_manifest`` drops any output whose files are not
plain paths inside the output directory, so a hand-edited manifest cannot put
a ``javascript:`` or ``../`` URL on the page.  Jinja2 escapes every name,
caption, alt text and snippet, so a ``<`` or ``&`` in a caption cannot break
the page.  Each output is shown by the plain HTML snippet a blogger would
paste (so the page is also a test of it: the 3D views load only when asked,
and a phone-wide window shows the phone's layout of each output that has
one).

A reader opening the gallery downloads what the first screen shows and little
more.  Images below it are lazy in the snippet itself; a video's poster is
not (it is the player's background image, which a browser fetches for every
player displayed, above the window or below it, though never for a hidden
one), so on this page every player but the first output's waits for its
poster until it comes near the window (a few lines of script set it; a
reader without script sees the player without its picture), and none loads
anything of its video before it is played.  Every publish target's snippet
of an output, the same text ``render publish`` writes, is on a small page of
its own (``snippets/NAME.html``) linked from the output: all targets' text of
all outputs is many times the gallery's own weight, and a reader copies one
output's at a time.  Plain pages and links work as well from a file on disk
as from a server, which a page fetching its snippets by script would not.

Each page carries a digest of what it was made from (the manifest, this
module and its templates): when that has not changed, the pages are not
rewritten and Jinja2 is not even imported, so a run with nothing to do stays fast.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from render.catalog import RenderedOutput, rendered_outputs
from render.files import write_text_atomic
from render.manifest import MANIFEST_NAME, read_manifest
from render.snippets import TARGETS, TEMPLATES, Links, environment, for_target, snippet
from render.theme import BACKGROUNDS

INDEX_NAME = "index.html"
SNIPPETS_DIR = "snippets"  # snippets/NAME.html: every target's snippet of one output, to copy, linked from it
FORMER_SNIPPETS_PAGE = "snippets.html"  # every output's on one page, as earlier versions wrote: removed
STAMP_START = "<!-- made from "
# A player's poster as the snippet names it (its background, as render.snippets.poster_background writes it: the
# player's style, what comes before the url, the url), and the preload it asks for: the gallery defers both (see the
# module).
POSTER = re.compile(r'(<video\b[^>]*?) style="([^"]*?)background:url\(([^)"]*)\) ')
PRELOAD = re.compile(r'(<video\b[^>]*?) preload="metadata"')


@dataclass(frozen=True)
class Shown:
    """One output on the page: shown as the plain HTML snippet, with every target's snippet to copy."""

    output: RenderedOutput
    media: str
    snippets: dict[str, str]  # target name -> the snippet `render publish --target NAME` writes

    @property
    def page(self) -> str:
        """Its snippets' page, relative to the gallery."""
        return f"{SNIPPETS_DIR}/{self.output.name}.html"


def shown(output: RenderedOutput, first: bool) -> Shown:
    """``output`` as the page shows it: the ``first`` output loads with the page (it is what a reader sees first),
    every other one's players wait (see the module)."""
    snippets = {name: snippet(for_target(output, target), target, Links(target)) for name, target in TARGETS.items()}
    if first:
        return Shown(output, snippet(output, TARGETS["html"], Links(TARGETS["html"]), eager=True), snippets)
    return Shown(output, waiting(snippets["html"]), snippets)


def waiting(html: str) -> str:
    """The ``html`` snippet with its players waiting: each poster in ``data-poster``, out of the player's background
    (the page's script puts it back when the player nears the window), and nothing of a video loaded before it is
    played.

    The snippet is our own template's, every attribute value escaped, so ``<video ... style="`` is an attribute
    wherever it occurs."""
    return PRELOAD.sub(r'\1 preload="none"', POSTER.sub(r'\1 data-poster="\3" style="\2background:', html))


def default_description(title: str) -> str:
    """What a page says of itself where its post says nothing (search results and link previews show it)."""
    return (f"{title}: every figure, video and 3D view, rendered, with its alt text and the snippet to paste it "
            "into a post on any kind of site.")


def _made_from(out_dir: Path, title: str, description: str) -> str:
    """A digest of everything the page is made from: the manifest's bytes, the title, the code that writes the
    page and its snippets (this module, ``snippets`` and ``mdx``, ``catalog``, and ``layouts``, whose media query
    the page holds), and their templates."""
    digest = hashlib.sha256(title.encode())
    if description:
        digest.update(description.encode())
    digest.update(repr(sorted(BACKGROUNDS.items())).encode())
    code = [Path(__file__).with_name(module)
            for module in ("gallery.py", "snippets.py", "mdx.py", "catalog.py", "layouts.py")]
    for path in (out_dir / MANIFEST_NAME, *code, *sorted(TEMPLATES.rglob("*.j2"))):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def write_gallery(out_dir: Path, title: str, description: str = "") -> Path | None:
    """Write ``index.html`` and each output's ``snippets/NAME.html`` from ``manifest.json``; the index, or ``None``
    if there is no valid manifest.

    The first line of each page names the digest it was made from; pages
    already made from the same digest are left as they are.  Snippet pages of
    outputs no longer in the manifest, and the one page of every output's
    snippets earlier versions wrote, are removed: a link to them would show
    what is no longer rendered.
    """
    manifest = read_manifest(out_dir)
    if manifest is None:
        return None
    index, folder = out_dir / INDEX_NAME, out_dir / SNIPPETS_DIR
    stamp = f"{STAMP_START}{_made_from(out_dir, title, description)} -->"
    names = [record["name"] for record in manifest["outputs"]]
    pages = [folder / f"{name}.html" for name in dict.fromkeys(names)]
    if all(_stamped(page, stamp) for page in (index, *pages)):
        return index
    outputs = rendered_outputs(manifest)
    items = [shown(output, first=number == 0) for number, output in enumerate(outputs)]
    words = dict(title=title, description=description or default_description(title), backgrounds=BACKGROUNDS,
                 targets=TARGETS, items=items, index_page=INDEX_NAME)
    environment_ = environment()
    folder.mkdir(exist_ok=True)
    for item in items:
        text = environment_.get_template("gallery-snippets.html.j2").render(item=item, root="../", **words)
        write_text_atomic(folder / f"{item.output.name}.html", f"{stamp}\n{text}")
    written = {f"{item.output.name}.html" for item in items}
    for page in (*folder.glob("*.html"), out_dir / FORMER_SNIPPETS_PAGE):
        if page.name not in written and _stamped(page, STAMP_START):
            page.unlink()
    write_text_atomic(index, f"{stamp}\n{environment_.get_template('gallery.html.j2').render(**words)}")  # last
    return index


def _stamped(page: Path, stamp: str) -> bool:
    """Whether ``page``'s first line is ``stamp`` (the digest it was made from), or begins with it where ``stamp`` is
    :data:`STAMP_START` (a page the gallery wrote, from whatever digest)."""
    try:
        with open(page, encoding="utf-8") as text:
            line = text.readline().rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return False
    return line.startswith(stamp) if stamp == STAMP_START else line == stamp
