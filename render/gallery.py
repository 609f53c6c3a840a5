"""``output/index.html``: every output in article order, ready to look at and to embed.

The gallery is generated from ``manifest.json`` alone, so it shows exactly
what was rendered.  ``read_manifest`` drops any output whose files are not
plain paths inside the output directory, so a hand-edited manifest cannot put
a ``javascript:`` or ``../`` URL on the page.  Jinja2 escapes every name,
caption, alt text and snippet, so a ``<`` or ``&`` in a caption cannot break
the page.  Snippets are given as the user would paste them into a blog post:
HTML (``<img srcset>``, ``<video>`` with WebM and MP4 sources, ``<iframe>``)
and Markdown.

The page carries a digest of what it was made from (the manifest, this
module and its templates): when that has not changed, the page is not
rewritten and Jinja2 is not even imported, so a run with nothing to do stays fast.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from render.files import write_text_atomic
from render.manifest import MANIFEST_NAME, read_manifest
from render.theme import BACKGROUNDS

TEMPLATES = Path(__file__).parent / "templates"
INDEX_NAME = "index.html"
SHARED_FILES = {"plotly.min.js"}  # one copy serves every surface page: not counted in each one's size


def human_size(n_bytes: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1000 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1000
    raise AssertionError("unreachable")


@dataclass
class GalleryItem:
    """One output as the gallery shows it, with its light twin's files where rendered."""

    name: str
    kind: str
    caption: str
    alt: str
    files: dict[str, dict[str, Any]]  # role -> file record (see _roles)
    light: dict[str, dict[str, Any]] = field(default_factory=dict)
    total_bytes: int = 0

    @property
    def size(self) -> str:
        return human_size(self.total_bytes)

    @property
    def duration(self) -> float | None:
        video = self.files.get("mp4") or self.files.get("webm") or self.files.get("gif")
        return video.get("duration") if video else None

    def html_snippet(self) -> str:
        return _environment().get_template("snippet.html.j2").render(item=self).strip()

    def markdown_snippet(self) -> str:
        alt = self.alt.replace("[", "(").replace("]", ")")
        if self.kind == "video":
            poster = self.files.get("poster") or self.files.get("gif")
            target = (self.files.get("mp4") or self.files.get("webm") or {}).get("path", "")
            return f"[![{alt}]({poster['path']})]({target})" if poster else f"[{alt}]({target})"
        if self.kind == "surface":
            image = self.files.get("png")
            page = self.files.get("html", {}).get("path", "")
            return f"[![{alt}]({image['path']})]({page})" if image else f"[{alt}]({page})"
        return f"![{alt}]({self.files['png']['path']})"


def _roles(files: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    """Name each file by what it is for: png (2x), png1x, svg, mp4, webm, gif, poster, html, js."""
    roles: dict[str, dict[str, Any]] = {}
    for file in files:
        path, fmt = file["path"], file["format"]
        if path.startswith("data/"):
            continue
        if fmt == "png":
            role = "png1x" if "@1x" in path else ("poster" if kind == "video" else "png")
        else:
            role = fmt
        roles.setdefault(role, file)
    return roles


def gallery_items(manifest: dict[str, Any]) -> list[GalleryItem]:
    """One item per output in manifest order: the default theme's files, else the light twin's alone."""
    records: dict[str, dict[str, dict[str, Any]]] = {}  # name -> theme -> record
    for record in manifest.get("outputs", []):
        records.setdefault(record["name"], {})[record["theme"]] = record
    items = []
    for name, by_theme in records.items():
        main = by_theme.get("dark") or by_theme["light"]
        twin = by_theme.get("light") if main is not by_theme.get("light") else None
        items.append(GalleryItem(
            name=name, kind=main["kind"], caption=main["caption"], alt=main["alt"],
            files=_roles(main["files"], main["kind"]),
            light=_roles(twin["files"], twin["kind"]) if twin else {},
            total_bytes=sum(f["bytes"] for f in main["files"] if f["path"] not in SHARED_FILES),
        ))
    return items


@functools.cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _made_from(out_dir: Path, title: str) -> str:
    """A digest of everything the page is made from: the manifest's bytes, the title, this code, the templates."""
    digest = hashlib.sha256(title.encode())
    digest.update(repr(sorted(BACKGROUNDS.items())).encode())
    for path in (out_dir / MANIFEST_NAME, Path(__file__), *sorted(TEMPLATES.glob("*.j2"))):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def write_gallery(out_dir: Path, title: str) -> Path | None:
    """Write ``index.html`` from ``manifest.json``; ``None`` if there is no valid manifest.

    The first line of the page names the digest it was made from; a page
    already made from the same digest is left as it is.
    """
    manifest = read_manifest(out_dir)
    if manifest is None:
        return None
    index = out_dir / INDEX_NAME
    stamp = f"<!-- made from {_made_from(out_dir, title)} -->"
    try:
        with open(index, encoding="utf-8") as page:
            if page.readline().rstrip("\n") == stamp:
                return index
    except (OSError, UnicodeDecodeError):
        pass
    page = _environment().get_template("gallery.html.j2").render(title=title, items=gallery_items(manifest),
                                                                 backgrounds=BACKGROUNDS)
    return write_text_atomic(index, f"{stamp}\n{page}")
