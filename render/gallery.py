"""``index.html`` of a post's output folder: every output in the post's order, ready to look at and to embed.

The gallery is generated from ``manifest.json`` alone, so it shows exactly
what was rendered.  ``read_manifest`` drops any output whose files are not
plain paths inside the output directory, so a hand-edited manifest cannot put
a ``javascript:`` or ``../`` URL on the page.  Jinja2 escapes every name,
caption, alt text and snippet, so a ``<`` or ``&`` in a caption cannot break
the page.  Each output is shown by the plain HTML snippet a blogger would
paste (so the page is also a test of it: the 3D views load only when asked,
which keeps the page light, and a phone-wide window shows the phone's layout of
each output that has one), and every publish target's snippet is there to
copy, the same text ``render publish`` writes, on a page of its own
(``snippets.html``): every target's text for every output is several times the
page's own weight, which a reader looking at the outputs would download for
nothing.

The page carries a digest of what it was made from (the manifest, this
module and its templates): when that has not changed, the page is not
rewritten and Jinja2 is not even imported, so a run with nothing to do stays fast.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from render.catalog import RenderedOutput, rendered_outputs
from render.files import write_text_atomic
from render.manifest import MANIFEST_NAME, read_manifest
from render.snippets import TARGETS, TEMPLATES, Links, environment, for_target, snippet
from render.theme import BACKGROUNDS

INDEX_NAME = "index.html"
SNIPPETS_NAME = "snippets.html"  # every target's snippet of every output, to copy: linked from each output


@dataclass(frozen=True)
class Shown:
    """One output on the page: shown as the plain HTML snippet, with every target's snippet to copy."""

    output: RenderedOutput
    media: str
    snippets: dict[str, str]  # target name -> the snippet `render publish --target NAME` writes


def shown(output: RenderedOutput, first: bool) -> Shown:
    """``output`` as the page shows it; the ``first`` image loads with the page (it is what a reader sees first)."""
    snippets = {name: snippet(for_target(output, target), target, Links(target)) for name, target in TARGETS.items()}
    media = snippet(output, TARGETS["html"], Links(TARGETS["html"]), eager=True) if first else snippets["html"]
    return Shown(output, media, snippets)


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
    """Write ``index.html`` and ``snippets.html`` from ``manifest.json``; the index, or ``None`` if there is no
    valid manifest.

    The first line of each page names the digest it was made from; pages
    already made from the same digest are left as they are.
    """
    manifest = read_manifest(out_dir)
    if manifest is None:
        return None
    index, snippets = out_dir / INDEX_NAME, out_dir / SNIPPETS_NAME
    stamp = f"<!-- made from {_made_from(out_dir, title, description)} -->"
    if all(_stamped(page, stamp) for page in (index, snippets)):
        return index
    outputs = rendered_outputs(manifest)
    items = [shown(output, first=number == 0) for number, output in enumerate(outputs)]
    words = dict(title=title, description=description or default_description(title), backgrounds=BACKGROUNDS,
                 targets=TARGETS, items=items, index_page=INDEX_NAME, snippets_page=SNIPPETS_NAME)
    for page, template in ((snippets, "gallery-snippets.html.j2"), (index, "gallery.html.j2")):  # index last
        write_text_atomic(page, f"{stamp}\n{environment().get_template(template).render(**words)}")
    return index


def _stamped(page: Path, stamp: str) -> bool:
    """Whether ``page`` was made from the digest ``stamp`` names (its first line)."""
    try:
        with open(page, encoding="utf-8") as text:
            return text.readline().rstrip("\n") == stamp
    except (OSError, UnicodeDecodeError):
        return False
