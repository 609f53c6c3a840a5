"""The rendered outputs as a page shows them: each output's files named by role, with its light twin's.

Both the gallery and ``render publish`` read them from ``manifest.json``
alone (``read_manifest`` has checked every path in it), so a page shows
exactly what was rendered, and the two write the same snippets.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from render.layouts import PHONE, phone_files
from render.spec import COLUMN
from render.theme import DEFAULT_THEME

# One copy serves every surface page: not counted in each one's size.
SHARED_FILES = {"plotly.min.js"}
# Widest an image is shown when it has no 1x file to say so: the column a figure is drawn for (CSS px).
COLUMN_PX = round(COLUMN * 100)


def human_size(n_bytes: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1000 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1000
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class RenderedOutput:
    """One output's files by role (see :func:`roles`), its words, and its light twin's files where rendered."""

    name: str
    kind: str
    caption: str
    alt: str
    files: dict[str, dict[str, Any]]
    # What the short alt text leaves out, a paragraph each (a video's begins its transcript): shown on request.
    description: tuple[str, ...] = ()
    light: dict[str, dict[str, Any]] = field(default_factory=dict)
    total_bytes: int = 0
    theme: str = DEFAULT_THEME  # the theme ``files`` were drawn in: the default's, else (rendered alone) the twin's

    @property
    def phone(self) -> dict[str, dict[str, Any]]:
        """The files of its phone layout, by their column's role (``png``, ``mp4``, ...): empty where it has none
        (a render before layouts, or a kind a page shows at any width)."""
        return phone_files(self.files)

    @property
    def light_phone(self) -> dict[str, dict[str, Any]]:
        """The phone layout's files of its light twin."""
        return phone_files(self.light)

    def phone_size(self) -> tuple[int, int] | None:
        """Width and height (CSS px) its phone layout's image or video is shown at: the 1x image's, else the
        2x image's or the video's halved to the phone's width."""
        image = self.phone.get("png1x") or self.phone.get("webp1x")
        if image and "width" in image:
            return image["width"], image["height"]
        image = self.phone.get("png") or self.phone.get("poster") or self.phone.get("mp4") or self.phone.get("webm")
        if not image or not image.get("width"):
            return None
        return PHONE.css_px, round(image["height"] * PHONE.css_px / image["width"])

    def in_scheme(self, scheme: str) -> RenderedOutput | None:
        """The output with the files of one colour scheme alone (``light``, ``dark``), or as it is (``auto``):
        a site that is always light shows its light twin to every reader, whatever their system's scheme.
        ``None`` where it has no file of that scheme."""
        if scheme == "auto":
            return self
        if self.theme == scheme:
            return replace(self, light={})
        if scheme == "light" and self.light:
            return replace(self, files=self.light, light={}, theme="light")
        return None

    @property
    def size(self) -> str:
        return human_size(self.total_bytes)

    @property
    def description_label(self) -> str:
        """What the control that opens the long description says: a video's is the text of what it shows over
        time, its transcript."""
        return "Transcript" if self.kind == "video" else "Description"

    @property
    def video(self) -> dict[str, Any] | None:
        """The file that says how long and how large the video is: MP4, else WebM, else GIF."""
        return self.files.get("mp4") or self.files.get("webm") or self.files.get("gif")

    @property
    def duration(self) -> float | None:
        return self.video.get("duration") if self.video else None

    def shown_size(self) -> tuple[int, int] | None:
        """Width and height (CSS px) an image is shown at, at most: its 1x file's (a figure's PNG, a 3D view's
        WebP), else its own scaled to the column.  Pages give them as ``width``/``height`` so the browser keeps
        the space and the aspect ratio."""
        files = self.files
        shown = files.get("png1x") or files.get("webp1x")
        image = shown or files.get("png") or files.get("poster")
        if not image or "width" not in image:
            return None
        width, height = image["width"], image["height"]
        if not shown and width > COLUMN_PX:
            width, height = COLUMN_PX, round(height * COLUMN_PX / width)
        return width, height


def roles(files: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each file by its role, as its writer recorded it (``render.settings.ROLES``): png, png1x, poster, vtt, ...

    The data behind an output is for readers of the numbers, not for a page.
    """
    named: dict[str, dict[str, Any]] = {}
    for file in files:
        if file["role"] != "data":
            named.setdefault(file["role"], file)
    return named


def rendered_outputs(manifest: dict[str, Any]) -> list[RenderedOutput]:
    """One per output in manifest order: the default theme's files (else the light twin's alone), and the twin's."""
    records: dict[str, dict[str, dict[str, Any]]] = {}  # name -> theme -> record
    for record in manifest.get("outputs", []):
        records.setdefault(record["name"], {})[record["theme"]] = record
    outputs = []
    for name, by_theme in records.items():
        main = by_theme.get("dark") or by_theme["light"]
        twin = by_theme.get("light") if main is not by_theme.get("light") else None
        outputs.append(RenderedOutput(
            name=name, kind=main["kind"], caption=main["caption"], alt=main["alt"],
            description=tuple(main["description"]),
            files=roles(main["files"]),
            light=roles(twin["files"]) if twin else {},
            total_bytes=sum(f["bytes"] for f in main["files"] if f["path"] not in SHARED_FILES),
            theme=main["theme"],
        ))
    return outputs
