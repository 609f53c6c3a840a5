"""The kinds of output, each described once: what a post declares, who writes it, what else it depends on.

Every fact about a kind lives in its :class:`Kind` here, and nowhere else:
the content a post's ``build`` returns for it, its writer (named, imported
only when an output of the kind renders), the external program whose
identity is part of its rebuild keys, the settings that change its files,
the group command that renders all of its kind, and where it goes in the
render order.  Adding a kind is one
entry in :data:`KINDS` and a writer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from render import spec

if TYPE_CHECKING:
    from render.settings import RenderSettings


def _video_settings(settings: RenderSettings) -> dict[str, object]:
    return dataclasses.asdict(settings.video)


def _surface_settings(settings: RenderSettings) -> dict[str, object]:
    # How long an export may take does not change the image it makes.
    return {k: v for k, v in dataclasses.asdict(settings.surface).items() if k != "export_timeout"}


@dataclass(frozen=True)
class Kind:
    """One kind of output.

    ``content``: the type its ``build`` returns; ``writer``: ``module:function`` writing it; ``tool``:
    ``module:function`` naming the external program the writer drives (by path and version: another one
    re-renders), if any; ``settings``: the settings that change its files (part of the rebuild key);
    ``group``: the command rendering every output of the kind; ``order``: lower renders first (longest first,
    so that on N workers the last to finish is a short one).
    """

    name: str
    content: type
    writer: str
    group: str
    help: str
    order: int
    tool: str | None = None
    settings: Callable[[RenderSettings], dict[str, object]] = lambda settings: {}


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("figure", spec.Figure, "render.figure:write_figure", "figures",
         "Render every static figure (PNG at 2x and 1x for a column and for a phone, SVG, and the CSV "
         "data behind it).", order=2),
    Kind("video", spec.Animation, "render.video:write_video", "videos",
         "Render every video (mp4, webm and a poster WebP for a column and for a phone, unless --formats "
         "says otherwise).", order=1,
         tool="render.encode:ffmpeg_identity", settings=_video_settings),
    # A surface's image is seconds of software WebGL, in one browser the surfaces share: first.
    Kind("surface", spec.Surface, "render.surface:write_surface", "surfaces",
         "Render the 3D loss surfaces: an interactive page, and a PNG for a column and one for a phone "
         "(the PNGs need a Chrome).",
         order=0, tool="render.chrome:chrome_identity", settings=_surface_settings),
)}
GROUPS: dict[str, str] = {kind.group: kind.name for kind in KINDS.values()}  # group command -> kind
