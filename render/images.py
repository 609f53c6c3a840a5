"""WebP beside every picture a page shows: what a reader downloads, at the size the page's slot needs.

A page offers each PNG's WebP through ``<picture><source type="image/webp">`` (the PNG stays, for a browser
without WebP and for what reads PNG alone), and a video's poster is WebP itself: ``<video poster>`` takes one URL,
and every browser that plays our MP4 or WebM shows a WebP poster.  How each kind is encoded was decided by
measuring the article's own outputs (sizes in bytes, summed over the dark and light twins in both layouts):

* figures and posters, flat colours and text: **lossless**, the same pixels in about half the bytes (figures at
  2x 3,210,284 B of PNG to 1,687,408; at 1x 1,764,559 to 1,035,024; posters 391,151 to 196,194).  Lossy at
  quality 90 saved little more on figures at 2x (1,855,564: *more* than lossless on the cat-and-dog images and the
  weights) and nothing on posters, and rang around text and lines (pixels off by up to 137 of 255);
* 3D stills, shaded surfaces drawn by a browser: **lossy at quality 90**, a sixth of the PNG (1,087,469 to 180,058;
  lossless kept 378,432; at the pixels they are shown at, 81,562).  Side by side at 4x, text, tick labels and the
  colour bar read the same as the PNG's (pixels off by 2.3 of 255, root mean square).

Lossless at ``method=6, quality=50`` (libwebp's effort): on the figures 2% smaller than its default (method 4,
quality 80) in two thirds of the time; its top effort (quality 100) saved 2% more in ten times the time.  The
encoder is deterministic: the same pixels give the same bytes, as every file of a render must.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from render.files import atomic_path

# The WebP beside each PNG role (render.settings.ROLES): the image's, and the one at the pixels it is shown at.
WEBP_OF = {"png": "webp", "png1x": "webp1x"}
LOSSLESS: dict[str, Any] = {"lossless": True, "method": 6, "quality": 50}  # figures, posters: exact, half the bytes
LOSSY: dict[str, Any] = {"quality": 90, "method": 6}  # 3D stills: a sixth of a PNG's bytes, reads the same


def write_webp(image, path: Path, lossy: bool = False, width: int | None = None) -> dict[str, int]:
    """Write the Pillow ``image`` as WebP at ``path`` (atomically), scaled down to ``width`` pixels wide where given
    (Lanczos: the smaller file of a ``srcset``, for a screen or a slot that shows fewer pixels); its width and
    height, as the manifest records them."""
    from PIL import Image

    if width is not None and width < image.width:
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    with atomic_path(path) as temporary:
        image.save(temporary, "WEBP", **(LOSSY if lossy else LOSSLESS))
    return {"width": image.width, "height": image.height}


def webp_of_png(png: Path, path: Path, lossy: bool = False, width: int | None = None) -> dict[str, int]:
    """The WebP of the PNG at ``png`` (see :func:`write_webp`): its pixels as drawn, the PNG's own."""
    from PIL import Image

    with Image.open(png) as image:
        image.load()
        return write_webp(image, path, lossy, width)


def webp_size(path: Path) -> tuple[int, int] | None:
    """Width and height of the WebP at ``path``, or ``None`` if it is not one."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size if image.format == "WEBP" else None
    except (OSError, UnidentifiedImageError):
        return None
