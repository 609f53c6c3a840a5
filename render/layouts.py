"""The widths every picture is laid out for: a blog's column, and a phone held upright.

A picture drawn for a 700 px column and shown on a phone 390 px wide keeps its
layout and loses nearly half its size: 11 px text becomes 6, a loss panel under
a contour a sliver.  So each output is drawn twice: once for the column, and
once for the phone, its panels one above another at the phone's width, its
text the same size in CSS pixels as in the column.  A page offers the phone's
files where its viewport is narrow (``<source media>``), the column's elsewhere.

Each fact about a layout lives here: how wide it is shown, the part of its
file names that tells it apart, the roles its files are recorded under, and
the media query a page offers it under.
"""

from __future__ import annotations

from dataclasses import dataclass

from render.spec import COLUMN as COLUMN_INCHES
from render.spec import PHONE as PHONE_INCHES

CSS_PX_PER_INCH = 100  # a layout's sizes are in inches at 100 dpi: one inch, 100 CSS px


@dataclass(frozen=True)
class Layout:
    """``name`` is also the prefix of its files' roles (none for the column: ``png``, ``phone-png``); ``variant``
    goes into its file names after the theme (``NAME-light-phone.png``); ``media`` is the CSS media query under
    which a page offers it ("" for the column, which a page offers everywhere else)."""

    name: str
    inches: float
    variant: str
    media: str

    @property
    def css_px(self) -> int:
        """How wide the layout is shown: its text is sized for this width."""
        return round(self.inches * CSS_PX_PER_INCH)

    def role(self, role: str) -> str:
        """The role a file of this layout is recorded under, given the column's (``png`` -> ``phone-png``)."""
        return role if not self.variant else f"{self.name}-{role}"

    def file_variant(self, variant: str = "") -> str:
        """A file name's variant in this layout (``@1x`` -> ``-phone@1x``)."""
        return self.variant + variant


COLUMN = Layout("column", COLUMN_INCHES, "", "")
# Below 600 CSS px a column's picture would be shown at under 85% of its size (text under 9.4 px): a phone's
# layout then reads better, even shown narrower than the column beside the page's margins.
PHONE_WIDEST = 600  # CSS px: the widest window offered the phone's layout
PHONE = Layout("phone", PHONE_INCHES, "-phone", f"(max-width: {PHONE_WIDEST}px)")
LAYOUTS = (COLUMN, PHONE)
# The roles whose files have a phone's layout too: what a page shows (not the SVG, the data or the 3D page).
LAID_OUT_ROLES = ("png", "png1x", "webp", "webp1x", "mp4", "webm", "gif", "poster")


def phone_files(files: dict) -> dict:
    """The phone layout's files of an output, by their column role (``phone-png`` -> ``png``)."""
    prefix = PHONE.role("")
    return {role[len(prefix):]: file for role, file in files.items() if role.startswith(prefix)}
